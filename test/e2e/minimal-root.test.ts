// The executable as PID 1 of a root that holds only it, its libraries and a static busybox: no Node anywhere.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Emulator } from '../emulator/emulator.ts';
import { awsEnv, emulatorWith } from './harness.ts';
import { asPid1In, makeMinimalRoot, staticBusybox } from './minimal-root.ts';
import { ended, startDetached, trappedSignals, type Wrapper, waitUntil } from './process-helpers.ts';
import { singleExecutable } from './single-executable.ts';

const TOKEN = 'tok-FAKE-root-5Hq1';
const DB = { host: 'db.internal', password: 'pw-FAKE-root-8Wc3' };
/** busybox sh: reports INT, ends on TERM with a status of its own, so the exit shows the child was waited for. */
const TRAPPING = [
  '/bin/sh',
  '-c',
  'trap "echo GOT SIGINT" INT; trap "echo GOT SIGTERM; exit 7" TERM; echo READY; while :; do sleep 0.05; done',
];

/** Why the executable cannot be run as PID 1 of a chroot here, or undefined when it can. */
function whyNot(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root for unshare --pid --mount and chroot';
  const busybox = staticBusybox();
  if ('unavailable' in busybox) return busybox.unavailable;
  const probe = spawnSync('unshare', ['--pid', '--fork', '--mount', 'chroot', '/', 'true'], {
    encoding: 'utf8',
  });
  if (probe.error !== undefined) return `unshare is not available: ${probe.error.message}`;
  if (probe.status !== 0)
    return `unshare --pid --fork --mount chroot is not permitted: ${probe.stderr.trim()}`;
  return undefined;
}

const exe = singleExecutable();
const skip = 'unavailable' in exe ? exe.unavailable : (whyNot() ?? false);

describe('the executable alone in a root file system, as PID 1', { skip }, () => {
  let emulator: Emulator;
  let root: string;
  before(async () => {
    emulator = await emulatorWith({ 'app/token': TOKEN, 'app/db': DB });
    const busybox = staticBusybox();
    assert.ok('path' in exe && 'path' in busybox);
    root = makeMinimalRoot(exe.path, busybox.path);
  });
  after(async () => {
    rmSync(root, { recursive: true, force: true });
    await emulator.close();
  });

  /** withsecrets' own environment: the emulator outside (the same network namespace), fake credentials. */
  const env = () => awsEnv(emulator);
  const start = (args: readonly string[], extra: Record<string, string> = {}): Wrapper => {
    const [file = 'unshare', ...rest] = asPid1In(root, args);
    return startDetached(file, rest, { env: { ...env(), ...extra } });
  };
  const run = async (args: readonly string[], extra: Record<string, string> = {}) => {
    const started = start(args, extra);
    try {
      return await ended(started);
    } finally {
      started.kill();
    }
  };

  it('is PID 1, and a secret and a JSON key reach the command', async () => {
    const result = await run([
      '--no-mask',
      '-s',
      'TOKEN=app/token',
      '-s',
      'PW=app/db#password',
      '--',
      'sh',
      '-c',
      'echo "$PPID $TOKEN $PW"',
    ]);
    assert.deepEqual([result.status, result.stdout, result.stderr], [0, `1 ${TOKEN} ${DB.password}\n`, '']);
  });

  // The SDK itself needs a home directory (its getHomeDir calls os.homedir(), which throws with no HOME and no
  // passwd entry): Docker and containerd always set HOME, to / for a user without one, so the test does too.
  it('fetches through the SDK too (an AWS config file exists), with no SDK warning', async () => {
    writeFileSync(join(root, 'etc', 'aws-config'), '');
    const result = await run(['--no-mask', '-s', 'app/token', '--', 'sh', '-c', 'echo "$APP_TOKEN"'], {
      AWS_CONFIG_FILE: '/etc/aws-config',
      HOME: '/',
    });
    assert.deepEqual([result.status, result.stdout, result.stderr], [0, `${TOKEN}\n`, '']);
  });

  it('--file puts a value in a 0600 file on the tmpfs at /dev/shm (removal: files.test.ts)', async () => {
    const result = await run([
      '--no-mask',
      '--file',
      'DB_PASSWORD=app/db#password',
      '--',
      'sh',
      '-c',
      'cat "$DB_PASSWORD"; echo; echo "$DB_PASSWORD"; ls -ln "$DB_PASSWORD"',
    ]);
    assert.equal(result.stderr, '');
    assert.equal(result.status, 0);
    const [value, path, listing] = result.stdout.split('\n');
    assert.equal(value, DB.password);
    assert.match(path ?? '', /^\/dev\/shm\/[^/]+\/db_password$/);
    assert.match(listing ?? '', /^-rw------- +1 0 +0 /);
  });

  it('masks what the command prints', async () => {
    const result = await run(['-s', 'app/db', '--', 'sh', '-c', 'echo "password=$PASSWORD host=$HOST"']);
    assert.deepEqual([result.status, result.stdout, result.stderr], [0, 'password=*** host=***\n', '']);
  });

  it('exit statuses pass through: 0, 3, 125, and 128+N for a signal death (PID 1 cannot die of it)', async () => {
    const [zero, three, missing, term, kill] = await Promise.all([
      run(['--', 'sh', '-c', 'exit 0']),
      run(['--', 'sh', '-c', 'exit 3']),
      run(['-s', 'app/none', '--', 'sh', '-c', 'exit 0']),
      run(['--', 'sh', '-c', 'kill -TERM $$']),
      run(['--', 'sh', '-c', 'kill -KILL $$']),
    ]);
    // unshare passes withsecrets' exit status on as its own.
    assert.deepEqual(
      [zero.status, three.status, missing.status, term.status, kill.status],
      [0, 3, 125, 143, 137],
    );
    assert.match(missing.stderr, /^withsecrets: \[SECRET_NOT_FOUND\] secret "app\/none"/);
    assert.equal(term.stderr + kill.stderr, '');
  });

  it('forwards SIGINT and SIGTERM sent from outside, and ends with the status of the child it reaped', async () => {
    const started = start(['-s', 'app/token', '--', ...TRAPPING]);
    try {
      await started.waitForLine(/^READY$/);
      // unshare's one child is withsecrets (the shell exec'd chroot, which exec'd it).
      const pid = Number(spawnSync('pgrep', ['-P', String(started.pid)], { encoding: 'utf8' }).stdout.trim());
      assert.ok(pid > 0, 'withsecrets found under unshare');
      process.kill(pid, 'SIGINT');
      await waitUntil(
        () => trappedSignals(started.stdout()).includes('SIGINT'),
        'the child to log GOT SIGINT',
      );
      process.kill(pid, 'SIGTERM');
      const result = await ended(started);
      assert.deepEqual(
        [result.status, trappedSignals(result.stdout), result.stderr],
        [7, ['SIGINT', 'SIGTERM'], ''],
      );
    } finally {
      started.kill();
    }
  });
});
