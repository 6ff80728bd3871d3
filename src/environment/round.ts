// What one fetch round produced, shared by the pipeline (main.ts) and the rotation watch (watch.ts).
import type { Resolved } from './resolve.ts';
import type { InjectedVariable } from './variables.ts';

/** What one fetch round produced: the child's environment and what to mask. */
export interface Round {
  readonly env: Record<string, string>;
  readonly resolved: Resolved;
  /** What the child gets from secrets and references, after precedence. */
  readonly applied: readonly InjectedVariable[];
  /** Injected variables skipped because the inherited environment has them (--no-override). */
  readonly kept: readonly InjectedVariable[];
}
