// Ends withsecrets the way its child ended, so a parent or supervisor sees the same status or signal death.
import { constants } from 'node:os';
import { CORE_DUMP_SIGNALS } from './signals.ts';

export type ChildExit = { readonly status: number } | { readonly signal: NodeJS.Signals };

/** Node keeps these from killing it (SIGUSR1 would open the inspector, SIGPIPE is ignored). */
const NOT_RERAISABLE = new Set(['SIGUSR1', 'SIGPIPE']);

export function signalNumber(signal: NodeJS.Signals): number {
  return (constants.signals as Readonly<Record<string, number>>)[signal] ?? 0;
}

/** The status a shell would report for this exit: the code, or 128+N for a signal death. */
export function shellStatus(exit: ChildExit): number {
  return 'status' in exit ? exit.status : 128 + signalNumber(exit.signal);
}

/**
 * Exits with the child's status, or re-raises the child's signal on withsecrets itself (POSIX: a wrapper
 * that re-raises lets `$?` and WIFSIGNALED see the real cause). Where it cannot die of the signal (as PID 1
 * the kernel ignores default dispositions) or must not (core dumps), it exits 128+N.
 */
export function exitLike(exit: ChildExit): never {
  if (
    'signal' in exit &&
    !CORE_DUMP_SIGNALS.has(exit.signal) &&
    !NOT_RERAISABLE.has(exit.signal) &&
    process.pid !== 1
  ) {
    // Every name of the number (SIGIO is also SIGPOLL): a listener left under any of them keeps Node's handler.
    const number = signalNumber(exit.signal);
    for (const [name, value] of Object.entries(constants.signals)) {
      if (value === number) process.removeAllListeners(name);
    }
    try {
      process.kill(process.pid, exit.signal);
    } catch {
      // Fall through to the exit status below.
    }
  }
  process.exit(shellStatus(exit));
}

/** Waits until withsecrets' own stdout and stderr have handed their bytes on: process.exit() would drop them. */
export async function flushStdio(): Promise<void> {
  const pending = [process.stdout, process.stderr].filter(
    (stream) => !stream.destroyed && stream.writableLength > 0,
  );
  await Promise.all(pending.map((stream) => new Promise((resolve) => stream.write('', resolve))));
}
