// What never goes through the proxy (the agent, container credentials), what is refused, and hpagent loaded only with one.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { CONTAINER_CREDENTIAL } from '../emulator/container-credentials.ts';
import { BIN, NODE, printedEnv, ROUTES, runBin, track } from './harness.ts';
import {
  AGENT_TOKEN,
  assertNoCredentials,
  describeWithProxyScene,
  PASSWORD,
  PRINT,
  USER,
  VALUE,
} from './proxy-scene.ts';

const RAN = 'the command ran';

describeWithProxyScene('around the proxy: exemptions, refusals, lazy loading', (scene) => {
  it('refuses a proxy URL it cannot use before any request, without quoting it', async () => {
    const run = await runBin(
      ['-s', 'TOKEN=ci/token', '--', 'sh', '-c', `echo ${RAN}`],
      scene().env(ROUTES[0], { HTTPS_PROXY: `socks5://${USER}:${PASSWORD}@127.0.0.1:${scene().proxy.port}` }),
    );
    assert.equal(run.status, 125);
    assert.match(
      run.stderr,
      /^withsecrets: \[PROXY\] HTTPS_PROXY is not a proxy URL withsecrets can use \(fix: /,
    );
    assertNoCredentials(run.stderr);
    assert.deepEqual(scene().proxy.requests, []);
    assert.equal(scene().emulator.count({}), 0);
  });

  it('never sends the Secrets Manager Agent through a proxy (it is on this host, over plain http)', async () => {
    const dead = `http://${USER}:${PASSWORD}@127.0.0.1:${scene().deadPort}`;
    const run = await runBin(
      ['--agent', scene().emulator.agentUrl ?? assert.fail('no agent'), '-s', 'TOKEN=ci/token', ...PRINT],
      {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        AWS_TOKEN: AGENT_TOKEN,
        HTTP_PROXY: dead,
        HTTPS_PROXY: dead,
      },
    );
    assert.equal(run.status, 0, run.stderr);
    assert.equal(printedEnv(run.stdout).TOKEN, VALUE);
  });

  it('asks the container credentials endpoint directly, and Secrets Manager through the proxy', async () => {
    const {
      AWS_ACCESS_KEY_ID: _id,
      AWS_SECRET_ACCESS_KEY: _key,
      ...keyless
    } = scene().env(ROUTES[1], {
      HTTPS_PROXY: scene().proxyUrl(),
      // Were the http:// credentials endpoint proxied, this dead proxy would fail the run.
      HTTP_PROXY: `http://127.0.0.1:${scene().deadPort}`,
    });
    const run = await runBin(['-s', 'TOKEN=ci/token', ...PRINT], {
      ...keyless,
      AWS_CONTAINER_CREDENTIALS_FULL_URI: scene().emulator.containerCredentialsUrl,
    });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(printedEnv(run.stdout).TOKEN, VALUE);
    assert.equal(scene().emulator.count({ accessKeyId: CONTAINER_CREDENTIAL.accessKeyId }), 1);
    assert.ok(
      scene().proxy.requests.length >= 1 &&
        scene().proxy.requests.every((request) => request.method === 'CONNECT'),
    );
  });

  it('loads hpagent only with a proxy set: a run without one works from an install with no dist/proxy.cjs', async () => {
    const install = mkdtempSync(join(tmpdir(), 'withsecrets-proxy-install-'));
    cpSync(join(BIN, '..', '..', 'bin'), join(install, 'bin'), { recursive: true });
    cpSync(join(BIN, '..', '..', 'dist'), join(install, 'dist'), { recursive: true });
    rmSync(join(install, 'dist', 'proxy.cjs'));
    const bin = join(install, 'bin', 'withsecrets.js');
    const run = (env: Record<string, string>) =>
      track(spawn(NODE, [bin, '-s', 'TOKEN=ci/token', ...PRINT], { env, stdio: ['ignore', 'pipe', 'pipe'] }))
        .finished;
    for (const route of ROUTES) {
      const without = await run(scene().env(route, {}));
      assert.equal(without.status, 0, without.stderr);
      assert.equal(printedEnv(without.stdout).TOKEN, VALUE);
      // The control: with a proxy set, the same install needs the bundle it lacks.
      const proxied = await run(scene().env(route, { HTTPS_PROXY: scene().proxyUrl() }));
      assert.equal(proxied.status, 125, `${route.name}: ${proxied.stderr}`);
      assert.deepEqual(scene().proxy.requests, []);
    }
    rmSync(install, { recursive: true, force: true });
  });
});
