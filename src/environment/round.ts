// What one fetch round produced, shared by the pipeline (main.ts) and the rotation watch (watch.ts).
import type { FetchResult } from '../references/fetch-request.ts';
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
  /** What came back from AWS: the versions a later round compares with. */
  readonly fetched: FetchResult;
}
