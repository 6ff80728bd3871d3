// Checks which inherited variables count as secret references, and that malformed ones fail closed.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WithsecretsError, WithsecretsErrors } from '../../../src/errors.ts';
import { findEnvReferences } from '../../../src/references/env-refs.ts';

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf';
const CN_ARN = 'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:prod/db-AbCdEf';
const GOV_ARN = 'arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:prod/db-AbCdEf';
const OFF = { resolveArns: false };
const ON = { resolveArns: true };

/** The errors thrown by `run`, flattened, after checking they are all BAD_REFERENCE with a hint. */
function badReferences(run: () => unknown): WithsecretsError[] {
  try {
    run();
  } catch (thrown) {
    const errors = thrown instanceof WithsecretsErrors ? [...thrown.errors] : [thrown];
    return errors.map((error) => {
      assert.ok(error instanceof WithsecretsError);
      assert.equal(error.code, 'BAD_REFERENCE');
      assert.ok(error.hint !== undefined && error.hint.length > 0);
      return error;
    });
  }
  assert.fail('expected BAD_REFERENCE');
}

describe('findEnvReferences: secretsmanager://', () => {
  it('finds a name, with and without a key', () => {
    const env = {
      DB_PASSWORD: 'secretsmanager://prod/db#password',
      API_KEY: 'secretsmanager://prod/api-key',
    };
    assert.deepEqual(findEnvReferences(env, OFF), [
      { variable: 'API_KEY', text: 'secretsmanager://prod/api-key', id: 'prod/api-key' },
      { variable: 'DB_PASSWORD', text: 'secretsmanager://prod/db#password', id: 'prod/db', key: 'password' },
    ]);
  });

  it('finds full and partial ARNs of each partition', () => {
    const partial = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db';
    const env = {
      A: `secretsmanager://${ARN}#password`,
      B: `secretsmanager://${CN_ARN}`,
      C: `secretsmanager://${GOV_ARN}#user`,
      D: `secretsmanager://${partial}`,
    };
    assert.deepEqual(findEnvReferences(env, OFF), [
      { variable: 'A', text: env.A, id: ARN, key: 'password' },
      { variable: 'B', text: env.B, id: CN_ARN },
      { variable: 'C', text: env.C, id: GOV_ARN, key: 'user' },
      { variable: 'D', text: env.D, id: partial },
    ]);
  });

  it('keeps a dotted key and splits on the first #', () => {
    const [reference] = findEnvReferences({ X: 'secretsmanager://prod/db#db.host#x' }, OFF);
    assert.equal(reference?.id, 'prod/db');
    assert.equal(reference?.key, 'db.host#x');
  });

  it('leaves other values alone: plain text, other schemes, other case, leading space, undefined', () => {
    const env = {
      HOME: '/root',
      URL: 'https://secretsmanager.eu-west-1.amazonaws.com',
      UPPER: 'SECRETSMANAGER://prod/db',
      SPACED: ' secretsmanager://prod/db',
      SSM: 'SSM://param',
      GONE: undefined,
    };
    assert.deepEqual(findEnvReferences(env, ON), []);
  });

  it('refuses malformed references, naming the variable and the problem', () => {
    const cases: [string, string][] = [
      ['secretsmanager://', 'no secret id after secretsmanager://'],
      ['secretsmanager://#password', 'no secret id after secretsmanager://'],
      ['secretsmanager://prod/db#', "empty key after '#'"],
      ['secretsmanager://prod/*', 'a reference names one secret, not a wildcard'],
      ['secretsmanager://prod db', 'secret name holds U+0020'],
      ['secretsmanager://prod/db ', 'secret name holds U+0020'],
      [`secretsmanager://${ARN}:password`, 'text after the secret name'],
      ['secretsmanager://arn:aws:s3:::bucket', 'not a Secrets Manager secret ARN'],
    ];
    for (const [text, fragment] of cases) {
      const [error, ...rest] = badReferences(() => findEnvReferences({ DB_PASSWORD: text }, OFF));
      assert.equal(rest.length, 0);
      assert.ok(error?.message.startsWith('variable DB_PASSWORD holds a malformed secret reference'), text);
      assert.ok(error?.message.includes(fragment), `${error?.message} should include ${fragment}`);
    }
  });

  it('does not quote a malformed value, which might not be a reference at all', () => {
    const text = 'secretsmanager://hunter2 is my password';
    const [error] = badReferences(() => findEnvReferences({ NOTE: text }, OFF));
    assert.ok(!error?.message.includes('hunter2'), error?.message);
    assert.ok(!error?.hint?.includes('hunter2'));
  });

  it('reports every malformed variable at once, in name order', () => {
    const env = {
      Z_BAD: 'secretsmanager://',
      GOOD: 'secretsmanager://prod/db',
      A_BAD: 'secretsmanager://x#',
    };
    const errors = badReferences(() => findEnvReferences(env, OFF));
    assert.deepEqual(
      errors.map((error) => error.message.split(' ')[1]),
      ['A_BAD', 'Z_BAD'],
    );
  });
});

describe('findEnvReferences: bare ARNs (ECS valueFrom)', () => {
  it('leaves bare ARNs alone without resolveArns', () => {
    assert.deepEqual(findEnvReferences({ DB_SECRET_ARN: ARN, X: `${ARN}:password::` }, OFF), []);
  });

  it('does not even check bare ARNs without resolveArns', () => {
    assert.deepEqual(findEnvReferences({ X: `${ARN}:a:b:c:d:e` }, OFF), []);
  });

  it('resolves every optional-field combination with resolveArns', () => {
    const cases: [string, Record<string, string>][] = [
      [ARN, {}],
      [`${ARN}:`, {}],
      [`${ARN}:password`, { key: 'password' }],
      [`${ARN}:password::`, { key: 'password' }],
      [`${ARN}:password:AWSPREVIOUS`, { key: 'password', versionStage: 'AWSPREVIOUS' }],
      [`${ARN}:password:AWSPREVIOUS:`, { key: 'password', versionStage: 'AWSPREVIOUS' }],
      [
        `${ARN}:password:AWSCURRENT:0b5bd5d4-7e35-4bbd-a3b4-1a2b3c4d5e6f`,
        { key: 'password', versionStage: 'AWSCURRENT', versionId: '0b5bd5d4-7e35-4bbd-a3b4-1a2b3c4d5e6f' },
      ],
      [
        `${ARN}:::0b5bd5d4-7e35-4bbd-a3b4-1a2b3c4d5e6f`,
        { versionId: '0b5bd5d4-7e35-4bbd-a3b4-1a2b3c4d5e6f' },
      ],
      [`${ARN}::AWSPENDING`, { versionStage: 'AWSPENDING' }],
      [`${ARN}::AWSPENDING:`, { versionStage: 'AWSPENDING' }],
    ];
    for (const [text, fields] of cases) {
      assert.deepEqual(
        findEnvReferences({ DB: text }, ON),
        [{ variable: 'DB', text, id: ARN, ...fields }],
        text,
      );
    }
  });

  it('resolves the aws-cn and aws-us-gov partitions and partial ARNs', () => {
    const partial = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db';
    const env = { CN: `${CN_ARN}:password`, GOV: GOV_ARN, PARTIAL: `${partial}:user` };
    assert.deepEqual(findEnvReferences(env, ON), [
      { variable: 'CN', text: env.CN, id: CN_ARN, key: 'password' },
      { variable: 'GOV', text: GOV_ARN, id: GOV_ARN },
      { variable: 'PARTIAL', text: env.PARTIAL, id: partial, key: 'user' },
    ]);
  });

  it('ignores ARNs of other services, and secretsmanager ARNs that are not secrets', () => {
    const env = {
      // Parameter ARNs are Parameter Store references (test/unit/references/parameter-refs.test.ts); this is no parameter.
      DOCUMENT: 'arn:aws:ssm:eu-west-1:123456789012:document/prod/db',
      ROLE: 'arn:aws:iam::123456789012:role/secret:x',
      OTHER: 'arn:aws:secretsmanager:eu-west-1:123456789012:other',
      NOT_AWS: 'arn:azure:secretsmanager:eu-west-1:123456789012:secret:x',
    };
    assert.deepEqual(findEnvReferences(env, ON), []);
  });

  it('refuses too many fields, and malformed secret ARNs, with resolveArns', () => {
    const cases: [string, string][] = [
      [`${ARN}:password:AWSCURRENT:id:extra`, 'too many fields after the secret name'],
      ['arn:aws:secretsmanager:eu-west-1:1234:secret:prod/db', '"1234" is not a 12-digit account id'],
      ['arn:aws:secretsmanager::123456789012:secret:prod/db', '"" is not an AWS region'],
      ['arn:aws:secretsmanager:eu-west-1:123456789012:secret::password', 'empty secret name'],
      ['arn:aws:secretsmanager:eu-west-1:secret:prod/db', 'not a Secrets Manager secret ARN'],
    ];
    for (const [text, fragment] of cases) {
      const [error] = badReferences(() => findEnvReferences({ DB: text }, ON));
      assert.ok(error?.message.startsWith('variable DB holds a malformed secret reference'), text);
      assert.ok(error?.message.includes(fragment), `${error?.message} should include ${fragment}`);
    }
  });

  it('still resolves secretsmanager:// references with resolveArns on', () => {
    assert.deepEqual(findEnvReferences({ A: 'secretsmanager://prod/db', B: ARN }, ON), [
      { variable: 'A', text: 'secretsmanager://prod/db', id: 'prod/db' },
      { variable: 'B', text: ARN, id: ARN },
    ]);
  });
});
