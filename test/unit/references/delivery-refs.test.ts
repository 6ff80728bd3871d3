// Checks the --file VAR[.EXT]=REF and --stdin REF grammar: the variable, the file name, one value only.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WithsecretsError } from '../../../src/errors.ts';
import {
  isParameterValue,
  type ParameterValueRef,
  parameterSource,
  parseFileRef,
  parseStdinRef,
} from '../../../src/references/delivery-refs.ts';

function assertRefused(parse: () => unknown, fragment: string): void {
  assert.throws(parse, (error: unknown) => {
    assert.ok(error instanceof WithsecretsError);
    assert.equal(error.code, 'BAD_REFERENCE');
    assert.ok(error.message.includes(fragment), `${error.message} should include ${fragment}`);
    assert.ok(!/[\r\n]/.test(error.message), 'one line');
    assert.ok(error.hint !== undefined && error.hint.length > 0);
    return true;
  });
}

describe('parseFileRef', () => {
  it('takes VAR=ID: the file is named after VAR, lower-cased', () => {
    const file = parseFileRef('GOOGLE_APPLICATION_CREDENTIALS=ci/gcp-sa');
    assert.equal(file.variable, 'GOOGLE_APPLICATION_CREDENTIALS');
    assert.equal(file.fileName, 'google_application_credentials');
    assert.deepEqual(file.ref, {
      text: 'GOOGLE_APPLICATION_CREDENTIALS=ci/gcp-sa',
      alias: 'GOOGLE_APPLICATION_CREDENTIALS',
      id: 'ci/gcp-sa',
      wildcard: false,
    });
  });

  it('takes VAR.EXT=ID#KEY: the extension ends the file name, the key and a version stay on the reference', () => {
    const file = parseFileRef('TLS_KEY.pem=ci/tls~AWSPREVIOUS#key');
    assert.equal(file.variable, 'TLS_KEY');
    assert.equal(file.fileName, 'tls_key.pem');
    assert.deepEqual(file.ref, {
      text: 'TLS_KEY=ci/tls~AWSPREVIOUS#key',
      alias: 'TLS_KEY',
      id: 'ci/tls',
      key: 'key',
      wildcard: false,
      versionStage: 'AWSPREVIOUS',
    });
  });

  it("keeps a later '=' in the secret's name", () => {
    assert.equal((parseFileRef('K=team=a/key').ref as { id: string }).id, 'team=a/key');
  });

  it('refuses a missing VAR=, a VAR that is no variable name and a bad extension, naming the text', () => {
    assertRefused(() => parseFileRef('ci/gcp-sa'), 'bad --file "ci/gcp-sa": no VAR=');
    assertRefused(
      () => parseFileRef('9KEY=ci/gcp-sa'),
      'bad --file "9KEY=ci/gcp-sa": "9KEY" is not VAR or VAR.EXT',
    );
    assertRefused(() => parseFileRef('MY-KEY=ci/gcp-sa'), '"MY-KEY" is not VAR or VAR.EXT');
    assertRefused(() => parseFileRef('KEY.p-m=ci/tls'), '"KEY.p-m" is not VAR or VAR.EXT');
    assertRefused(() => parseFileRef('KEY.a.b=ci/tls'), '"KEY.a.b" is not VAR or VAR.EXT');
    assertRefused(() => parseFileRef('=ci/tls'), '"" is not VAR or VAR.EXT');
  });

  it('refuses a wildcard: a file holds one value', () => {
    assertRefused(() => parseFileRef('KEYS=ci/*'), 'bad --file "KEYS=ci/*": a wildcard selects many secrets');
  });

  it('passes on what --secret refuses in the reference itself', () => {
    assert.throws(() => parseFileRef('KEY=bad name'), /bad secret reference "KEY=bad name"/);
  });
});

describe('parseStdinRef', () => {
  it('takes ID and ID#KEY', () => {
    assert.deepEqual(parseStdinRef('ci/registry#password'), {
      text: 'ci/registry#password',
      id: 'ci/registry',
      key: 'password',
      wildcard: false,
    });
  });

  it('refuses a wildcard and a VAR=, which standard input has no use for', () => {
    assertRefused(() => parseStdinRef('ci/*'), 'bad --stdin "ci/*": a wildcard selects many secrets');
    assertRefused(
      () => parseStdinRef('TOKEN=ci/registry'),
      'bad --stdin "TOKEN=ci/registry": "TOKEN=" names a variable',
    );
  });
});

describe('ssm:// in --file and --stdin', () => {
  it('takes one parameter by name, with its selector and a #KEY; a leading / may be left out as ssm:// allows', () => {
    const file = parseFileRef('TLS_KEY.pem=ssm:///prod/app/tls#key');
    assert.equal(file.fileName, 'tls_key.pem');
    assert.deepEqual(file.ref, { text: 'ssm:///prod/app/tls#key', parameter: '/prod/app/tls', key: 'key' });
    assert.equal(parameterSource(file.ref as ParameterValueRef), 'ssm:///prod/app/tls#key');
    assert.deepEqual(parseStdinRef('ssm://prod/registry:3'), {
      text: 'ssm://prod/registry:3',
      parameter: '/prod/registry:3',
    });
    assert.ok(isParameterValue(parseStdinRef('ssm://token')));
  });

  it('reads a leading / as a secret name, which AWS allows: only ssm:// names a parameter', () => {
    const ref = parseStdinRef('/prod/app/token');
    assert.equal(isParameterValue(ref), false);
    assert.equal((ref as { id: string }).id, '/prod/app/token');
  });

  it('refuses a path, an empty name and a bad name, naming the text', () => {
    assertRefused(
      () => parseFileRef('K=ssm:///prod/*'),
      'bad --file "K=ssm:///prod/*": a reference names one',
    );
    assertRefused(() => parseStdinRef('ssm://'), 'bad --stdin "ssm://": no parameter name after ssm://');
    assertRefused(() => parseStdinRef('ssm:///a b'), 'bad --stdin "ssm:///a b": parameter name holds');
    assertRefused(() => parseStdinRef('ssm:///a#'), 'bad --stdin "ssm:///a#": empty key after \'#\'');
  });
});
