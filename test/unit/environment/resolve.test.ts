// How fetched secrets and failures become variables and errors.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Invocation, parseCommandLine } from '../../../src/cli/command-line.ts';
import { resolveVariables } from '../../../src/environment/resolve.ts';
import { WithsecretsError, WithsecretsErrors } from '../../../src/errors.ts';
import { type FetchResult, queryKey } from '../../../src/references/fetch-request.ts';
import { selectSecrets } from '../../../src/references/select.ts';

async function invocationOf(argv: string[]): Promise<Invocation> {
  const parsed = await parseCommandLine([...argv, '--', 'true'], {});
  return (parsed as { invocation: Invocation }).invocation;
}

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf';

describe('resolveVariables', () => {
  const fetched = (partial: Partial<FetchResult>): FetchResult => ({
    secrets: new Map(),
    matches: new Map(),
    failures: new Map(),
    errors: [],
    ...partial,
  });

  it('names the variable of a reference whose secret failed, and reports a --secret failure as it is', async () => {
    const selection = selectSecrets(await invocationOf(['-s', 'gone']), {
      DB: 'secretsmanager://missing#pw',
    });
    const notFound = (id: string) =>
      new WithsecretsError('SECRET_NOT_FOUND', `secret "${id}" not found in eu-west-1`);
    const result = fetched({
      failures: new Map([
        [queryKey({ id: 'gone' }), notFound('gone')],
        [queryKey({ id: 'missing' }), notFound('missing')],
      ]),
    });
    assert.throws(
      () => resolveVariables(selection, result),
      (thrown) =>
        thrown instanceof WithsecretsErrors &&
        thrown.errors.map((error) => error.message).join('\n') ===
          'secret "gone" not found in eu-west-1\nsecret "missing" not found in eu-west-1 (referenced by DB)',
    );
  });

  it('reports a call-wide failure once, however many secrets it hit', async () => {
    const selection = selectSecrets(await invocationOf(['-s', 'a', '-s', 'b']), {});
    const noCredentials = () => new WithsecretsError('NO_CREDENTIALS', 'no AWS credentials found');
    const result = fetched({
      failures: new Map([
        [queryKey({ id: 'a' }), noCredentials()],
        [queryKey({ id: 'b' }), noCredentials()],
      ]),
    });
    assert.throws(
      () => resolveVariables(selection, result),
      (thrown) => thrown instanceof WithsecretsError && thrown.code === 'NO_CREDENTIALS',
    );
  });

  it('masks the raw SecretString of every secret used, and reports variables in order', async () => {
    const selection = selectSecrets(await invocationOf(['-s', 'db', '-s', 'HOST=other']), {});
    const db = { name: 'db', arn: `${ARN}`, secretString: '{"HOST":"h1","PORT":5432}' };
    const other = { name: 'other', arn: `${ARN}2`, secretString: 'h2' };
    const resolved = resolveVariables(
      selection,
      fetched({
        secrets: new Map([
          [queryKey({ id: 'db' }), db],
          [queryKey({ id: 'other' }), other],
        ]),
      }),
    );
    assert.deepEqual(
      resolved.injected.map((variable) => [variable.name, variable.value, variable.secret]),
      [
        ['HOST', 'h1', true],
        ['PORT', '5432', false],
        ['HOST', 'h2', true],
      ],
    );
    assert.deepEqual(resolved.secretStrings, ['{"HOST":"h1","PORT":5432}', 'h2']);
  });

  for (const code of [
    'SECRET_NOT_FOUND',
    'ACCESS_DENIED',
    'SECRET_UNAVAILABLE',
    'DECRYPTION_FAILED',
    'BAD_REFERENCE',
  ] as const) {
    it(`names the variable of a reference on ${code}, keeping the code and the hint`, async () => {
      const selection = selectSecrets(await invocationOf([]), { DB: 'secretsmanager://s' });
      const failure = new WithsecretsError(code, 'about "s"', { hint: 'do this' });
      assert.throws(
        () => resolveVariables(selection, fetched({ failures: new Map([[queryKey({ id: 's' }), failure]]) })),
        (thrown) =>
          thrown instanceof WithsecretsError &&
          thrown.code === code &&
          thrown.message === 'about "s" (referenced by DB)' &&
          thrown.hint === 'do this',
      );
    });
  }

  it('leaves a call-wide error of a reference unnamed, and a hintless error hintless', async () => {
    const selection = selectSecrets(await invocationOf([]), { DB: 'secretsmanager://s' });
    const throttled = new WithsecretsError('THROTTLED', 'slow down');
    assert.throws(
      () => resolveVariables(selection, fetched({ failures: new Map([[queryKey({ id: 's' }), throttled]]) })),
      (thrown) => thrown === throttled,
    );
    const denied = new WithsecretsError('ACCESS_DENIED', 'no');
    assert.throws(
      () => resolveVariables(selection, fetched({ failures: new Map([[queryKey({ id: 's' }), denied]]) })),
      (thrown) => thrown instanceof WithsecretsError && thrown.hint === undefined,
    );
  });

  it('reports the wildcard errors the fetch gave, with the rest', async () => {
    const selection = selectSecrets(await invocationOf(['-s', 'gone']), {});
    const listing = new WithsecretsError('NO_MATCH', 'no secret name starts with "p/"');
    const gone = new WithsecretsError('SECRET_NOT_FOUND', 'gone');
    assert.throws(
      () =>
        resolveVariables(
          selection,
          fetched({ errors: [listing], failures: new Map([[queryKey({ id: 'gone' }), gone]]) }),
        ),
      (thrown) =>
        thrown instanceof WithsecretsErrors && thrown.errors.length === 2 && thrown.errors[0] === listing,
    );
  });

  it('turns a reference, an alias, a key and a wildcard into variables, a binary secret masked by no string', async () => {
    const selection = selectSecrets(await invocationOf(['-s', 'P=db', '-s', 'ONE=db#HOST', '-s', 'w/*']), {
      REF: 'secretsmanager://db#PORT',
    });
    const db = { name: 'db', arn: ARN, secretString: '{"HOST":"h1","PORT":5432}' };
    const bin = { name: 'w/bin', arn: `${ARN}3`, secretBinary: new Uint8Array([1, 2]) };
    const resolved = resolveVariables(
      selection,
      fetched({
        secrets: new Map([[queryKey({ id: 'db' }), db]]),
        matches: new Map([['w/', [bin]]]),
      }),
    );
    assert.deepEqual(
      resolved.injected.map((variable) => [variable.name, variable.source]),
      [
        ['P_HOST', 'db#HOST'],
        ['P_PORT', 'db#PORT'],
        ['ONE', 'db#HOST'],
        ['W_BIN', 'w/* (w/bin)'],
      ],
    );
    assert.deepEqual(
      resolved.references.map((variable) => [variable.name, variable.value]),
      [['REF', '5432']],
    );
    assert.deepEqual(resolved.secretStrings, ['{"HOST":"h1","PORT":5432}']);
  });
});
