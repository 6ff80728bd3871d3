// Shared test setup: real SDK clients pointed at an emulator, and raw HTTP requests for what the SDK will not send.

import { request } from 'node:http';
import { SecretsManagerClient, type SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import type { Emulator } from './emulator.ts';
import {
  amzDateOf,
  canonicalRequest,
  credentialScope,
  sha256Hex,
  signature,
  signingKey,
  stringToSign,
} from './sigv4.ts';

// Node 20 makes the SDK print a NodeVersionSupportWarning on every client; it is noise in test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

export const TEST_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

/** A client as withsecrets would build one; close it with `client.destroy()`. */
export function clientFor(
  emulator: Emulator,
  config: Partial<SecretsManagerClientConfig> = {},
): SecretsManagerClient {
  return new SecretsManagerClient({
    endpoint: emulator.url,
    region: emulator.region,
    credentials: TEST_CREDENTIALS,
    ...config,
  });
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** One HTTP request exactly as given (no SDK in between), on its own connection. */
export function rawRequest(
  url: string,
  options: { method?: string; path?: string; headers?: Record<string, string | string[]>; body?: string },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      `${url}${options.path ?? '/'}`,
      { method: options.method ?? 'POST', headers: options.headers ?? {}, agent: false },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(options.body ?? '');
  });
}

export interface SignedRawOptions {
  /** The operation, sent as `X-Amz-Target: secretsmanager.<target>`. */
  readonly target: string;
  readonly body: string;
  readonly region?: string;
  readonly accessKeyId?: string;
  readonly secretAccessKey?: string;
  /** When the request claims to be signed (X-Amz-Date); now when not given. */
  readonly signedAt?: number;
}

/** A Secrets Manager request signed by hand, for what the SDK would never send (an old date, a bad body). */
export function signedRawRequest(url: string, options: SignedRawOptions): Promise<RawResponse> {
  const amzDate = amzDateOf(options.signedAt ?? Date.now());
  const scope = credentialScope(amzDate.slice(0, 8), options.region ?? 'us-east-1', 'secretsmanager');
  const headers: [string, string][] = [
    ['content-type', 'application/x-amz-json-1.1'],
    ['host', new URL(url).host],
    ['x-amz-date', amzDate],
    ['x-amz-target', `secretsmanager.${options.target}`],
  ];
  const canonical = canonicalRequest(
    { method: 'POST', url: '/', rawHeaders: headers.flat() },
    headers.map(([name]) => name),
    sha256Hex(options.body),
  );
  const key = signingKey(
    options.secretAccessKey ?? TEST_CREDENTIALS.secretAccessKey,
    amzDate.slice(0, 8),
    options.region ?? 'us-east-1',
    'secretsmanager',
  );
  const authorization =
    `AWS4-HMAC-SHA256 Credential=${options.accessKeyId ?? TEST_CREDENTIALS.accessKeyId}/${scope}, ` +
    `SignedHeaders=${headers.map(([name]) => name).join(';')}, Signature=${signature(key, stringToSign(amzDate, scope, canonical))}`;
  return rawRequest(url, { headers: { ...Object.fromEntries(headers), authorization }, body: options.body });
}

/** Runs `action`, expecting it to reject; returns what it rejected with, for exact assertions. */
export async function rejectionOf(action: () => Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await action();
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected a rejection, got a result');
}
