// The record of each request received, so tests can assert what a client really sent (and how often it retried).

import type { IncomingMessage } from 'node:http';
import type { FaultKind } from './faults.ts';
import type { JsonObject } from './shapes.ts';

/** What BatchGetSecretValue was asked, so tests can check how a client split its work. */
export interface BatchCallInfo {
  readonly ids: number;
  readonly filters: number;
  readonly maxResults?: number;
  readonly nextToken?: string;
}

/** One HTTP request the emulator received (each SDK retry is its own record). */
export interface CallRecord {
  /** From X-Amz-Target, without the `secretsmanager.` prefix. */
  readonly operation: string;
  /** From the SigV4 credential scope; set even when the signature is then rejected. */
  readonly region?: string;
  readonly accessKeyId?: string;
  /** The HTTP status answered; absent when no answer was sent (reset, hang). */
  readonly status?: number;
  /** The `__type` of an error answer. */
  readonly errorCode?: string;
  readonly fault?: FaultKind;
  /** SecretId (or Name, for CreateSecret and GetParameter; Path for GetParametersByPath) of single-item operations. */
  readonly secretId?: string;
  readonly batch?: BatchCallInfo;
  /** How many names a GetParameters call asked for. */
  readonly names?: number;
  /** The NextToken a paged call (GetParametersByPath) sent: set on every page after the first. */
  readonly nextToken?: string;
  /** The User-Agent header: tells the SDK's requests from withsecrets' own. */
  readonly userAgent?: string;
}

/** The server fills a record in as the request goes through. */
export type OpenCallRecord = { -readonly [K in keyof CallRecord]: CallRecord[K] };

/** Best effort, before verification: the log should say who tried, even when the signature is refused. */
function claimedIdentity(request: IncomingMessage): Pick<CallRecord, 'accessKeyId' | 'region'> {
  const match = /Credential=([^/,\s]+)\/\d{8}\/([^/,\s]+)\//.exec(request.headers.authorization ?? '');
  return match?.[1] === undefined || match[2] === undefined
    ? {}
    : { accessKeyId: match[1], region: match[2] };
}

function describeInput(
  operation: string,
  input: JsonObject | undefined,
): Pick<CallRecord, 'secretId' | 'batch' | 'names' | 'nextToken'> {
  if (input === undefined) return {};
  if (operation === 'GetParameters') return Array.isArray(input.Names) ? { names: input.Names.length } : {};
  if (operation === 'GetParametersByPath') {
    return {
      ...(typeof input.Path === 'string' ? { secretId: input.Path } : {}),
      ...(typeof input.NextToken === 'string' ? { nextToken: input.NextToken } : {}),
    };
  }
  if (operation === 'BatchGetSecretValue') {
    const { SecretIdList: ids, Filters: filters, MaxResults: maxResults, NextToken: nextToken } = input;
    return {
      batch: {
        ids: Array.isArray(ids) ? ids.length : 0,
        filters: Array.isArray(filters) ? filters.length : 0,
        ...(typeof maxResults === 'number' ? { maxResults } : {}),
        ...(typeof nextToken === 'string' ? { nextToken } : {}),
      },
    };
  }
  const secretId = input.SecretId ?? input.Name;
  return typeof secretId === 'string' ? { secretId } : {};
}

export const openCallRecord = (
  request: IncomingMessage,
  operation: string,
  input: JsonObject | undefined,
): OpenCallRecord => ({
  operation,
  ...claimedIdentity(request),
  ...describeInput(operation, input),
  ...(request.headers['user-agent'] === undefined ? {} : { userAgent: request.headers['user-agent'] }),
});
