// --stdin end to end: the value on the command's standard input byte for byte, then end of input; a command that
// never reads it is fine; masked in the output; and under --watch each new command gets the current value.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Emulator } from '../emulator/emulator.ts';
import { awsEnv, emulatorWith, fixture, NODE, runBin } from './harness.ts';
import { ended, startWrapper, waitUntil } from './process-helpers.ts';

const DIGEST = [NODE, fixture('stdin-digest.js')];
const PASSWORD = 'FAKE-stdin-pass-Hq4Wm7';
const BINARY = Buffer.concat([Buffer.from([0x00, 0xff, 0x00]), Buffer.from('FAKE-stdin-bin-Ux2\n\n')]);
/** Far more than a pipe holds (64 KiB): a command that never reads it leaves withsecrets with bytes unwritten. */
const LARGE = `FAKE-stdin-large-${randomBytes(600 * 1024).toString('hex')}`;
const sha = (bytes: string | Buffer) => createHash('sha256').update(bytes).digest('hex');
const digestLine = (bytes: string | Buffer) => `STDIN ${Buffer.byteLength(bytes)} ${sha(bytes)}`;

describe('--stdin', () => {
  let emulator: Emulator;
  let env: Record<string, string>;
  before(async () => {
    emulator = await emulatorWith({
      'in/registry': JSON.stringify({ user: 'ci', password: PASSWORD }),
      'in/bin': BINARY,
      'in/large': LARGE,
    });
    env = awsEnv(emulator);
  });
  after(() => emulator.close());

  it('writes a key of a JSON secret, exactly, and ends the input', async () => {
    const result = await runBin(['--stdin', 'in/registry#password', '--', ...DIGEST], env);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, `${digestLine(PASSWORD)}\nREADY\n`);
  });

  it('writes SecretBinary bytes as they are, NUL bytes and trailing newlines kept', async () => {
    const result = await runBin(['--stdin', 'in/bin', '--', ...DIGEST], env);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, `${digestLine(BINARY)}\nREADY\n`);
  });

  it('into cat: the value itself with --no-mask, and masked by default', async () => {
    const plain = await runBin(['--no-mask', '--stdin', 'in/registry#password', '--', 'cat'], env);
    assert.equal(plain.status, 0, plain.stderr);
    assert.equal(plain.stdout, PASSWORD);
    const masked = await runBin(['--stdin', 'in/registry#password', '--', 'cat'], env);
    assert.equal(masked.status, 0, masked.stderr);
    assert.equal(masked.stdout, '***');
  });

  it('into a command that never reads its input: its status, and no EPIPE or other noise', async () => {
    for (const [command, status] of [
      [['true'], 0],
      [['sh', '-c', 'exit 4'], 4],
    ] as const) {
      const result = await runBin(['--stdin', 'in/large', '--', ...command], env);
      assert.equal(result.status, status, result.stderr);
      assert.equal(result.stderr, '');
      assert.equal(result.stdout, '');
    }
  });

  it('gives a large value whole to a command that reads it all', async () => {
    const result = await runBin(['--stdin', 'in/large', '--', ...DIGEST], env);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, `${digestLine(LARGE)}\nREADY\n`);
  });

  it('under --watch, gives each restarted command the current value', async (t) => {
    const own = await emulatorWith({ 'in/rotating': 'FAKE-stdin-old-Ka8' });
    t.after(() => own.close());
    const wrapper = startWrapper(
      ['--no-mask', '--watch', '1s', '--grace', '5s', '--stdin', 'in/rotating', '--', ...DIGEST, '--hold'],
      { env: awsEnv(own) },
    );
    try {
      await wrapper.waitForLine(/^READY$/);
      assert.equal(wrapper.stdout(), `${digestLine('FAKE-stdin-old-Ka8')}\nREADY\n`);
      own.putSecretValue('in/rotating', 'FAKE-stdin-new-Pq3');
      await waitUntil(
        () => wrapper.stdout().includes(digestLine('FAKE-stdin-new-Pq3')),
        'the new value',
        30_000,
      );
      process.kill(wrapper.pid, 'SIGTERM');
      const finished = await ended(wrapper);
      assert.equal(finished.status, 0, finished.stderr);
      assert.match(finished.stderr, /secrets changed \(in\/rotating\): restarting the command/);
    } finally {
      wrapper.kill();
    }
  });
});
