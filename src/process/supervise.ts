// Owns the running child: relays signals to it, restarts it on rotation, and says when the run is over.
import type { ChildOutput } from '../mask/child-output.ts';
import type { ChildExit } from './exit.ts';
import { onWithsecretsExit } from './exit-hook.ts';
import {
  childGotItFromTerminal,
  HARMLESS_BEFORE_CHILD,
  JOB_CONTROL_STOPS,
  RUN_STOP_REQUESTS,
} from './signals.ts';
import { type RunningChild, startChild } from './spawn.ts';
import { type ChildInput, stdioWithInput } from './stdin-pipe.ts';

export interface ChildLaunch {
  readonly env: Readonly<Record<string, string>>;
  readonly output: ChildOutput;
  /** --stdin: the pipe the value goes to; without it the child inherits withsecrets' standard input. */
  readonly input?: ChildInput;
}

/**
 * Where the run is. Every method acts by the phase and moves it on; only `running` and `ending` let the
 * child's own exit end the run, the others stop the child themselves and then decide.
 * - running: a child runs, and its exit ends the run.
 * - ending: a signal asked the run to end; the child is finishing and rotation leaves it alone.
 * - replacing: rotation stops the child to start the next one.
 * - stopping: `--on-change exit` stops the child; the run ends with that status unless a signal asks first.
 * - terminating: an internal failure or a fatal signal; the child is stopped, withsecrets picks the status.
 * - ended: `finished` has settled.
 */
type Phase = 'running' | 'ending' | 'replacing' | 'stopping' | 'terminating' | 'ended';

/** The wait for the pipes after the child exits (a background grandchild may hold them). */
const DRAIN_TIMEOUT_MS = 1000;
/** How long a child stopped after an internal failure gets before SIGKILL. */
const TERMINATE_GRACE_MS = 5000;

export class Supervisor {
  readonly #command: readonly string[];
  #phase: Phase = 'running';
  #child: RunningChild | undefined;
  #output: ChildOutput | undefined;
  /** A signal that asked the run to end while the old child was gone and the next one starting. */
  #unrelayed: NodeJS.Signals | undefined;
  #settle: { resolve: (exit: ChildExit) => void; reject: (error: unknown) => void } | undefined;
  /** Settles once: with the status of the child that ended the run, or with the error that ended it. */
  readonly finished: Promise<ChildExit>;

  constructor(command: readonly string[]) {
    this.#command = command;
    this.finished = new Promise<ChildExit>((resolve, reject) => {
      this.#settle = { resolve, reject };
    });
    // If withsecrets dies of something it does not relay, the child must not linger.
    onWithsecretsExit(() => this.#child?.signal('SIGTERM'));
  }

  async start(launch: ChildLaunch): Promise<void> {
    const stdio = stdioWithInput(launch.output.stdio, launch.input);
    const child = await startChild(this.#command, launch.env, stdio);
    launch.input?.deliver(child.process);
    launch.output.attach(child.process);
    this.#child = child;
    this.#output = launch.output;
    if (this.#phase === 'replacing') this.#phase = 'running';
    if (this.#unrelayed !== undefined) child.signal(this.#unrelayed);
    this.#unrelayed = undefined;
    void child.exited.then(async (exit) => {
      if (this.#child !== child || (this.#phase !== 'running' && this.#phase !== 'ending')) return;
      await launch.output.drain(DRAIN_TIMEOUT_MS);
      this.#end(exit);
    });
  }

  /** Relays a signal received by withsecrets to the child, as tini and dumb-init do. */
  relay(signal: NodeJS.Signals): void {
    if (!childGotItFromTerminal(signal)) this.#child?.signal(signal);
    const phase = this.#phase;
    // While withsecrets stops the child itself, any signal that is more than a nudge says: end, do not go on.
    const stoppingItself = phase === 'replacing' || phase === 'stopping';
    const nudge = HARMLESS_BEFORE_CHILD.has(signal) || JOB_CONTROL_STOPS.has(signal);
    if ((phase === 'running' && RUN_STOP_REQUESTS.has(signal)) || (stoppingItself && !nudge)) {
      if (phase === 'replacing' && (this.#child?.hasExited() ?? true)) this.#unrelayed = signal;
      this.#phase = 'ending';
    }
    // Stopping too lets the shell see the whole job stopped; SIGCONT resumes both.
    if (JOB_CONTROL_STOPS.has(signal) && process.pid !== 1) process.kill(process.pid, 'SIGSTOP');
  }

  /** Whether the run is ending: the child is finishing or being stopped, and rotation must leave it alone. */
  get ending(): boolean {
    return this.#phase !== 'running' && this.#phase !== 'replacing';
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
    const child = this.#liveChild();
    if (this.#phase !== 'running' || child === undefined) return false;
    this.#phase = 'replacing';
    const exit = await this.#stopChild(child, stopSignal, graceMs);
    if (this.#phase !== 'replacing') {
      this.#end(exit);
      return false;
    }
    try {
      await this.start(await next());
      return true;
    } catch (error) {
      this.#fail(error);
      return false;
    }
  }

  /** Stops the child for `--on-change exit`; the run ends with `status`. */
  async stopAndEnd(stopSignal: NodeJS.Signals, graceMs: number, status: number): Promise<void> {
    const child = this.#liveChild();
    if (this.#phase !== 'running' || child === undefined) return;
    this.#phase = 'stopping';
    const exit = await this.#stopChild(child, stopSignal, graceMs);
    this.#end(this.#phase === 'stopping' ? { status } : exit);
  }

  /** withsecrets got a signal that ends it (SIGABRT...): the child is stopped as after an internal error. */
  endBecauseOf(signal: NodeJS.Signals): void {
    void this.terminate().then(() => this.#end({ signal }));
  }

  /** After an internal error: SIGTERM, then SIGKILL after 5 s, so the child does not linger. */
  async terminate(): Promise<void> {
    // Rotation must not start another child while this one is being stopped.
    if (this.#phase !== 'ended') this.#phase = 'terminating';
    const child = this.#liveChild();
    if (child !== undefined) await this.#stopChild(child, 'SIGTERM', TERMINATE_GRACE_MS);
  }

  #liveChild(): RunningChild | undefined {
    return this.#child?.hasExited() === false ? this.#child : undefined;
  }

  async #stopChild(child: RunningChild, stopSignal: NodeJS.Signals, graceMs: number): Promise<ChildExit> {
    child.signal(stopSignal);
    const timer = setTimeout(() => child.signal('SIGKILL'), graceMs);
    const exit = await child.exited;
    clearTimeout(timer);
    await this.#output?.drain(DRAIN_TIMEOUT_MS);
    return exit;
  }

  #end(exit: ChildExit): void {
    if (this.#phase === 'ended') return;
    this.#phase = 'ended';
    this.#settle?.resolve(exit);
  }

  #fail(error: unknown): void {
    this.#phase = 'ended';
    this.#settle?.reject(error);
  }
}
