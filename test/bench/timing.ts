// Wall time of whole processes: hyperfine when installed, else a spawn loop; rounds interleave commands on a noisy host.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export interface BenchCommand {
  readonly label: string;
  readonly argv: readonly string[];
}

export interface TimingPlan {
  readonly rounds: number;
  readonly runsPerRound: number;
  /** hyperfine's path, or undefined for the built-in loop. */
  readonly hyperfine: string | undefined;
  /** Where hyperfine writes its JSON exports. */
  readonly scratchDir: string;
}

/** Milliseconds per run, by label. */
export type Timings = Map<string, number[]>;

export function findHyperfine(): string | undefined {
  const found = spawnSync('hyperfine', ['--version'], { encoding: 'utf8' });
  return found.status === 0 ? 'hyperfine' : undefined;
}

/** One round is every command, in a new random order, `runsPerRound` times each; the rounds add up. */
export async function timeCommands(
  commands: readonly BenchCommand[],
  env: NodeJS.ProcessEnv,
  plan: TimingPlan,
  round: number,
  into: Timings,
): Promise<void> {
  const order = shuffle(commands);
  const times =
    plan.hyperfine === undefined
      ? await loopRound(order, env, plan)
      : hyperfineRound(order, env, plan, round);
  for (const [label, ms] of times) into.set(label, [...(into.get(label) ?? []), ...ms]);
}

function hyperfineRound(
  commands: readonly BenchCommand[],
  env: NodeJS.ProcessEnv,
  plan: TimingPlan,
  round: number,
): Map<string, number[]> {
  const exportFile = join(plan.scratchDir, `hyperfine-${round}.json`);
  const args = ['-N', '--style', 'none', '--warmup', '1', '--runs', String(plan.runsPerRound)];
  args.push('--export-json', exportFile);
  for (const command of commands) args.push('-n', command.label, toCommandLine(command.argv));
  const run = spawnSync(plan.hyperfine ?? 'hyperfine', args, { env, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (run.status !== 0) throw new Error(`hyperfine failed (${run.status}): ${run.stderr}`);
  const exported = JSON.parse(readFileSync(exportFile, 'utf8')) as {
    results: { command: string; times: number[]; exit_codes: number[] }[];
  };
  rmSync(exportFile, { force: true });
  return new Map(
    exported.results.map((result) => {
      if (result.exit_codes.some((code) => code !== 0)) throw new Error(`${result.command} exited non-zero`);
      return [result.command, result.times.map((seconds) => seconds * 1000)];
    }),
  );
}

/** The fallback: each run is spawn -> exit as seen from here, so it carries this loop's own ~1 ms. */
async function loopRound(
  commands: readonly BenchCommand[],
  env: NodeJS.ProcessEnv,
  plan: TimingPlan,
): Promise<Map<string, number[]>> {
  const times = new Map<string, number[]>();
  for (const command of commands) await timeOnce(command, env); // warm-up, like hyperfine's
  for (let run = 0; run < plan.runsPerRound; run++) {
    for (const command of shuffle(commands)) {
      times.set(command.label, [...(times.get(command.label) ?? []), await timeOnce(command, env)]);
    }
  }
  return times;
}

function timeOnce(command: BenchCommand, env: NodeJS.ProcessEnv): Promise<number> {
  const [file, ...args] = command.argv;
  if (file === undefined) throw new Error(`empty command: ${command.label}`);
  return new Promise((resolvePromise, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(file, args, { env, stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (code === 0) resolvePromise(ms);
      else reject(new Error(`${command.label} exited ${code ?? signal}`));
    });
  });
}

/** hyperfine -N splits its command line like a POSIX shell, without running one. */
export function toCommandLine(argv: readonly string[]): string {
  return argv
    .map((arg) => (/^[\w@%+=:,./*-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`))
    .join(' ');
}

function shuffle<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly runs: number;
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1
      ? (sorted[middle] ?? NaN)
      : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
  return { median, min: sorted[0] ?? NaN, max: sorted.at(-1) ?? NaN, runs: sorted.length };
}
