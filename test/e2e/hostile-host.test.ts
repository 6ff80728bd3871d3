// Unusual hosts (#18): TMPDIR missing, a file, a symlink, full or unwritable; a read-only root, with or without /tmp.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Emulator } from '../emulator/emulator.ts';
import { awsEnv, BIN, emulatorWith, type Finished, NODE, runBin, track } from './harness.ts';

const VALUE = 'FAKE-hostile-value-Kp3Wz';
/** Prints the value in clear and through the masker, so the output's route (FIFO or socket pair) is exercised. */
const COMMAND = ['sh', '-c', 'echo "got $HOSTILE_VALUE"'];
const ARGS = ['-s', 'HOSTILE_VALUE=hostile/value', '--', ...COMMAND];

const isRoot = process.getuid?.() === 0;
const canUnshare = isRoot && spawnSync('unshare', ['--mount', 'true']).status === 0;
const AS_NOBODY = ['--reuid=65534', '--regid=65534', '--clear-groups'];
/** Why the run as an unprivileged user cannot be tried here (it must be able to read the checkout), or false. */
function whyNotAsNobody(): string | false {
  if (!isRoot) return 'needs root to run as another user';
  const probe = spawnSync('setpriv', [
    ...AS_NOBODY,
    NODE,
    '-e',
    `require('fs').accessSync(${JSON.stringify(BIN)})`,
  ]);
  return probe.status === 0 ? false : 'the user nobody cannot run setpriv or read this checkout';
}

/** The run ended as every run must: the command ran, its output masked, nothing else said. */
function assertMaskedRun(result: Finished): void {
  assert.deepEqual([result.status, result.stdout, result.stderr], [0, 'got ***\n', '']);
}

describe('unusual hosts', () => {
  let emulator: Emulator;
  let scratch: string;
  before(async () => {
    emulator = await emulatorWith({ 'hostile/value': VALUE });
    scratch = mkdtempSync(join(tmpdir(), 'withsecrets-hostile-'));
  });
  after(async () => {
    rmSync(scratch, { recursive: true, force: true });
    await emulator.close();
  });

  /** Runs under `unshare --mount`, after `setup` (a shell script) has changed the mounts for this run alone. */
  function inMountNamespace(setup: string, env: Record<string, string>): Promise<Finished> {
    const child = spawn(
      'unshare',
      ['--mount', 'sh', '-c', `${setup} && exec "$@"`, 'sh', NODE, BIN, ...ARGS],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    return track(child).finished;
  }

  for (const [name, tmp] of [
    ['missing', () => join(scratch, 'no-such-dir')],
    [
      'a regular file',
      () => {
        const file = join(scratch, 'a-file');
        writeFileSync(file, '');
        return file;
      },
    ],
    ['/proc (no directory can be made there)', () => '/proc'],
  ] as const) {
    it(`TMPDIR ${name}: the output goes over a socket pair instead, masked, and the run succeeds`, async () => {
      assertMaskedRun(await runBin(ARGS, awsEnv(emulator, { TMPDIR: tmp() })));
    });
  }

  it('TMPDIR a symlink: the private directory is made in its target and removed, nothing left', async () => {
    const target = join(scratch, 'target');
    mkdirSync(target);
    const link = join(scratch, 'link');
    symlinkSync(target, link);
    assertMaskedRun(await runBin(ARGS, awsEnv(emulator, { TMPDIR: link })));
    assert.deepEqual(readdirSync(target), []);
  });

  it('TMPDIR on a full file system: the run succeeds, masked', {
    skip: !canUnshare && 'needs root and unshare --mount',
  }, async () => {
    const full = join(scratch, 'full');
    mkdirSync(full);
    const result = await inMountNamespace(
      `mount -t tmpfs -o size=16k tmpfs '${full}' && (cat /dev/zero > '${full}/fill' 2>/dev/null || true)`,
      awsEnv(emulator, { TMPDIR: full }),
    );
    assertMaskedRun(result);
  });

  it('a read-only root with only a tmpfs for TMPDIR writable, and with nothing writable: the run succeeds, masked', {
    skip: !canUnshare && 'needs root and unshare --mount',
  }, async () => {
    const writable = join(scratch, 'writable');
    mkdirSync(writable);
    // The probes fail the setup (and so the test) if the root or /dev/shm stayed writable.
    const readOnly =
      'mount -o remount,bind,ro / && mount -o remount,bind,ro /dev/shm && ! touch /.probe 2>/dev/null && ! touch /dev/shm/.probe 2>/dev/null';
    assertMaskedRun(
      await inMountNamespace(
        // Not over /tmp itself: the checkout (and so withsecrets) may live under it.
        `${readOnly} && mount -t tmpfs tmpfs '${writable}'`,
        awsEnv(emulator, { TMPDIR: writable }),
      ),
    );
    assertMaskedRun(
      await inMountNamespace(`${readOnly} && ! touch /tmp/.probe 2>/dev/null`, awsEnv(emulator)),
    );
  });

  it('TMPDIR that the user cannot write (root-owned 0755), as an unprivileged user: the run succeeds, masked', {
    skip: whyNotAsNobody(),
  }, async () => {
    const closed = join(scratch, 'closed');
    mkdirSync(closed, { mode: 0o755 });
    const child = spawn('setpriv', [...AS_NOBODY, NODE, BIN, ...ARGS], {
      env: awsEnv(emulator, { TMPDIR: closed, HOME: '/nonexistent' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const result = await track(child).finished;
    assertMaskedRun(result);
    assert.deepEqual(readdirSync(closed), []);
  });
});
