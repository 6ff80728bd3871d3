// --file under --watch: a rotated value replaces the file by rename before the command is restarted or signalled,
// at the same path, and a reader that reads all the while never sees anything but the old or the new value whole.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statfsSync } from 'node:fs';
import { describe, it, type TestContext } from 'node:test';
import { awsEnv, emulatorWith, fixture, NODE } from './harness.ts';
import { ended, startWrapper, waitUntil } from './process-helpers.ts';

const WATCHER = [NODE, fixture('file-watcher.js'), 'BIG'];
const FAST = ['--watch', '1s', '--grace', '5s'];
/** Big enough that a file written in place would be seen half-written by a reader looping on it. */
const big = (tag: string) => `FAKE-rotation-${tag}-${randomBytes(3 * 1024 * 1024).toString('base64')}\n`;
const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const shmIsTmpfs = (() => {
  try {
    return statfsSync('/dev/shm').type === 0x01021994;
  } catch {
    return false;
  }
})();

async function rotating(t: TestContext, onChange: string[]) {
  const OLD = big('old');
  const NEW = big('new');
  const emulator = await emulatorWith({ 'rot/big': OLD });
  const place = mkdtempSync('/dev/shm/withsecrets-e2e-rotation-');
  const wrapper = startWrapper(
    ['--no-mask', ...FAST, ...onChange, '--file-dir', place, '--file', 'BIG=rot/big', '--', ...WATCHER],
    { env: awsEnv(emulator) },
  );
  t.after(async () => {
    wrapper.kill();
    rmSync(place, { recursive: true, force: true });
    await emulator.close();
  });
  const ready = (await wrapper.waitForLine(/^READY /)).split(' ');
  assert.equal(ready[2], sha(OLD));
  return { emulator, wrapper, place, ready, OLD, NEW };
}

describe('--file under --watch', { skip: !shmIsTmpfs && '/dev/shm is not a tmpfs here' }, () => {
  it('replaces the file by rename before the restart: the old command sees the new value whole at SIGTERM', async (t) => {
    const { emulator, wrapper, place, ready, OLD, NEW } = await rotating(t, []);
    emulator.putSecretValue('rot/big', NEW);
    await waitUntil(
      () =>
        wrapper
          .stdout()
          .split('\n')
          .filter((line) => line.startsWith('READY ')).length === 2,
      'the new command',
      30_000,
    );
    const lines = wrapper.stdout().split('\n');
    const stopped = lines.find((line) => line.startsWith(`GOT SIGTERM ${ready[1]} `))?.split(' ') ?? [];
    assert.equal(
      stopped[3],
      sha(NEW),
      'the file did not hold the new value when the old command was stopped',
    );
    for (const hash of stopped[4]?.split(',') ?? []) {
      assert.ok([sha(OLD), sha(NEW)].includes(hash), 'a reader saw a half-written file');
    }
    const restarted = lines.filter((line) => line.startsWith('READY '))[1]?.split(' ') ?? [];
    assert.equal(restarted[2], sha(NEW));
    assert.equal(restarted[4], ready[4], 'the path changed');
    assert.notEqual(restarted[3], ready[3], 'the same inode: written in place, not renamed');
    process.kill(wrapper.pid, 'SIGTERM');
    const finished = await ended(wrapper);
    assert.equal(finished.status, 0, finished.stderr);
    assert.match(finished.stderr, /secrets changed \(rot\/big\): restarting the command/);
    assert.deepEqual(readdirSync(place), []);
  });

  it('replaces the file before signalling with --on-change signal:SIGHUP, and the command re-reads it at once', async (t) => {
    const { emulator, wrapper, ready, OLD, NEW } = await rotating(t, ['--on-change', 'signal:SIGHUP']);
    emulator.putSecretValue('rot/big', NEW);
    const got = (await wrapper.waitForLine(/^GOT SIGHUP /, 30_000)).split(' ');
    assert.equal(got[2], ready[1], 'another process got the signal');
    assert.equal(got[3], sha(NEW), 'the file did not hold the new value when the signal came');
    for (const hash of got[4]?.split(',') ?? []) {
      assert.ok([sha(OLD), sha(NEW)].includes(hash), 'a reader saw a half-written file');
    }
  });
});
