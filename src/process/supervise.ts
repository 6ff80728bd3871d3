// Owns the running child: relays signals to it, restarts it on rotation, and says when the run is over.
import { onExit } from 'signal-exit';
import type { ChildOutput } from '../mask/child-output.ts';
import type { ChildExit } from './exit.ts';
import {
  childGotItFromTerminal,
  HARMLESS_BEFORE_CHILD,
  JOB_CONTROL_STOPS,
  QUIETLY_IGNORED,
} from './signals.ts';
import { type RunningChild, startChild } from './spawn.ts';

export interface ChildLaunch {
  readonly env: Readonly<Record<string, string>>;
  readonly output: ChildOutput;
}

/** What an orchestrator (TERM) or a user (Ctrl-C) sends to end the run; once relayed, rotation stands aside. */
const ENDING_SIGNALS = new Set<NodeJS.Signals>(['SIGTERM', 'SIGINT']);

/** The listener that keeps a signal in QUIETLY_IGNORED from reaching signal-exit alone. */
function ignoreSignal(): void {}

/** The wait for the pipes after the child exits (a background grandchild may hold them). */
const DRAIN_TIMEOUT_MS = 1000;

export class Supervisor {
  readonly #command: readonly string[];
  #child: RunningChild | undefined;
  #output: ChildOutput | undefined;
  #restarting = false;
  #stopRequested = false;
  #settle: { resolve: (exit: ChildExit) => void; reject: (error: unknown) => void } | undefined;
  /** Settles once: with the status of the child that ended the run, or with the error that ended it. */
  readonly finished: Promise<ChildExit>;

  constructor(command: readonly string[]) {
    this.#command = command;
    this.finished = new Promise<ChildExit>((resolve, reject) => {
      this.#settle = { resolve, reject };
    });
    // If withsecrets dies of something it does not relay, the child must not linger.
    onExit(() => this.#child?.signal('SIGTERM'));
    // signal-exit listens on these too: alone there, it would take them for a death and stop the child.
    for (const signal of QUIETLY_IGNORED) {
      if (!process.listeners(signal).includes(ignoreSignal)) process.on(signal, ignoreSignal);
    }
  }

  async start(launch: ChildLaunch): Promise<void> {
    const child = await startChild(this.#command, launch.env, launch.output.stdio);
    launch.output.attach(child.process);
    this.#child = child;
    this.#output = launch.output;
    void child.exited.then(async (exit) => {
      if (this.#restarting || this.#child !== child) return;
      await launch.output.drain(DRAIN_TIMEOUT_MS);
      this.#settle?.resolve(exit);
    });
  }

  /** Relays a signal received by withsecrets to the child, as tini and dumb-init do. */
  relay(signal: NodeJS.Signals): void {
    if (!childGotItFromTerminal(signal)) this.#child?.signal(signal);
    const duringRestart =
      this.#restarting && !HARMLESS_BEFORE_CHILD.has(signal) && !JOB_CONTROL_STOPS.has(signal);
    if (duringRestart || ENDING_SIGNALS.has(signal)) this.#stopRequested = true;
    // Stopping too lets the shell see the whole job stopped; SIGCONT resumes both.
    if (JOB_CONTROL_STOPS.has(signal) && process.pid !== 1) process.kill(process.pid, 'SIGSTOP');
  }

  /** Whether a signal asked the run to end: the child is finishing, and rotation must leave it alone. */
  get ending(): boolean {
    return this.#stopRequested;
  }

  /** Sends a signal of withsecrets' own choosing (`--on-change signal:NAME`). */
  signalChild(signal: NodeJS.Signals): void {
    this.#child?.signal(signal);
  }

  /**
   * Stops the child (`stopSignal`, then SIGKILL after `graceMs`) and starts the next one, unless a signal
   * arrived meanwhile: then the run ends with the old child's status. Returns whether a new child runs.
   */
  async restart(
    stopSignal: NodeJS.Signals,
    graceMs: number,
    next: () => Promise<ChildLaunch>,
  ): Promise<boolean> {
    const exit = await this.#stopChild(stopSignal, graceMs);
    if (exit === undefined) return false;
    if (this.#stopRequested) {
      this.#restarting = false;
      this.#settle?.resolve(exit);
      return false;
    }
    try {
      await this.start(await next());
      return true;
    } catch (error) {
      this.#settle?.reject(error);
      return false;
    } finally {
      this.#restarting = false;
    }
  }

  /** Stops the child for `--on-change exit`; the run ends with `status`. */
  async stopAndEnd(stopSignal: NodeJS.Signals, graceMs: number, status: number): Promise<void> {
    const exit = await this.#stopChild(stopSignal, graceMs);
    if (exit !== undefined) this.#settle?.resolve(this.#stopRequested ? exit : { status });
  }

  /** withsecrets got a signal that ends it (SIGABRT...): the child is stopped as after an internal error. */
  endBecauseOf(signal: NodeJS.Signals): void {
    void this.terminate().then(() => this.#settle?.resolve({ signal }));
  }

  /** After an internal error: SIGTERM, then SIGKILL after 5 s, so the child does not linger. */
  async terminate(): Promise<void> {
    // Rotation must not start another child while this one is being stopped.
    this.#stopRequested = true;
    if (this.#child === undefined || this.#child.hasExited()) return;
    this.#restarting = true;
    await this.#stopChild('SIGTERM', 5000);
  }

  /** The old child's exit, or undefined when it had already ended the run on its own. */
  async #stopChild(stopSignal: NodeJS.Signals, graceMs: number): Promise<ChildExit | undefined> {
    const child = this.#child;
    if (child === undefined || child.hasExited()) return undefined;
    this.#restarting = true;
    child.signal(stopSignal);
    const timer = setTimeout(() => child.signal('SIGKILL'), graceMs);
    const exit = await child.exited;
    clearTimeout(timer);
    await this.#output?.drain(DRAIN_TIMEOUT_MS);
    return exit;
  }
}
