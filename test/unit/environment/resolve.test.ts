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
});
