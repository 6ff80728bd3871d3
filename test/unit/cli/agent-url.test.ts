// --agent [URL] and WITHSECRETS_AGENT: the default URL, URLs refused, and the options the agent leaves no room for.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_AGENT_URL, parseAgentUrl } from '../../../src/cli/agent-url.ts';
import { type Invocation, parseCommandLine } from '../../../src/cli/command-line.ts';
import { WithsecretsError } from '../../../src/errors.ts';
import { selectSecrets } from '../../../src/references/select.ts';

async function invocationOf(argv: string[], env: Record<string, string> = {}): Promise<Invocation> {
  const parsed = await parseCommandLine(argv, env);
  assert.equal(parsed.kind, 'run');
  return (parsed as { invocation: Invocation }).invocation;
}

async function usageMessage(argv: string[], env: Record<string, string> = {}): Promise<string> {
  const error = await parseCommandLine(argv, env).then(
    () => assert.fail(`expected a usage error for ${JSON.stringify(argv)}`),
    (thrown: unknown) => thrown,
  );
  assert.ok(error instanceof WithsecretsError);
  assert.equal(error.code, 'USAGE');
  return error.message;
}

describe('--agent on the command line', () => {
  it('alone means the default URL, also as the last option before --', async () => {
    assert.equal(DEFAULT_AGENT_URL, 'http://localhost:2773');
    assert.equal((await invocationOf(['--agent', '--', 'cmd'])).agentUrl, 'http://localhost:2773');
    const before = await invocationOf(['--agent', '-s', 'a', '--', 'cmd']);
    assert.equal(before.agentUrl, 'http://localhost:2773');
    assert.deepEqual(before.secrets, ['a']);
  });

  it('takes a URL as its value, with a space or =, and keeps its origin', async () => {
    const spaced = await invocationOf(['--agent', 'http://x:1', '-s', 'a', '--', 'cmd']);
    assert.equal(spaced.agentUrl, 'http://x:1');
    assert.deepEqual(spaced.secrets, ['a']);
    assert.deepEqual(spaced.command, ['cmd']);
    assert.equal(
      (await invocationOf(['--agent=http://127.0.0.1:2773/', '--', 'cmd'])).agentUrl,
      'http://127.0.0.1:2773',
    );
  });

  it('is off without the flag or the variable', async () => {
    assert.equal((await invocationOf(['-s', 'a', '--', 'cmd'])).agentUrl, undefined);
  });
});

describe('WITHSECRETS_AGENT', () => {
  it('is a URL, or true/1 for the default, or false/0 for off', async () => {
    const url = (value: string) =>
      invocationOf(['--', 'cmd'], { WITHSECRETS_AGENT: value }).then((i) => i.agentUrl);
    assert.equal(await url('http://127.0.0.1:9'), 'http://127.0.0.1:9');
    assert.equal(await url('true'), DEFAULT_AGENT_URL);
    assert.equal(await url('1'), DEFAULT_AGENT_URL);
    assert.equal(await url('false'), undefined);
    assert.equal(await url('0'), undefined);
    assert.equal(await url(''), undefined);
  });

  it('gives way to --agent on the command line, --agent false included', async () => {
    const env = { WITHSECRETS_AGENT: 'http://127.0.0.1:9' };
    assert.equal((await invocationOf(['--agent', '--', 'cmd'], env)).agentUrl, DEFAULT_AGENT_URL);
    assert.equal((await invocationOf(['--agent', 'false', '--', 'cmd'], env)).agentUrl, undefined);
  });
});

describe('parseAgentUrl refusals', () => {
  for (const [value, fragment] of [
    ['https://localhost:2773', 'takes an http:// URL, not https://'],
    ['localhost:2773', 'takes an http:// URL'],
    ['not a url', 'takes an http:// URL such as http://localhost:2773; this value is not a URL'],
    ['http://user:pw@localhost:2773', 'without a user or password'],
    ['http://localhost:2773/secretsmanager/get', "the agent's address only"],
    ['http://localhost:2773/?secretId=x', "the agent's address only"],
  ] as const) {
    it(`refuses ${value}`, () => {
      assert.throws(
        () => parseAgentUrl(value),
        (error: unknown) =>
          error instanceof WithsecretsError && error.code === 'USAGE' && error.message.includes(fragment),
      );
    });
  }
  it('never prints a password it refuses, in a URL or in a value that is no URL', () => {
    assert.throws(
      () => parseAgentUrl('http://user:pw-FAKE-88 x@localhost:2773'),
      (error: unknown) =>
        error instanceof WithsecretsError && !`${error.message}${error.hint}`.includes('pw-FAKE-88'),
    );
    assert.throws(
      () => parseAgentUrl('http://user:pw-FAKE-77@localhost:2773'),
      (error: unknown) =>
        error instanceof WithsecretsError && !`${error.message}${error.hint}`.includes('pw-FAKE-77'),
    );
  });
});

describe('options that do not apply through the agent', () => {
  for (const [flag, value] of [
    ['--region', 'eu-west-1'],
    ['--profile', 'prod'],
    ['--endpoint-url', 'http://127.0.0.1:4566'],
    ['--fallback-region', 'eu-west-1'],
  ] as const) {
    it(`refuses ${flag} with --agent`, async () => {
      assert.equal(
        await usageMessage(['--agent', flag, value, '--', 'cmd']),
        `${flag} cannot be used with --agent: the agent calls Secrets Manager with its own region, credentials and endpoint`,
      );
    });
  }
  it('refuses them from WITHSECRETS_ variables too, and allows them without --agent', async () => {
    assert.match(
      await usageMessage(['--agent', '--', 'cmd'], { WITHSECRETS_REGION: 'eu-west-1' }),
      /^--region cannot/,
    );
    assert.equal((await invocationOf(['--region', 'eu-west-1', '--', 'cmd'])).region, 'eu-west-1');
  });
});

describe('wildcards through the agent', () => {
  it('are refused, each named, while named secrets pass', async () => {
    const invocation = await invocationOf([
      '--agent',
      '-s',
      'ci/db',
      '-s',
      'app/*',
      '-s',
      'P=prod/*',
      '--',
      'cmd',
    ]);
    const error = (() => {
      try {
        selectSecrets(invocation, {});
      } catch (thrown) {
        return thrown;
      }
      return assert.fail('expected the wildcards to be refused');
    })() as { errors: WithsecretsError[] };
    assert.deepEqual(
      error.errors.map((each) => [each.code, each.message]),
      [
        [
          'USAGE',
          '--secret "app/*" is a wildcard, which the Secrets Manager Agent cannot serve (it has no ListSecrets)',
        ],
        [
          'USAGE',
          '--secret "P=prod/*" is a wildcard, which the Secrets Manager Agent cannot serve (it has no ListSecrets)',
        ],
      ],
    );
  });
  it('are allowed without the agent', async () => {
    const selection = selectSecrets(await invocationOf(['-s', 'app/*', '--', 'cmd']), {});
    assert.equal(selection.refs[0]?.wildcard, true);
  });
});
