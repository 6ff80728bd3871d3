// Lists the secrets a wildcard selects: ListSecrets filtered by name, then held to the contract's exact prefix.
import { WithsecretsError } from '../errors.ts';
import type { CallLimiter } from './call-limiter.ts';
import { fromAwsError, isRegionalOutage } from './errors.ts';
import type { ServedElsewhere } from './fallback-regions.ts';
import { PageGuard } from './page-guard.ts';
import type { RegionalClients } from './regional-clients.ts';
import type { SecretsManagerApi } from './secrets-manager-api.ts';

export interface ListedSecret {
  readonly name: string;
  readonly arn: string;
}

/**
 * The secrets whose name starts with `prefix` (case-sensitive), in name order; `onPage` sees each page's. When the
 * configured region does not serve the first page (an outage: see isRegionalOutage), each fallback region is
 * listed instead, and `served` records which one did; once a page has been seen, a failure is the answer.
 */
export async function listByPrefix(
  clients: RegionalClients,
  calls: CallLimiter,
  prefix: string,
  abortSignal: AbortSignal,
  onPage: (matches: readonly ListedSecret[], isLast: boolean) => void,
  served: ServedElsewhere[] = [],
): Promise<ListedSecret[]> {
  let primary: WithsecretsError | undefined;
  let primaryRegion = '';
  let seen = false;
  for (const key of [clients.regionKeyOf(prefix), ...clients.fallbackRegions]) {
    const { api, context } = await clients.forRegion(key, 'secretsmanager:ListSecrets');
    if (primary !== undefined && context.region === primaryRegion) continue;
    try {
      const found = await listPages(api, calls, prefix, abortSignal, (matches, isLast) => {
        seen = true;
        onPage(matches, isLast);
      });
      if (primary !== undefined) served.push({ id: `${prefix}*`, from: primaryRegion, to: context.region });
      if (found.length === 0) throw noMatch(prefix, context.region);
      return found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    } catch (error) {
      if (error instanceof WithsecretsError) throw error;
      const failure = fromAwsError(error, { ...context, secretId: `${prefix}*` });
      if (primary === undefined) {
        primary = failure;
        primaryRegion = context.region;
      }
      if (seen || !isRegionalOutage(error)) throw failure;
    }
  }
  throw primary;
}

/** Every page of ListSecrets for `prefix` from one region; throws what the SDK threw. */
async function listPages(
  api: SecretsManagerApi,
  calls: CallLimiter,
  prefix: string,
  abortSignal: AbortSignal,
  onPage: (matches: readonly ListedSecret[], isLast: boolean) => void,
): Promise<ListedSecret[]> {
  const found: ListedSecret[] = [];
  const pages = new PageGuard('ListSecrets', `"${prefix}*"`);
  let nextToken: string | undefined;
  do {
    const page = await calls.run(() =>
      api.listSecrets(
        { Filters: [{ Key: 'name', Values: [prefix] }], MaxResults: 100, NextToken: nextToken },
        abortSignal,
      ),
    );
    const matches: ListedSecret[] = [];
    for (const entry of page.SecretList ?? []) {
      // AWS's name filter is case-insensitive and matches words; the contract is an exact prefix.
      if (entry.Name?.startsWith(prefix) && entry.ARN !== undefined)
        matches.push({ name: entry.Name, arn: entry.ARN });
    }
    pages.check(
      page.NextToken,
      (page.SecretList ?? []).map((entry) => entry.ARN ?? ''),
    );
    found.push(...matches);
    nextToken = page.NextToken;
    onPage(matches, nextToken === undefined);
  } while (nextToken !== undefined);
  return found;
}

function noMatch(prefix: string, region: string): WithsecretsError {
  return new WithsecretsError('NO_MATCH', `no secret name starts with "${prefix}" in ${region}`, {
    hint: 'check the prefix (names are case-sensitive) and the region',
  });
}
