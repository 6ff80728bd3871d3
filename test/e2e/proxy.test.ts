// HTTPS_PROXY end to end on both routes: a CONNECT proxy in front of the emulator over TLS, and its failures.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { type Emulator, startEmulator } from '../emulator/emulator.ts';
import { startConnectProxy, type TestProxy } from './connect-proxy.ts';
import { awsEnv, BIN, closedPort, fixture, NODE, printedEnv, ROUTES, runBin, track } from './harness.ts';
import { makeTestCertificates, startTlsFront, type TestCertificates, type TlsFront } from './tls-front.ts';

const USER = 'ci-runner';
const PASSWORD = 'pr0xy-FAKE-s3cret';
const VALUE = 'tok-FAKE-through-the-proxy';
const RAN = 'the command ran';
const PRINT = ['--no-mask', '--', NODE, fixture('print-env.js'), 'TOKEN'];
const TLS_HANDSHAKE = 0x16;

/** Every form in which a password could leak into withsecrets' output. */
function assertNoCredentials(output: string): void {
  for (const form of [
    PASSWORD,
    encodeURIComponent(PASSWORD),
    Buffer.from(`${USER}:${PASSWORD}`).toString('base64'),
  ])
    assert.ok(!output.includes(form), `the proxy's password in: ${output}`);
}

const scratch = mkdtempSync(join(tmpdir(), 'withsecrets-proxy-'));
const certificates = makeTestCertificates(scratch);
const skip =
  'unavailable' in certificates ? `needs openssl for a test CA: ${certificates.unavailable}` : false;

describe('HTTPS_PROXY: a CONNECT proxy in front of Secrets Manager over TLS', { skip }, () => {
  let emulator: Emulator;
  let front: TlsFront;
  let proxy: TestProxy;
  let deadPort: number;
  before(async () => {
    emulator = await startEmulator({ agent: { token: 'agent-token-FAKE-proxy' } });
    emulator.createSecret('ci/token', VALUE);
    front = await startTlsFront(emulator.port, certificates as TestCertificates);
    proxy = await startConnectProxy({ credentials: { user: USER, password: PASSWORD } });
    deadPort = await closedPort();
  });
  beforeEach(() => {
    proxy.requests.length = 0;
    emulator.clearCalls();
  });
  after(async () => {
    await proxy?.close();
    await front?.close();
    await emulator?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  /** The job's environment: the emulator behind TLS at https://localhost:PORT, its CA trusted, and `proxy`. */
  function proxiedEnv(route: (typeof ROUTES)[number], proxyVariables: Record<string, string>) {
    return awsEnv(emulator, {
      AWS_ENDPOINT_URL_SECRETS_MANAGER: front.url,
      NODE_EXTRA_CA_CERTS: (certificates as TestCertificates).caFile,
      ...route.env,
      ...proxyVariables,
    });
  }
  const withCredentials = (password = PASSWORD) =>
    `http://${USER}:${encodeURIComponent(password)}@127.0.0.1:${proxy.port}`;

  for (const route of ROUTES) {
    describe(`the ${route.name} route`, () => {
      it('fetches through the proxy, which sees only CONNECT to the endpoint with the credentials, then TLS', async () => {
        const run = await runBin(
          ['-s', 'TOKEN=ci/token', ...PRINT],
          proxiedEnv(route, { HTTPS_PROXY: withCredentials() }),
        );
        assert.equal(run.status, 0, run.stderr);
        assert.equal(printedEnv(run.stdout).TOKEN, VALUE);
        assert.equal(run.stderr, '');
        assert.ok(proxy.requests.length >= 1, 'the proxy was asked');
        const basic = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
        for (const request of proxy.requests) {
          assert.deepEqual(
            { ...request },
            {
              method: 'CONNECT',
              target: `localhost:${front.port}`,
              proxyAuthorization: basic,
              firstTunnelByte: TLS_HANDSHAKE,
            },
          );
        }
        assert.equal(emulator.count({ operation: 'GetSecretValue' }), 1);
      });

      it('honours the lower-case https_proxy over HTTPS_PROXY, as the AWS CLI does', async () => {
        const run = await runBin(
          ['-s', 'TOKEN=ci/token', ...PRINT],
          proxiedEnv(route, { https_proxy: withCredentials(), HTTPS_PROXY: `http://127.0.0.1:${deadPort}` }),
        );
        assert.equal(run.status, 0, run.stderr);
        assert.equal(printedEnv(run.stdout).TOKEN, VALUE);
        assert.ok(proxy.requests.length >= 1);
      });

      for (const noProxy of ['localhost', `.localhost:${0}`, '*']) {
        it(`goes without the proxy for NO_PROXY=${noProxy.replace(':0', ':PORT')}`, async () => {
          const run = await runBin(
            ['-s', 'TOKEN=ci/token', ...PRINT],
            proxiedEnv(route, {
              HTTPS_PROXY: withCredentials(),
              NO_PROXY: noProxy.replace(':0', `:${front.port}`),
            }),
          );
          assert.equal(run.status, 0, run.stderr);
          assert.equal(printedEnv(run.stdout).TOKEN, VALUE);
          assert.deepEqual(proxy.requests, []);
        });
      }

      it('uses the proxy when NO_PROXY names the host on another port', async () => {
        const run = await runBin(
          ['-s', 'TOKEN=ci/token', ...PRINT],
          proxiedEnv(route, { HTTPS_PROXY: withCredentials(), no_proxy: 'localhost:1' }),
        );
        assert.equal(run.status, 0, run.stderr);
        assert.ok(proxy.requests.length >= 1);
      });

      it('fails with 125 and says proxy authentication failed when the proxy answers 407', async () => {
        const run = await runBin(
          ['-s', 'TOKEN=ci/token', '--', 'sh', '-c', `echo ${RAN}`],
          proxiedEnv(route, { HTTPS_PROXY: withCredentials('wrong-FAKE-password') }),
        );
        assert.equal(run.status, 125);
        assert.equal(run.stdout, '');
        assert.equal(
          run.stderr.split('\n')[0],
          `withsecrets: [PROXY] proxy authentication failed at the proxy http://127.0.0.1:${proxy.port} (HTTPS_PROXY) ` +
            `for a tunnel to localhost:${front.port} (HTTP 407) (fix: put the proxy's user name and password in ` +
            'HTTPS_PROXY as http://USER:PASSWORD@HOST:PORT (percent-encoded); withsecrets sends them with Basic authentication)',
        );
        assert.ok(!run.stderr.includes('wrong-FAKE-password'), run.stderr);
        assert.equal(emulator.count({}), 0);
      });

      it('fails with 125 naming the proxy without its credentials when nothing listens there', async () => {
        const run = await runBin(
          ['-s', 'TOKEN=ci/token', '--', 'sh', '-c', `echo ${RAN}`],
          proxiedEnv(route, { HTTPS_PROXY: `http://${USER}:${PASSWORD}@127.0.0.1:${deadPort}` }),
        );
        assert.equal(run.status, 125);
        assert.equal(run.stdout, '');
        assert.match(
          run.stderr,
          new RegExp(
            `^withsecrets: \\[PROXY\\] cannot reach the proxy http://127\\.0\\.0\\.1:${deadPort} \\(HTTPS_PROXY\\) \\(ECONNREFUSED\\) \\(fix: check HTTPS_PROXY`,
          ),
        );
        assertNoCredentials(run.stderr);
        assert.equal(emulator.count({}), 0);
      });
    });
  }

  it('refuses a proxy URL it cannot use before any request, without quoting it', async () => {
    const run = await runBin(
      ['-s', 'TOKEN=ci/token', '--', 'sh', '-c', `echo ${RAN}`],
      proxiedEnv(ROUTES[0], { HTTPS_PROXY: `socks5://${USER}:${PASSWORD}@127.0.0.1:${proxy.port}` }),
    );
    assert.equal(run.status, 125);
    assert.match(
      run.stderr,
      /^withsecrets: \[PROXY\] HTTPS_PROXY is not a proxy URL withsecrets can use \(fix: /,
    );
    assertNoCredentials(run.stderr);
    assert.deepEqual(proxy.requests, []);
    assert.equal(emulator.count({}), 0);
  });

  it('never sends the Secrets Manager Agent through a proxy (it is on this host, over plain http)', async () => {
    const dead = `http://${USER}:${PASSWORD}@127.0.0.1:${deadPort}`;
    const run = await runBin(
      ['--agent', emulator.agentUrl ?? assert.fail('no agent'), '-s', 'TOKEN=ci/token', ...PRINT],
      {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        AWS_TOKEN: 'agent-token-FAKE-proxy',
        HTTP_PROXY: dead,
        HTTPS_PROXY: dead,
      },
    );
    assert.equal(run.status, 0, run.stderr);
    assert.equal(printedEnv(run.stdout).TOKEN, VALUE);
  });

  it('loads hpagent only with a proxy set: a run without one works from an install with no dist/proxy.cjs', async () => {
    const install = join(scratch, 'install');
    cpSync(join(BIN, '..', '..', 'bin'), join(install, 'bin'), { recursive: true });
    cpSync(join(BIN, '..', '..', 'dist'), join(install, 'dist'), { recursive: true });
    rmSync(join(install, 'dist', 'proxy.cjs'));
    const bin = join(install, 'bin', 'withsecrets.js');
    const run = (env: Record<string, string>) =>
      track(spawn(NODE, [bin, '-s', 'TOKEN=ci/token', ...PRINT], { env, stdio: ['ignore', 'pipe', 'pipe'] }))
        .finished;
    for (const route of ROUTES) {
      const without = await run(proxiedEnv(route, {}));
      assert.equal(without.status, 0, without.stderr);
      assert.equal(printedEnv(without.stdout).TOKEN, VALUE);
      // The control: with a proxy set, the same install needs the bundle it lacks.
      const proxied = await run(proxiedEnv(route, { HTTPS_PROXY: withCredentials() }));
      assert.equal(proxied.status, 125, `${route.name}: ${proxied.stderr}`);
      assert.deepEqual(proxy.requests, []);
    }
  });
});
