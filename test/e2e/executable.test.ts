// The single executable behaves as the npm bin: the same runs give the same status, output and messages.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { version } from '../../package.json';
import type { Emulator } from '../emulator/emulator.ts';
import {
  awsEnv,
  BIN,
  EMPTY_AWS_CONFIG,
  emulatorWith,
  type Finished,
  fixture,
  NODE,
  printedEnv,
  track,
} from './harness.ts';
import { ended, startDetached, trappedSignals, waitUntil } from './process-helpers.ts';
import { singleExecutable } from './single-executable.ts';

const TOKEN = 'tok-FAKE-exe-7Qm2';
const DB = { host: 'db.internal', password: 'pw-FAKE-exe-9Lk4' };
const ROTATED = 'tok-FAKE-exe-rotated-3Xa8';
const exe = singleExecutable();
const skip = 'unavailable' in exe ? exe.unavailable : false;

function runWith(
  file: string,
  prefix: readonly string[],
  args: readonly string[],
  env: Record<string, string>,
) {
  return track(spawn(file, [...prefix, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })).finished;
}

describe('the single executable', { skip }, () => {
  const path = 'path' in exe ? exe.path : '';
  let emulator: Emulator;
  let scratch: string;
  before(async () => {
    emulator = await emulatorWith({ 'app/token': TOKEN, 'app/db': DB, 'app/rotating': TOKEN });
    scratch = mkdtempSync(join(tmpdir(), 'withsecrets-exe-test-'));
  });
  after(async () => {
    rmSync(scratch, { recursive: true, force: true });
    await emulator.close();
  });

  /** One run through the executable and the same through the npm bin: both outcomes, the executable's first. */
  async function both(args: readonly string[], extra: Record<string, string> = {}): Promise<Finished> {
    const env = awsEnv(emulator, extra);
    const [fromExe, fromBin] = await Promise.all([
      runWith(path, [], args, env),
      runWith(NODE, [BIN], args, env),
    ]);
    assert.deepEqual(
      fromExe,
      fromBin,
      `withsecrets ${args.join(' ')}: the executable and the npm bin differ`,
    );
    return fromExe;
  }

  it('--version names the executable build and the Node it carries; the npm bin says its version alone', async () => {
    const env = awsEnv(emulator);
    const [fromExe, fromBin] = await Promise.all([
      runWith(path, [], ['--version'], env),
      runWith(NODE, [BIN], ['--version'], env),
    ]);
    assert.deepEqual(
      [fromExe.status, fromExe.stdout, fromExe.stderr],
      [
        0,
        `${version} (single executable, Node ${process.version}, ${process.platform}-${process.arch})\n`,
        '',
      ],
    );
    assert.deepEqual([fromBin.status, fromBin.stdout], [0, `${version}\n`]);
  });

  it('--help and a usage error are the same', async () => {
    const help = await both(['--help']);
    assert.match(help.stdout, /--secret/);
    const usage = await both(['--no-such-option', '--', 'true']);
    assert.equal(usage.status, 125);
    assert.match(usage.stderr, /^withsecrets: \[USAGE\] unknown option --no-such-option/);
  });

  for (const [route, extra] of [
    ['the direct route', {}],
    ['the SDK', { AWS_CONFIG_FILE: EMPTY_AWS_CONFIG }],
  ] as const) {
    it(`a secret and a JSON key reach the command through ${route}, with nothing on stderr (no SDK warning)`, async () => {
      const result = await both(
        [
          '--no-mask',
          '-s',
          'TOKEN=app/token',
          '-s',
          'app/db',
          '--',
          NODE,
          fixture('print-env.js'),
          'TOKEN',
          'PASSWORD',
          'HOST',
        ],
        extra,
      );
      assert.deepEqual([result.status, result.stderr], [0, '']);
      assert.deepEqual(printedEnv(result.stdout), { TOKEN, PASSWORD: DB.password, HOST: DB.host });
    });
  }

  it('reads a Parameter Store parameter from its own bundle inside the executable', async () => {
    emulator.putParameter('/exe/app/db-url', 'url-FAKE-exe-param-2Vd8', { type: 'SecureString' });
    const result = await both([
      '--no-mask',
      '--param',
      '/exe/app/db-url',
      '--',
      NODE,
      fixture('print-env.js'),
      'DB_URL',
    ]);
    assert.deepEqual([result.status, result.stderr], [0, '']);
    assert.deepEqual(printedEnv(result.stdout), { DB_URL: 'url-FAKE-exe-param-2Vd8' });
  });

  it('masks what the command prints, its encoded forms too', async () => {
    const script = `process.stdout.write(process.env.T + " " + Buffer.from(process.env.T).toString("base64") + "\\n")`;
    const result = await both(['-s', 'T=app/token', '--', NODE, '-e', script]);
    assert.deepEqual([result.status, result.stdout, result.stderr], [0, '*** ***\n', '']);
  });

  it('exit statuses: the command own, 125 for a missing secret, 127 not found, 126 not executable', async () => {
    const notExecutable = join(scratch, 'not-executable');
    writeFileSync(notExecutable, '#!/bin/sh\n');
    chmodSync(notExecutable, 0o644);
    const [three, missing, notFound, cannotRun] = await Promise.all([
      both(['--', 'sh', '-c', 'exit 3']),
      both(['-s', 'app/none', '--', 'true']),
      both(['--', 'no-such-command-here']),
      both(['--', notExecutable]),
    ]);
    assert.equal(three.status, 3);
    assert.equal(missing.status, 125);
    assert.match(missing.stderr, /^withsecrets: \[SECRET_NOT_FOUND\] secret "app\/none"/);
    assert.equal(notFound.status, 127);
    assert.equal(cannotRun.status, 126);
  });

  it('dies of the signal its command died of, as the npm bin does outside a container', async () => {
    const result = await both(['--', 'sh', '-c', 'kill -TERM $$']);
    assert.deepEqual([result.status, result.signal], [null, 'SIGTERM']);
  });

  it('--dry-run lists the variables and their sources, no value', async () => {
    const result = await both(['--dry-run', '-s', 'app/db', '--', 'true']);
    assert.equal(result.status, 0);
    assert.match(result.stdout, /^HOST <- /m);
    assert.ok(!result.stdout.includes(DB.password));
  });

  it('NODE_OPTIONS outside the allowlist: it runs itself again without it, the command gets it, no warning', async () => {
    const given = '--max-old-space-size=100';
    const result = await both(['-s', 'T=app/token', '--', 'sh', '-c', 'printf "%s" "$NODE_OPTIONS"'], {
      NODE_OPTIONS: given,
    });
    assert.deepEqual([result.status, result.stdout, result.stderr], [0, given, '']);
  });

  it('forwards SIGINT and SIGTERM to the command and ends with its status', async () => {
    const started = startDetached(path, ['--', NODE, fixture('trap.js')], { env: awsEnv(emulator) });
    try {
      await started.waitForLine(/^READY$/);
      process.kill(started.pid, 'SIGINT');
      await waitUntil(
        () => trappedSignals(started.stdout()).includes('SIGINT'),
        'the command to log GOT SIGINT',
      );
      process.kill(started.pid, 'SIGTERM');
      const result = await ended(started);
      assert.deepEqual(
        [result.status, result.signal, trappedSignals(result.stdout)],
        [0, null, ['SIGINT', 'SIGTERM']],
      );
    } finally {
      started.kill();
    }
  });

  it('--watch restarts the command with the rotated value', async () => {
    const started = startDetached(
      path,
      [
        '--watch',
        '1s',
        '--grace',
        '1s',
        '--no-mask',
        '-s',
        'T=app/rotating',
        '--',
        NODE,
        fixture('watch-server.js'),
        'T',
      ],
      { env: awsEnv(emulator) },
    );
    try {
      await started.waitForLine(new RegExp(`^READY \\d+ T=${TOKEN}$`));
      emulator.putSecretValue('app/rotating', ROTATED);
      await started.waitForLine(new RegExp(`^READY \\d+ T=${ROTATED}$`), 15_000);
      assert.match(started.stdout(), new RegExp(`GOT SIGTERM \\d+ T=${TOKEN}`));
    } finally {
      started.kill();
    }
  });
});
