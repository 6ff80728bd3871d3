// What a run asks AWS for: its references and the environment's, each version once.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Invocation, parseCommandLine } from '../../../src/cli/command-line.ts';
import { WithsecretsErrors } from '../../../src/errors.ts';
import { queryKey } from '../../../src/references/fetch-request.ts';
import { needsAws, planFetch, selectSecrets } from '../../../src/references/select.ts';

async function invocationOf(argv: string[]): Promise<Invocation> {
  const parsed = await parseCommandLine([...argv, '--', 'true'], {});
  return (parsed as { invocation: Invocation }).invocation;
}

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf';

describe('selectSecrets and planFetch', () => {
  it('asks for each id once per version, lists each prefix once, and keeps reference versions', async () => {
    const invocation = await invocationOf(['-s', 'a', '-s', 'X=a#k', '-s', 'app/*', '-s', 'P=app/*']);
    const env = { REF: 'secretsmanager://b#key', ECS: `${ARN}:password:AWSPREVIOUS:`, PLAIN: 'x' };
    const plan = planFetch(selectSecrets({ ...invocation, resolveArns: true }, env));
    assert.deepEqual(plan.queries, [
      { id: 'a' },
      { id: 'a' },
      { id: ARN, versionStage: 'AWSPREVIOUS' },
      { id: 'b' },
    ]);
    assert.deepEqual(plan.prefixes, ['app/']);
    assert.deepEqual(new Set(plan.queries.map(queryKey)).size, 3);
  });

  it('applies --version-stage to every --secret and to the secrets a prefix matches', async () => {
    const plan = planFetch(
      selectSecrets(await invocationOf(['--version-stage', 'AWSPREVIOUS', '-s', 'a', '-s', 'p*']), {}),
    );
    assert.deepEqual(plan.queries, [{ id: 'a', versionStage: 'AWSPREVIOUS' }]);
    assert.deepEqual(plan.prefixVersion, { versionStage: 'AWSPREVIOUS' });
  });

  it('reports every bad reference at once, from --secret and from the environment', async () => {
    const invocation = await invocationOf(['-s', 'a#', '-s', '*']);
    assert.throws(
      () => selectSecrets(invocation, { BROKEN: 'secretsmanager://' }),
      (thrown) => thrown instanceof WithsecretsErrors && thrown.errors.length === 3,
    );
  });

  it('ignores references with --no-resolve-env', async () => {
    const selection = selectSecrets(await invocationOf(['--no-resolve-env']), { REF: 'secretsmanager://b' });
    assert.deepEqual(selection.envReferences, []);
  });

  it("lets a reference's own version win over --version-stage and --version-id, whole", async () => {
    const id = 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111';
    const withStage = await invocationOf(['--version-stage', 'AWSPENDING', '-s', 'OLD=db~AWSPREVIOUS']);
    assert.deepEqual(planFetch(selectSecrets(withStage, {})).queries, [
      { id: 'db', versionStage: 'AWSPREVIOUS' },
    ]);
    const invocation = await invocationOf([
      '--version-id',
      'f0f0f0f0-5678-90ab-cdef-EXAMPLE22222',
      '-s',
      'NOW=db',
      '-s',
      'OLD=db~AWSPREVIOUS',
      '-s',
      `PINNED=db~id:${id}`,
    ]);
    assert.deepEqual(planFetch(selectSecrets(invocation, {})).queries, [
      { id: 'db', versionId: 'f0f0f0f0-5678-90ab-cdef-EXAMPLE22222' },
      { id: 'db', versionStage: 'AWSPREVIOUS' },
      { id: 'db', versionId: id },
    ]);
  });

  it('asks for the same secret at two stages as two queries', async () => {
    const plan = planFetch(selectSecrets(await invocationOf(['-s', 'A=db', '-s', 'B=db~AWSPREVIOUS']), {}));
    assert.equal(new Set(plan.queries.map(queryKey)).size, 2);
  });

  it('keys a query by id, stage and version id, none mistaken for another', () => {
    const keys = [
      { id: 'a' },
      { id: 'a', versionStage: 'x' },
      { id: 'a', versionId: 'x' },
      { id: 'a', versionStage: 'x', versionId: 'y' },
      { id: 'a', versionStage: 'y', versionId: 'x' },
      { id: 'ax' },
    ].map(queryKey);
    assert.equal(new Set(keys).size, keys.length);
  });

  it('needs AWS for a --secret or a reference, and not for neither', async () => {
    assert.equal(needsAws(selectSecrets(await invocationOf([]), {})), false);
    assert.equal(needsAws(selectSecrets(await invocationOf(['-s', 'a']), {})), true);
    assert.equal(needsAws(selectSecrets(await invocationOf([]), { R: 'secretsmanager://a' })), true);
  });

  it('keeps --version-id, --prefix and --name-case, and a reference version id, for the plan', async () => {
    const id = 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111';
    const selection = selectSecrets(
      await invocationOf(['--version-id', id, '--prefix', 'APP_', '--name-case', 'keep', '-s', 'a']),
      { R: `arn:aws:secretsmanager:eu-west-1:123456789012:secret:b-AbCdEf:k::${id}` },
    );
    assert.deepEqual(selection.version, { versionId: id });
    assert.deepEqual(selection.naming, { nameCase: 'keep', prefix: 'APP_' });
    assert.deepEqual(
      planFetch(selection).queries.map((query) => query.versionId),
      [id],
    );
    const withArns = selectSecrets(
      { ...(await invocationOf(['-s', 'a'])), resolveArns: true },
      {
        R: `arn:aws:secretsmanager:eu-west-1:123456789012:secret:b-AbCdEf:k::${id}`,
      },
    );
    assert.deepEqual(planFetch(withArns).queries[1], {
      id: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:b-AbCdEf',
      versionId: id,
    });
    assert.deepEqual(selectSecrets(await invocationOf(['-s', 'a']), {}).naming, { nameCase: 'upper' });
  });
});

describe('selectSecrets: --file and --stdin', () => {
  it('asks for each file and the stdin value with the run version, and needs AWS for them alone', async () => {
    const invocation = await invocationOf([
      '--version-stage',
      'AWSPREVIOUS',
      '--file',
      'K=a#k',
      '--stdin',
      'b',
    ]);
    const selection = selectSecrets(invocation, {});
    assert.deepEqual(planFetch(selection).queries, [
      { id: 'a', versionStage: 'AWSPREVIOUS' },
      { id: 'b', versionStage: 'AWSPREVIOUS' },
    ]);
    assert.equal(needsAws(selectSecrets(await invocationOf(['--stdin', 'b']), {})), true);
    assert.equal(needsAws(selectSecrets(await invocationOf(['--file', 'K=a']), {})), true);
  });

  it('refuses, all at once, a VAR from two --file, a VAR that a --secret names, and two VARs that share a file name', async () => {
    const invocation = await invocationOf([
      '-s',
      'K=c',
      '--file',
      'K=a',
      '--file',
      'K=b',
      '--file',
      'KEY=d',
      '--file',
      'key=e',
    ]);
    assert.throws(
      () => selectSecrets(invocation, {}),
      (error: unknown) => {
        assert.ok(error instanceof WithsecretsErrors);
        assert.deepEqual(
          error.errors.map((each) => each.message),
          [
            'K is named by --secret "K=c" and by --file "K=a"',
            '--file gives K twice; a variable holds one path',
            'K is named by --secret "K=c" and by --file "K=b"',
            '--file KEY and key would both be the file key',
          ],
        );
        return true;
      },
    );
  });

  it('lets a wildcard --secret prefix share its VAR with a --file: the wildcard never names VAR itself', async () => {
    const selection = selectSecrets(await invocationOf(['-s', 'K=app/*', '--file', 'K=a']), {});
    assert.equal(selection.files[0]?.variable, 'K');
  });
});

describe('selectSecrets: ssm:// in --file and --stdin', () => {
  it('asks Parameter Store for each parameter once, beside --param, and Secrets Manager for none of them', async () => {
    const invocation = await invocationOf([
      '--param',
      '/p/a',
      '--file',
      'K=ssm:///p/a#k',
      '--file',
      'L=ssm://p/b',
      '--stdin',
      'ssm:///p/c:2',
    ]);
    const plan = planFetch(selectSecrets(invocation, {}));
    assert.deepEqual(plan.queries, []);
    assert.deepEqual(plan.parameters, ['/p/a', '/p/b', '/p/c:2']);
  });

  it('refuses a parameter through the agent, which serves Secrets Manager only', async () => {
    const invocation = await invocationOf(['--agent', '--file', 'K=ssm:///p/a', '--stdin', 'ssm:///p/b']);
    assert.throws(
      () => selectSecrets(invocation, { AWS_TOKEN: 't' }),
      (error: unknown) => {
        assert.ok(error instanceof WithsecretsErrors);
        assert.deepEqual(
          error.errors.map((each) => each.message.split(' cannot')[0]),
          ['--file "K=ssm:///p/a"', '--stdin "ssm:///p/b"'],
        );
        return true;
      },
    );
  });
});
