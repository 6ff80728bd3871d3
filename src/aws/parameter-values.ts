// Fetches Parameter Store values politely: GetParameters by 10 (its limit), GetParametersByPath a page of 10 at a time.

import { WithsecretsError } from '../errors.ts';
import type { FetchedSecret } from '../references/fetch-request.ts';
import { parameterArnRegion } from '../references/parameter-refs.ts';
import type { CallLimiter } from './call-limiter.ts';
import { chunk } from './chunk.ts';
import { type ErrorContext, fromAwsError } from './errors.ts';
import { PageGuard } from './page-guard.ts';
import type { ParameterEntry, ParameterStoreApi } from './parameter-store-api.ts';
import { awsFailure, type SecretOutcome } from './secret-outcomes.ts';

/** GetParameters takes at most 10 names, GetParametersByPath answers at most 10 a page. */
const BATCH_SIZE = 10;
const GET_ACTION = 'ssm:GetParameters';
const PATH_ACTION = 'ssm:GetParametersByPath';

/** The SSM client of a region ('' for the configured one), with the context its errors are reported in. */
export interface ParameterClients {
  forRegion(key: string, action: string): Promise<{ api: ParameterStoreApi; context: ErrorContext }>;
}

export class ParameterValues {
  readonly #clients: ParameterClients;
  readonly #calls: CallLimiter;

  constructor(clients: ParameterClients, calls: CallLimiter) {
    this.#clients = clients;
    this.#calls = calls;
  }

  /** Every name's outcome, by the name as asked (selector included); never throws for one parameter. */
  async fetch(names: readonly string[], abortSignal: AbortSignal): Promise<Map<string, SecretOutcome>> {
    const results = new Map<string, SecretOutcome>();
    const byRegion = new Map<string, string[]>();
    for (const name of new Set(names)) {
      const region = parameterArnRegion(name) ?? '';
      byRegion.set(region, [...(byRegion.get(region) ?? []), name]);
    }
    const batches = [...byRegion].flatMap(([region, all]) =>
      chunk(all, BATCH_SIZE).map((batch) => ({ region, batch })),
    );
    await Promise.all(
      batches.map(({ region, batch }) => this.#getBatch(region, batch, results, abortSignal)),
    );
    return results;
  }

  /**
   * One GetParameters call. A name that is denied, or a SecureString whose key may not be used, fails the whole
   * call: then each name is asked alone, so that every failure is reported against its own parameter.
   */
  async #getBatch(
    region: string,
    names: readonly string[],
    results: Map<string, SecretOutcome>,
    abortSignal: AbortSignal,
  ): Promise<void> {
    const { api, context } = await this.#clients.forRegion(region, GET_ACTION);
    try {
      const output = await this.#calls.run(() =>
        api.getParameters({ Names: names, WithDecryption: true }, abortSignal),
      );
      for (const name of names) {
        const found = (output.Parameters ?? []).find((entry) => isAskedFor(name, entry));
        if (found !== undefined) results.set(name, toFetchedParameter(found));
        else results.set(name, notFound(name, context));
      }
    } catch (error) {
      if (names.length > 1 && (error as { name?: unknown }).name === 'AccessDeniedException') {
        await Promise.all(names.map((name) => this.#getBatch(region, [name], results, abortSignal)));
        return;
      }
      const [only] = names;
      const failure = awsFailure(
        error,
        names.length === 1 && only !== undefined ? { ...context, secretId: only } : context,
      );
      for (const name of names) results.set(name, failure);
    }
  }

  /** Every parameter under `path`, recursively, in name order; throws the failure as a WithsecretsError. */
  async listPath(path: string, abortSignal: AbortSignal): Promise<FetchedSecret[]> {
    const { api, context } = await this.#clients.forRegion('', PATH_ACTION);
    const found: FetchedSecret[] = [];
    const pages = new PageGuard('GetParametersByPath', `"${path}/*"`);
    let nextToken: string | undefined;
    try {
      do {
        const page = await this.#calls.run(() =>
          api.getParametersByPath(
            {
              Path: path,
              Recursive: true,
              WithDecryption: true,
              MaxResults: BATCH_SIZE,
              NextToken: nextToken,
            },
            abortSignal,
          ),
        );
        const parameters = page.Parameters ?? [];
        pages.check(
          page.NextToken,
          parameters.map((parameter) => parameter.Name ?? ''),
        );
        found.push(...parameters.map(toFetchedParameter));
        nextToken = page.NextToken;
      } while (nextToken !== undefined);
    } catch (error) {
      throw fromAwsError(error, { ...context, secretId: `${path}/*` });
    }
    if (found.length === 0) {
      throw new WithsecretsError('NO_MATCH', `no parameter under "${path}/" in ${context.region}`, {
        hint: 'check the path (names are case-sensitive) and the region',
      });
    }
    return found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}

/** Whether a returned parameter answers `name` as asked: by name or ARN, with the same selector if it had one. */
function isAskedFor(name: string, entry: ParameterEntry): boolean {
  const selector = (entry.Selector ?? '').replace(/^:/, '');
  return [entry.Name, entry.ARN].some(
    (id) => id !== undefined && name === (selector === '' ? id : `${id}:${selector}`),
  );
}

function notFound(name: string, context: ErrorContext) {
  return awsFailure(
    { name: 'ParameterNotFound', message: '', $fault: 'client' },
    { ...context, secretId: name },
  );
}

/** A parameter in the shape every later stage reads (a StringList stays its comma-separated text). */
export function toFetchedParameter(entry: ParameterEntry): FetchedSecret {
  return {
    name: entry.Name ?? '',
    arn: entry.ARN ?? '',
    secretString: entry.Value ?? '',
    ...(entry.Version === undefined ? {} : { versionId: String(entry.Version) }),
  };
}
