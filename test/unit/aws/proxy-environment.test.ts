// Which proxy the environment chooses, as the AWS CLI chooses it; bad values refused without being quoted.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { proxyForTarget, proxySettingsFrom, shownProxy } from '../../../src/aws/proxy-environment.ts';

const SM = 'secretsmanager.us-east-1.amazonaws.com';

function chosen(env: Record<string, string>, protocol = 'https:', host = SM, port = '') {
  const settings = proxySettingsFrom(env);
  return settings === undefined ? undefined : proxyForTarget(settings, protocol, host, port);
}

describe('proxySettingsFrom', () => {
  it('is undefined when no proxy variable is set, or only empty ones and NO_PROXY', () => {
    assert.equal(proxySettingsFrom({}), undefined);
    assert.equal(proxySettingsFrom({ HTTPS_PROXY: '', http_proxy: ' ', NO_PROXY: '*' }), undefined);
  });

  it('uses HTTPS_PROXY for https endpoints and HTTP_PROXY for http ones, each alone', () => {
    const env = { HTTPS_PROXY: 'http://secure.proxy:3128', HTTP_PROXY: 'http://plain.proxy:8080' };
    assert.equal(chosen(env, 'https:')?.shown, 'http://secure.proxy:3128');
    assert.equal(chosen(env, 'http:', 'localstack', '4566')?.shown, 'http://plain.proxy:8080');
    assert.equal(chosen({ HTTP_PROXY: 'http://plain.proxy:8080' }, 'https:'), undefined);
    assert.equal(chosen({ HTTPS_PROXY: 'http://secure.proxy:3128' }, 'http:'), undefined);
  });

  it('prefers the lower-case variable, and an empty lower-case one turns the upper-case one off', () => {
    const both = { https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:2' };
    assert.deepEqual([chosen(both)?.shown, chosen(both)?.variable], ['http://lower:1', 'https_proxy']);
    assert.equal(chosen({ https_proxy: '', HTTPS_PROXY: 'http://upper:2' }), undefined);
    assert.equal(chosen({ HTTPS_PROXY: 'http://upper:2' })?.variable, 'HTTPS_PROXY');
  });

  it('reads no_proxy before NO_PROXY, and applies it with the default port of the scheme', () => {
    const env = { HTTPS_PROXY: 'http://p:1', no_proxy: 'amazonaws.com', NO_PROXY: 'other.example' };
    assert.equal(chosen(env), undefined);
    assert.equal(chosen(env, 'https:', 'other.example')?.shown, 'http://p:1');
    assert.equal(chosen({ HTTPS_PROXY: 'http://p:1', NO_PROXY: `${SM}:443` }), undefined);
    assert.equal(
      chosen({ HTTPS_PROXY: 'http://p:1', NO_PROXY: `${SM}:443` }, 'https:', SM, '8443')?.shown,
      'http://p:1',
    );
  });

  it('takes a bare HOST:PORT as http://, and https:// proxies as they are', () => {
    assert.equal(chosen({ HTTPS_PROXY: 'proxy.corp:3128' })?.shown, 'http://proxy.corp:3128');
    assert.equal(chosen({ HTTPS_PROXY: 'https://proxy.corp:8443/' })?.shown, 'https://proxy.corp:8443');
    assert.equal(chosen({ HTTPS_PROXY: 'http://proxy.corp' })?.shown, 'http://proxy.corp:80');
  });

  it('keeps the credentials for the agent and shows the proxy without them', () => {
    const proxy = chosen({ HTTPS_PROXY: 'http://ci%40corp:p%3Ass@proxy.corp:3128' });
    assert.equal(proxy?.shown, 'http://proxy.corp:3128');
    assert.equal(proxy?.url.username, 'ci%40corp');
    assert.equal(proxy?.url.password, 'p%3Ass');
    assert.equal(shownProxy(new URL('https://u:p@[::1]:8443')), 'https://[::1]:8443');
  });

  it('refuses what is no http(s) proxy URL, naming the variable and never the value', () => {
    for (const value of [
      'socks5://user:hunter2@proxy:1080',
      'http://user:hunter2@',
      'http://user:hunter2@proxy:3128/path',
      'http://user:hunter2@pro xy:1',
      // A bad %-escape in the password: the agent could not decode it for Basic auth.
      'http://user:hunter2%zz@proxy:3128',
    ]) {
      assert.throws(
        () => proxySettingsFrom({ https_proxy: value }),
        (error: Error & { code?: string; hint?: string }) =>
          error.code === 'PROXY' &&
          error.message === 'https_proxy is not a proxy URL withsecrets can use' &&
          !`${error.message} ${error.hint}`.includes('hunter2'),
        value,
      );
    }
  });
});
