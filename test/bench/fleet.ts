// `npm run bench:fleet`: N withsecrets started at once against the emulator in quota mode, as a fleet meets AWS's quotas.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { awsEnv } from '../e2e/harness.ts';
import { type Emulator, startEmulator } from '../emulator/emulator.ts';
import { AWS_RATES } from '../emulator/quotas.ts';
import { ROOT } from './workspace.ts';

const USAGE = 'usage: npm run bench:fleet -- [--processes N] [--scale FACTOR] [--before CHECKOUT]';
const NAMED = Array.from({ length: 25 }, (_, index) => `fleet/s${String(index).padStart(2, '0')}`);
const WILDCARD_MATCHES = ['fleet/w/a', 'fleet/w/b', 'fleet/w/c'];
const OPERATIONS = ['GetSecretValue', 'BatchGetSecretValue', 'ListSecrets'] as const;

const SCENARIOS: readonly { readonly name: string; readonly args: readonly string[] }[] = [
  { name: '1 named secret', args: ['-s', NAMED[0] as string] },
  { name: '3 named secrets', args: NAMED.slice(0, 3).flatMap((name) => ['-s', name]) },
  { name: '25 named secrets', args: NAMED.flatMap((name) => ['-s', name]) },
  { name: 'one wildcard (3 matches)', args: ['-s', 'fleet/w/*'] },
];

interface Build {
  readonly label: string;
  readonly bin: string;
  readonly quota: boolean;
}

interface FleetResult {
  readonly succeeded: number;
  /** Spawn to exit of each run that succeeded, ms, sorted. */
  readonly times: number[];
  readonly calls: Record<string, { calls: number; throttled: number }>;
  /** The error codes of the runs that failed, counted. */
  readonly failures: Map<string, number>;
}

function options() {
  const { values } = parseArgs({
    options: {
      processes: { type: 'string', default: '50' },
      scale: { type: 'string', default: '0.05' },
      before: { type: 'string' },
    },
    strict: true,
  });
  const processes = Number(values.processes);
  const scale = Number(values.scale);
  if (!Number.isInteger(processes) || processes < 1) throw new Error(`--processes: a whole number\n${USAGE}`);
  if (!(scale > 0)) throw new Error(`--scale: a number above 0\n${USAGE}`);
  const before = values.before === undefined ? undefined : resolve(values.before, 'bin', 'withsecrets.js');
  return { processes, scale, before };
}

async function seededEmulator(scale: number | undefined): Promise<Emulator> {
  const emulator = await startEmulator(scale === undefined ? {} : { quotas: { scale } });
  for (const name of [...NAMED, ...WILDCARD_MATCHES]) emulator.createSecret(name, `FAKE-${name}-value`);
  return emulator;
}

/** One process: spawn to exit, its status and the error code of its first line on stderr. */
function runOnce(bin: string, args: readonly string[], env: NodeJS.ProcessEnv) {
  const started = performance.now();
  const child = spawn(process.execPath, [bin, ...args, '--', 'true'], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  return new Promise<{ status: number | null; ms: number; code: string }>((resolvePromise) => {
    child.once('close', (status) =>
      resolvePromise({
        status,
        ms: performance.now() - started,
        code: /\[([A-Z_]+)\]/.exec(stderr)?.[1] ?? (status === 0 ? '' : 'no error line'),
      }),
    );
  });
}

async function runFleet(build: Build, args: readonly string[], processes: number, scale: number) {
  const emulator = await seededEmulator(build.quota ? scale : undefined);
  try {
    // No NODE_EXTRA_CA_CERTS and nothing else of this machine: a container's environment.
    const env = awsEnv(emulator);
    const runs = await Promise.all(Array.from({ length: processes }, () => runOnce(build.bin, args, env)));
    const failures = new Map<string, number>();
    for (const run of runs.filter((candidate) => candidate.status !== 0))
      failures.set(run.code, (failures.get(run.code) ?? 0) + 1);
    const calls = Object.fromEntries(
      OPERATIONS.map((operation) => [
        operation,
        {
          calls: emulator.count({ operation }),
          throttled: emulator.count({ operation, errorCode: 'ThrottlingException' }),
        },
      ]),
    );
    const succeeded = runs.filter((run) => run.status === 0);
    return {
      succeeded: succeeded.length,
      times: succeeded.map((run) => run.ms).sort((a, b) => a - b),
      calls,
      failures,
    } satisfies FleetResult;
  } finally {
    await emulator.close();
  }
}

function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] as number;
}

function row(scenario: string, build: Build, processes: number, result: FleetResult): string {
  const seconds = (ms: number) => (Number.isNaN(ms) ? 'n/a' : (ms / 1000).toFixed(2));
  const calls = OPERATIONS.map((operation) => {
    const { calls: made, throttled } = result.calls[operation] ?? { calls: 0, throttled: 0 };
    return throttled === 0 ? `${made}` : `${made} (${throttled} throttled)`;
  });
  const failed = [...result.failures].map(([code, count]) => `${count} ${code}`).join(', ') || '-';
  return `| ${scenario} | ${build.label} | ${result.succeeded}/${processes} | ${seconds(percentile(result.times, 0.5))} | ${seconds(percentile(result.times, 0.99))} | ${calls.join(' | ')} | ${failed} |`;
}

async function main(): Promise<void> {
  const { processes, scale, before } = options();
  const now = resolve(ROOT, 'bin', 'withsecrets.js');
  const builds: Build[] = [
    ...(before === undefined ? [] : [{ label: 'before, quotas', bin: before, quota: true }]),
    { label: 'now, quotas', bin: now, quota: true },
    { label: 'now, no quotas', bin: now, quota: false },
  ];
  const rate = (operation: keyof typeof AWS_RATES) => AWS_RATES[operation] * scale;
  process.stdout.write(
    `${processes} processes started at once; AWS's rates x ${scale} (BatchGetSecretValue and ListSecrets ` +
      `${rate('BatchGetSecretValue')}/s, GetSecretValue ${rate('GetSecretValue')}/s): ` +
      `${processes / rate('BatchGetSecretValue')}x the Batch quota, standing for ${Math.round(processes / scale)} tasks at full scale.\n` +
      'Times are spawn to exit of `withsecrets ... -- true`, on this machine (all processes share its CPUs).\n\n' +
      `| secrets | build | succeeded | p50 s | p99 s | ${OPERATIONS.join(' | ')} | failed |\n` +
      `| --- | --- | --- | --- | --- | ${OPERATIONS.map(() => '---').join(' | ')} | --- |\n`,
  );
  for (const scenario of SCENARIOS) {
    for (const build of builds) {
      const result = await runFleet(build, scenario.args, processes, scale);
      process.stdout.write(`${row(scenario.name, build, processes, result)}\n`);
    }
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:fleet: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
