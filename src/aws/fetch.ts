// The one entry to AWS: fetches what a run asked for, secrets, wildcards, parameters and paths at once, in parallel calls.
import { toWithsecretsErrors, type WithsecretsError } from '../errors.ts';
import {
  type FetchedSecret,
  type FetchRequest,
  type FetchResult,
  parameterKey,
  pathKey,
  queryKey,
  type SecretQuery,
} from '../references/fetch-request.ts';
import { PARAMETER_STORE, SECRETS_MANAGER } from './aws-services.ts';
import { CallLimiter } from './call-limiter.ts';
import { configuredEndpoint, plainHttpWarning } from './direct-route.ts';
import { type ServedElsewhere, servedElsewhereLines } from './fallback-regions.ts';
import { ParameterValues } from './parameter-values.ts';
import { listByPrefix } from './prefix-listing.ts';
import { type AwsOptions, RegionalClients } from './regional-clients.ts';
import { isFailure, missingOutcome, type SecretOutcome } from './secret-outcomes.ts';
import { SecretValues } from './secret-values.ts';
import { SsmClients } from './ssm-clients.ts';
import { VersionCheck } from './version-check.ts';

/** However a fetch splits its work (names, wildcard pages, fallbacks), no more calls than this are out at once. */
const MAX_CALLS_IN_FLIGHT = 10;

/** One per run: keeps its clients, and whether BatchGetSecretValue is denied, across --watch rounds. */
export class SecretsFetcher {
  readonly #clients: RegionalClients;
  readonly #calls = new CallLimiter(MAX_CALLS_IN_FLIGHT);
  readonly #values: SecretValues;
  readonly #parameters: ParameterValues;
  readonly #versions: VersionCheck;
  readonly #notice: (text: string) => void;
  readonly #options: AwsOptions;
  readonly #warned = new Set<string>();

  /** `notice` gets a line, names only, for each region whose secrets a fallback region served in a fetch. */
  constructor(options: AwsOptions, notice: (text: string) => void = () => {}) {
    this.#clients = new RegionalClients(options);
    this.#values = new SecretValues(this.#clients, this.#calls);
    // Its clients (and the SSM client's code) are made only when a run asks for a parameter.
    this.#parameters = new ParameterValues(new SsmClients(options, this.#clients.proxyAgents), this.#calls);
    this.#versions = new VersionCheck(this.#clients, this.#calls);
    this.#notice = notice;
    this.#options = options;
  }

  /** One warning per endpoint that would carry values unencrypted to another host, for the services a fetch uses. */
  #warnAboutPlainHttp(request: FetchRequest): void {
    const usesSecrets = request.queries.length > 0 || request.prefixes.length > 0;
    const usesParameters = readsParameters(request);
    const endpoints = [
      ...(usesSecrets
        ? [this.#options.agent?.url ?? configuredEndpoint(this.#options, SECRETS_MANAGER)]
        : []),
      ...(usesParameters ? [configuredEndpoint(this.#options, PARAMETER_STORE)] : []),
    ];
    for (const warning of endpoints.map(plainHttpWarning)) {
      if (warning === undefined || this.#warned.has(warning)) continue;
      this.#warned.add(warning);
      this.#notice(warning);
    }
  }

  /** For --watch: whether fetching `request` again could bring anything other than `last` (DescribeSecret). */
  changedSince(request: FetchRequest, last: FetchResult, abortSignal: AbortSignal): Promise<boolean> {
    // Parameters are not checked by version alone yet (DescribeParameters could): a run that reads one fetches each round.
    if (readsParameters(request)) return Promise.resolve(true);
    return this.#versions.changedSince(request, last, abortSignal);
  }

  /** Fetches everything requested; every failure comes back (never thrown), so each is reported. */
  async fetch(request: FetchRequest, abortSignal: AbortSignal): Promise<FetchResult> {
    this.#warnAboutPlainHttp(request);
    const errors: WithsecretsError[] = [];
    const unique = [...new Map(request.queries.map((query) => [queryKey(query), query])).values()];
    const requested = new Set(unique.map(queryKey));
    // Parameters are read while secrets are fetched and wildcards listed: the two services answer at the same time.
    const parameters = settledLater(this.#parameters.fetch(request.parameters, abortSignal));
    const paths = request.parameterPaths.map((path) =>
      this.#parameters.listPath(path, abortSignal).then(
        (found) => ({ path, found }),
        (thrown: unknown) => ({ path, errors: toWithsecretsErrors(thrown) }),
      ),
    );
    // Named secrets are fetched while wildcards are listed, so a silent endpoint costs one timeout, not two.
    const fetching = [settledLater(this.#values.fetch(unique, abortSignal))];
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
    const servedElsewhere: ServedElsewhere[] = [];
    const listing = request.prefixes.map(async (prefix) => {
      try {
        // A page followed by more is fetched at once, while the next is listed. Last pages (most wildcards have
        // only one) wait for every listing, so that their matches share batches.
        const found = await listByPrefix(
          this.#clients,
          this.#calls,
          prefix,
          abortSignal,
          (page, isLast) => {
            const queries = newQueries(page);
            if (isLast) lastPages.push(...queries);
            else if (queries.length > 0)
              fetching.push(settledLater(this.#values.fetch(queries, abortSignal)));
          },
          servedElsewhere,
        );
        listed.set(
          prefix,
          found.map(({ arn, name }) => ({ query: matchQuery(arn), label: `${prefix}* (${name})` })),
        );
      } catch (thrown) {
        errors.push(...toWithsecretsErrors(thrown));
      }
    });
    await Promise.all(listing);
    fetching.push(this.#values.fetch(lastPages, abortSignal));
    const fetched = new Map((await Promise.all(fetching)).flatMap((results) => [...results]));
    servedElsewhere.push(...this.#values.takeServedElsewhere());
    for (const line of servedElsewhereLines(servedElsewhere)) this.#notice(line);
    const outcomeOf = (query: SecretQuery): SecretOutcome =>
      fetched.get(queryKey(query)) ?? missingOutcome(query.id);

    const secrets = new Map<string, FetchedSecret>();
    const failures = new Map<string, WithsecretsError>();
    for (const query of unique) {
      const outcome = outcomeOf(query);
      if (isFailure(outcome)) failures.set(queryKey(query), outcome.explain());
      else secrets.set(queryKey(query), outcome);
    }
    const matches = new Map<string, FetchedSecret[]>();
    for (const [prefix, entries] of listed) {
      const found: FetchedSecret[] = [];
      for (const { query, label } of entries) {
        const outcome = outcomeOf(query);
        // A matched secret is named as the user selected it, not by its random-suffixed ARN.
        if (isFailure(outcome)) errors.push(outcome.explain(label));
        else found.push(outcome);
      }
      matches.set(prefix, found);
    }
    for (const [name, outcome] of await parameters) {
      if (isFailure(outcome)) failures.set(parameterKey(name), outcome.explain());
      else secrets.set(parameterKey(name), outcome);
    }
    for (const listed of await Promise.all(paths)) {
      if ('errors' in listed) errors.push(...listed.errors);
      else matches.set(pathKey(listed.path), listed.found);
    }
    return { secrets, matches, failures, errors };
  }
}

function readsParameters(request: FetchRequest): boolean {
  return request.parameters.length > 0 || request.parameterPaths.length > 0;
}

/** The same promise, marked as handled: it is awaited only later, and an early rejection must not count as unhandled. */
function settledLater<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}
