// What a run asks its source of secrets for, and what comes back: the contract between references and AWS.
import type { WithsecretsError } from '../errors.ts';

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
  /** Parameter Store names (or ARNs), each with its `:VERSION` or `:LABEL` selector if it has one. */
  readonly parameters: readonly string[];
  /** Parameter Store paths whose parameters are all read, recursively (`/prod/app/*` -> `/prod/app`). */
  readonly parameterPaths: readonly string[];
}

/** One secret version as AWS returned it. Exactly one of `secretString` and `secretBinary` is set. */
export interface FetchedSecret {
  /** The Name AWS returns (for an ARN lookup, without the -XXXXXX suffix). */
  readonly name: string;
  readonly arn: string;
  readonly secretString?: string;
  readonly secretBinary?: Uint8Array;
  /** The version fetched: what --watch compares with DescribeSecret's stages to see a rotation. */
  readonly versionId?: string;
}

export interface FetchResult {
  /** By `queryKey(query)`, and parameters by `parameterKey(name)`. */
  readonly secrets: ReadonlyMap<string, FetchedSecret>;
  /** By prefix (and by `pathKey(path)`), in name order: what was fetched (a failed prefix or path is in `errors`). */
  readonly matches: ReadonlyMap<string, readonly FetchedSecret[]>;
  /** Why a query failed, by `queryKey(query)` or `parameterKey(name)`. */
  readonly failures: ReadonlyMap<string, WithsecretsError>;
  /** Failures of wildcards: listing, or a matched secret. Nothing may run when there is any failure. */
  readonly errors: readonly WithsecretsError[];
}

/** The key of a query in a FetchResult: two queries for the same id and version are one fetch. */
export function queryKey(query: SecretQuery): string {
  return [query.id, query.versionStage ?? '', query.versionId ?? ''].join('\0');
}

/**
 * The key of a parameter in a FetchResult's `secrets` and `failures`. It starts with NUL, which no secret id can
 * hold, so a parameter never meets a secret of the same name.
 */
export function parameterKey(name: string): string {
  return `\0ssm\0${name}`;
}

/** The key of a path's parameters in a FetchResult's `matches`: never a wildcard's prefix (which cannot hold NUL). */
export function pathKey(path: string): string {
  return `\0ssm-path\0${path}`;
}
