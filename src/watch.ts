// Rotation: re-fetches on an interval and restarts, signals or ends the child when its environment would change.
import type { Invocation } from './cli.ts';
import { formatError, toWithsecretsErrors } from './errors.ts';
import type { Round } from './main.ts';
import type { Reporter } from './report.ts';
import type { ChildLaunch, Supervisor } from './supervise.ts';

export interface WatchOptions {
  readonly invocation: Invocation;
  readonly first: Round;
  readonly supervisor: Supervisor;
  readonly reporter: Reporter;
  /** Records the round's values for masking and wires the next child. */
  readonly launch: (round: Round) => Promise<ChildLaunch>;
  readonly refetch: (abort: AbortSignal) => Promise<Round>;
}

/** Status of `--on-change exit`: withsecrets stopped the command itself. */
const EXIT_ON_CHANGE_STATUS = 125;

export function watchForChanges(options: WatchOptions): { stop(): void } {
  const { invocation, supervisor, reporter } = options;
  const intervalMs = invocation.watchMs ?? 0;
  const controller = new AbortController();
  let current = options.first;
  let failing = false;
  let timer: NodeJS.Timeout | undefined;

  const schedule = (): void => {
    // Up to 10% jitter, so that a fleet started together does not call AWS in lockstep.
    timer = setTimeout(() => void check(), intervalMs * (1 - 0.1 * Math.random()));
  };

  const check = async (): Promise<void> => {
    let next: Round;
    try {
      next = await options.refetch(controller.signal);
    } catch (thrown) {
      if (controller.signal.aborted) return;
      if (!failing) {
        const reason = toWithsecretsErrors(thrown).map((error) =>
          formatError(error).replace(/^withsecrets: /, ''),
        );
        reporter.notice(
          `re-fetch failed, the command keeps its values; retrying every ${intervalMs / 1000}s: ${reason.join('; ')}`,
        );
      }
      failing = true;
      return schedule();
    }
    failing = false;
    const changed = changedSources(current, next);
    if (changed.length === 0 || controller.signal.aborted) return schedule();
    current = next;
    const launch = await options.launch(next);
    const action = invocation.onChange;
    reporter.notice(`secrets changed (${changed.join(', ')}): ${describe(action)}`);
    switch (action.action) {
      case 'restart':
        if (await supervisor.restart(invocation.stopSignal, invocation.graceMs, async () => launch))
          schedule();
        return;
      case 'signal':
        supervisor.signalChild(action.signal);
        return schedule();
      case 'exit':
        return supervisor.stopAndEnd(invocation.stopSignal, invocation.graceMs, EXIT_ON_CHANGE_STATUS);
    }
  };

  schedule();
  return {
    stop() {
      controller.abort();
      clearTimeout(timer);
    },
  };
}

/** The sources (secret ids, never values) of the variables whose value in the child's environment would change. */
function changedSources(before: Round, after: Round): string[] {
  const names = new Set([...Object.keys(before.env), ...Object.keys(after.env)]);
  const variables = [...after.resolved.references, ...after.resolved.injected, ...before.resolved.injected];
  const sources = new Set<string>();
  for (const name of names) {
    if (before.env[name] === after.env[name]) continue;
    const source = variables.find((variable) => variable.name === name)?.source ?? name;
    sources.add(source);
  }
  return [...sources].sort();
}

function describe(action: Invocation['onChange']): string {
  switch (action.action) {
    case 'restart':
      return 'restarting the command';
    case 'signal':
      return `sending ${action.signal} to the command`;
    case 'exit':
      return `stopping the command and exiting ${EXIT_ON_CHANGE_STATUS}`;
  }
}
