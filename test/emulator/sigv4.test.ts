// SigV4 verification checked against AWS's published test-suite vectors, step by step and over a real socket.

import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { AwsError } from './errors.ts';
import { rawRequest } from './helpers.ts';
import {
  canonicalRequest,
  credentialScope,
  type ReceivedRequest,
  sha256Hex,
  signature,
  signingKey,
  stringToSign,
} from './sigv4.ts';
import {
  SUITE_AMZ_DATE,
  SUITE_KEY,
  SUITE_NOW,
  SUITE_REGION,
  SUITE_SERVICE,
  SUITE_VECTORS,
  type SuiteVector,
} from './sigv4-vectors.ts';
import { type KeyPair, verifySigV4 } from './sigv4-verify.ts';

const signedHeadersOf = (authorization: string): string[] =>
  (/SignedHeaders=([^,]+)/.exec(authorization)?.[1] ?? '').split(';');

/** The suite's key, with the session token when the request carries one (the post-sts-token cases). */
const keyFor = (vector: SuiteVector): KeyPair => {
  const token = vector.headers.find(([name]) => name === 'X-Amz-Security-Token')?.[1];
  return token === undefined ? SUITE_KEY : { ...SUITE_KEY, sessionToken: token };
};

const signedRequest = (vector: SuiteVector, overrides: Partial<ReceivedRequest> = {}): ReceivedRequest => ({
  method: vector.method,
  url: vector.path,
  rawHeaders: [...vector.headers.flat(), 'Authorization', vector.authorization],
  body: Buffer.from(vector.body),
  ...overrides,
});

const verifyAt = (request: ReceivedRequest, now: number, key: KeyPair = SUITE_KEY) =>
  verifySigV4(request, {
    service: SUITE_SERVICE,
    now,
    findKey: (id) => (id === key.accessKeyId ? key : undefined),
  });

function rejectionOf(action: () => unknown): AwsError {
  try {
    action();
  } catch (error) {
    if (error instanceof AwsError) return error;
    throw error;
  }
  assert.fail('expected an AwsError');
}

const vector = (name: string): SuiteVector => {
  const found = SUITE_VECTORS.find((candidate) => candidate.name === name);
  assert.ok(found, name);
  return found;
};

describe('each canonicalisation step matches aws-sig-v4-test-suite', () => {
  for (const suiteCase of SUITE_VECTORS) {
    test(suiteCase.name, () => {
      const signedHeaders = signedHeadersOf(suiteCase.authorization);
      const request = { method: suiteCase.method, url: suiteCase.path, rawHeaders: suiteCase.headers.flat() };
      const canonical = canonicalRequest(request, signedHeaders, sha256Hex(suiteCase.body));
      assert.equal(canonical, suiteCase.canonicalRequest);

      const toSign = stringToSign(
        SUITE_AMZ_DATE,
        credentialScope('20150830', SUITE_REGION, SUITE_SERVICE),
        canonical,
      );
      assert.equal(toSign, suiteCase.stringToSign);

      const key = signingKey(SUITE_KEY.secretAccessKey, '20150830', SUITE_REGION, SUITE_SERVICE);
      const authorization =
        `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/${credentialScope('20150830', SUITE_REGION, SUITE_SERVICE)}, ` +
        `SignedHeaders=${signedHeaders.join(';')}, Signature=${signature(key, toSign)}`;
      assert.equal(authorization, suiteCase.authorization);

      const verified = verifyAt(signedRequest(suiteCase), SUITE_NOW, keyFor(suiteCase));
      assert.deepEqual(
        { region: verified.region, amzDate: verified.amzDate },
        { region: 'us-east-1', amzDate: SUITE_AMZ_DATE },
      );
    });
  }
});

describe('verifySigV4 refuses what AWS refuses', () => {
  test('a signed header whose value changed: InvalidSignatureException showing what was computed', () => {
    const sorted = vector('post-header-key-sort');
    const tampered = signedRequest(sorted, {
      rawHeaders: [...sorted.headers.flat(), 'Authorization', sorted.authorization].map((item) =>
        item === 'value1' ? 'value2' : item,
      ),
    });
    const error = rejectionOf(() => verifyAt(tampered, SUITE_NOW));
    assert.equal(error.code, 'InvalidSignatureException');
    assert.equal(error.messageKey, 'message');
    assert.ok(
      error.message.startsWith(
        'The request signature we calculated does not match the signature you provided.',
      ),
    );
    assert.ok(error.message.includes("The Canonical String for this request should have been\n'POST\n/\n\n"));
    assert.ok(error.message.includes('my-header1:value2\n'));
  });

  test('a changed body: InvalidSignatureException', () => {
    const form = vector('post-x-www-form-urlencoded');
    const error = rejectionOf(() =>
      verifyAt(signedRequest(form, { body: Buffer.from('Param1=value2') }), SUITE_NOW),
    );
    assert.equal(error.code, 'InvalidSignatureException');
  });

  test('x-amz-content-sha256 is the payload hash signed, and the body must match it', () => {
    const form = vector('post-x-www-form-urlencoded');
    const stated = ['X-Amz-Content-Sha256', sha256Hex(form.body)];
    const withHeader = signedRequest(form, { rawHeaders: [...signedRequest(form).rawHeaders, ...stated] });
    assert.equal(verifyAt(withHeader, SUITE_NOW).region, 'us-east-1');
    const error = rejectionOf(() =>
      verifyAt({ ...withHeader, body: Buffer.from('Param1=value2') }, SUITE_NOW),
    );
    assert.deepEqual(
      [error.code, error.message],
      [
        'InvalidSignatureException',
        "The provided 'x-amz-content-sha256' header does not match what was computed.",
      ],
    );
  });

  test('signed more than 5 minutes ago: "Signature expired"', () => {
    const error = rejectionOf(() =>
      verifyAt(signedRequest(vector('get-vanilla')), SUITE_NOW + 5 * 60_000 + 1000),
    );
    assert.equal(error.code, 'InvalidSignatureException');
    assert.equal(
      error.message,
      'Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z (20150830T124101Z - 5 min.)',
    );
  });

  test('signed exactly 5 minutes ago or ahead: accepted', () => {
    assert.equal(verifyAt(signedRequest(vector('get-vanilla')), SUITE_NOW + 5 * 60_000).region, 'us-east-1');
    assert.equal(verifyAt(signedRequest(vector('get-vanilla')), SUITE_NOW - 5 * 60_000).region, 'us-east-1');
  });

  test('signed more than 5 minutes ahead: "Signature not yet current"', () => {
    const error = rejectionOf(() => verifyAt(signedRequest(vector('get-vanilla')), SUITE_NOW - 6 * 60_000));
    assert.equal(error.code, 'InvalidSignatureException');
    assert.equal(
      error.message,
      'Signature not yet current: 20150830T123600Z is still later than 20150830T123500Z (20150830T123000Z + 5 min.)',
    );
  });

  test('an unknown access key: UnrecognizedClientException', () => {
    const other = { accessKeyId: 'AKIDOTHER', secretAccessKey: SUITE_KEY.secretAccessKey };
    const error = rejectionOf(() => verifyAt(signedRequest(vector('get-vanilla')), SUITE_NOW, other));
    assert.deepEqual(
      [error.code, error.message],
      ['UnrecognizedClientException', 'The security token included in the request is invalid.'],
    );
  });

  test('a session token the key does not have, or a missing one: UnrecognizedClientException', () => {
    const withToken = vector('post-sts-token/post-sts-header-before');
    assert.equal(
      rejectionOf(() => verifyAt(signedRequest(withToken), SUITE_NOW)).code,
      'UnrecognizedClientException',
    );
    const keyWithToken = { ...SUITE_KEY, sessionToken: 'another' };
    const error = rejectionOf(() => verifyAt(signedRequest(vector('post-vanilla')), SUITE_NOW, keyWithToken));
    assert.equal(error.code, 'UnrecognizedClientException');
  });

  test('a scope for another service', () => {
    const request = signedRequest(vector('get-vanilla'));
    const error = rejectionOf(() =>
      verifySigV4(request, { service: 'secretsmanager', now: SUITE_NOW, findKey: () => SUITE_KEY }),
    );
    assert.deepEqual(
      [error.code, error.message],
      ['InvalidSignatureException', "Credential should be scoped to correct service: 'secretsmanager'. "],
    );
  });

  test('a scope date that is not the X-Amz-Date day', () => {
    const vanilla = vector('get-vanilla');
    const request = signedRequest(vanilla, {
      rawHeaders: [...vanilla.headers.flat(), 'Authorization', vanilla.authorization].map((item) =>
        item === SUITE_AMZ_DATE ? '20150831T000000Z' : item,
      ),
    });
    const error = rejectionOf(() => verifyAt(request, Date.UTC(2015, 7, 31)));
    assert.equal(
      error.message,
      "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20150830' != " +
        "'20150831', from '20150831T000000Z'.",
    );
  });

  test('no Authorization header: MissingAuthenticationTokenException', () => {
    const error = rejectionOf(() =>
      verifyAt(
        { method: 'POST', url: '/', rawHeaders: ['Host', 'example.amazonaws.com'], body: Buffer.alloc(0) },
        SUITE_NOW,
      ),
    );
    assert.deepEqual(
      [error.code, error.message],
      ['MissingAuthenticationTokenException', 'Missing Authentication Token'],
    );
  });

  test('an Authorization header without its parts or a date: IncompleteSignatureException', () => {
    const header = 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request';
    const error = rejectionOf(() =>
      verifyAt(
        { method: 'POST', url: '/', rawHeaders: ['Authorization', header], body: Buffer.alloc(0) },
        SUITE_NOW,
      ),
    );
    assert.equal(error.code, 'IncompleteSignatureException');
    assert.equal(
      error.message,
      "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. " +
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. " +
        `Authorization=${header}`,
    );
  });
});

describe('the vectors verify over a real HTTP connection', () => {
  let server: Server;
  let url: string;

  before(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const token = request.headers['x-amz-security-token'];
        const key = typeof token === 'string' ? { ...SUITE_KEY, sessionToken: token } : SUITE_KEY;
        try {
          verifyAt(
            {
              method: request.method ?? '',
              url: request.url ?? '',
              rawHeaders: request.rawHeaders,
              body: Buffer.concat(chunks),
            },
            SUITE_NOW,
            key,
          );
          response.writeHead(200).end('verified');
        } catch (error) {
          response.writeHead(403).end(error instanceof AwsError ? error.code : 'unexpected');
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  for (const suiteCase of SUITE_VECTORS.filter((candidate) => candidate.wirePath !== undefined)) {
    test(suiteCase.name, async () => {
      const headers: Record<string, string | string[]> = { Authorization: suiteCase.authorization };
      for (const [name, value] of suiteCase.headers) {
        const previous = headers[name];
        headers[name] = previous === undefined ? value : [...[previous].flat(), value];
      }
      const response = await rawRequest(url, {
        method: suiteCase.method,
        path: suiteCase.wirePath ?? '/',
        headers,
        body: suiteCase.body,
      });
      assert.deepEqual([response.status, response.body], [200, 'verified']);
    });
  }
});
