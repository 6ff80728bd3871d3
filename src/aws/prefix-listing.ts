// Lists the secrets a wildcard selects: ListSecrets filtered by name, then held to the contract's exact prefix.
import { WithsecretsError } from '../errors.ts';
import type { CallLimiter } from './call-limiter.ts';
import { fromAwsError } from './errors.ts';
import type { RegionalClients } from './regional-clients.ts';

export interface ListedSecret {
  readonly name: string;
  readonly arn: string;
}

/** The secrets whose name starts with `prefix` (case-sensitive), in name order; `onPage` sees each page's. */
export async function listByPrefix(
  clients: RegionalClients,
  calls: CallLimiter,
  prefix: string,
  abortSignal: AbortSignal,
  onPage: (matches: readonly ListedSecret[], isLast: boolean) => void,
): Promise<ListedSecret[]> {
  const { api, context } = await clients.forId(prefix, 'secretsmanager:ListSecrets');
  const found: ListedSecret[] = [];
  let nextToken: string | undefined;
  do {
    const page = await calls
      .run(() =>
        api.listSecrets(
          { Filters: [{ Key: 'name', Values: [prefix] }], MaxResults: 100, NextToken: nextToken },
          abortSignal,
        ),
      )
      .catch((error: unknown) => {
        throw fromAwsError(error, { ...context, secretId: `${prefix}*` });
      });
    const matches: ListedSecret[] = [];
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

function noMatch(prefix: string, region: string): WithsecretsError {
  return new WithsecretsError('NO_MATCH', `no secret name starts with "${prefix}" in ${region}`, {
    hint: 'check the prefix (names are case-sensitive) and the region',
  });
}
