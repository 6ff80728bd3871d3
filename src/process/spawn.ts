// Starts the command without a shell, and reports how it ended or why it could not start.
import type { ChildProcess, StdioOptions } from 'node:child_process';
import spawn from 'cross-spawn';
import { WithsecretsError } from '../errors.ts';
import { restoreCoreDumpFilter } from './core-dumps.ts';
import type { ChildExit } from './exit.ts';

export interface RunningChild {
  readonly process: ChildProcess;
  /** Settles when the child has exited (not when its pipes close: a grandchild may hold them). */
  readonly exited: Promise<ChildExit>;
  /** Sends a signal if the child still runs; never throws. */
  signal(signal: NodeJS.Signals): void;
  readonly hasExited: () => boolean;
}

/** Spawns `command` (looked up on PATH) with exactly `env`; rejects with exit 127/126 errors. */
export async function startChild(
  command: readonly string[],
  env: Readonly<Record<string, string>>,
  stdio: StdioOptions,
): Promise<RunningChild> {
  const [file, ...args] = command;
  if (file === undefined || file === '') {
    throw new WithsecretsError('USAGE', 'no command given', {
      hint: 'withsecrets [options] -- command [args...]',
    });
  }
  let child: ChildProcess;
  try {
    child = spawn(file, args, { env, stdio });
  } catch (error) {
    // Node throws, rather than emits, the errors it does not expect from exec, such as E2BIG.
    throw spawnFailure(file, error as NodeJS.ErrnoException);
  }
  // Node's spawn returns once the child has exec'd: from here on it runs the command, under the user's filter.
  restoreCoreDumpFilter(child.pid);
  let exitedYet = false;
  const exited = new Promise<ChildExit>((resolve) => {
    child.once('exit', (status, signal) => {
      exitedYet = true;
      resolve(signal === null ? { status: status ?? 0 } : { signal });
    });
  });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error: NodeJS.ErrnoException) => reject(spawnFailure(file, error)));
  });
  // A failed kill() later reports an 'error' event; the exit status is what matters.
  child.on('error', () => {});
  return {
    process: child,
    exited,
    hasExited: () => exitedYet,
    signal: (signal) => {
      if (exitedYet) return;
      try {
        child.kill(signal);
      } catch {
        // Already gone between the check and the kill.
      }
    },
  };
}

function spawnFailure(file: string, error: NodeJS.ErrnoException): WithsecretsError {
  if (error.code === 'ENOENT') {
    return new WithsecretsError('COMMAND_NOT_FOUND', `command "${file}" not found`, {
      hint: file.includes('/') ? 'check the path' : 'check PATH, or give its path (it runs without a shell)',
      cause: error,
    });
  }
  if (error.code === 'E2BIG') {
    const message = `command "${file}" cannot be started: its arguments and environment, secrets included, exceed the system's limit (E2BIG)`;
    return new WithsecretsError('COMMAND_NOT_EXECUTABLE', message, {
      hint: 'inject fewer or smaller values (select JSON keys with #KEY)',
      cause: error,
    });
  }
  return new WithsecretsError(
    'COMMAND_NOT_EXECUTABLE',
    `command "${file}" cannot be executed (${error.code ?? 'error'})`,
    {
      hint: 'make it executable (chmod +x) and check its #! line',
      cause: error,
    },
  );
}
