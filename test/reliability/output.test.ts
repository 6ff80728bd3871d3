// The command's output at its worst (npm run reliability): 1 GB without a newline, both streams at full speed, stdout closed.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { awsEnv, BIN, emulatorWith, NODE } from '../e2e/harness.ts';
import type { Emulator } from '../emulator/emulator.ts';

const VALUE = 'FAKE-output-secret-Jd4Kq9';
const MB = 1024 * 1024;

/** A Node command that writes `megabytes` of `x` (no newline) to each named fd, then the secret, then a newline. */
function writer(megabytes: number, fds: readonly number[]): string[] {
  const script = `
const chunk = Buffer.alloc(${MB}, 'x');
let left = ${megabytes};
const streams = ${JSON.stringify(fds)}.map((fd) => (fd === 1 ? process.stdout : process.stderr));
const pump = (stream, done) => {
  const next = (remaining) => {
    while (remaining > 0) {
      remaining--;
      if (!stream.write(chunk)) return stream.once('drain', () => next(remaining));
    }
    stream.write(process.env.OUT_SECRET + '\\n', done);
  };
  next(left);
};
let pending = streams.length;
for (const stream of streams) pump(stream, () => --pending === 0 && process.exit(0));`;
  return [NODE, '-e', script];
}

interface Drained {
  readonly status: number | null;
  readonly bytes: [number, number];
  readonly tails: [string, string];
  /** withsecrets' peak resident memory (VmHWM), read while it ran. */
  readonly peakRssMb: number;
}

/** Runs withsecrets, counting what reaches each stream and keeping its last bytes, and sampling its VmHWM. */
function drain(args: readonly string[], env: Record<string, string>): Promise<Drained> {
  const child = spawn(NODE, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const bytes: [number, number] = [0, 0];
  const tails: [string, string] = ['', ''];
  let peakKb = 0;
  const sample = setInterval(() => {
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
    } catch {}
  }, 20);
  for (const [index, stream] of [child.stdout, child.stderr].entries()) {
    stream.on('data', (chunk: Buffer) => {
      bytes[index] = (bytes[index] ?? 0) + chunk.length;
      tails[index] = ((tails[index] ?? '') + chunk.toString('latin1')).slice(-64);
    });
  }
  return new Promise((resolve) => {
    child.on('close', (status) => {
      clearInterval(sample);
      resolve({ status, bytes, tails, peakRssMb: peakKb / 1024 });
    });
  });
}

describe('the command output at its worst', { concurrency: false }, () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await emulatorWith({ 'out/secret': VALUE });
  });
  after(() => emulator.close());
  const env = () => awsEnv(emulator);
  const ARGS = ['-s', 'OUT_SECRET=out/secret', '--'];

  it('1 GB without a newline on stdout: every byte arrives, the secret after it is masked, memory stays bounded', async (t) => {
    const started = Date.now();
    const result = await drain([...ARGS, ...writer(1024, [1])], env());
    t.diagnostic(
      `1 GB without a newline: ${Date.now() - started} ms, withsecrets' peak RSS ${result.peakRssMb.toFixed(1)} MB`,
    );
    assert.equal(result.status, 0);
    assert.equal(result.bytes[0], 1024 * MB + '***\n'.length);
    assert.ok(result.tails[0].endsWith('x***\n'), result.tails[0].slice(-20));
    assert.ok(result.peakRssMb > 0 && result.peakRssMb < 200, `${result.peakRssMb} MB`);
  });

  it('stdout and stderr at full speed at once (256 MB each): both arrive whole, masked, memory bounded', async (t) => {
    const started = Date.now();
    const result = await drain([...ARGS, ...writer(256, [1, 2])], env());
    t.diagnostic(
      `2 x 256 MB at once: ${Date.now() - started} ms, withsecrets' peak RSS ${result.peakRssMb.toFixed(1)} MB`,
    );
    assert.equal(result.status, 0);
    assert.deepEqual(result.bytes, [256 * MB + 4, 256 * MB + 4]);
    assert.ok(result.tails.every((tail) => tail.endsWith('x***\n')));
    assert.ok(result.peakRssMb > 0 && result.peakRssMb < 200, `${result.peakRssMb} MB`);
  });

  it('a command that closes its stdout at once: its stderr still arrives, masked, and its status passes', async () => {
    const result = await drain(
      [...ARGS, 'sh', '-c', 'exec 1>&-; echo "late $OUT_SECRET" >&2; exit 4'],
      env(),
    );
    assert.equal(result.status, 4);
    assert.deepEqual(result.bytes, [0, 'late ***\n'.length]);
    assert.equal(result.tails[1], 'late ***\n');
  });
});
