// Rotation: re-fetches on an interval and restarts, signals or ends the child when its environment would change.
import type { Invocation } from '../cli/command-line.ts';
import { changedDeliveries } from '../environment/deliveries.ts';
import type { Round } from '../environment/round.ts';
import { formatError, toWithsecretsErrors } from '../errors.ts';
import type { RunMask } from '../mask/run-mask.ts';
import type { Reporter } from '../report.ts';
import type { ChildLaunch, Supervisor } from './supervise.ts';

export interface WatchOptions {
  readonly invocation: Invocation;
  readonly first: Round;
  readonly supervisor: Supervisor;
  readonly reporter: Reporter;
  /** Wires the next child: its environment and its output. */
  readonly launch: (round: Round) => Promise<ChildLaunch>;
  /** The run's mask, which learns each new round's values before anything acts on them. */
  readonly mask: RunMask;
  readonly refetch: (abort: AbortSignal) => Promise<Round>;
}

/** Status of `--on-change exit`: withsecrets stopped the command itself. */
const EXIT_ON_CHANGE_STATUS = 125;

export function watchForChanges(options: WatchOptions): { stop(): void } {
  const { invocation, supervisor, reporter } = options;
  const intervalMs = invocation.watchMs ?? 0;
  const controller = new AbortController();
  const stopped = controller.signal;
  let current = options.first;
  let failing = false;
  let timer: NodeJS.Timeout | undefined;

  const schedule = (): void => {
    if (stopped.aborted) return;
    timer = setTimeout(() => void check(), jitteredInterval(intervalMs));
  };

  const check = async (): Promise<void> => {
    let next: Round;
    try {
      next = await options.refetch(stopped);
    } catch (thrown) {
      if (stopped.aborted) return;
      // One line per streak: a long outage must not fill the log, and a value is never part of it.
      if (!failing)
        reporter.errorNotice(`re-fetch failed, the command keeps its values; ${retrying(thrown)}`);
      failing = true;
      return schedule();
    }
    // The run may have ended while the round was in flight: then there is no child left to act on.
    if (stopped.aborted) return;
    failing = false;
    // A TERM or Ctrl-C was passed on and the command is shutting down: let it finish, start no other.
    if (supervisor.ending) return schedule();
    const changed = changedSources(current, next);
    if (changed.length === 0) return schedule();
    current = next;
    options.mask.add(next.resolved);
    const action = invocation.onChange;
    const what = `secrets changed (${changed.join(', ')})`;
    switch (action.action) {
      case 'restart': {
        // Prepared before the old child stops: after restart() has checked that no signal asked to end the
        // run, nothing may wait on I/O before the new child starts, or a signal then would reach neither.
        const launch = await options.launch(next);
        // Preparing the output waited on I/O: the run may have been stopped or asked to end meanwhile.
        if (stopped.aborted || supervisor.ending) {
          launch.output.closeIfUnused();
          return schedule();
        }
        reporter.notice(`${what}: restarting the command`);
        const restarted = await supervisor.restart(
          invocation.stopSignal,
          invocation.graceMs,
          async () => launch,
        );
        if (restarted) schedule();
        else launch.output.closeIfUnused();
        return;
      }
      case 'signal':
        // The child keeps its environment and its output wiring: only a restart could change them.
        reporter.notice(`${what}: sending ${action.signal} to the command`);
        supervisor.signalChild(action.signal);
        return schedule();
      case 'exit':
        reporter.notice(`${what}: stopping the command and exiting ${EXIT_ON_CHANGE_STATUS}`);
        return supervisor.stopAndEnd(invocation.stopSignal, invocation.graceMs, EXIT_ON_CHANGE_STATUS);
    }
  };

  const retrying = (thrown: unknown): string => {
    const reasons = toWithsecretsErrors(thrown).map((error) =>
      formatError(error).replace(/^withsecrets: /, ''),
    );
    return `retrying every ${formatDuration(intervalMs)}: ${reasons.join('; ')}`;
  };

  schedule();
  return {
    stop() {
      controller.abort();
      clearTimeout(timer);
    },
  };
}

/** Up to 10% shorter than `intervalMs`, at random, so that a fleet started together does not call AWS in lockstep. */
export function jitteredInterval(intervalMs: number, random: () => number = Math.random): number {
  return intervalMs * (1 - 0.1 * random());
}

/** The sources (secret ids, never values) of the variables whose value in the child's environment would change. */
function changedSources(before: Round, after: Round): string[] {
  const names = new Set([...Object.keys(before.env), ...Object.keys(after.env)]);
  const sources = new Set<string>();
  for (const name of names) {
    if (before.env[name] === after.env[name]) continue;
    // The source that set it before and the one that sets it now: they differ when a key moved between secrets.
    const setters = [setterOf(name, before), setterOf(name, after)].filter((source) => source !== undefined);
    for (const source of setters.length === 0 ? [name] : setters) sources.add(source);
  }
  // A --file or --stdin value changes what the child reads, not its environment (a file keeps its path).
  const delivered = (round: Round) => [
    ...round.resolved.files,
    ...(round.resolved.stdin ? [round.resolved.stdin] : []),
  ];
  for (const source of changedDeliveries(delivered(before), delivered(after))) sources.add(source);
  return [...sources].sort();
}

/** The source of the value a variable gets, after precedence. */
function setterOf(name: string, round: Round): string | undefined {
  return round.applied.find((variable) => variable.name === name)?.source;
}

/** `1s`, `90s`, `5m`, `1h`: the interval as a user would have written it. */
function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${ms / 1000}s`;
}
