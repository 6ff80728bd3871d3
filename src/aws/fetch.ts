// The only module that talks to AWS: fetches secret values in as few, parallel calls as it can.

import { toWithsecretsErrors, WithsecretsError } from '../errors.ts';
import {
  type FetchedSecret,
  type FetchRequest,
  type FetchResult,
  queryKey,
  type SecretQuery,
} from '../references/fetch-request.ts';
import { type ErrorContext, fromAwsError } from './errors.ts';
import { type AwsOptions, RegionalClients } from './regional-clients.ts';
import type { SecretsManagerApi, SecretValueEntry } from './secrets-manager-api.ts';

const BATCH_SIZE = 20;
/** However a fetch splits its work (names, wildcard pages, fallbacks), no more calls than this are out at once. */
const MAX_CALLS_IN_FLIGHT = 10;

/** One per run: keeps its clients, and whether BatchGetSecretValue is denied, across --watch rounds. */
export class SecretsFetcher {
  readonly #clients: RegionalClients;
  readonly #calls = new CallLimiter(MAX_CALLS_IN_FLIGHT);
  #batchDenied = false;

  constructor(options: AwsOptions) {
    this.#clients = new RegionalClients(options);
  }

  /** Fetches everything requested; every failure comes back (never thrown), so each is reported. */
  async fetch(request: FetchRequest, abortSignal: AbortSignal): Promise<FetchResult> {
    const errors: WithsecretsError[] = [];
    const failures = new Map<string, WithsecretsError>();
    const unique = [...new Map(request.queries.map((query) => [queryKey(query), query])).values()];
    const requested = new Set(unique.map(queryKey));
    // Named secrets are fetched while wildcards are listed, so a silent endpoint costs one timeout, not two.
    const fetching = [settledLater(this.#fetchQueries(unique, abortSignal))];
    const matchQuery = (arn: string): SecretQuery => ({ id: arn, ...request.prefixVersion });
    const newQueries = (page: readonly { arn: string }[]) => {
      const queries = page
        .map(({ arn }) => matchQuery(arn))
        .filter((query) => !requested.has(queryKey(query)));
      for (const query of queries) requested.add(queryKey(query));
      return queries;
    };
    const lastPages: SecretQuery[] = [];
    const listed = new Map<string, { query: SecretQuery; label: string }[]>();
    const listing = request.prefixes.map(async (prefix) => {
      try {
        // A page followed by more is fetched at once, while the next is listed. Last pages (most wildcards have
        // only one) wait for every listing, so that their matches share batches.
        const found = await this.#listByPrefix(prefix, abortSignal, (page, isLast) => {
          const queries = newQueries(page);
          if (isLast) lastPages.push(...queries);
          else if (queries.length > 0) fetching.push(settledLater(this.#fetchQueries(queries, abortSignal)));
        });
        listed.set(
          prefix,
          found.map(({ arn, name }) => ({ query: matchQuery(arn), label: `${prefix}* (${name})` })),
        );
      } catch (thrown) {
        errors.push(...toWithsecretsErrors(thrown));
      }
    });
    await Promise.all(listing);
    fetching.push(this.#fetchQueries(lastPages, abortSignal));
    const fetched = new Map((await Promise.all(fetching)).flatMap((results) => [...results]));
    const resultOf = (query: SecretQuery) => fetched.get(queryKey(query)) ?? missingResult(query.id);
    const secrets = new Map<string, FetchedSecret>();
    for (const query of unique) {
      const result = resultOf(query);
      if (result instanceof WithsecretsError) failures.set(queryKey(query), result);
      else secrets.set(queryKey(query), result);
    }
    const matches = new Map<string, FetchedSecret[]>();
    for (const [prefix, entries] of listed) {
      const found: FetchedSecret[] = [];
      for (const { query, label } of entries) {
        const result = resultOf(query);
        // A matched secret is named as the user selected it, not by its random-suffixed ARN.
        if (result instanceof WithsecretsError) errors.push(relabel(result, query.id, label));
        else found.push(result);
      }
      matches.set(prefix, found);
    }
    return { secrets, matches, failures, errors };
  }

  /** The secrets whose name starts with `prefix` (case-sensitive), in name order; `onPage` sees each page's. */
  async #listByPrefix(
    prefix: string,
    abortSignal: AbortSignal,
    onPage: (matches: readonly { name: string; arn: string }[], isLast: boolean) => void,
  ): Promise<{ name: string; arn: string }[]> {
    const { api, context } = await this.#clients.forId(prefix, 'secretsmanager:ListSecrets');
    const found: { name: string; arn: string }[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.#calls
        .run(() =>
          api.listSecrets(
            { Filters: [{ Key: 'name', Values: [prefix] }], MaxResults: 100, NextToken: nextToken },
            abortSignal,
          ),
        )
        .catch((error: unknown) => {
          throw fromAwsError(error, { ...context, secretId: `${prefix}*` });
        });
      const matches: { name: string; arn: string }[] = [];
      for (const entry of page.SecretList ?? []) {
        // AWS's name filter is case-insensitive and matches words; the contract is an exact prefix.
        if (entry.Name?.startsWith(prefix) && entry.ARN !== undefined)
          matches.push({ name: entry.Name, arn: entry.ARN });
      }
      found.push(...matches);
      nextToken = page.NextToken;
      onPage(matches, nextToken === undefined);
    } while (nextToken !== undefined);
    if (found.length === 0) throw noMatch(prefix, context.region);
    return found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async #fetchQueries(
    queries: readonly SecretQuery[],
    abortSignal: AbortSignal,
  ): Promise<Map<string, FetchedSecret | WithsecretsError>> {
    const results = new Map<string, FetchedSecret | WithsecretsError>();
    // Overlapping wildcards (prod/* and prod/app/*) match the same secrets: each is fetched once.
    queries = [...new Map(queries.map((query) => [queryKey(query), query])).values()];
    const isBatchable = (query: SecretQuery) =>
      query.versionStage === undefined && query.versionId === undefined;
    const single = queries.filter((query) => !isBatchable(query));
    const batchesByRegion = new Map<string, Set<string>>();
    for (const query of queries.filter(isBatchable)) {
      const region = this.#clients.regionKeyOf(query.id);
      batchesByRegion.set(region, (batchesByRegion.get(region) ?? new Set()).add(query.id));
    }
    const batches = [...batchesByRegion.values()].flatMap((ids) => chunk([...ids], BATCH_SIZE));
    await Promise.all([
      forEachInParallel(batches, MAX_CALLS_IN_FLIGHT, async (ids) => {
        for (const [id, result] of await this.#batchGet(ids, abortSignal))
          results.set(queryKey({ id }), result);
      }),
      forEachInParallel(single, MAX_CALLS_IN_FLIGHT, async (query) => {
        results.set(queryKey(query), await this.#getOne(query, abortSignal));
      }),
    ]);
    return results;
  }

  /** BatchGetSecretValue for up to 20 ids of one region; falls back to GetSecretValue when it is denied. */
  async #batchGet(
    ids: readonly string[],
    abortSignal: AbortSignal,
  ): Promise<Map<string, FetchedSecret | WithsecretsError>> {
    const results = new Map<string, FetchedSecret | WithsecretsError>();
    const [first] = ids;
    if (first === undefined) return results;
    const { api, context } = await this.#clients.forId(first, 'secretsmanager:BatchGetSecretValue');
    if (!this.#batchDenied) {
      try {
        await this.#batchPages(api, ids, context, results, abortSignal);
        return results;
      } catch (error) {
        if ((error as { name?: unknown }).name !== 'AccessDeniedException') {
          const failure = fromAwsError(error, context);
          for (const id of ids) results.set(id, failure);
          return results;
        }
        this.#batchDenied = true;
      }
    }
    await forEachInParallel(ids, MAX_CALLS_IN_FLIGHT, async (id) =>
      results.set(id, await this.#getOne({ id }, abortSignal)),
    );
    return results;
  }

  async #batchPages(
    api: SecretsManagerApi,
    ids: readonly string[],
    context: ErrorContext,
    results: Map<string, FetchedSecret | WithsecretsError>,
    abortSignal: AbortSignal,
  ): Promise<void> {
    let nextToken: string | undefined;
    do {
      const page = await this.#calls.run(() =>
        api.batchGetSecretValue({ SecretIdList: ids, NextToken: nextToken }, abortSignal),
      );
      for (const value of page.SecretValues ?? []) {
        const secret = toFetchedSecret(value);
        for (const id of ids.filter((candidate) => isSameSecret(candidate, secret))) results.set(id, secret);
      }
      for (const failure of page.Errors ?? []) {
        const id = failure.SecretId ?? '';
        const error = { name: failure.ErrorCode, message: failure.Message, $fault: 'client' };
        results.set(
          id,
          fromAwsError(error, { ...context, secretId: id, action: 'secretsmanager:GetSecretValue' }),
        );
      }
      nextToken = page.NextToken;
    } while (nextToken !== undefined);
  }

  async #getOne(query: SecretQuery, abortSignal: AbortSignal): Promise<FetchedSecret | WithsecretsError> {
    const { api, context } = await this.#clients.forId(query.id, 'secretsmanager:GetSecretValue');
    try {
      const value = await this.#calls.run(() =>
        api.getSecretValue(
          { SecretId: query.id, VersionStage: query.versionStage, VersionId: query.versionId },
          abortSignal,
        ),
      );
      return toFetchedSecret(value);
    } catch (error) {
      return fromAwsError(error, { ...context, secretId: query.id });
    }
  }
}

function toFetchedSecret(value: SecretValueEntry): FetchedSecret {
  const base = { name: value.Name ?? '', arn: value.ARN ?? '' };
  if (value.SecretBinary !== undefined) return { ...base, secretBinary: value.SecretBinary };
  return { ...base, secretString: value.SecretString ?? '' };
}

/** Whether `id` (a name, a full ARN, or a partial ARN without the -XXXXXX suffix) names this secret. */
function isSameSecret(id: string, secret: FetchedSecret): boolean {
  if (id === secret.name || id === secret.arn) return true;
  return secret.arn.length === id.length + 7 && secret.arn.startsWith(`${id}-`);
}

function noMatch(prefix: string, region: string): WithsecretsError {
  return new WithsecretsError('NO_MATCH', `no secret name starts with "${prefix}" in ${region}`, {
    hint: 'check the prefix (names are case-sensitive) and the region',
  });
}

function missingResult(id: string): WithsecretsError {
  return new WithsecretsError(
    'AWS_ERROR',
    `Secrets Manager returned neither a value nor an error for secret "${id}"`,
    {
      hint: 'run again; if it persists, fetch it by its full ARN',
    },
  );
}

/** The same error, naming the secret as `label` instead of `id`. */
function relabel(error: WithsecretsError, id: string, label: string): WithsecretsError {
  const message = error.message.replaceAll(`"${id}"`, `"${label}"`);
  return new WithsecretsError(error.code, message, {
    cause: error,
    ...(error.hint === undefined ? {} : { hint: error.hint }),
  });
}

/** A counting semaphore: `run` waits for a free slot, holds it for the call (its retries included), then frees it. */
class CallLimiter {
  #free: number;
  readonly #waiting: (() => void)[] = [];

  constructor(slots: number) {
    this.#free = slots;
  }

  async run<T>(call: () => Promise<T>): Promise<T> {
    if (this.#free > 0) this.#free--;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    try {
      return await call();
    } finally {
      const next = this.#waiting.shift();
      if (next === undefined) this.#free++;
      else next();
    }
  }
}

/** The same promise, marked as handled: it is awaited only later, and an early rejection must not count as unhandled. */
function settledLater<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

/** Runs `task` over `items` with at most `limit` at a time; rejects with the first error (the others run on). */
async function forEachInParallel<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
