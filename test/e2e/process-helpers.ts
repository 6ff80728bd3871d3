// Process plumbing for the exit-status and signal tests: a wrapper in its own session, /proc reads, polling.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { BIN, type Finished, NODE, type Started, track } from './harness.ts';

/** Nothing from the test runner's environment: a PATH, and AWS settings that reach nothing off this machine. */
export const PLAIN_ENV: Record<string, string> = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  AWS_CONFIG_FILE: '/nonexistent',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
  AWS_EC2_METADATA_DISABLED: 'true',
};

export interface Wrapper extends Started {
  readonly pid: number;
  /** Kills withsecrets and everything in its process group if still there; safe to call twice. */
  kill(): void;
}

/**
 * Starts withsecrets in a new session (no controlling terminal), so a signal the test sends is never
 * mistaken for one the terminal sent, even when the tests run in a terminal. The wrapper leads its process
 * group, and the child stays in it, so `kill()` reaches both. `command` goes before the bin (a shell that
 * sets a limit, `unshare`...), ending with the node that runs it.
 */
export function startWrapper(
  args: readonly string[],
  options: { env?: Record<string, string>; command?: readonly string[]; cwd?: string } = {},
): Wrapper {
  const [file, ...prefix] = options.command ?? [NODE];
  if (file === undefined) throw new Error('empty command');
  return startDetached(file, [...prefix, BIN, ...args], options);
}

/** Starts any program in a new session and process group, with exactly `env` (default PLAIN_ENV). */
export function startDetached(
  file: string,
  args: readonly string[],
  options: { env?: Record<string, string>; cwd?: string; stdin?: 'ignore' | 'pipe' } = {},
): Wrapper {
  const child = spawn(file, args, {
    env: options.env ?? PLAIN_ENV,
    stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'],
    detached: true,
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
  });
  const started = track(child);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${file}`);
  return { ...started, pid, kill: () => killGroup(pid) };
}

/** SIGKILL to a whole process group, ignoring one that is already gone. */
export function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // The group is already gone.
  }
}

/** The single-letter state of a process (`R`, `S`, `T`, `Z`...), or undefined once it is gone. */
export function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return undefined;
  }
}

/** Gone, or a zombie waiting for its new parent to reap it: either way it no longer runs. */
export function hasEnded(pid: number): boolean {
  const state = processState(pid);
  return state === undefined || state === 'Z' || state === 'X';
}

/** The pids of a process's direct children, from /proc (Linux). */
export function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((task) =>
      readFileSync(`/proc/${pid}/task/${task}/children`, 'latin1')
        .split(' ')
        .filter((text) => text !== '')
        .map(Number),
    );
  } catch {
    return [];
  }
}

/** Polls `condition` every few ms until it holds; rejects after `timeoutMs` with `what` in the message. */
export async function waitUntil(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** How many lines of `text` are exactly `line` (a terminal's `\r` at the end is ignored). */
export function countLines(text: string, line: string): number {
  return text.split('\n').filter((candidate) => candidate.replace(/\r$/, '') === line).length;
}

/** The `GOT SIGNAME` lines that test/fixtures/trap.js printed, in order. */
export function trappedSignals(stdout: string): string[] {
  return stdout
    .split('\n')
    .map((line) => line.replace(/\r$/, ''))
    .filter((line) => line.startsWith('GOT '))
    .map((line) => line.slice('GOT '.length));
}

/** How the process ended; rejects after `timeoutMs`, so a test that hangs still reaches its cleanup. */
export function ended(started: Started, timeoutMs = 10_000): Promise<Finished> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`still running after ${timeoutMs} ms; stdout so far: ${started.stdout()}`)),
      timeoutMs,
    );
  });
  return Promise.race([started.finished, timeout]).finally(() => clearTimeout(timer));
}

/** Sends a signal to a process that may already be gone. */
export function killQuietly(pid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}
