// The only module that talks to AWS: fetches secret values in as few, parallel calls as it can.
import {
  BatchGetSecretValueCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { type ErrorContext, fromAwsError } from './aws-errors.ts';
import { toWithsecretsErrors, WithsecretsError } from './errors.ts';
import { type AwsOptions, RegionalClients } from './regional-clients.ts';
import type { FetchedSecret } from './secret.ts';

export interface SecretQuery {
  readonly id: string;
  readonly versionStage?: string;
  readonly versionId?: string;
}

export interface FetchRequest {
  readonly queries: readonly SecretQuery[];
  /** Name prefixes of wildcard references (`prod/*` -> `prod/`). */
  readonly prefixes: readonly string[];
  /** Version selection for the secrets that prefixes match. */
  readonly prefixVersion?: Omit<SecretQuery, 'id'>;
}

export interface FetchResult {
  /** By `queryKey(query)`. */
  readonly secrets: ReadonlyMap<string, FetchedSecret>;
  /** By prefix, in name order; every prefix matched at least one secret. */
  readonly matches: ReadonlyMap<string, readonly FetchedSecret[]>;
  /** One per failed secret (or per failed call); the caller must not run anything when there is one. */
  readonly errors: readonly WithsecretsError[];
}

const BATCH_SIZE = 20;
const PARALLEL_CALLS = 10;

export function queryKey(query: SecretQuery): string {
  return [query.id, query.versionStage ?? '', query.versionId ?? ''].join('\0');
}

/** One per run: keeps its clients, and whether BatchGetSecretValue is denied, across --watch rounds. */
export class SecretsFetcher {
  readonly #clients: RegionalClients;
  #batchDenied = false;

  constructor(options: AwsOptions) {
    this.#clients = new RegionalClients(options);
  }

  /** Fetches everything requested; failures come back in `errors`, so each is reported, not only the first. */
  async fetch(request: FetchRequest, abortSignal: AbortSignal): Promise<FetchResult> {
    const errors: WithsecretsError[] = [];
    const unique = [...new Map(request.queries.map((query) => [queryKey(query), query])).values()];
    const matchQueries = new Map<string, SecretQuery[]>();
    await Promise.all(
      request.prefixes.map(async (prefix) => {
        try {
          const arns = await this.#listByPrefix(prefix, abortSignal);
          matchQueries.set(
            prefix,
            arns.map((arn) => ({ id: arn, ...request.prefixVersion })),
          );
        } catch (thrown) {
          errors.push(...toWithsecretsErrors(thrown));
        }
      }),
    );

    const fetched = await this.#fetchQueries([...unique, ...[...matchQueries.values()].flat()], abortSignal);
    const take = (query: SecretQuery): FetchedSecret[] => {
      const result = fetched.get(queryKey(query)) ?? missingResult(query.id);
      if (!(result instanceof WithsecretsError)) return [result];
      errors.push(result);
      return [];
    };
    const secrets = new Map(
      unique.flatMap((query) => take(query).map((secret) => [queryKey(query), secret] as const)),
    );
    const matches = new Map(
      [...matchQueries].map(([prefix, queries]) => [prefix, queries.flatMap(take)] as const),
    );
    return { secrets, matches, errors: dedupe(errors) };
  }

  /** ARNs of the secrets whose name starts with `prefix` (case-sensitive), in name order. */
  async #listByPrefix(prefix: string, abortSignal: AbortSignal): Promise<string[]> {
    const { client, context } = await this.#clients.forId(prefix, 'secretsmanager:ListSecrets');
    const found: { name: string; arn: string }[] = [];
    let nextToken: string | undefined;
    do {
      const page = await client
        .send(
          new ListSecretsCommand({
            Filters: [{ Key: 'name', Values: [prefix] }],
            MaxResults: 100,
            NextToken: nextToken,
          }),
          { abortSignal },
        )
        .catch((error: unknown) => {
          throw fromAwsError(error, { ...context, secretId: `${prefix}*` });
        });
      for (const entry of page.SecretList ?? []) {
        // AWS's name filter is case-insensitive and matches words; the contract is an exact prefix.
        if (entry.Name?.startsWith(prefix) && entry.ARN !== undefined)
          found.push({ name: entry.Name, arn: entry.ARN });
      }
      nextToken = page.NextToken;
    } while (nextToken !== undefined);
    if (found.length === 0) throw noMatch(prefix, context.region);
    return found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((entry) => entry.arn);
  }

  async #fetchQueries(
    queries: readonly SecretQuery[],
    abortSignal: AbortSignal,
  ): Promise<Map<string, FetchedSecret | WithsecretsError>> {
    const results = new Map<string, FetchedSecret | WithsecretsError>();
    const batchable = queries.filter(
      (query) => query.versionStage === undefined && query.versionId === undefined,
    );
    const single = queries.filter((query) => !batchable.includes(query));
    const batchesByRegion = new Map<string, string[]>();
    for (const query of batchable) {
      const region = this.#clients.regionKeyOf(query.id);
      batchesByRegion.set(region, [...(batchesByRegion.get(region) ?? []), query.id]);
    }
    const batches = [...batchesByRegion.values()].flatMap((ids) => chunk([...new Set(ids)], BATCH_SIZE));
    await forEachInParallel(batches, PARALLEL_CALLS, async (ids) => {
      for (const [id, result] of await this.#batchGet(ids, abortSignal))
        results.set(queryKey({ id }), result);
    });
    await forEachInParallel(single, PARALLEL_CALLS, async (query) => {
      results.set(queryKey(query), await this.#getOne(query, abortSignal));
    });
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
    const { client, context } = await this.#clients.forId(first, 'secretsmanager:BatchGetSecretValue');
    if (!this.#batchDenied) {
      try {
        await this.#batchPages(client, ids, context, results, abortSignal);
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
    await forEachInParallel(ids, PARALLEL_CALLS, async (id) =>
      results.set(id, await this.#getOne({ id }, abortSignal)),
    );
    return results;
  }

  async #batchPages(
    client: SecretsManagerClient,
    ids: readonly string[],
    context: ErrorContext,
    results: Map<string, FetchedSecret | WithsecretsError>,
    abortSignal: AbortSignal,
  ): Promise<void> {
    let nextToken: string | undefined;
    do {
      const page = await client.send(
        new BatchGetSecretValueCommand({ SecretIdList: [...ids], NextToken: nextToken }),
        { abortSignal },
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
    const { client, context } = await this.#clients.forId(query.id, 'secretsmanager:GetSecretValue');
    try {
      const value = await client.send(
        new GetSecretValueCommand({
          SecretId: query.id,
          VersionStage: query.versionStage,
          VersionId: query.versionId,
        }),
        { abortSignal },
      );
      return toFetchedSecret(value);
    } catch (error) {
      return fromAwsError(error, { ...context, secretId: query.id });
    }
  }
}

function toFetchedSecret(value: {
  Name?: string | undefined;
  ARN?: string | undefined;
  SecretString?: string | undefined;
  SecretBinary?: Uint8Array | undefined;
}): FetchedSecret {
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

function dedupe(errors: readonly WithsecretsError[]): WithsecretsError[] {
  return [...new Map(errors.map((error) => [`${error.code} ${error.message}`, error])).values()];
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

/** Runs `task` over `items` with at most `limit` at a time; rejects with the first error. */
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
