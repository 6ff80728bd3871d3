// --watch's cheap question before a round: did any selected secret get a new version? DescribeSecret, never a value.
import {
  type FetchRequest,
  type FetchResult,
  queryKey,
  type SecretQuery,
} from '../references/fetch-request.ts';
import type { CallLimiter } from './call-limiter.ts';
import type { RegionalClients } from './regional-clients.ts';

const CURRENT_STAGE = 'AWSCURRENT';

/**
 * One per run. DescribeSecret's quota is 40,000/s a region against GetSecretValue's 10,000 and
 * BatchGetSecretValue's 100, and it carries no value, so a fleet that watches asks it each round and fetches
 * values only when a version moved. Any doubt counts as a change: the full round then fetches, and reports what
 * is wrong, so a failed check can never hide a rotation.
 */
export class VersionCheck {
  readonly #clients: RegionalClients;
  readonly #calls: CallLimiter;
  /** DescribeSecret was denied once: the identity lacks it, so every round fetches values (as before). */
  #denied = false;

  constructor(clients: RegionalClients, calls: CallLimiter) {
    this.#clients = clients;
    this.#calls = calls;
  }

  /** Whether a round would fetch anything other than what `last` holds. */
  async changedSince(request: FetchRequest, last: FetchResult, abortSignal: AbortSignal): Promise<boolean> {
    // A wildcard's members can change without any version moving: its listing is the check. The agent serves
    // values only, from its cache: asking it again is the check.
    if (this.#denied || request.prefixes.length > 0 || !this.#clients.servesBatches) return true;
    const unique = [...new Map(request.queries.map((query) => [queryKey(query), query])).values()];
    const moved = await Promise.all(
      unique.map((query) => this.#hasMoved(query, last.secrets.get(queryKey(query))?.versionId, abortSignal)),
    );
    return moved.includes(true);
  }

  async #hasMoved(
    query: SecretQuery,
    fetched: string | undefined,
    abortSignal: AbortSignal,
  ): Promise<boolean> {
    // A version id names one version for good.
    if (query.versionId !== undefined) return false;
    if (fetched === undefined) return true;
    try {
      const { api } = await this.#clients.forId(query.id, 'secretsmanager:DescribeSecret');
      const { VersionIdsToStages: versions = {} } = await this.#calls.run(() =>
        api.describeSecret({ SecretId: query.id }, abortSignal),
      );
      const stage = query.versionStage ?? CURRENT_STAGE;
      return versions[fetched]?.includes(stage) !== true;
    } catch (error) {
      if ((error as { name?: unknown }).name === 'AccessDeniedException') this.#denied = true;
      return true;
    }
  }
}
