// A failure at the proxy is one [PROXY] line naming it as scheme://host:port and its variable, whatever route threw it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromAwsError, isRegionalOutage } from '../../../src/aws/errors.ts';
import { ProxyFailure } from '../../../src/aws/proxy-failures.ts';
import { formatError } from '../../../src/errors.ts';

const PROXY = { shown: 'http://proxy.corp:3128', variable: 'HTTPS_PROXY' };
const TARGET = 'secretsmanager.us-east-1.amazonaws.com:443';
const CONTEXT = { region: 'us-east-1', action: 'secretsmanager:GetSecretValue', secretId: 'ci/db' };

function lineFor(failure: ProxyFailure): string {
  const error = fromAwsError(failure, CONTEXT);
  assert.equal(error.code, 'PROXY');
  return formatError(error);
}

describe('proxy failures', () => {
  it('says proxy authentication failed for a 407, and how the credentials are given', () => {
    assert.equal(
      lineFor(new ProxyFailure('refused', PROXY, TARGET, { status: 407 })),
      'withsecrets: [PROXY] proxy authentication failed at the proxy http://proxy.corp:3128 (HTTPS_PROXY) for a tunnel to ' +
        `${TARGET} (HTTP 407) (fix: put the proxy's user name and password in HTTPS_PROXY as ` +
        'http://USER:PASSWORD@HOST:PORT (percent-encoded); withsecrets sends them with Basic authentication)',
    );
  });

  it('names the status of another refusal and the target the proxy refused', () => {
    assert.match(
      lineFor(new ProxyFailure('refused', PROXY, TARGET, { status: 403 })),
      /^withsecrets: \[PROXY\] the proxy http:\/\/proxy\.corp:3128 \(HTTPS_PROXY\) refused a tunnel to secretsmanager\.us-east-1\.amazonaws\.com:443 \(HTTP 403\) \(fix: the proxy must allow CONNECT to /,
    );
  });

  it('tells an unreachable proxy and a silent one apart', () => {
    assert.match(
      lineFor(new ProxyFailure('unreachable', PROXY, TARGET, { code: 'ECONNREFUSED' })),
      /^withsecrets: \[PROXY\] cannot reach the proxy http:\/\/proxy\.corp:3128 \(HTTPS_PROXY\) \(ECONNREFUSED\) \(fix: check HTTPS_PROXY and that the proxy is running/,
    );
    assert.match(
      lineFor(new ProxyFailure('timeout', PROXY, TARGET, { code: 'ETIMEDOUT' })),
      /^withsecrets: \[PROXY\] the proxy http:\/\/proxy\.corp:3128 \(HTTPS_PROXY\) did not answer the request for a tunnel to secretsmanager\.us-east-1\.amazonaws\.com:443 in time/,
    );
  });

  it('is recognised after the SDK renamed it (NodeHttpHandler calls ECONNREFUSED a TimeoutError)', () => {
    const failure = Object.assign(new ProxyFailure('unreachable', PROXY, TARGET, { code: 'ECONNREFUSED' }), {
      name: 'TimeoutError',
    });
    assert.match(formatError(fromAwsError(failure, CONTEXT)), /\[PROXY\] cannot reach the proxy/);
  });

  it('lets the retry strategy retry a 502-504 and a refused connection, never a 407', () => {
    assert.deepEqual(new ProxyFailure('refused', PROXY, TARGET, { status: 503 }).$retryable, {});
    assert.equal(new ProxyFailure('refused', PROXY, TARGET, { status: 407 }).$retryable, undefined);
    assert.equal(
      new ProxyFailure('unreachable', PROXY, TARGET, { code: 'ECONNREFUSED' }).code,
      'ECONNREFUSED',
    );
  });

  it('is no regional outage: another region goes through the same proxy', () => {
    assert.equal(
      isRegionalOutage(new ProxyFailure('unreachable', PROXY, TARGET, { code: 'ECONNREFUSED' })),
      false,
    );
  });
});
