// Connections on slow networks (#16): a name whose first address answers only after its SYN is resent (1 s) and
// whose second refuses still connects on both routes, where Node's own 250 ms per address gives up.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Emulator } from '../emulator/emulator.ts';
import { awsEnv, BIN, emulatorWith, fixture, NODE, printedEnv, ROUTES, track } from './harness.ts';

const TABLE = `withsecrets_slow_${process.pid}`;
const SLOW_HOST = 'slow.test';

/** Why this machine cannot drop packets or bind a hosts file in a mount namespace, or undefined when it can. */
function whyNoFaultInjection(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root for nft and mount --bind';
  if (spawnSync('nft', ['list', 'tables']).status !== 0) return 'needs nft (Debian package nftables)';
  if (spawnSync('unshare', ['--mount', 'true']).status !== 0) return 'needs unshare --mount';
  return undefined;
}

function nft(script: string): void {
  const result = spawnSync('nft', ['-f', '-'], { input: script, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`nft failed: ${result.stderr}`);
}

/**
 * Drops the first SYN of every connection to the port; the kernel resends it after its initial 1 s timeout, and
 * that one passes. A slow link as the connecting side sees it, and the same on every run.
 */
function dropFirstSyn(port: number): void {
  nft(`table ip ${TABLE} {
  set seen { type inet_service; flags dynamic,timeout; timeout 30s; }
  chain out {
    type filter hook output priority 0;
    ip daddr 127.0.0.1 tcp dport ${port} tcp flags & (syn | ack) == syn tcp sport != @seen add @seen { tcp sport } drop
  }
}`);
}

const skip = whyNoFaultInjection();

describe('connecting over a slow link', { skip: skip ?? false, concurrency: false }, () => {
  let emulator: Emulator;
  let dir: string;
  let hosts: string;

  /** Runs a command with /etc/hosts replaced, for it alone: the first address of SLOW_HOST is slow, the second refuses. */
  function withSlowHost(command: readonly string[], env: Record<string, string>) {
    const child = spawn(
      'unshare',
      ['--mount', 'sh', '-c', 'mount --bind "$0" /etc/hosts && exec "$@"', hosts, ...command],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    return track(child).finished;
  }

  before(async () => {
    emulator = await emulatorWith({ 'slow/token': 'FAKE-slow-token' });
    dir = mkdtempSync(join(tmpdir(), 'withsecrets-slow-'));
    hosts = join(dir, 'hosts');
    // 127.0.0.3 refuses: the emulator listens on 127.0.0.1 only.
    writeFileSync(hosts, `127.0.0.1 localhost\n127.0.0.1 ${SLOW_HOST}\n127.0.0.3 ${SLOW_HOST}\n`);
    spawnSync('nft', ['delete', 'table', 'ip', TABLE]);
    dropFirstSyn(emulator.port);
  });
  after(async () => {
    spawnSync('nft', ['delete', 'table', 'ip', TABLE]);
    rmSync(dir, { recursive: true, force: true });
    await emulator.close();
  });

  it("fails with Node's default attempt timeout (the fault is real)", async () => {
    const connect = `const socket = require('node:net').connect(${emulator.port}, '${SLOW_HOST}');
socket.on('connect', () => { console.log('connected'); socket.destroy(); });
socket.on('error', (error) => console.log(JSON.stringify((error.errors ?? [error]).map((e) => e.code))));`;
    const { stdout } = await withSlowHost([NODE, '-e', connect], {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
    });
    assert.deepEqual(JSON.parse(stdout), ['ETIMEDOUT', 'ECONNREFUSED']);
  });

  for (const route of ROUTES) {
    it(`fetches on the ${route.name} route with one call: the first attempt connected`, async () => {
      emulator.clearCalls();
      const env = awsEnv(emulator, {
        ...route.env,
        AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://${SLOW_HOST}:${emulator.port}`,
      });
      const result = await withSlowHost(
        [NODE, BIN, '--no-mask', '-s', 'slow/token', '--', NODE, fixture('print-env.js'), 'SLOW_TOKEN'],
        env,
      );
      // slow.test is a name, not a loopback address: the plain-http warning is right, and the only line.
      assert.equal(
        result.stderr,
        `withsecrets: warning: http://${SLOW_HOST}:${emulator.port} is plain http to another host: secret values would cross the network unencrypted (use https)\n`,
      );
      assert.equal(result.status, 0);
      assert.deepEqual(printedEnv(result.stdout), { SLOW_TOKEN: 'FAKE-slow-token' });
      assert.equal(emulator.count(), 1);
    });
  }
});
