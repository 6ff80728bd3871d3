// Cleanup when withsecrets exits or dies of a signal it does not handle (signal-exit), never on one it handles.
import { onExit } from 'signal-exit';
import { QUIETLY_IGNORED } from './signals.ts';

/** The listener that keeps a signal in QUIETLY_IGNORED from reaching signal-exit alone. */
function ignoreSignal(): void {}

/**
 * Registers `cleanup` with signal-exit, after making sure it is never alone on the other names of the signals
 * withsecrets handles (SIGPOLL, SIGIOT) or on SIGXFSZ: alone there, it would take them for a death, run every
 * cleanup (the --file files would go while the command still reads them) and raise the signal again.
 * Returns the function that unregisters it.
 */
export function onWithsecretsExit(cleanup: () => void): () => void {
  for (const signal of QUIETLY_IGNORED) {
    if (!process.listeners(signal).includes(ignoreSignal)) process.on(signal, ignoreSignal);
  }
  return onExit(cleanup);
}
