// Secrets Manager over HTTP(S) with hand-signed requests: the common case without loading the AWS SDK.
import type { Agent, ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import type {
  BatchGetSecretValueInput,
  BatchGetSecretValueOutput,
  GetSecretValueInput,
  ListSecretsInput,
  ListSecretsOutput,
  SecretsManagerApi,
  SecretValueEntry,
} from './secrets-manager-api.ts';
import { type Credentials, signRequest } from './sigv4.ts';

export interface DirectClientOptions {
  readonly endpoint: URL;
  readonly region: string;
  readonly credentials: Credentials;
  readonly maxAttempts: number;
  readonly connectTimeoutMs: number;
  /** How long the answer may take to begin, and then how long the socket may stay silent. */
  readonly requestTimeoutMs: number;
}

/** What a failed call throws: the SDK's error shape, so that both clients report failures alike. */
export interface ServiceErrorShape extends Error {
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number; clockSkewCorrected?: boolean };
  code?: string;
  retryAfterMs?: number;
}

// The SDK's standard retry mode, as @smithy/core/retry has it, so that both clients retry alike.
const THROTTLING_CODES = new Set([
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TransactionInProgressException',
]);
const TRANSIENT_CODES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
const TRANSIENT_STATUSES = new Set([500, 502, 503, 504]);
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
const BASE_DELAY_MS = 50;
const THROTTLING_BASE_DELAY_MS = 1000;
const MAX_DELAY_MS = 20_000;
/** A token bucket caps retries across all calls, so an outage is not met with a retry storm. */
const RETRY_CAPACITY = 500;
const RETRY_COST = 14;
const THROTTLING_RETRY_COST = 5;
const NO_RETRY_INCREMENT = 1;
/** Node's names for a connection that broke or timed out, which the SDK reports as TimeoutError. */
const TIMEOUT_ERROR_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT']);
/** The SDK flags an error as "clock corrected" (so retried) when its new clock offset is this large. */
const CLOCK_SKEW_THRESHOLD_MS = 240_000;
/** A Date header read this long after the request was sent says nothing about the clock. */
const STALE_RESPONSE_MS = 900_000;
const TARGET_PREFIX = 'secretsmanager.';
const CONTENT_TYPE = 'application/x-amz-json-1.1';
/** Says in AWS's logs (and CloudTrail's userAgent) which requests were withsecrets' own. */
const USER_AGENT = `withsecrets node/${process.version}`;

type RetryKind = 'throttling' | 'transient' | undefined;

export class DirectClient implements SecretsManagerApi {
  readonly #options: DirectClientOptions;
  readonly #agent: Agent;
  readonly #request: (
    options: RequestOptions,
    callback: (response: IncomingMessage) => void,
  ) => ClientRequest;
  #clockOffsetMs = 0;
  #retryCapacity = RETRY_CAPACITY;

  constructor(options: DirectClientOptions) {
    this.#options = options;
    // Only the module the endpoint needs: `https` also loads `tls`.
    const http = (
      options.endpoint.protocol === 'http:' ? require('node:http') : require('node:https')
    ) as typeof import('node:http');
    this.#agent = new http.Agent({ keepAlive: true, maxSockets: 50 });
    this.#request = http.request;
  }

  async getSecretValue(input: GetSecretValueInput, abortSignal: AbortSignal): Promise<SecretValueEntry> {
    return withBinary((await this.#call('GetSecretValue', input, abortSignal)) as RawSecretValue);
  }

  async batchGetSecretValue(
    input: BatchGetSecretValueInput,
    abortSignal: AbortSignal,
  ): Promise<BatchGetSecretValueOutput> {
    const output = (await this.#call(
      'BatchGetSecretValue',
      input,
      abortSignal,
    )) as BatchGetSecretValueOutput & {
      SecretValues?: RawSecretValue[];
    };
    return { ...output, SecretValues: output.SecretValues?.map(withBinary) };
  }

  async listSecrets(input: ListSecretsInput, abortSignal: AbortSignal): Promise<ListSecretsOutput> {
    return (await this.#call('ListSecrets', input, abortSignal)) as ListSecretsOutput;
  }

  async #call(operation: string, input: object, abortSignal: AbortSignal): Promise<unknown> {
    const body = JSON.stringify(input);
    let retryCost: number | undefined;
    for (let attempt = 1; ; attempt++) {
      try {
        const output = await this.#attempt(operation, body, abortSignal);
        // As the SDK's recordSuccess: a success pays back what its last retry cost, or 1.
        this.#retryCapacity = Math.min(
          RETRY_CAPACITY,
          this.#retryCapacity + (retryCost ?? NO_RETRY_INCREMENT),
        );
        return output;
      } catch (thrown) {
        const error = thrown as ServiceErrorShape;
        const kind = abortSignal.aborted ? undefined : retryKind(error);
        const cost = kind === 'throttling' ? THROTTLING_RETRY_COST : RETRY_COST;
        if (kind === undefined || attempt >= this.#options.maxAttempts || this.#retryCapacity < cost)
          throw error;
        this.#retryCapacity -= cost;
        retryCost = cost;
        await sleep(backoffMs(attempt - 1, kind, error.retryAfterMs), abortSignal);
      }
    }
  }

  /**
   * Adopts the server's clock from an answer, as the SDK's signer does after every response: unless the answer
   * is a cached one (Age) or came so late that its Date says nothing. Whether the SDK would call the error of
   * such an answer "clock corrected" (then it is retried, signed with the new clock).
   */
  #sampleClock(response: IncomingMessage, offsetWhenSigned: number, sentAt: number): boolean {
    const date = response.headers.date;
    const serverTime = date === undefined ? Number.NaN : Date.parse(date);
    const now = Date.now();
    if (response.headers.age !== undefined || Number.isNaN(serverTime) || now - sentAt > STALE_RESPONSE_MS)
      return false;
    this.#clockOffsetMs = serverTime - now;
    return (
      Math.abs(this.#clockOffsetMs) >= CLOCK_SKEW_THRESHOLD_MS && this.#clockOffsetMs !== offsetWhenSigned
    );
  }

  #attempt(operation: string, body: string, abortSignal: AbortSignal): Promise<unknown> {
    const { endpoint, region, credentials } = this.#options;
    // src/aws/direct-route.ts gives only endpoints without a path, so every call is a POST to /.
    const path = '/';
    const offsetWhenSigned = this.#clockOffsetMs;
    const sentAt = Date.now();
    const headers = signRequest(
      {
        method: 'POST',
        path,
        headers: {
          'content-type': CONTENT_TYPE,
          host: endpoint.host,
          'x-amz-target': `${TARGET_PREFIX}${operation}`,
        },
        body,
      },
      { region, service: 'secretsmanager', credentials, now: sentAt + offsetWhenSigned },
    );
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (error: ServiceErrorShape) => {
        if (settled) return;
        settled = true;
        clearTimeout(connectTimer);
        clearTimeout(answerTimer);
        abortSignal.removeEventListener('abort', onAbort);
        request.destroy();
        reject(error);
      };
      const onAbort = () => fail(named('AbortError', 'the request was aborted'));
      const request = this.#request(
        {
          protocol: endpoint.protocol,
          hostname: endpoint.hostname.replace(/^\[|\]$/g, ''),
          port: endpoint.port,
          method: 'POST',
          path,
          agent: this.#agent,
          headers: {
            ...headers,
            'content-length': String(Buffer.byteLength(body)),
            'user-agent': USER_AGENT,
          },
        },
        (response) => {
          clearTimeout(answerTimer);
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', (error) => fail(error));
          response.on('end', () => {
            if (settled) return;
            const clockCorrected = this.#sampleClock(response, offsetWhenSigned, sentAt);
            try {
              const output = parseResponse(response, Buffer.concat(chunks).toString('utf8'));
              settled = true;
              clearTimeout(connectTimer);
              abortSignal.removeEventListener('abort', onAbort);
              resolve(output);
            } catch (thrown) {
              const error = thrown as ServiceErrorShape;
              if (clockCorrected && error.$metadata !== undefined) error.$metadata.clockSkewCorrected = true;
              fail(error);
            }
          });
        },
      );
      // As the SDK's timeouts: one to connect, one for the answer to begin, and the socket's own for silence
      // after that. A request that never connects or is never answered is retried, not waited on forever.
      const connectTimer = setTimeout(
        () => fail(named('TimeoutError', `no connection within ${this.#options.connectTimeoutMs} ms`)),
        this.#options.connectTimeoutMs,
      );
      const answerTimer = setTimeout(() => {
        const error = named('TimeoutError', `no answer within ${this.#options.requestTimeoutMs} ms`);
        error.code = 'ETIMEDOUT';
        fail(error);
      }, this.#options.requestTimeoutMs);
      request.on('socket', (socket) => {
        if (!socket.connecting) clearTimeout(connectTimer);
        else socket.once('connect', () => clearTimeout(connectTimer));
      });
      request.setTimeout(this.#options.requestTimeoutMs, () =>
        fail(named('TimeoutError', `silent for ${this.#options.requestTimeoutMs} ms`)),
      );
      request.on('error', (error: ServiceErrorShape) => {
        // The SDK's HTTP handler names these TimeoutError; src/aws/errors.ts tells them apart by code.
        if (TIMEOUT_ERROR_CODES.has(error.code ?? '')) error.name = 'TimeoutError';
        fail(error);
      });
      if (abortSignal.aborted) return onAbort();
      abortSignal.addEventListener('abort', onAbort, { once: true });
      request.end(body);
    });
  }
}

/** Which of the SDK's retryable kinds an error is (its getRetryErrorType); undefined when it is final. */
function retryKind(error: ServiceErrorShape): RetryKind {
  const status = error.$metadata?.httpStatusCode;
  if (status === 429 || THROTTLING_CODES.has(error.name)) return 'throttling';
  if (error.$metadata?.clockSkewCorrected === true) return 'transient';
  if (error.name === 'InvalidSignatureException' && error.message.includes('Signature expired'))
    return 'transient';
  if (TRANSIENT_CODES.has(error.name) || NETWORK_CODES.has(error.code ?? '')) return 'transient';
  if (status !== undefined && TRANSIENT_STATUSES.has(status)) return 'transient';
  return undefined;
}

interface RawSecretValue extends Omit<SecretValueEntry, 'SecretBinary'> {
  readonly SecretBinary?: string;
}

/** JSON carries a binary secret as base64; the SDK hands out its bytes, and so does this client. */
function withBinary(value: RawSecretValue): SecretValueEntry {
  const { SecretBinary: base64, ...rest } = value;
  return base64 === undefined
    ? rest
    : { ...rest, SecretBinary: new Uint8Array(Buffer.from(base64, 'base64')) };
}

/** The body of a 2xx, or the service error a non-2xx carries (awsJson1_1: `__type`, then `code`, then a header). */
function parseResponse(response: IncomingMessage, text: string): unknown {
  const status = response.statusCode ?? 0;
  if (status >= 200 && status < 300) {
    try {
      return text === '' ? {} : JSON.parse(text);
    } catch {
      // The parser's own message quotes the body, which holds secret values: it is never kept.
      throw named('SyntaxError', 'the response body is not JSON');
    }
  }
  let data: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null) data = parsed as Record<string, unknown>;
  } catch {
    // An error page that is not JSON (a proxy's, say): the status and header still tell what happened.
  }
  const header = response.headers['x-amzn-errortype'];
  const raw = [data.__type, data.code, header].find((value) => typeof value === 'string') as
    | string
    | undefined;
  const message = [data.message, data.Message].find((value) => typeof value === 'string') as
    | string
    | undefined;
  const error = named(errorName(raw), message ?? 'UnknownError');
  error.$fault = status < 500 ? 'client' : 'server';
  error.$metadata = { httpStatusCode: status };
  const retryAfterMs = retryAfterHint(response);
  if (retryAfterMs !== undefined) error.retryAfterMs = retryAfterMs;
  throw error;
}

/**
 * The server's wait before a retry, in ms from now, as the SDK's parseRetryAfterHeader reads it: the first of
 * `retry-after` (seconds, or an HTTP date) and `x-amz-retry-after` (milliseconds) to appear.
 */
function retryAfterHint(response: IncomingMessage): number | undefined {
  for (const [name, value] of Object.entries(response.headers)) {
    if (typeof value !== 'string') continue;
    if (name === 'retry-after') {
      const seconds = retryAfterSeconds(value);
      return Number.isNaN(seconds) ? undefined : seconds * 1000;
    }
    if (name === 'x-amz-retry-after') {
      const milliseconds = Number(value);
      return Number.isNaN(milliseconds) ? undefined : milliseconds;
    }
  }
  return undefined;
}

/** An HTTP date, a date followed by `, SECONDS`, or seconds; NaN for anything else or a date gone by. */
function retryAfterSeconds(value: string): number {
  const now = Date.now();
  if (value.endsWith('GMT')) return (Date.parse(value) - now) / 1000;
  const trailing = / GMT, (\d+(?:\.\d+)?)$/.exec(value)?.[1];
  if (trailing !== undefined) return Number(trailing);
  if (/^\d+(?:\.\d+)?$/.test(value)) return Number(value);
  const date = Date.parse(value);
  return date >= now ? (date - now) / 1000 : Number.NaN;
}

/** `com.amazonaws.secretsmanager#ResourceNotFoundException:http://...` -> `ResourceNotFoundException`. */
function errorName(raw: string | undefined): string {
  if (raw === undefined) return 'Unknown';
  const [first = ''] = raw.split(',');
  const [beforeColon = ''] = first.split(':');
  return beforeColon.includes('#') ? (beforeColon.split('#')[1] ?? '') : beforeColon;
}

function named(name: string, message: string): ServiceErrorShape {
  const error = new Error(message) as ServiceErrorShape;
  error.name = name;
  return error;
}

/** Exponential backoff with full jitter, as the SDK's standard mode; a server's hint may lengthen it a little. */
function backoffMs(retry: number, kind: RetryKind, retryAfterMs: number | undefined): number {
  const base = kind === 'throttling' ? THROTTLING_BASE_DELAY_MS : BASE_DELAY_MS;
  const delay = Math.floor(Math.random() * Math.min(base * 2 ** retry, MAX_DELAY_MS));
  return retryAfterMs === undefined ? delay : Math.max(delay, Math.min(retryAfterMs, delay + 5000));
}

function sleep(ms: number, abortSignal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (abortSignal.aborted) return reject(named('AbortError', 'the request was aborted'));
    const timer = setTimeout(() => {
      abortSignal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(named('AbortError', 'the request was aborted'));
    };
    abortSignal.addEventListener('abort', onAbort, { once: true });
  });
}
