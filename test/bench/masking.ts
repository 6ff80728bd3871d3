// Masking throughput: a child's log output through withsecrets with 100 values to mask, against a plain pipe.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { startEmulator } from '../emulator/emulator.ts';

export interface BenchMaskingOptions {
  /** Megabytes (10^6 bytes) the child writes per run; 200 by default. */
  readonly megabytes?: number;
  /** Secrets fetched, each a value to mask; 100 by default. */
  readonly values?: number;
  /** Measured runs of each path, after one warm-up; 3 by default. */
  readonly runs?: number;
}

export interface MaskingResult {
  /** Median MB/s (10^6 bytes) of the child's output through withsecrets and its masker. */
  readonly maskedMBps: number;
  /** Median MB/s of the same child writing to a plain pipe. */
  readonly plainMBps: number;
  /** maskedMBps / plainMBps. */
  readonly ratio: number;
  readonly megabytes: number;
  readonly values: number;
  readonly runs: number;
  /** The target, >= 100 MB/s through the masker, and whether this machine met it. */
  readonly target: string;
}

const ROOT = resolve(__dirname, '../..');
const BIN = resolve(ROOT, 'bin/withsecrets.js');
const WRITER = resolve(ROOT, 'test/fixtures/mask-flood.js');
const TARGET_MBPS = 100;
/** How many of the values the child's log lines carry (the rest are masked for, never met). */
const VALUES_IN_TEXT = 5;

interface Measured {
  /** What the child wrote (its END line's count), which both paths share. */
  readonly written: number;
  readonly MBps: number;
}

export async function benchMasking(options: BenchMaskingOptions = {}): Promise<MaskingResult> {
  const megabytes = options.megabytes ?? 200;
  const count = options.values ?? 100;
  const runs = options.runs ?? 3;
  if (!existsSync(resolve(ROOT, 'dist'))) throw new Error('dist/ is missing: run `npm run build` first');
  const emulator = await startEmulator();
  try {
    const suffix = randomBytes(4).toString('hex');
    const names = Array.from({ length: count }, (_, index) => String(index).padStart(3, '0'));
    // Same length for every value, so the masked output's length can be checked exactly.
    const values = names.map((name) => `FAKE-bench-${name}-${suffix}`);
    for (const [index, name] of names.entries()) {
      emulator.createSecret(`bench/mask/${name}`, values[index] as string);
    }
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: emulator.region,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: emulator.url,
    };
    const step = Math.max(1, Math.floor(count / VALUES_IN_TEXT));
    const inText = names.filter((_, index) => index % step === 0).slice(0, VALUES_IN_TEXT);
    const writer = (size: number) => [
      process.execPath,
      WRITER,
      String(size),
      ...inText.map((name) => `BENCH_MASK_${name}`),
    ];
    const masked = (size: number) => [process.execPath, BIN, '-s', 'bench/mask/*', '--', ...writer(size)];
    const valueLength = values[0]?.length ?? 0;

    await measure(writer(20), env, 0);
    await measure(masked(20), env, valueLength);
    const plainRuns: number[] = [];
    const maskedRuns: number[] = [];
    for (let run = 0; run < runs; run++) {
      plainRuns.push((await measure(writer(megabytes), env, 0)).MBps);
      maskedRuns.push((await measure(masked(megabytes), env, valueLength)).MBps);
    }
    const maskedMBps = median(maskedRuns);
    const plainMBps = median(plainRuns);
    return {
      maskedMBps,
      plainMBps,
      ratio: maskedMBps / plainMBps,
      megabytes,
      values: count,
      runs,
      target: `>= ${TARGET_MBPS} MB/s: ${maskedMBps >= TARGET_MBPS ? 'met' : 'NOT met'}`,
    };
  } finally {
    await emulator.close();
  }
}

/**
 * Runs `argv` with its stdout a pipe that this process reads and discards; the rate is the child's output over
 * the time from the first byte to the end, so start-up (withsecrets' fetch included) does not count. With
 * `maskedLength` > 0 each value in the text must have become `***`, and nothing else changed in length.
 */
async function measure(
  argv: readonly string[],
  env: Record<string, string>,
  maskedLength: number,
): Promise<Measured> {
  const [file, ...args] = argv;
  const child = spawn(file ?? '', args, { env, stdio: ['ignore', 'pipe', 'ignore'] });
  let first: number | undefined;
  let received = 0;
  let tail = '';
  child.stdout.on('data', (chunk: Buffer) => {
    first ??= performance.now();
    received += chunk.length;
    tail = (tail + chunk.subarray(-200).toString('latin1')).slice(-200);
  });
  const [status] = (await once(child, 'close')) as [number | null];
  const seconds = (performance.now() - (first ?? Number.NaN)) / 1000;
  const end = /END (\d+) (\d+)\n$/.exec(tail);
  if (status !== 0 || end === null) throw new Error(`${argv.join(' ')} failed: status ${status}`);
  const written = Number(end[1]);
  const expected = written - (maskedLength === 0 ? 0 : Number(end[2]) * (maskedLength - 3)) + end[0].length;
  if (received !== expected) throw new Error(`received ${received} bytes, expected ${expected}`);
  if (tail.includes('FAKE-bench')) throw new Error('a value went through unmasked');
  return { written, MBps: written / 1e6 / seconds };
}

function median(numbers: readonly number[]): number {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

if (require.main === module) {
  benchMasking().then(
    (result) => {
      const rows = [
        ['child -> plain pipe', result.plainMBps],
        ['child -> withsecrets (masking) -> pipe', result.maskedMBps],
      ] as const;
      process.stdout.write(
        [
          `Masking throughput: ${result.megabytes} MB of log lines, ${result.values} values to mask, median of ${result.runs} runs`,
          '',
          '| path | MB/s |',
          '| --- | ---: |',
          ...rows.map(([path, rate]) => `| ${path} | ${rate.toFixed(1)} |`),
          '',
          `masked / plain: ${result.ratio.toFixed(2)}; target ${result.target}`,
          '',
        ].join('\n'),
      );
    },
    (error: unknown) => {
      process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
