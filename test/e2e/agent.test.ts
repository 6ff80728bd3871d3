// --agent end to end: the built bin reads through the emulator's stand-in agent, with no SDK, no credentials, no API call.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { AGENT_OPERATION } from '../emulator/agent.ts';
import { type Emulator, startEmulator } from '../emulator/emulator.ts';
import { BIN, closedPort, EMPTY_AWS_CONFIG, fixture, NODE, printedEnv, runBin, startBin } from './harness.ts';

const TOKEN = 'agent-token-FAKE-5f3a9c';
const PRINT_ENV = fixture('print-env.js');

/** A job's environment with the agent's token and nothing of AWS: no credentials, no region, no endpoint. */
function agentEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    AWS_TOKEN: TOKEN,
    AWS_CONFIG_FILE: '/nonexistent',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}

describe('--agent: secrets through the Secrets Manager Agent', () => {
  let emulator: Emulator;
  let agent: string;
  let scratch: string;
  before(async () => {
    emulator = await startEmulator({ agent: { token: TOKEN } });
    agent = emulator.agentUrl ?? assert.fail('no agent');
    emulator.createSecret('ci/db', { user: 'admin', password: 'pw-FAKE-agent-old' });
    emulator.putSecretValue('ci/db', { user: 'admin', password: 'pw-FAKE-agent-new' });
    emulator.createSecret('ci/npm', 'npm_FAKE_agent_token');
    emulator.createSecret('ci/locked', 'locked-FAKE-value');
    emulator.deny({ accessKeyId: 'test', operation: 'GetSecretValue', secretId: 'ci/locked' });
    scratch = mkdtempSync(join(tmpdir(), 'withsecrets-agent-'));
  });
  after(async () => {
    rmSync(scratch, { recursive: true, force: true });
    await emulator.close();
  });
  beforeEach(() => emulator.clearCalls());

  /** Every call the emulator saw that was not the agent's: Secrets Manager's API must see none. */
  const apiCalls = () => emulator.calls.filter((call) => call.operation !== AGENT_OPERATION).length;

  /** A command that leaves a file behind if it ever runs. */
  function markerCommand(name: string): { command: string[]; ran: () => boolean } {
    const path = join(scratch, name);
    return {
      command: [NODE, '-e', `require('fs').writeFileSync(${JSON.stringify(path)}, 'ran')`],
      ran: () => existsSync(path),
    };
  }

  it('fetches a JSON secret, a #KEY and a version stage with one agent request each, and no API call', async () => {
    const result = await runBin(
      [
        '--agent',
        agent,
        '--no-mask',
        '-s',
        'ci/db',
        '-s',
        'TOKEN=ci/npm',
        '-s',
        'OLD=ci/db~AWSPREVIOUS#password',
        '--',
        NODE,
        PRINT_ENV,
        'USER',
        'PASSWORD',
        'TOKEN',
        'OLD',
      ],
      agentEnv(),
    );
    assert.equal(result.stderr, '');
    assert.equal(result.status, 0);
    assert.deepEqual(printedEnv(result.stdout), {
      USER: 'admin',
      PASSWORD: 'pw-FAKE-agent-new',
      TOKEN: 'npm_FAKE_agent_token',
      OLD: 'pw-FAKE-agent-old',
    });
    assert.equal(emulator.count({ operation: AGENT_OPERATION }), 3);
    assert.equal(apiCalls(), 0);
  });

  it('applies --version-stage to every secret, and WITHSECRETS_AGENT works as --agent does', async () => {
    const result = await runBin(
      [
        '--no-mask',
        '--version-stage',
        'AWSPREVIOUS',
        '-s',
        'ci/db#password',
        '--',
        NODE,
        PRINT_ENV,
        'PASSWORD',
      ],
      agentEnv({ WITHSECRETS_AGENT: agent }),
    );
    assert.deepEqual([result.status, result.stderr], [0, '']);
    assert.deepEqual(printedEnv(result.stdout), { PASSWORD: 'pw-FAKE-agent-old' });
    assert.equal(emulator.count({ operation: AGENT_OPERATION }), 1);
    assert.equal(apiCalls(), 0);
  });

  it('masks what came through the agent', async () => {
    const result = await runBin(
      ['--agent', agent, '-s', 'ci/npm', '--', NODE, '-e', 'console.log("token:", process.env.CI_NPM)'],
      agentEnv(),
    );
    assert.deepEqual([result.status, result.stdout, result.stderr], [0, 'token: ***\n', '']);
  });

  it('tells not found from access denied, one line each naming the secret, and runs nothing', async () => {
    const marker = markerCommand('denied');
    const result = await runBin(
      ['--agent', agent, '-s', 'ci/npm', '-s', 'missing/x', '-s', 'ci/locked', '--', ...marker.command],
      agentEnv(),
    );
    assert.equal(result.status, 125);
    assert.equal(result.stdout, '');
    assert.deepEqual(result.stderr.trim().split('\n').sort(), [
      `withsecrets: [ACCESS_DENIED] access denied to secret "ci/locked" in the region of the Secrets Manager Agent at ${agent} (fix: allow secretsmanager:GetSecretValue on it for this identity (and kms:Decrypt on its key))`,
      `withsecrets: [SECRET_NOT_FOUND] secret "missing/x" not found in the region of the Secrets Manager Agent at ${agent} (fix: check the name and the region (--region, or use the full ARN))`,
    ]);
    assert.equal(marker.ran(), false);
    assert.equal(apiCalls(), 0);
  });

  it('names the token source, never the token, when the agent refuses it', async () => {
    const marker = markerCommand('bad-token');
    const result = await runBin(
      ['--agent', agent, '-s', 'ci/npm', '--', ...marker.command],
      agentEnv({ AWS_TOKEN: 'wrong-FAKE-token' }),
    );
    assert.equal(result.status, 125);
    assert.equal(
      result.stderr,
      `withsecrets: [BAD_CREDENTIALS] the Secrets Manager Agent at ${agent} refused the token from AWS_TOKEN for secret "ci/npm" (403 Bad Token) (fix: give the agent's own token: AWS_TOKEN=TOKEN, or AWS_TOKEN=file://PATH of the file it reads)\n`,
    );
    assert.ok(!result.stderr.includes('wrong-FAKE-token'));
    assert.equal(marker.ran(), false);
    assert.equal(emulator.count({ operation: AGENT_OPERATION }), 1, 'a refused token is not retried');
  });

  it('reads the token from the file AWS_TOKEN names with file://', async () => {
    const file = join(scratch, 'awssmatoken');
    writeFileSync(file, `${TOKEN}\n`);
    const result = await runBin(
      ['--agent', agent, '--no-mask', '-s', 'ci/npm', '--', NODE, PRINT_ENV, 'CI_NPM'],
      agentEnv({ AWS_TOKEN: `file://${file}` }),
    );
    assert.deepEqual([result.status, result.stderr], [0, '']);
    assert.deepEqual(printedEnv(result.stdout), { CI_NPM: 'npm_FAKE_agent_token' });
  });

  it('fails before any request when there is no token', async () => {
    const env = agentEnv();
    delete env.AWS_TOKEN;
    const result = await runBin(['--agent', agent, '-s', 'ci/npm', '--', 'true'], env);
    assert.equal(result.status, 125);
    assert.match(
      result.stderr,
      /^withsecrets: \[NO_CREDENTIALS\] no token for the Secrets Manager Agent \(fix: set AWS_TOKEN/,
    );
    assert.equal(emulator.calls.length, 0);
  });

  it('refuses a wildcard in one line naming it, and asks nothing', async () => {
    const marker = markerCommand('wildcard');
    const result = await runBin(['--agent', agent, '-s', 'ci/*', '--', ...marker.command], agentEnv());
    assert.equal(result.status, 125);
    assert.equal(
      result.stderr,
      'withsecrets: [USAGE] --secret "ci/*" is a wildcard, which the Secrets Manager Agent cannot serve (it has no ListSecrets) (fix: name each secret with its own --secret, or run without --agent)\n',
    );
    assert.equal(marker.ran(), false);
    assert.equal(emulator.calls.length, 0);
  });

  it('an unreachable agent is a clear 125 naming its URL, after quick retries', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const marker = markerCommand('unreachable');
    const started = Date.now();
    const result = await runBin(['--agent', url, '-s', 'ci/npm', '--', ...marker.command], agentEnv());
    assert.equal(result.status, 125);
    assert.equal(
      result.stderr,
      `withsecrets: [NETWORK] cannot reach the Secrets Manager Agent at ${url} for secret "ci/npm" (ECONNREFUSED) (fix: start the agent (it listens on ${url.slice('http://'.length)}), or point --agent at it)\n`,
    );
    assert.ok(Date.now() - started < 5000, 'three attempts take about a second at most');
    assert.equal(marker.ran(), false);
  });

  it('retries a 5xx from the agent, and reports it when it persists', async () => {
    emulator.inject({ fault: 'error500', operation: AGENT_OPERATION, times: 2 });
    const recovered = await runBin(['--agent', agent, '--no-mask', '-s', 'ci/npm', '--', 'true'], agentEnv());
    assert.deepEqual([recovered.status, recovered.stderr], [0, '']);
    assert.equal(emulator.count({ operation: AGENT_OPERATION }), 3);
    emulator.clearCalls();
    emulator.inject({ fault: 'error500', operation: AGENT_OPERATION, times: 3 });
    const failed = await runBin(['--agent', agent, '-s', 'ci/npm', '--', 'true'], agentEnv());
    assert.equal(failed.status, 125);
    assert.equal(
      failed.stderr,
      'withsecrets: [AWS_ERROR] secretsmanager:GetSecretValue failed for secret "ci/npm": InternalServiceError (fix: AWS said: An error occurred on the server side.)\n',
    );
    assert.equal(emulator.count({ operation: AGENT_OPERATION }), 3);
  });

  it('--watch re-reads through the agent and acts on a change', async (t) => {
    emulator.createSecret('watch/key', 'key-FAKE-old-1');
    const run = startBin(
      [
        '--agent',
        agent,
        '--watch',
        '1s',
        '--on-change',
        'exit',
        '--grace',
        '1s',
        '--no-mask',
        '-s',
        'KEY=watch/key',
        '--',
        NODE,
        fixture('watch-server.js'),
        'KEY',
      ],
      agentEnv(),
    );
    t.after(() => run.child.kill('SIGKILL'));
    await run.waitForLine(/^READY \d+ KEY=key-FAKE-old-1$/);
    emulator.putSecretValue('watch/key', 'key-FAKE-new-2');
    const result = await run.finished;
    assert.equal(result.status, 125);
    assert.equal(
      result.stderr,
      'withsecrets: secrets changed (watch/key): stopping the command and exiting 125\n',
    );
    assert.ok(emulator.count({ operation: AGENT_OPERATION }) >= 2);
    assert.equal(apiCalls(), 0);
  });

  it('never prints the token: not on success, in --dry-run, in failures, nor in Node and withsecrets debug output', async () => {
    // http, net and the other sections that print connection options are refused (hygiene.test.ts).
    const debug = { NODE_DEBUG: 'stream', WITHSECRETS_DEBUG: 'stack' };
    const runs = await Promise.all([
      runBin(
        ['--agent', agent, '-s', 'ci/npm', '--', NODE, '-e', 'console.log(process.argv.join(" "))'],
        agentEnv(debug),
      ),
      runBin(['--agent', agent, '--dry-run', '-s', 'ci/db', '--', 'true'], agentEnv(debug)),
      runBin(['--agent', agent, '-s', 'missing/x', '-s', 'ci/locked', '--', 'true'], agentEnv(debug)),
      runBin(
        ['--agent', `http://127.0.0.1:${await closedPort()}`, '-s', 'ci/npm', '--', 'true'],
        agentEnv(debug),
      ),
    ]);
    assert.deepEqual(
      runs.map((run) => run.status),
      [0, 0, 125, 125],
    );
    assert.match(runs[1]?.stdout ?? '', /^USER <- ci\/db/m);
    // Node's own debug output is there to look at.
    assert.match(runs[0]?.stderr ?? '', /^STREAM \d+: /m);
    for (const run of runs) {
      assert.ok(!run.stdout.includes(TOKEN), run.stdout);
      assert.ok(!run.stderr.includes(TOKEN), run.stderr);
    }
  });

  it('never loads the SDK: it runs from an install whose dist/ holds no aws-sdk.cjs', async () => {
    const install = join(scratch, 'install');
    cpSync(join(BIN, '..', '..', 'bin'), join(install, 'bin'), { recursive: true });
    cpSync(join(BIN, '..', '..', 'dist'), join(install, 'dist'), { recursive: true });
    for (const name of ['aws-sdk.cjs', 'aws-sdk.cache']) rmSync(join(install, 'dist', name), { force: true });
    const bin = join(install, 'bin', 'withsecrets.js');
    // The control: the SDK's route (an AWS config file that exists) cannot run from this install.
    const { spawn } = await import('node:child_process');
    const run = (args: string[], env: Record<string, string>) =>
      new Promise<{ status: number | null; stdout: string }>((resolve) => {
        const child = spawn(NODE, [bin, ...args], { env, stdio: ['ignore', 'pipe', 'ignore'] });
        let stdout = '';
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          stdout += chunk;
        });
        child.on('close', (status) => resolve({ status, stdout }));
      });
    const viaSdk = await run(['-s', 'ci/npm', '--', 'true'], {
      ...agentEnv({
        AWS_CONFIG_FILE: EMPTY_AWS_CONFIG,
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
      }),
      AWS_REGION: emulator.region,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: emulator.url,
    });
    assert.equal(viaSdk.status, 125);
    const viaAgent = await run(
      ['--agent', agent, '--no-mask', '-s', 'ci/npm', '--', NODE, PRINT_ENV, 'CI_NPM'],
      agentEnv({ AWS_CONFIG_FILE: EMPTY_AWS_CONFIG }),
    );
    assert.equal(viaAgent.status, 0);
    assert.deepEqual(printedEnv(viaAgent.stdout), { CI_NPM: 'npm_FAKE_agent_token' });
  });
});
