// Paging that ends: a NextToken given twice, or a page of only what earlier pages brought, is an endpoint looping.
import { WithsecretsError } from '../errors.ts';

/**
 * One per paged listing. Real pages move on; an endpoint that answers the same NextToken again, or the same page
 * under new tokens, would keep withsecrets paging (and holding more) without end. Pages of new entries that never
 * end are left to --timeout.
 */
export class PageGuard {
  readonly #tokens = new Set<string>();
  readonly #entries = new Set<string>();
  readonly #operation: string;
  readonly #what: string;

  constructor(operation: string, what: string) {
    this.#operation = operation;
    this.#what = what;
  }

  /** Throws when this page's NextToken or entries show the listing going round. */
  check(nextToken: string | undefined, entries: readonly string[]): void {
    const repeated = nextToken !== undefined && this.#tokens.has(nextToken);
    const nothingNew = entries.length > 0 && entries.every((entry) => this.#entries.has(entry));
    if (repeated || nothingNew) {
      throw new WithsecretsError(
        'AWS_ERROR',
        `${this.#operation} for ${this.#what} answered ${repeated ? 'the same NextToken' : 'the same page'} again`,
        { hint: 'the endpoint is looping: check --endpoint-url and the proxy, or retry later' },
      );
    }
    if (nextToken !== undefined) this.#tokens.add(nextToken);
    for (const entry of entries) this.#entries.add(entry);
  }
}
