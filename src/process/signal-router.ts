// Routes the signals withsecrets receives: before the child runs they abort the fetch, then they go to the child.
import { setMaxListeners } from 'node:events';
import {
  FATAL_TO_WITHSECRETS,
  FORWARDED_SIGNALS,
  HARMLESS_BEFORE_CHILD,
  JOB_CONTROL_STOPS,
} from './signals.ts';

/**
 * Listens to every relayed signal from the first moment (a SIGUSR1 without a listener would open Node's
 * inspector in a process holding secrets). Until the child runs, a terminating signal aborts the fetch
 * and is kept; once the child runs, it is relayed to it.
 */
export class SignalRouter {
  readonly #controller = new AbortController();
  #pending: NodeJS.Signals | undefined;
  #route: (signal: NodeJS.Signals) => void = (signal) => {
    if (HARMLESS_BEFORE_CHILD.has(signal)) return;
    if (JOB_CONTROL_STOPS.has(signal)) return void process.kill(process.pid, 'SIGSTOP');
    this.#pending ??= signal;
    this.#controller.abort();
  };

  constructor() {
    // Each request in flight listens for the abort (the SDK's more than once); past 10 listeners Node would
    // print a leak warning on stderr, where withsecrets prints only its own lines.
    setMaxListeners(0, this.#controller.signal);
    for (const signal of [...FORWARDED_SIGNALS, ...FATAL_TO_WITHSECRETS])
      process.on(signal, () => this.#route(signal));
  }

  /** Aborted by the first terminating signal received before the child runs. */
  get abortSignal(): AbortSignal {
    return this.#controller.signal;
  }

  get pending(): NodeJS.Signals | undefined {
    return this.#pending;
  }

  /** From now on signals go to `handler`, starting with one that arrived while the child was starting. */
  relayTo(handler: (signal: NodeJS.Signals) => void): void {
    this.#route = handler;
    const pending = this.#pending;
    this.#pending = undefined;
    if (pending !== undefined) handler(pending);
  }
}
