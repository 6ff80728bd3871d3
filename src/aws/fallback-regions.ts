// Fallback regions: which secret a replica region is asked for, and the one line that says what came from where.

/** A secret (or a wildcard, `prefix*`) that `to` served because `from` did not. */
export interface ServedElsewhere {
  readonly id: string;
  readonly from: string;
  readonly to: string;
}

/** The id to ask `region` for: a name as it is, an ARN as its replica's (the same ARN but for the region). */
export function inRegion(id: string, region: string): string {
  if (!id.startsWith('arn:')) return id;
  const fields = id.split(':');
  fields[3] = region;
  return fields.join(':');
}

/** One line per region that did not serve, naming the region that did and the secrets (names only, no value). */
export function servedElsewhereLines(served: readonly ServedElsewhere[]): string[] {
  const byRoute = new Map<string, Set<string>>();
  for (const { id, from, to } of served) {
    const route = `${from}\0${to}`;
    byRoute.set(route, (byRoute.get(route) ?? new Set()).add(id));
  }
  return [...byRoute].map(([route, ids]) => {
    const [from, to] = route.split('\0');
    return `Secrets Manager in ${from} did not answer; fetched from the fallback region ${to}: ${[...ids].sort().join(', ')}`;
  });
}
