// HTTPS_PROXY end to end on both routes: a CONNECT proxy in front of the emulator over TLS, NO_PROXY, and its failures.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { printedEnv, ROUTES, runBin } from './harness.ts';
import { assertNoCredentials, describeWithProxyScene, PASSWORD, PRINT, USER, VALUE } from './proxy-scene.ts';

const RAN = 'the command ran';
const TLS_HANDSHAKE = 0x16;

describeWithProxyScene('HTTPS_PROXY: a CONNECT proxy in front of Secrets Manager over TLS', (scene) => {
  for (const route of ROUTES) {
    it(`reads a Parameter Store parameter through the same proxy (${route.name} route: its SSM client gets the agents too)`, async () => {
      const run = await runBin(
        ['--param', 'TOKEN=/ci/param', ...PRINT],
        scene().env(route, { HTTPS_PROXY: scene().proxyUrl() }),
      );
      assert.equal(run.status, 0, run.stderr);
      assert.equal(printedEnv(run.stdout).TOKEN, VALUE);
      assert.ok(scene().proxy.requests.length >= 1, 'the proxy was asked');
      for (const request of scene().proxy.requests)
        assert.equal(request.target, `localhost:${scene().front.port}`);
      assert.equal(scene().emulator.count({ operation: 'GetParameters' }), 1);
    });
  }

  for (const route of ROUTES) {
    describe(`the ${route.name} route`, () => {
      it('fetches through the proxy, which sees only CONNECT to the endpoint with the credentials, then TLS', async () => {
        const run = await runBin(
          ['-s', 'TOKEN=ci/token', ...PRINT],
          scene().env(route, { HTTPS_PROXY: scene().proxyUrl() }),
        );
        assert.equal(run.status, 0, run.stderr);
        assert.equal(printedEnv(run.stdout).TOKEN, VALUE);
        assert.equal(run.stderr, '');
        assert.ok(scene().proxy.requests.length >= 1, 'the proxy was asked');
        const basic = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
        for (const request of scene().proxy.requests) {
          assert.deepEqual(
            { ...request },
            {
              method: 'CONNECT',
              target: `localhost:${scene().front.port}`,
              proxyAuthorization: basic,
              firstTunnelByte: TLS_HANDSHAKE,
            },
          );
        }
        assert.equal(scene().emulator.count({ operation: 'GetSecretValue' }), 1);
      });

      it('honours the lower-case https_proxy over HTTPS_PROXY, as the AWS CLI does', async () => {
        const run = await runBin(
          ['-s', 'TOKEN=ci/token', ...PRINT],
          scene().env(route, {
            https_proxy: scene().proxyUrl(),
            HTTPS_PROXY: `http://127.0.0.1:${scene().deadPort}`,
          }),
        );
        assert.equal(run.status, 0, run.stderr);
        assert.equal(printedEnv(run.stdout).TOKEN, VALUE);
        assert.ok(scene().proxy.requests.length >= 1);
      });

      for (const noProxy of ['localhost', `.localhost:${0}`, '*']) {
        it(`goes without the proxy for NO_PROXY=${noProxy.replace(':0', ':PORT')}`, async () => {
          const run = await runBin(
            ['-s', 'TOKEN=ci/token', ...PRINT],
            scene().env(route, {
              HTTPS_PROXY: scene().proxyUrl(),
              NO_PROXY: noProxy.replace(':0', `:${scene().front.port}`),
            }),
          );
          assert.equal(run.status, 0, run.stderr);
          assert.equal(printedEnv(run.stdout).TOKEN, VALUE);
          assert.deepEqual(scene().proxy.requests, []);
        });
      }

      it('uses the proxy when NO_PROXY names the host on another port', async () => {
        const run = await runBin(
          ['-s', 'TOKEN=ci/token', ...PRINT],
          scene().env(route, { HTTPS_PROXY: scene().proxyUrl(), no_proxy: 'localhost:1' }),
        );
        assert.equal(run.status, 0, run.stderr);
        assert.ok(scene().proxy.requests.length >= 1);
      });

      it('fails with 125 and says proxy authentication failed when the proxy answers 407', async () => {
        const run = await runBin(
          ['-s', 'TOKEN=ci/token', '--', 'sh', '-c', `echo ${RAN}`],
          scene().env(route, { HTTPS_PROXY: scene().proxyUrl('wrong-FAKE-password') }),
        );
        assert.equal(run.status, 125);
        assert.equal(run.stdout, '');
        assert.equal(
          run.stderr.split('\n')[0],
          `withsecrets: [PROXY] proxy authentication failed at the proxy http://127.0.0.1:${scene().proxy.port} (HTTPS_PROXY) ` +
            `for a tunnel to localhost:${scene().front.port} (HTTP 407) (fix: put the proxy's user name and password in ` +
            'HTTPS_PROXY as http://USER:PASSWORD@HOST:PORT (percent-encoded); withsecrets sends them with Basic authentication)',
        );
        assert.ok(!run.stderr.includes('wrong-FAKE-password'), run.stderr);
        assert.equal(scene().emulator.count({}), 0);
      });

      it('fails with 125 naming the proxy without its credentials when nothing listens there', async () => {
        const run = await runBin(
          ['-s', 'TOKEN=ci/token', '--', 'sh', '-c', `echo ${RAN}`],
          scene().env(route, { HTTPS_PROXY: `http://${USER}:${PASSWORD}@127.0.0.1:${scene().deadPort}` }),
        );
        assert.equal(run.status, 125);
        assert.equal(run.stdout, '');
        assert.match(
          run.stderr,
          new RegExp(
            `^withsecrets: \\[PROXY\\] cannot reach the proxy http://127\\.0\\.0\\.1:${scene().deadPort} \\(HTTPS_PROXY\\) \\(ECONNREFUSED\\) \\(fix: check HTTPS_PROXY`,
          ),
        );
        assertNoCredentials(run.stderr);
        assert.equal(scene().emulator.count({}), 0);
      });

      it('fails with 125 naming the proxy when it accepts and never answers the CONNECT', async () => {
        const started = Date.now();
        const run = await runBin(
          ['-s', 'TOKEN=ci/token', '--', 'sh', '-c', `echo ${RAN}`],
          scene().env(route, { HTTPS_PROXY: `http://${USER}:${PASSWORD}@127.0.0.1:${scene().silentPort}` }),
        );
        assert.equal(run.status, 125);
        assert.equal(
          run.stderr.split('\n')[0],
          `withsecrets: [PROXY] the proxy http://127.0.0.1:${scene().silentPort} (HTTPS_PROXY) did not answer the request for a ` +
            `tunnel to localhost:${scene().front.port} in time (fix: check HTTPS_PROXY and the network path to the proxy, or add ` +
            'the host to NO_PROXY if it is reachable without the proxy)',
        );
        assertNoCredentials(run.stderr);
        // 3 attempts of 2.5 s each, with backoff; well inside --timeout's 60 s.
        assert.ok(Date.now() - started < 15_000, `took ${Date.now() - started} ms`);
      });
    });
  }
});
