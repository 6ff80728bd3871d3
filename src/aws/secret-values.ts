// Fetches secret values within Secrets Manager's quotas: GetSecretValue for a few names, BatchGetSecretValue for many.

import { type FetchedSecret, queryKey, type SecretQuery } from '../references/fetch-request.ts';
import type { CallLimiter } from './call-limiter.ts';
import { chunk } from './chunk.ts';
import { type ErrorContext, isRegionalOutage, isThrottled } from './errors.ts';
import { inRegion, type ServedElsewhere } from './fallback-regions.ts';
import { PageGuard } from './page-guard.ts';
import type { RegionalClients } from './regional-clients.ts';
import { awsFailure, isWholeAnswer, type SecretOutcome, toFetchedSecret } from './secret-outcomes.ts';
import type { SecretsManagerApi } from './secrets-manager-api.ts';

const BATCH_SIZE = 20;
/** Thrown in place of a BatchGetSecretValue call once another batch found it denied. */
const DENIED_MEANWHILE = Symbol('BatchGetSecretValue denied meanwhile');

/** One per run: remembers across --watch rounds whether BatchGetSecretValue is denied. */
export class SecretValues {
  readonly #clients: RegionalClients;
  readonly #calls: CallLimiter;
  #batchDenied = false;
  /** What fallback regions served since takeServedElsewhere() last emptied it. */
  #servedElsewhere: ServedElsewhere[] = [];

  constructor(clients: RegionalClients, calls: CallLimiter) {
    this.#clients = clients;
    this.#calls = calls;
  }

  /** What fallback regions served since the last call, and forgets it. */
  takeServedElsewhere(): ServedElsewhere[] {
    return this.#servedElsewhere.splice(0);
  }

  /** Every query's outcome, by `queryKey(query)`; never throws for one secret. */
  async fetch(
    queries: readonly SecretQuery[],
    abortSignal: AbortSignal,
  ): Promise<Map<string, SecretOutcome>> {
    const results = new Map<string, SecretOutcome>();
    // Overlapping wildcards (prod/* and prod/app/*) match the same secrets: each is fetched once.
    const unique = [...new Map(queries.map((query) => [queryKey(query), query])).values()];
    if (!this.#clients.servesBatches) {
      // The agent serves one secret per GetSecretValue: every query goes alone.
      await Promise.all(
        unique.map(async (query) => results.set(queryKey(query), await this.#getOne(query, abortSignal))),
      );
      return results;
    }
    const isBatchable = (query: SecretQuery) =>
      query.versionStage === undefined && query.versionId === undefined;
    const namesByRegion = new Map<string, Set<string>>();
    for (const query of unique.filter(isBatchable)) {
      const region = this.#clients.regionKeyOf(query.id);
      namesByRegion.set(region, (namesByRegion.get(region) ?? new Set()).add(query.id));
    }
    // As many names as there are calls in flight take one round trip either way, and GetSecretValue's quota is
    // 100 times BatchGetSecretValue's (10,000/s against 100/s a region): only more names are worth a batch.
    const [few, many] = partition([...namesByRegion.values()], (ids) => ids.size <= this.#calls.slots);
    const batches = many.flatMap((ids) => chunk([...ids], BATCH_SIZE));
    const singles = [
      ...few.flatMap((ids) => [...ids].map((id): SecretQuery => ({ id }))),
      ...unique.filter((query) => !isBatchable(query)),
    ];
    // The CallLimiter bounds the calls in flight; everything may wait for it at once.
    await Promise.all([
      ...batches.map(async (ids) => {
        for (const [id, result] of await this.#batchGet(ids, abortSignal))
          results.set(queryKey({ id }), result);
      }),
      ...singles.map(async (query) => results.set(queryKey(query), await this.#getOne(query, abortSignal))),
    ]);
    return results;
  }

  /**
   * BatchGetSecretValue for up to 20 ids of one region. GetSecretValue instead once it is denied (for the rest of
   * the run), and for the ids a throttled batch did not bring (its quota is the capped one; not retried).
   */
  async #batchGet(ids: readonly string[], abortSignal: AbortSignal): Promise<Map<string, SecretOutcome>> {
    const results = new Map<string, SecretOutcome>();
    const [first] = ids;
    if (first === undefined) return results;
    const { api, context } = await this.#clients.forId(first, 'secretsmanager:BatchGetSecretValue');
    if (!this.#batchDenied) {
      try {
        await this.#batchPages(api, ids, context, results, abortSignal);
        return results;
      } catch (error) {
        if (isThrottled(error)) {
          await this.#getEach(
            ids.filter((id) => !results.has(id)),
            results,
            abortSignal,
          );
          return results;
        }
        if (error !== DENIED_MEANWHILE && (error as { name?: unknown }).name !== 'AccessDeniedException') {
          // A failure of the whole call names no one secret.
          const failure = awsFailure(error, context);
          const outage = isRegionalOutage(error) && this.#clients.fallbackRegions.length > 0;
          await Promise.all(
            ids.map(async (id) => {
              const elsewhere = outage
                ? await this.#getElsewhere({ id }, context.region, abortSignal)
                : undefined;
              results.set(id, elsewhere ?? failure);
            }),
          );
          return results;
        }
        this.#batchDenied = true;
      }
    }
    await this.#getEach(ids, results, abortSignal);
    return results;
  }

  async #getEach(
    ids: readonly string[],
    results: Map<string, SecretOutcome>,
    abortSignal: AbortSignal,
  ): Promise<void> {
    await Promise.all(ids.map(async (id) => results.set(id, await this.#getOne({ id }, abortSignal))));
  }

  async #batchPages(
    api: SecretsManagerApi,
    ids: readonly string[],
    context: ErrorContext,
    results: Map<string, SecretOutcome>,
    abortSignal: AbortSignal,
  ): Promise<void> {
    const pages = new PageGuard('BatchGetSecretValue', `${ids.length} secrets`);
    let nextToken: string | undefined;
    do {
      const page = await this.#calls.run(() => {
        // Batches wait for a slot together: once one learnt that Batch is denied, the others need not ask.
        if (this.#batchDenied) throw DENIED_MEANWHILE;
        return api.batchGetSecretValue({ SecretIdList: ids, NextToken: nextToken }, abortSignal);
      });
      pages.check(page.NextToken, [
        ...(page.SecretValues ?? []).map((value) => value.ARN ?? ''),
        ...(page.Errors ?? []).map((failure) => failure.SecretId ?? ''),
      ]);
      // A malformed entry is left out: its secret is then reported as missing (missingOutcome).
      for (const value of (page.SecretValues ?? []).filter(isWholeAnswer)) {
        const secret = toFetchedSecret(value, value.ARN ?? '');
        for (const id of ids.filter((candidate) => isSameSecret(candidate, secret))) results.set(id, secret);
      }
      for (const failure of page.Errors ?? []) {
        const id = failure.SecretId ?? '';
        const error = { name: failure.ErrorCode, message: failure.Message, $fault: 'client' };
        results.set(
          id,
          awsFailure(error, { ...context, secretId: id, action: 'secretsmanager:GetSecretValue' }),
        );
      }
      nextToken = page.NextToken;
    } while (nextToken !== undefined);
  }

  async #getOne(query: SecretQuery, abortSignal: AbortSignal): Promise<SecretOutcome> {
    const { api, context } = await this.#clients.forId(query.id, 'secretsmanager:GetSecretValue');
    try {
      const value = await this.#calls.run(() =>
        api.getSecretValue(
          { SecretId: query.id, VersionStage: query.versionStage, VersionId: query.versionId },
          abortSignal,
        ),
      );
      return toFetchedSecret(value, query.id);
    } catch (error) {
      const elsewhere = isRegionalOutage(error)
        ? await this.#getElsewhere(query, context.region, abortSignal)
        : undefined;
      return elsewhere ?? awsFailure(error, { ...context, secretId: query.id });
    }
  }

  /**
   * The query asked of each fallback region in turn, after `failedRegion` did not serve it: the first answer
   * wins, a value or an error (a replica that is missing is an answer); undefined when every region is out too.
   * A full or partial ARN is asked as the replica's, whose ARN is the primary's but for the region.
   */
  async #getElsewhere(
    query: SecretQuery,
    failedRegion: string,
    abortSignal: AbortSignal,
  ): Promise<SecretOutcome | undefined> {
    for (const region of this.#clients.fallbackRegions) {
      if (region === failedRegion) continue;
      const { api, context } = await this.#clients.forRegion(region, 'secretsmanager:GetSecretValue');
      try {
        const value = await this.#calls.run(() =>
          api.getSecretValue(
            {
              SecretId: inRegion(query.id, region),
              VersionStage: query.versionStage,
              VersionId: query.versionId,
            },
            abortSignal,
          ),
        );
        this.#servedElsewhere.push({ id: query.id, from: failedRegion, to: region });
        return toFetchedSecret(value, query.id);
      } catch (error) {
        if (!isRegionalOutage(error)) return awsFailure(error, { ...context, secretId: query.id });
      }
    }
    return undefined;
  }
}

/** Whether `id` (a name, a full ARN, or a partial ARN without the -XXXXXX suffix) names this secret. */
function isSameSecret(id: string, secret: FetchedSecret): boolean {
  if (id === secret.name || id === secret.arn) return true;
  return secret.arn.length === id.length + 7 && secret.arn.startsWith(`${id}-`);
}

function partition<T>(items: readonly T[], test: (item: T) => boolean): [T[], T[]] {
  return [items.filter(test), items.filter((item) => !test(item))];
}
