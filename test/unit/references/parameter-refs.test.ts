// The --param grammar and Parameter Store's name rules, and how a parameter's variable is named.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  belowPath,
  findParameterNameProblem,
  lastLevel,
  parameterArnRegion,
  parameterQueryName,
  parseParameterRef,
} from '../../../src/references/parameter-refs.ts';

const ARN = 'arn:aws:ssm:eu-west-1:123456789012:parameter/prod/db';

describe('parseParameterRef', () => {
  it('reads a name, an alias, a selector and a key', () => {
    assert.deepEqual(parseParameterRef('/prod/app/db-url'), {
      text: '/prod/app/db-url',
      name: '/prod/app/db-url',
      path: false,
    });
    assert.deepEqual(parseParameterRef('DB=/prod/db:3#password'), {
      text: 'DB=/prod/db:3#password',
      alias: 'DB',
      name: '/prod/db',
      selector: '3',
      key: 'password',
      path: false,
    });
    assert.equal(parseParameterRef('/prod/db:prod').selector, 'prod');
    assert.equal(parseParameterRef('flat').name, 'flat');
  });

  it('reads a path, and an ARN with or without a selector', () => {
    assert.deepEqual(parseParameterRef('APP=/prod/app/*'), {
      text: 'APP=/prod/app/*',
      alias: 'APP',
      name: '/prod/app',
      path: true,
    });
    assert.deepEqual(parseParameterRef(ARN), { text: ARN, name: ARN, path: false });
    assert.equal(parseParameterRef(`${ARN}:2`).selector, '2');
    assert.equal(parseParameterRef(`${ARN}:2`).name, ARN);
  });

  it('takes a Secrets Manager reference with its secret name rules', () => {
    assert.equal(
      parseParameterRef('/aws/reference/secretsmanager/prod/db+x@y#k').name,
      '/aws/reference/secretsmanager/prod/db+x@y',
    );
  });

  it('refuses what Parameter Store would refuse, naming the reference', () => {
    const refusals: [string, RegExp][] = [
      ['', /it is empty/],
      ['prod/db', /a parameter name with \/ must start with \//],
      ['/prod/db!', /holds a character names cannot/],
      ['/prod//db', /empty level/],
      ['/prod/db:', /empty version or label/],
      ['/prod/db:a b', /is not a version or a label/],
      ['/prod/db#', /empty key after '#'/],
      ['/*', /'\/\*' alone would read every parameter/],
      ['/prod/*#key', /a path takes no #KEY/],
      ['/prod/a*', /'\*' may only end a path/],
      ['arn:aws:secretsmanager:us-east-1:123456789012:secret:x', /not a Parameter Store parameter ARN/],
      ['=/x', /empty variable name/],
      ['V=', /no parameter name after V=/],
    ];
    for (const [text, problem] of refusals) {
      assert.throws(
        () => parseParameterRef(text),
        (error: Error & { code?: string }) => {
          assert.equal(error.code, 'BAD_REFERENCE', text);
          assert.match(error.message, problem, text);
          assert.ok(
            error.message.startsWith(`bad parameter reference ${JSON.stringify(text)}: `),
            error.message,
          );
          return true;
        },
      );
    }
  });
});

describe('parameter names and naming', () => {
  it('names a parameter from its last level, and one under a path from the part below the path', () => {
    assert.equal(lastLevel('/prod/app/db-url'), 'db-url');
    assert.equal(lastLevel('flat'), 'flat');
    assert.equal(lastLevel(ARN), 'db');
    assert.equal(belowPath('/prod/app', '/prod/app/db/url'), 'db/url');
    assert.equal(belowPath('/prod/app/', '/prod/app/x'), 'x');
  });

  it('asks for a name with its selector, and reads the region of an ARN only', () => {
    assert.equal(parameterQueryName({ name: '/prod/db', selector: '3' }), '/prod/db:3');
    assert.equal(parameterQueryName({ name: '/prod/db' }), '/prod/db');
    assert.equal(parameterArnRegion(ARN), 'eu-west-1');
    assert.equal(parameterArnRegion('/prod/db'), undefined);
    assert.equal(findParameterNameProblem(ARN), undefined);
  });
});

describe('inherited parameter references', () => {
  it('reads ssm:// (a hierarchical name may drop its leading /) and refuses a path, naming no value', async () => {
    const { findEnvReferences } = await import('../../../src/references/env-refs.ts');
    const found = findEnvReferences(
      { A: 'ssm:///prod/db', B: 'ssm://prod/db:2#user', C: ARN, D: 'ssm://flat' },
      { resolveArns: true },
    );
    assert.deepEqual(
      found.map(({ variable, id, key, parameter }) => ({ variable, id, key, parameter })),
      [
        { variable: 'A', id: '/prod/db', key: undefined, parameter: true },
        { variable: 'B', id: '/prod/db:2', key: 'user', parameter: true },
        { variable: 'C', id: ARN, key: undefined, parameter: true },
        { variable: 'D', id: 'flat', key: undefined, parameter: true },
      ],
    );
    assert.deepEqual(findEnvReferences({ C: ARN }, { resolveArns: false }), []);
    assert.throws(
      () => findEnvReferences({ X: 'ssm:///prod/*', Y: 'ssm://' }, { resolveArns: false }),
      (error: Error) => {
        assert.match(
          error.message,
          /variable X holds a malformed parameter reference: a reference names one parameter/,
        );
        assert.doesNotMatch(error.message, /prod\/\*/);
        return true;
      },
    );
  });
});
