// The direct client's signer against AWS's public SigV4 test-suite vectors that are shaped like its requests.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { amzDate, signRequest } from '../../../src/aws/sigv4.ts';
import {
  SUITE_KEY,
  SUITE_NOW,
  SUITE_REGION,
  SUITE_SERVICE,
  SUITE_SESSION_TOKEN,
  SUITE_VECTORS,
} from '../../emulator/sigv4-vectors.ts';

/** POSTs to `/` with no query, as every Secrets Manager call is; the session token is given separately. */
const SHAPED_LIKE_OURS = [
  'post-vanilla',
  'post-header-key-sort',
  'post-header-value-case',
  'post-x-www-form-urlencoded',
  'post-sts-token/post-sts-header-before',
];

describe('signRequest', () => {
  for (const name of SHAPED_LIKE_OURS) {
    it(`matches the suite's Authorization for ${name}`, () => {
      const vector = SUITE_VECTORS.find((candidate) => candidate.name === name);
      assert.ok(vector, `the suite has ${name}`);
      const headers: Record<string, string> = {};
      let sessionToken: string | undefined;
      for (const [header, value] of vector.headers) {
        const lower = header.toLowerCase();
        // The signer adds these two itself, from the scope.
        if (lower === 'x-amz-date') continue;
        if (lower === 'x-amz-security-token') sessionToken = value;
        else headers[lower] = value;
      }
      const signed = signRequest(
        { method: vector.method, path: vector.path, headers, body: vector.body },
        {
          region: SUITE_REGION,
          service: SUITE_SERVICE,
          now: SUITE_NOW,
          credentials: { ...SUITE_KEY, ...(sessionToken === undefined ? {} : { sessionToken }) },
        },
      );
      assert.equal(signed.authorization, vector.authorization);
      assert.equal(signed['x-amz-date'], '20150830T123600Z');
      assert.equal(signed['x-amz-security-token'], sessionToken);
    });
  }

  it('signs the session token and never puts the secret key in a header', () => {
    const signed = signRequest(
      { method: 'POST', path: '/', headers: { host: 'example.amazonaws.com' }, body: '{}' },
      {
        region: SUITE_REGION,
        service: SUITE_SERVICE,
        now: SUITE_NOW,
        credentials: { ...SUITE_KEY, sessionToken: SUITE_SESSION_TOKEN },
      },
    );
    assert.match(signed.authorization ?? '', /SignedHeaders=host;x-amz-date;x-amz-security-token,/);
    assert.ok(!Object.values(signed).some((value) => value.includes(SUITE_KEY.secretAccessKey)));
  });

  it('formats X-Amz-Date without separators or milliseconds', () => {
    assert.equal(amzDate(Date.UTC(2026, 0, 2, 3, 4, 5, 678)), '20260102T030405Z');
  });
});
