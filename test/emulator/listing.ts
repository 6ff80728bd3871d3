// The operations over many secrets, ListSecrets and BatchGetSecretValue, with AWS's filters and NextToken paging.

import { AwsError, invalidNextToken, invalidParameter, validationError } from './errors.ts';
import { type CallContext, findPermitted, type Handler, readableVersion } from './operations.ts';
import {
  describeShape,
  type JsonObject,
  optionalInteger,
  optionalString,
  optionalStringList,
  valueShape,
} from './shapes.ts';
import type { StoredSecret } from './store.ts';

const FILTER_KEYS = [
  'description',
  'name',
  'tag-key',
  'tag-value',
  'primary-region',
  'owning-service',
  'all',
];
const FILTER_VALUE = /^!?[a-zA-Z0-9 :_@/+=.\-!]*$/;

interface Filter {
  readonly key: string;
  readonly values: readonly string[];
}

function parseFilters(input: JsonObject): Filter[] | undefined {
  const filters = input.Filters;
  if (filters === undefined || filters === null) return undefined;
  if (!Array.isArray(filters) || filters.length > 10) {
    throw validationError(
      'filters',
      `'${JSON.stringify(filters)}'`,
      'Member must have length less than or equal to 10',
    );
  }
  return filters.map((filter: { Key?: unknown; Values?: unknown }, index) => {
    const at = `filters.${index + 1}.member`;
    if (typeof filter?.Key !== 'string' || !FILTER_KEYS.includes(filter.Key)) {
      throw validationError(
        `${at}.key`,
        `'${String(filter?.Key)}'`,
        'Member must satisfy enum value set: [all, name, tag-key, description, tag-value, owning-service, primary-region]',
      );
    }
    const values = optionalStringList(filter as JsonObject, 'Values', 1, 10) ?? [];
    const bad = values.find((value) => value.length > 512 || !FILTER_VALUE.test(value));
    if (bad !== undefined) {
      throw validationError(
        `${at}.values`,
        `'[${values.join(', ')}]'`,
        `Member must satisfy regular expression pattern: ${FILTER_VALUE.source}`,
      );
    }
    return { key: filter.Key, values };
  });
}

const words = (text: string): string[] =>
  text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '');

/** How one filter value matches, per AWS's Filter reference: `name`, `tag-key`, `tag-value` are case-sensitive prefixes. */
function matchesValue(secret: StoredSecret, key: string, value: string): boolean {
  const tags = secret.tags ?? [];
  switch (key) {
    case 'name':
      return secret.name.startsWith(value);
    case 'description':
      return (secret.description ?? '').toLowerCase().startsWith(value.toLowerCase());
    case 'tag-key':
      return tags.some((tag) => tag.Key.startsWith(value));
    case 'tag-value':
      return tags.some((tag) => tag.Value.startsWith(value));
    case 'all': {
      const haystack = [
        secret.name,
        secret.description ?? '',
        ...tags.flatMap((tag) => [tag.Key, tag.Value]),
      ];
      const found = haystack.flatMap(words);
      return words(value).every((word) => found.some((candidate) => candidate.startsWith(word)));
    }
    default:
      return false; // primary-region, owning-service: the emulator has no replicas nor managed secrets.
  }
}

/**
 * A secret matches when every filter matches. Within a filter, plain values are alternatives and `!x` values are
 * exclusions: it matches when some plain value does (or there is none) and no excluded one does.
 */
function matchesFilters(secret: StoredSecret, filters: readonly Filter[]): boolean {
  return filters.every((filter) => {
    const wanted = filter.values.filter((value) => !value.startsWith('!'));
    const excluded = filter.values.filter((value) => value.startsWith('!')).map((value) => value.slice(1));
    return (
      (wanted.length === 0 || wanted.some((value) => matchesValue(secret, filter.key, value))) &&
      !excluded.some((value) => matchesValue(secret, filter.key, value))
    );
  });
}

/** The name a NextToken says to continue after. */
function continueAfter(token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  let after: unknown;
  try {
    after = (JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { after?: unknown }).after;
  } catch {
    throw invalidNextToken();
  }
  if (typeof after !== 'string') throw invalidNextToken();
  return after;
}

/** NextToken holds the last name returned, so a page boundary survives secrets created or deleted between calls. */
function page(
  items: readonly StoredSecret[],
  maxResults: number,
  token: string | undefined,
  descending = false,
) {
  const after = continueAfter(token);
  const rest =
    after === undefined
      ? items
      : items.filter((item) => (descending ? item.name < after : item.name > after));
  const pageItems = rest.slice(0, maxResults);
  const last = pageItems.at(-1);
  const nextToken =
    rest.length > maxResults && last !== undefined
      ? Buffer.from(JSON.stringify({ after: last.name })).toString('base64url')
      : undefined;
  return { pageItems, nextToken };
}

const listSecrets: Handler = (context, input) => {
  const filters = parseFilters(input) ?? [];
  const maxResults = optionalInteger(input, 'MaxResults', 1, 100) ?? 100;
  const includeDeleted = input.IncludePlannedDeletion === true;
  const matching = context.store
    .all()
    .filter((secret) => includeDeleted || secret.deletedDate === undefined)
    .filter((secret) => matchesFilters(secret, filters));
  const descending = optionalString(input, 'SortOrder') === 'desc';
  if (descending) matching.reverse();
  const { pageItems, nextToken } = page(matching, maxResults, optionalString(input, 'NextToken'), descending);
  return {
    SecretList: pageItems.map((secret) => describeShape(secret, 'SecretVersionsToStages')),
    ...(nextToken === undefined ? {} : { NextToken: nextToken }),
  };
};

/** One secret of a batch: its value, or the Errors entry AWS gives for it (the call itself still succeeds). */
function readForBatch(
  context: CallContext,
  secretId: string,
  values: JsonObject[],
  errors: JsonObject[],
): void {
  try {
    const secret = findPermitted(context, 'GetSecretValue', secretId);
    const version = readableVersion(secret);
    context.store.touch(secret);
    values.push(valueShape(secret, version));
  } catch (error) {
    if (!(error instanceof AwsError)) throw error;
    errors.push({ SecretId: secretId, ErrorCode: error.code, Message: error.message });
  }
}

const batchGetSecretValue: Handler = (context, input) => {
  const ids = optionalStringList(input, 'SecretIdList', 1, 20);
  const filters = parseFilters(input);
  const maxResults = optionalInteger(input, 'MaxResults', 1, 20);
  const nextToken = optionalString(input, 'NextToken');
  if ((ids === undefined) === (filters === undefined)) {
    throw invalidParameter("Either 'SecretIdList' or 'Filters' must be provided, but not both.");
  }
  const values: JsonObject[] = [];
  const errors: JsonObject[] = [];
  if (ids !== undefined) {
    if (maxResults !== undefined) {
      throw invalidParameter(
        "'Filters' not specified. 'Filters' must also be specified when 'MaxResults' is provided.",
      );
    }
    for (const secretId of ids) readForBatch(context, secretId, values, errors);
    return { SecretValues: values, Errors: errors };
  }
  // Filtering lists secrets first, so it needs ListSecrets too (AWS documents this permission requirement).
  context.access.checkCall(context.caller, 'ListSecrets');
  const matching = context.store
    .all()
    .filter((secret) => secret.deletedDate === undefined && matchesFilters(secret, filters ?? []));
  const { pageItems, nextToken: next } = page(matching, maxResults ?? 20, nextToken);
  for (const secret of pageItems) readForBatch(context, secret.name, values, errors);
  return { SecretValues: values, Errors: errors, ...(next === undefined ? {} : { NextToken: next }) };
};

export const listingHandlers = {
  ListSecrets: listSecrets,
  BatchGetSecretValue: batchGetSecretValue,
} as const;
