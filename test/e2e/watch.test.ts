// Rotation end to end: --watch re-fetches from the emulator, and on a change the command is restarted, signalled or ended.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it, type TestContext } from 'node:test';
import type { AdminValue, Emulator } from '../emulator/emulator.ts';
import { awsEnv, BIN, emulatorWith, fixture, NODE, ROUTES, type Started, track } from './harness.ts';
import { hasEnded, waitUntil } from './process-helpers.ts';

const SERVER = [NODE, fixture('watch-server.js')];
const STUBBORN = [NODE, fixture('watch-stubborn.js')];
/** The shortest interval withsecrets accepts, and a grace short enough to wait through. */
const FAST = ['--watch', '1s', '--grace', '1s'];
const OLD = 'api-FAKE-old-0001';
const NEW = 'api-FAKE-new-0002';

interface Watching extends Started {
  stderr(): string;
  /** The stdout lines that match, in order. */
  lines(pattern: RegExp): string[];
}

/** An emulator of its own, so that the faults, denials and call counts of one test never reach another. */
async function emulatorFor(t: TestContext, secrets: Record<string, AdminValue>): Promise<Emulator> {
  const emulator = await emulatorWith(secrets);
  t.after(() => emulator.close());
  return emulator;
}

/** Starts withsecrets leading its own process group, so that cleanup reaches every child it started. */
function startWatching(
  t: TestContext,
  emulator: Emulator,
  args: readonly string[],
  extraEnv: Record<string, string> = {},
): Watching {
  const child = spawn(NODE, [BIN, ...args], {
    env: awsEnv(emulator, extraEnv),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const started = track(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: string) => {
    stderr += chunk;
  });
  const pid = child.pid;
  t.after(() => {
    try {
      // Never `kill(-0)`: that would be the test runner's own group.
      if (pid !== undefined) process.kill(-pid, 'SIGKILL');
    } catch {
      // Everything already ended.
    }
  });
  return {
    ...started,
    stderr: () => stderr,
    lines: (pattern) =>
      started
        .stdout()
        .split('\n')
        .filter((line) => pattern.test(line)),
  };
}

/**
 * Rounds so far: each asks DescribeSecret once per secret, and GetSecretValue (a few names are never batched) when
 * a version moved or DescribeSecret is denied; the larger count of any one secret never runs ahead of the rounds.
 */
function roundsSoFar(emulator: Emulator): number {
  const counts = new Map<string, number>();
  for (const { operation, secretId } of emulator.calls)
    if ((operation === 'GetSecretValue' || operation === 'DescribeSecret') && secretId !== undefined) {
      const key = `${operation} ${secretId}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  return Math.max(0, ...counts.values());
}

/** Waits until withsecrets has started `rounds` more fetch rounds. */
async function waitForRounds(emulator: Emulator, rounds: number): Promise<void> {
  const target = roundsSoFar(emulator) + rounds;
  await waitUntil(() => roundsSoFar(emulator) >= target, `${rounds} more rounds`);
}

/** Rejects when `promise` takes longer than `timeoutMs`, so a wrong outcome fails fast instead of hanging. */
async function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function pidOf(line: string): number {
  return Number(/^\w+ (?:SIG\w+ )?(\d+)/.exec(line)?.[1]);
}

function assertNoValues(output: string, values: readonly string[]): void {
  for (const value of values) assert.ok(!output.includes(value), `a value leaked: ${value}`);
}

describe('rotation (--watch)', { concurrency: true }, () => {
  it('restarts on a changed reference: the old child is gone before the new one starts with the new value', async (t) => {
    const emulator = await emulatorFor(t, { 'watch/api-key': OLD, 'watch/db': 'db-FAKE-old-0001' });
    const run = startWatching(
      t,
      emulator,
      [...FAST, '--no-mask', '-s', 'API_KEY=watch/api-key', '--', ...SERVER, 'API_KEY', 'DB_PASSWORD'],
      { DB_PASSWORD: 'secretsmanager://watch/db' },
    );
    const first = pidOf(
      await run.waitForLine(new RegExp(`^READY \\d+ API_KEY=${OLD} DB_PASSWORD=db-FAKE-old-0001$`)),
    );

    emulator.putSecretValue('watch/db', 'db-FAKE-new-0002');
    const second = pidOf(
      await run.waitForLine(new RegExp(`^READY \\d+ API_KEY=${OLD} DB_PASSWORD=db-FAKE-new-0002$`)),
    );

    assert.notEqual(second, first);
    assert.equal(hasEnded(first), true);
    const lines = run.stdout().split('\n');
    const order = [`GOT SIGTERM ${first} `, `BYE ${first}`, `READY ${second} `].map((start) =>
      lines.findIndex((line) => line.startsWith(start)),
    );
    assert.deepEqual(
      [...order].sort((a, b) => a - b),
      order,
      run.stdout(),
    );
    assert.ok(order[0] !== -1, run.stdout());
    assert.equal(
      run.stderr(),
      'withsecrets: secrets changed (secretsmanager://watch/db): restarting the command\n',
    );

    // The new child ending on its own ends the run with its status: no restart, that is the orchestrator's job.
    process.kill(second, 'SIGUSR2');
    const result = await run.finished;
    assert.equal(result.status, 7);
    assert.equal(run.lines(/^READY /).length, 2);
  });

  it('follows each reference at its own version: a rotation moves both AWSCURRENT and ~AWSPREVIOUS', async (t) => {
    const emulator = await emulatorFor(t, { 'watch/pair': 'pair-FAKE-0001' });
    emulator.putSecretValue('watch/pair', 'pair-FAKE-0002');
    const run = startWatching(t, emulator, [
      ...FAST,
      '--no-mask',
      '-s',
      'NOW=watch/pair',
      '-s',
      'BEFORE=watch/pair~AWSPREVIOUS',
      '--',
      ...SERVER,
      'NOW',
      'BEFORE',
    ]);
    const first = pidOf(await run.waitForLine(/^READY \d+ NOW=pair-FAKE-0002 BEFORE=pair-FAKE-0001$/));
    emulator.putSecretValue('watch/pair', 'pair-FAKE-0003');
    const second = pidOf(await run.waitForLine(/^READY \d+ NOW=pair-FAKE-0003 BEFORE=pair-FAKE-0002$/));
    assert.notEqual(second, first);
    run.child.kill('SIGTERM');
    await run.finished;
  });

  it('keeps the child (same pid) over several rounds when nothing it would see changed', async (t) => {
    const emulator = await emulatorFor(t, {
      'watch/json': { key: 'key-FAKE-0001', other: 'other-FAKE-0001' },
      'watch/plain': 'plain-FAKE-0001',
      'watch/unrelated': 'unrelated-FAKE-0001',
    });
    const run = startWatching(t, emulator, [
      ...FAST,
      '--no-mask',
      '-s',
      'KEY=watch/json#key',
      '-s',
      'watch/plain',
      '--',
      ...SERVER,
      'KEY',
      'WATCH_PLAIN',
    ]);
    const pid = pidOf(await run.waitForLine(/^READY \d+ KEY=key-FAKE-0001 WATCH_PLAIN=plain-FAKE-0001$/));

    // A new version with the same value, a key not selected, a secret not selected: new versions, same environment.
    emulator.putSecretValue('watch/plain', 'plain-FAKE-0001');
    emulator.putSecretValue('watch/json', { key: 'key-FAKE-0001', other: 'other-FAKE-0002' });
    emulator.putSecretValue('watch/unrelated', 'unrelated-FAKE-0002');
    await waitForRounds(emulator, 4);

    assert.equal(hasEnded(pid), false);
    assert.deepEqual(run.lines(/^(READY|GOT|BYE) /), [
      `READY ${pid} KEY=key-FAKE-0001 WATCH_PLAIN=plain-FAKE-0001`,
    ]);
    assert.equal(run.stderr(), '');
    run.child.kill('SIGTERM');
    assert.equal((await run.finished).status, 0);
  });

  for (const route of ROUTES)
    it(`${route.name}: asks DescribeSecret each round and fetches the value only when its version moved`, async (t) => {
      const emulator = await emulatorFor(t, { 'watch/api-key': OLD });
      const run = startWatching(
        t,
        emulator,
        [...FAST, '--no-mask', '-s', 'API_KEY=watch/api-key', '--', ...SERVER, 'API_KEY'],
        route.env,
      );
      await run.waitForLine(/^READY \d+ /);
      await waitForRounds(emulator, 3);
      // DescribeSecret's quota is 40,000/s a region and it carries no value; GetSecretValue ran for the first round only.
      assert.equal(emulator.count({ operation: 'GetSecretValue' }), 1);
      assert.ok(emulator.count({ operation: 'DescribeSecret' }) >= 3);

      emulator.putSecretValue('watch/api-key', NEW);
      await run.waitForLine(new RegExp(`^READY \\d+ API_KEY=${NEW}$`));
      assert.equal(emulator.count({ operation: 'GetSecretValue' }), 2);
      run.child.kill('SIGTERM');
      assert.equal((await run.finished).status, 0);
    });

  it('fetches the values each round when DescribeSecret is denied, asking it once in the whole run', async (t) => {
    const emulator = await emulatorFor(t, { 'watch/api-key': OLD });
    emulator.deny({ accessKeyId: 'test', operation: 'DescribeSecret' });
    const run = startWatching(t, emulator, [
      ...FAST,
      '--no-mask',
      '-s',
      'API_KEY=watch/api-key',
      '--',
      ...SERVER,
      'API_KEY',
    ]);
    await run.waitForLine(/^READY \d+ /);
    await waitUntil(() => emulator.count({ operation: 'GetSecretValue' }) >= 4, 'three rounds of values');
    assert.equal(emulator.count({ operation: 'DescribeSecret' }), 1);
    assert.equal(run.stderr(), '');
    run.child.kill('SIGTERM');
    assert.equal((await run.finished).status, 0);
  });

  it('tries a denied BatchGetSecretValue once in the whole run, then asks GetSecretValue each round', async (t) => {
    // More names than calls in flight, so that a round is worth a batch (src/aws/secret-values.ts).
    const names = Array.from({ length: 12 }, (_, index) => `watch/many-${String(index).padStart(2, '0')}`);
    const emulator = await emulatorFor(
      t,
      Object.fromEntries(names.map((name, index) => [name, `many-FAKE-${String(index).padStart(4, '0')}`])),
    );
    emulator.addCredentials({ accessKeyId: 'nobatch', secretAccessKey: 'nobatch-secret' });
    emulator.deny({ accessKeyId: 'nobatch', operation: 'BatchGetSecretValue' });
    const run = startWatching(
      t,
      emulator,
      [...FAST, '--no-mask', ...names.flatMap((name) => ['-s', name]), '--', ...SERVER, 'WATCH_MANY_11'],
      { AWS_ACCESS_KEY_ID: 'nobatch', AWS_SECRET_ACCESS_KEY: 'nobatch-secret' },
    );
    await run.waitForLine(/^READY \d+ WATCH_MANY_11=many-FAKE-0011$/);
    // Two rotations, each fetched in a round of 12 GetSecretValue calls.
    for (const value of ['many-FAKE-0012', 'many-FAKE-0013']) {
      emulator.putSecretValue('watch/many-11', value);
      await run.waitForLine(new RegExp(`^READY \\d+ WATCH_MANY_11=${value}$`));
    }
    assert.equal(emulator.count({ operation: 'GetSecretValue' }), 3 * names.length);
    assert.equal(emulator.count({ operation: 'BatchGetSecretValue' }), 1);
    assert.equal(
      run.stderr(),
      'withsecrets: secrets changed (watch/many-11): restarting the command\n'.repeat(2),
    );
    run.child.kill('SIGTERM');
    assert.equal((await run.finished).status, 0);
  });

  it('waits --grace for a child that ignores SIGTERM, kills it, starts the new one, and ends like the last child', async (t) => {
    const emulator = await emulatorFor(t, { 'watch/api-key': OLD });
    const run = startWatching(t, emulator, [
      ...FAST,
      '--no-mask',
      '-s',
      'API_KEY=watch/api-key',
      '--',
      ...STUBBORN,
      'API_KEY',
    ]);
    const first = pidOf(await run.waitForLine(new RegExp(`^READY \\d+ API_KEY=${OLD}$`)));

    emulator.putSecretValue('watch/api-key', NEW);
    await run.waitForLine(new RegExp(`^GOT SIGTERM ${first} 1$`));
    const stopped = Date.now();
    const second = pidOf(await run.waitForLine(new RegExp(`^READY \\d+ API_KEY=${NEW}$`)));
    const waited = Date.now() - stopped;

    assert.ok(
      // 500, not 1000: the test may see SIGTERM's line late on a loaded machine; without the grace it is ~0.
      waited >= 500 && waited < 5000,
      `the new child started ${waited} ms after SIGTERM, not after the 1 s grace`,
    );
    assert.equal(hasEnded(first), true);
    assert.match(run.stderr(), /^withsecrets: secrets changed \(watch\/api-key\): restarting the command\n$/);

    // This one ignores SIGTERM too; killing it ends withsecrets the same way (it re-raises the signal).
    process.kill(second, 'SIGKILL');
    const result = await run.finished;
    assert.equal(result.signal, 'SIGKILL');
  });

  it('forwards a TERM received during the grace period to the old child, starts no new one, and exits with its status', async (t) => {
    const emulator = await emulatorFor(t, { 'watch/api-key': OLD });
    const run = startWatching(t, emulator, [
      '--watch',
      '1s',
      '--grace',
      '8s',
      '--no-mask',
      '-s',
      'API_KEY=watch/api-key',
      '--',
      ...STUBBORN,
      '42',
      'API_KEY',
    ]);
    const first = pidOf(await run.waitForLine(/^READY \d+ /));

    emulator.putSecretValue('watch/api-key', NEW);
    await run.waitForLine(new RegExp(`^GOT SIGTERM ${first} 1$`));
    const sent = Date.now();
    run.child.kill('SIGTERM');
    const result = await run.finished;

    assert.equal(result.status, 42);
    assert.ok(Date.now() - sent < 5000, 'withsecrets waited for the grace period instead of relaying TERM');
    assert.deepEqual(run.lines(/^(READY|GOT) /), [
      `READY ${first} API_KEY=${OLD}`,
      `GOT SIGTERM ${first} 1`,
      `GOT SIGTERM ${first} 2`,
    ]);
    assert.equal(run.stderr(), 'withsecrets: secrets changed (watch/api-key): restarting the command\n');
  });

  it('leaves a command that is handling a TERM alone: a change then prints nothing and restarts nothing', async (t) => {
    const emulator = await emulatorFor(t, { 'watch/api-key': OLD });
    const run = startWatching(t, emulator, [
      ...FAST,
      '--no-mask',
      '-s',
      'API_KEY=watch/api-key',
      '--',
      ...STUBBORN,
      '42',
      'API_KEY',
    ]);
    const first = pidOf(await run.waitForLine(/^READY \d+ /));

    // An orchestrator stops the container; the child takes its time (here: until a second TERM).
    run.child.kill('SIGTERM');
    await run.waitForLine(new RegExp(`^GOT SIGTERM ${first} 1$`));
    emulator.putSecretValue('watch/api-key', NEW);
    await waitForRounds(emulator, 2);
    assert.deepEqual(run.lines(/^(READY|GOT) /), [`READY ${first} API_KEY=${OLD}`, `GOT SIGTERM ${first} 1`]);
    assert.equal(run.stderr(), '');
    run.child.kill('SIGTERM');
    const result = await within(run.finished, 5000, 'withsecrets to exit with the old child');
    assert.equal(result.status, 42);
    assert.deepEqual(run.lines(/^(READY|GOT) /), [
      `READY ${first} API_KEY=${OLD}`,
      `GOT SIGTERM ${first} 1`,
      `GOT SIGTERM ${first} 2`,
    ]);
  });

  it('after the old child is gone, a TERM while its output drains still ends the run with no new child', async (t) => {
    const emulator = await emulatorFor(t, { 'watch/api-key': OLD });
    // Masked output is piped, so withsecrets waits (up to 1 s) for the pipes the grandchild holds.
    const run = startWatching(t, emulator, [
      ...FAST,
      '-s',
      'API_KEY=watch/api-key',
      '--',
      ...SERVER,
      'API_KEY',
      '--linger',
    ]);
    const first = pidOf(await run.waitForLine(/^READY \d+ /));

    emulator.putSecretValue('watch/api-key', NEW);
    await run.waitForLine(new RegExp(`^BYE ${first}$`));
    run.child.kill('SIGTERM');
    const result = await run.finished;

    assert.equal(result.status, 0);
    assert.deepEqual(run.lines(/^(READY|GOT|BYE) /), [
      `READY ${first} API_KEY=***`,
      `GOT SIGTERM ${first} API_KEY=***`,
      `BYE ${first}`,
    ]);
  });

  it('names the secret that sets a changed variable, and ignores a change that a later --secret shadows', async (t) => {
    const emulator = await emulatorFor(t, {
      'watch/defaults': { API_KEY: 'default-FAKE-0001', REGION_NAME: 'region-FAKE-0001' },
      'watch/api-key': OLD,
    });
    const run = startWatching(t, emulator, [
      ...FAST,
      '--no-mask',
      '-s',
      'watch/defaults',
      '-s',
      'API_KEY=watch/api-key',
      '--',
      ...SERVER,
      'API_KEY',
      'REGION_NAME',
    ]);
    const first = pidOf(
      await run.waitForLine(new RegExp(`^READY \\d+ API_KEY=${OLD} REGION_NAME=region-FAKE-0001$`)),
    );

    emulator.putSecretValue('watch/defaults', {
      API_KEY: 'default-FAKE-0002',
      REGION_NAME: 'region-FAKE-0001',
    });
    await waitForRounds(emulator, 3);
    assert.equal(hasEnded(first), false);
    assert.equal(run.stderr(), '');

    emulator.putSecretValue('watch/api-key', NEW);
    await run.waitForLine(new RegExp(`^READY \\d+ API_KEY=${NEW} REGION_NAME=region-FAKE-0001$`));
    assert.equal(run.stderr(), 'withsecrets: secrets changed (watch/api-key): restarting the command\n');
    run.child.kill('SIGTERM');
    assert.equal((await run.finished).status, 0);
  });

  it('signal:NAME sends the signal once per change and keeps the child, whose environment stays as it was', async (t) => {
    const emulator = await emulatorFor(t, { 'watch/api-key': OLD });
    const run = startWatching(
      t,
      emulator,
      ['--on-change', 'signal:HUP', '--no-mask', '-s', 'API_KEY=watch/api-key', '--', ...SERVER, 'API_KEY'],
      { WITHSECRETS_WATCH: '1s' },
    );
    const pid = pidOf(await run.waitForLine(/^READY \d+ /));

    emulator.putSecretValue('watch/api-key', NEW);
    await run.waitForLine(new RegExp(`^GOT SIGHUP ${pid} API_KEY=${OLD}$`));
    await waitForRounds(emulator, 2);
    assert.equal(run.lines(/^GOT SIGHUP /).length, 1);

    emulator.putSecretValue('watch/api-key', 'api-FAKE-third-0003');
    await waitUntil(() => run.lines(/^GOT SIGHUP /).length === 2, 'a second SIGHUP');

    assert.equal(hasEnded(pid), false);
    assert.equal(run.lines(/^READY /).length, 1);
    assert.equal(
      run.stderr(),
      'withsecrets: secrets changed (watch/api-key): sending SIGHUP to the command\n'.repeat(2),
    );
    run.child.kill('SIGTERM');
    assert.equal((await run.finished).status, 0);
  });

  it('signal:NAME masks the new value too, which the child may print once it has re-read its secrets', async (t) => {
    const emulator = await emulatorFor(t, { 'watch/api-key': OLD });
    // --echo stands for a value the child fetched itself after the signal: the new one.
    const run = startWatching(
      t,
      emulator,
      [
        '--on-change',
        'signal:HUP',
        '-s',
        'API_KEY=watch/api-key',
        '--',
        ...SERVER,
        'API_KEY',
        `--echo=${NEW}`,
      ],
      { WITHSECRETS_WATCH: '1s' },
    );
    // Before the change, the new value is no secret yet: it passes.
    await run.waitForLine(new RegExp(`^READY \\d+ API_KEY=\\*\\*\\* ECHO=${NEW}$`));
    emulator.putSecretValue('watch/api-key', NEW);
    await run.waitForLine(/^GOT SIGHUP \d+ API_KEY=\*\*\* ECHO=\*\*\*$/);
    run.child.kill('SIGTERM');
    assert.equal((await run.finished).status, 0);
    assertNoValues(run.stdout(), [OLD]);
  });

  it('exit mode stops the command and exits 125, so the orchestrator restarts the container', async (t) => {
    const emulator = await emulatorFor(t, { 'watch/api-key': OLD });
    const run = startWatching(
      t,
      emulator,
      ['--grace', '1s', '--no-mask', '-s', 'API_KEY=watch/api-key', '--', ...SERVER, 'API_KEY'],
      { WITHSECRETS_WATCH: '1s', WITHSECRETS_ON_CHANGE: 'exit' },
    );
    const pid = pidOf(await run.waitForLine(/^READY \d+ /));

    emulator.putSecretValue('watch/api-key', NEW);
    const result = await run.finished;

    assert.equal(result.status, 125);
    assert.deepEqual(run.lines(/^(READY|GOT|BYE) /), [
      `READY ${pid} API_KEY=${OLD}`,
      `GOT SIGTERM ${pid} API_KEY=${OLD}`,
      `BYE ${pid}`,
    ]);
    assert.equal(
      result.stderr,
      'withsecrets: secrets changed (watch/api-key): stopping the command and exiting 125\n',
    );
  });

  it('keeps the child on failed re-fetches, says so once per streak, and still restarts on a change afterwards', async (t) => {
    const emulator = await emulatorFor(t, { 'watch/api-key': OLD });
    const run = startWatching(t, emulator, [
      ...FAST,
      '--no-mask',
      '-s',
      'API_KEY=watch/api-key',
      '--',
      ...SERVER,
      'API_KEY',
    ]);
    const first = pidOf(await run.waitForLine(/^READY \d+ /));
    const failures = () => run.stderr().match(/re-fetch failed/g)?.length ?? 0;

    // Denied for three rounds; a fourth one starting means the third was handled. Without DescribeSecret, every
    // round fetches the value (src/aws/version-check.ts), and that is denied too.
    emulator.deny({ accessKeyId: 'test', operation: 'DescribeSecret', secretId: 'watch/api-key' });
    emulator.deny({ accessKeyId: 'test', operation: 'GetSecretValue', secretId: 'watch/api-key' });
    await waitForRounds(emulator, 4);
    assert.equal(failures(), 1, run.stderr());
    assert.match(
      run.stderr(),
      /^withsecrets: re-fetch failed, the command keeps its values; retrying every 1s: \[ACCESS_DENIED\] access denied to secret "watch\/api-key"/,
    );
    assert.equal(hasEnded(first), false);

    emulator.clearDenies();
    emulator.putSecretValue('watch/api-key', NEW);
    const second = pidOf(await run.waitForLine(new RegExp(`^READY \\d+ API_KEY=${NEW}$`)));

    // A new streak (5xx, each round's three attempts) gets a line of its own.
    emulator.inject({ fault: 'error500', times: 6, operation: 'GetSecretValue' });
    await waitUntil(
      () => emulator.calls.filter((call) => call.fault === 'error500').length === 6,
      'two failed rounds',
    );
    await waitForRounds(emulator, 1);
    await waitUntil(() => failures() === 2, 'the second streak line');
    assert.equal(hasEnded(second), false);
    assert.equal(run.lines(/^READY /).length, 2);
    assert.match(run.stderr(), /\nwithsecrets: secrets changed \(watch\/api-key\): restarting the command\n/);
    assertNoValues(run.stderr(), [OLD, NEW]);

    run.child.kill('SIGTERM');
    assert.equal((await run.finished).status, 0);
  });

  it('restarts after a slow re-fetch (a 5xx retried, then a slow answer) without reporting a failure', async (t) => {
    const emulator = await emulatorFor(t, { 'watch/api-key': OLD });
    const run = startWatching(t, emulator, [
      ...FAST,
      '--no-mask',
      '-s',
      'API_KEY=watch/api-key',
      '--',
      ...SERVER,
      'API_KEY',
    ]);
    const first = pidOf(await run.waitForLine(/^READY \d+ /));

    emulator.inject({ fault: 'error500', operation: 'GetSecretValue' });
    emulator.inject({ fault: 'delay', delayMs: 2000, operation: 'GetSecretValue' });
    emulator.putSecretValue('watch/api-key', NEW);
    await run.waitForLine(new RegExp(`^READY \\d+ API_KEY=${NEW}$`));

    assert.deepEqual(
      emulator.calls.flatMap((call) => (call.fault === undefined ? [] : [call.fault])),
      ['error500', 'delay'],
    );
    assert.equal(hasEnded(first), true);
    assert.equal(run.stderr(), 'withsecrets: secrets changed (watch/api-key): restarting the command\n');
    run.child.kill('SIGTERM');
    assert.equal((await run.finished).status, 0);
  });

  it('ends at once with the child status when a TERM arrives while a re-fetch hangs', async (t) => {
    const emulator = await emulatorFor(t, { 'watch/api-key': OLD });
    const run = startWatching(t, emulator, [
      ...FAST,
      '--no-mask',
      '-s',
      'API_KEY=watch/api-key',
      '--',
      ...SERVER,
      'API_KEY',
    ]);
    const pid = pidOf(await run.waitForLine(/^READY \d+ /));

    emulator.inject({ fault: 'hang', times: 3, operation: 'DescribeSecret' });
    await waitUntil(() => emulator.calls.some((call) => call.fault === 'hang'), 'a hanging re-fetch');
    const sent = Date.now();
    run.child.kill('SIGTERM');
    const result = await run.finished;

    assert.equal(result.status, 0);
    assert.ok(Date.now() - sent < 2000, 'withsecrets waited for the hung re-fetch');
    assert.deepEqual(run.lines(/^(GOT|BYE) /), [`GOT SIGTERM ${pid} API_KEY=${OLD}`, `BYE ${pid}`]);
    assert.equal(result.stderr, '');
  });

  it('masks both the old and the new value in the output of the new child', async (t) => {
    const emulator = await emulatorFor(t, { 'watch/api-key': OLD });
    // The new child prints the new value and, given on its command line, the old one.
    const run = startWatching(t, emulator, [
      ...FAST,
      '-s',
      'API_KEY=watch/api-key',
      '--',
      ...SERVER,
      'API_KEY',
      `--echo=${OLD}`,
    ]);
    const first = pidOf(await run.waitForLine(/^READY \d+ /));

    emulator.putSecretValue('watch/api-key', NEW);
    const second = pidOf(await run.waitForLine(new RegExp(`^READY (?!${first} )\\d+ `)));
    run.child.kill('SIGTERM');
    const result = await run.finished;

    assert.equal(result.status, 0);
    assert.deepEqual(run.lines(/^(READY|GOT) /), [
      `READY ${first} API_KEY=*** ECHO=***`,
      `GOT SIGTERM ${first} API_KEY=*** ECHO=***`,
      `READY ${second} API_KEY=*** ECHO=***`,
      `GOT SIGTERM ${second} API_KEY=*** ECHO=***`,
    ]);
    assertNoValues(result.stdout + result.stderr, [OLD, NEW]);
  });

  it('waits between 0.9 and 1.0 times --watch between re-fetches (jitter)', async (t) => {
    const emulator = await emulatorFor(t, { 'watch/api-key': OLD });
    const run = startWatching(t, emulator, [
      ...FAST,
      '--no-mask',
      '-s',
      'API_KEY=watch/api-key',
      '--',
      ...SERVER,
      'API_KEY',
    ]);
    await run.waitForLine(/^READY \d+ /);

    const seen: number[] = [];
    await waitUntil(() => {
      const count = emulator.count({ operation: 'DescribeSecret' }) + 1;
      if (count > seen.length + 1)
        seen.push(...Array.from({ length: count - seen.length - 1 }, () => Date.now()));
      return seen.length >= 6;
    }, 'six re-fetches');
    const intervals = seen.slice(1).map((at, index) => at - (seen[index] as number));

    // A round on loopback takes a few ms, and the polling adds a few more either side.
    for (const interval of intervals) {
      assert.ok(
        interval >= 880 && interval <= 1150,
        `re-fetch interval ${interval} ms: ${intervals.join(', ')}`,
      );
    }
    run.child.kill('SIGTERM');
    assert.equal((await run.finished).status, 0);
  });
});
