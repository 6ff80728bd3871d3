// --file and --stdin with ssm:// parameters end to end: a byte-exact 0600 file, a #KEY of a JSON parameter,
// stdin into cat masked and not, --dry-run, a missing parameter (nothing runs, no file left), --watch rewriting.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statfsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Emulator } from '../emulator/emulator.ts';
import { awsEnv, emulatorWith, fixture, NODE, runBin } from './harness.ts';
import { ended, startWrapper, waitUntil } from './process-helpers.ts';

const READER = [NODE, fixture('file-reader.js')];
const WATCHER = [NODE, fixture('file-watcher.js'), 'KEY'];
/** A PEM-like key with its trailing newline: the file must hold it byte for byte. */
const TLS_KEY = '-----BEGIN FAKE KEY-----\nFAKE-ssm-file-tls-Wq7\n-----END FAKE KEY-----\n';
const PASSWORD = 'FAKE-ssm-stdin-pass-Jk3';
const NESTED = 'FAKE-ssm-nested-Rb8';
const JSON_VALUE = JSON.stringify({ user: 'ci', password: PASSWORD, nested: { a: NESTED }, port: 5432 });
const sha = (bytes: string | Buffer) => createHash('sha256').update(bytes).digest('hex');
const shmIsTmpfs = (() => {
  try {
    return statfsSync('/dev/shm').type === 0x01021994;
  } catch {
    return false;
  }
})();

interface FileSeen {
  readonly path: string;
  readonly sha256: string;
  readonly mode: string;
  readonly directoryMode: string;
}

function firstJsonLine(stdout: string): Record<string, FileSeen> {
  const line = stdout.split('\n').find((candidate) => candidate.startsWith('{'));
  assert.ok(line !== undefined, `no JSON line in: ${stdout}`);
  return JSON.parse(line) as Record<string, FileSeen>;
}

describe('ssm:// in --file and --stdin', { skip: !shmIsTmpfs && '/dev/shm is not a tmpfs here' }, () => {
  let emulator: Emulator;
  let env: Record<string, string>;
  let place: string;
  before(async () => {
    // A secret named like the parameter: only ssm:// reads Parameter Store, a leading / alone reads the secret.
    emulator = await emulatorWith({ '/prod/app/tls-key': 'FAKE-ssm-secret-same-name-Zp2' });
    emulator.putParameter('/prod/app/tls-key', TLS_KEY);
    emulator.putParameter('/ci/registry', JSON_VALUE);
    emulator.putParameter('/ci/plain', 'FAKE-ssm-plain-String-Mn4', { type: 'String' });
    env = awsEnv(emulator);
    place = mkdtempSync('/dev/shm/withsecrets-e2e-ssm-files-');
  });
  after(async () => {
    rmSync(place, { recursive: true, force: true });
    await emulator.close();
  });
  const runDirectories = () => readdirSync(place).filter((name) => name.startsWith('withsecrets-files-'));

  it('writes a SecureString parameter as a byte-exact 0600 file and a #KEY of a JSON one, then removes them', async () => {
    const result = await runBin(
      [
        '--file-dir',
        place,
        '--file',
        'KEY.pem=ssm:///prod/app/tls-key',
        '--file',
        'PASS=ssm:///ci/registry#password',
        '--file',
        'SECRET=/prod/app/tls-key',
        '--',
        ...READER,
        'KEY',
        'PASS',
        'SECRET',
      ],
      env,
    );
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stderr, '');
    const files = firstJsonLine(result.stdout);
    assert.equal(files.KEY?.sha256, sha(TLS_KEY), 'not byte for byte');
    assert.equal(files.KEY?.mode, '600');
    assert.equal(files.KEY?.directoryMode, '700');
    assert.equal(files.KEY?.path.split('/').at(-1), 'key.pem');
    assert.equal(files.PASS?.sha256, sha(PASSWORD));
    assert.equal(files.SECRET?.sha256, sha('FAKE-ssm-secret-same-name-Zp2'), 'a leading / names a secret');
    assert.deepEqual(runDirectories(), []);
  });

  it('--stdin ssm:// into cat: the value with --no-mask, masked by default, JSON string fields of a whole one too', async () => {
    const plain = await runBin(['--no-mask', '--stdin', 'ssm:///ci/registry#password', '--', 'cat'], env);
    assert.equal(plain.status, 0, plain.stderr);
    assert.equal(plain.stdout, PASSWORD);
    const masked = await runBin(['--stdin', 'ssm:///ci/registry#password', '--', 'cat'], env);
    assert.equal(masked.status, 0, masked.stderr);
    assert.equal(masked.stdout, '***');
    const whole = await runBin(
      ['--stdin', 'ssm:///ci/registry', '--', 'sh', '-c', `cat >/dev/null; echo ${PASSWORD} ${NESTED} 5432`],
      env,
    );
    assert.equal(whole.status, 0, whole.stderr);
    assert.equal(whole.stdout, '*** *** 5432\n');
    const file = await runBin(
      ['--file-dir', place, '--file', 'K=ssm://ci/plain', '--', 'sh', '-c', 'cat "$K"'],
      env,
    );
    assert.equal(file.status, 0, file.stderr);
    assert.equal(file.stdout, '***');
  });

  it('--dry-run lists the file and stdin with their ssm:// source, never a value, and makes no file', async () => {
    const result = await runBin(
      [
        '--dry-run',
        '--file-dir',
        place,
        '--file',
        'KEY=ssm:///prod/app/tls-key',
        '--stdin',
        'ssm:///ci/registry#password',
        '--',
        'true',
      ],
      env,
    );
    assert.equal(result.status, 0, result.stderr);
    assert.equal(
      result.stdout,
      'KEY <- file of ssm:///prod/app/tls-key\nstandard input <- ssm:///ci/registry#password\n',
    );
    assert.deepEqual(runDirectories(), []);
  });

  it('a missing parameter: one line naming it, exit 125, nothing runs and no file is left', async () => {
    for (const args of [
      ['--file', 'K=ssm:///prod/app/tls-key', '--file', 'M=ssm:///nope/missing'],
      ['--stdin', 'ssm:///nope/missing'],
    ]) {
      const result = await runBin(['--file-dir', place, ...args, '--', 'sh', '-c', 'echo RAN'], env);
      assert.equal(result.status, 125);
      assert.equal(result.stdout, '');
      assert.equal(result.stderr.split('\n').length, 2, 'one line');
      assert.ok(
        result.stderr.startsWith(
          `withsecrets: [SECRET_NOT_FOUND] parameter "/nope/missing" not found in ${emulator.region} (fix: `,
        ),
        result.stderr,
      );
      assert.deepEqual(runDirectories(), []);
    }
  });

  it('refuses a variable that --param and --file both set, naming both, and runs nothing', async () => {
    const result = await runBin(
      [
        '--file-dir',
        place,
        '--param',
        'K=/ci/plain',
        '--file',
        'K=ssm:///prod/app/tls-key',
        '--',
        'sh',
        '-c',
        'echo RAN',
      ],
      env,
    );
    assert.equal(result.status, 125);
    assert.equal(result.stdout, '');
    assert.equal(
      result.stderr,
      'withsecrets: [INVALID_NAME] K comes from --param (/ci/plain) and from --file "K=ssm:///prod/app/tls-key" (fix: give each variable one source)\n',
    );
    assert.deepEqual(runDirectories(), []);
  });

  it('--watch rewrites a file whose parameter has a new version before it restarts the command', async (t) => {
    const own = await emulatorWith();
    own.putParameter('/rot/key', 'FAKE-ssm-rot-old-Qa1');
    const wrapper = startWrapper(
      ['--no-mask', '--watch', '1s', '--file-dir', place, '--file', 'KEY=ssm:///rot/key', '--', ...WATCHER],
      { env: awsEnv(own) },
    );
    t.after(async () => {
      wrapper.kill();
      await own.close();
    });
    const ready = (await wrapper.waitForLine(/^READY /)).split(' ');
    assert.equal(ready[2], sha('FAKE-ssm-rot-old-Qa1'));
    own.putParameter('/rot/key', 'FAKE-ssm-rot-new-Qa2');
    const readies = () =>
      wrapper
        .stdout()
        .split('\n')
        .filter((line) => line.startsWith('READY '));
    await waitUntil(() => readies().length === 2, 'the new command', 30_000);
    const lines = wrapper.stdout().split('\n');
    const stopped = lines.find((line) => line.startsWith(`GOT SIGTERM ${ready[1]} `))?.split(' ') ?? [];
    assert.equal(stopped[3], sha('FAKE-ssm-rot-new-Qa2'), 'the file was not rewritten before the restart');
    assert.equal(readies()[1]?.split(' ')[2], sha('FAKE-ssm-rot-new-Qa2'));
    process.kill(wrapper.pid, 'SIGTERM');
    const finished = await ended(wrapper);
    assert.equal(finished.status, 0, finished.stderr);
    assert.match(finished.stderr, /changed \(ssm:\/\/\/rot\/key\): restarting the command/);
    assert.deepEqual(runDirectories(), []);
  });
});
