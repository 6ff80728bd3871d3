// AWS Signature Version 4 verification as AWS's front end does it: parse, find the key, check the clock, compare.

import { timingSafeEqual } from 'node:crypto';
import {
  incompleteSignature,
  invalidSignature,
  missingAuthentication,
  signatureMismatch,
  unrecognizedClient,
} from './errors.ts';
import {
  ALGORITHM,
  amzDateOf,
  canonicalRequest,
  credentialScope,
  type ReceivedRequest,
  sha256Hex,
  signature,
  signingKey,
  stringToSign,
} from './sigv4.ts';

/** Non-S3 services accept a request whose X-Amz-Date is at most 5 minutes away from their clock. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

export interface KeyPair {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface VerifyOptions {
  /** The service name the credential scope must name (`secretsmanager`). */
  readonly service: string;
  /** The verifier's clock, in epoch milliseconds. */
  readonly now: number;
  readonly findKey: (accessKeyId: string) => KeyPair | undefined;
}

export interface VerifiedRequest {
  readonly key: KeyPair;
  readonly region: string;
  readonly amzDate: string;
}

const parseAmzDate = (text: string): number | undefined => {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (match === null) return undefined;
  const [, year, month, day, hour, minute, second] = match.map(Number) as number[];
  return Date.UTC(year ?? 0, (month ?? 1) - 1, day, hour, minute, second);
};

function firstHeader(rawHeaders: readonly string[], name: string): string | undefined {
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i]?.toLowerCase() === name) return rawHeaders[i + 1];
  }
  return undefined;
}

/** Checks the request the way AWS's front end does, in its order; throws the AwsError AWS would answer. */
export function verifySigV4(request: ReceivedRequest, options: VerifyOptions): VerifiedRequest {
  const authorization = firstHeader(request.rawHeaders, 'authorization');
  if (authorization === undefined) throw missingAuthentication();
  const space = authorization.indexOf(' ');
  const algorithm = space < 0 ? authorization : authorization.slice(0, space);
  if (algorithm !== ALGORITHM) throw incompleteSignature(`Unsupported AWS 'algorithm': '${algorithm}'.`);

  const fields = new Map<string, string>();
  for (const part of authorization.slice(space + 1).split(',')) {
    const equals = part.indexOf('=');
    if (equals > 0) fields.set(part.slice(0, equals).trim(), part.slice(equals + 1).trim());
  }
  const dateHeader = firstHeader(request.rawHeaders, 'x-amz-date') ?? firstHeader(request.rawHeaders, 'date');
  const problems = ['Credential', 'Signature', 'SignedHeaders']
    .filter((field) => !fields.get(field))
    .map((field) => `Authorization header requires '${field}' parameter.`);
  if (dateHeader === undefined) {
    problems.push("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  }
  if (problems.length > 0) throw incompleteSignature(`${problems.join(' ')} Authorization=${authorization}`);

  const credential = fields.get('Credential') ?? '';
  const [accessKeyId = '', scopeDate = '', region = '', service = '', terminator = '', ...extra] =
    credential.split('/');
  if (extra.length > 0 || terminator === '') {
    throw incompleteSignature(
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`,
    );
  }
  if (service !== options.service) {
    throw invalidSignature(`Credential should be scoped to correct service: '${options.service}'. `);
  }
  if (terminator !== 'aws4_request') {
    throw invalidSignature(
      `Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'. `,
    );
  }

  const key = options.findKey(accessKeyId);
  if (key === undefined) throw unrecognizedClient();
  if (key.sessionToken !== firstHeader(request.rawHeaders, 'x-amz-security-token')) {
    throw unrecognizedClient();
  }

  const amzDate = /^\d{8}T\d{6}Z$/.test(dateHeader ?? '')
    ? (dateHeader ?? '')
    : amzDateOf(Date.parse(dateHeader ?? ''));
  const signedAt = parseAmzDate(amzDate);
  if (signedAt === undefined || Number.isNaN(signedAt)) {
    throw incompleteSignature(
      `Date must be in ISO-8601 'basic format'. Got '${dateHeader}'. See http://en.wikipedia.org/wiki/ISO_8601`,
    );
  }
  if (scopeDate !== amzDate.slice(0, 8)) {
    throw invalidSignature(
      'Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: ' +
        `'${scopeDate}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
    );
  }
  const now = amzDateOf(options.now);
  if (signedAt < options.now - MAX_CLOCK_SKEW_MS) {
    const limit = amzDateOf(options.now - MAX_CLOCK_SKEW_MS);
    throw invalidSignature(`Signature expired: ${amzDate} is now earlier than ${limit} (${now} - 5 min.)`);
  }
  if (signedAt > options.now + MAX_CLOCK_SKEW_MS) {
    const limit = amzDateOf(options.now + MAX_CLOCK_SKEW_MS);
    throw invalidSignature(
      `Signature not yet current: ${amzDate} is still later than ${limit} (${now} + 5 min.)`,
    );
  }

  const signedHeaders = (fields.get('SignedHeaders') ?? '').split(';').map((name) => name.toLowerCase());
  // A client may state the payload hash in x-amz-content-sha256 (the JS SDK does); it then signs that value, and
  // the body must still hash to it, or a body changed on the way would pass with a valid signature.
  const bodyHash = sha256Hex(request.body);
  const statedHash = firstHeader(request.rawHeaders, 'x-amz-content-sha256');
  const canonical = canonicalRequest(request, signedHeaders, statedHash ?? bodyHash);
  const toSign = stringToSign(amzDate, credentialScope(scopeDate, region, service), canonical);
  const expected = signature(signingKey(key.secretAccessKey, scopeDate, region, service), toSign);
  const given = fields.get('Signature') ?? '';
  const matches =
    given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
  if (!matches) throw signatureMismatch(canonical, toSign);
  if (statedHash !== undefined && statedHash !== bodyHash) {
    throw invalidSignature("The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  return { key, region, amzDate };
}
