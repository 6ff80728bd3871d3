// When withsecrets signs its own requests, and when a setting the SDK would act on sends the run to the SDK.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AwsService, PARAMETER_STORE, SECRETS_MANAGER } from '../../../src/aws/aws-services.ts';
import {
  configuredEndpoint,
  directRoute,
  plainHttpWarning,
  type RouteOptions,
} from '../../../src/aws/direct-route.ts';

const KEYS = { AWS_ACCESS_KEY_ID: 'id', AWS_SECRET_ACCESS_KEY: 'secret' };
const BASE = { ...KEYS, AWS_REGION: 'eu-west-1', HOME: '/home/ci' };
const noFiles = (_path: string): boolean => false;

function route(
  env: Record<string, string>,
  options: Omit<RouteOptions, 'env'> = {},
  key = '',
  files = noFiles,
  service: AwsService = SECRETS_MANAGER,
) {
  return directRoute({ ...options, env }, key, service, files);
}

describe('directRoute', () => {
  it('signs directly with keys in the environment, a region and no AWS files', () => {
    const direct = route(BASE);
    assert.equal(direct?.endpoint.href, 'https://secretsmanager.eu-west-1.amazonaws.com/');
    assert.equal(direct?.region, 'eu-west-1');
    assert.deepEqual(direct?.credentials, { accessKeyId: 'id', secretAccessKey: 'secret' });
  });

  it('uses the partition’s endpoint for the region, and the SDK for partitions it does not know', () => {
    const endpointOf = (region: string) => route({ ...KEYS, AWS_REGION: region })?.endpoint.host;
    assert.equal(endpointOf('us-east-1'), 'secretsmanager.us-east-1.amazonaws.com');
    assert.equal(endpointOf('cn-north-1'), 'secretsmanager.cn-north-1.amazonaws.com.cn');
    assert.equal(endpointOf('us-gov-west-1'), 'secretsmanager.us-gov-west-1.amazonaws.com');
    assert.equal(endpointOf('us-iso-east-1'), undefined);
    assert.equal(endpointOf('eusc-de-east-1'), undefined);
    assert.equal(endpointOf('not a region'), undefined);
  });

  it('takes the region of an ARN, then --region, AWS_REGION and AWS_DEFAULT_REGION, in that order', () => {
    assert.equal(route(BASE, { region: 'ap-south-1' }, 'sa-east-1')?.region, 'sa-east-1');
    assert.equal(route(BASE, { region: 'ap-south-1' })?.region, 'ap-south-1');
    assert.equal(route({ ...KEYS, AWS_DEFAULT_REGION: 'ca-central-1' })?.region, 'ca-central-1');
    assert.equal(route(KEYS), undefined, 'no region: the SDK reports it');
  });

  it('uses --endpoint-url, then AWS_ENDPOINT_URL_SECRETS_MANAGER, then AWS_ENDPOINT_URL; empty counts as unset', () => {
    const env = {
      ...BASE,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: 'http://127.0.0.1:1/',
      AWS_ENDPOINT_URL: 'http://b:2',
    };
    assert.equal(
      route(env, { endpointUrl: 'https://vpce.example:8443' })?.endpoint.href,
      'https://vpce.example:8443/',
    );
    assert.equal(route(env)?.endpoint.href, 'http://127.0.0.1:1/');
    assert.equal(route({ ...env, AWS_ENDPOINT_URL_SECRETS_MANAGER: '' })?.endpoint.href, 'http://b:2/');
    assert.equal(
      configuredEndpoint({ env: { AWS_ENDPOINT_URL_SECRETS_MANAGER: '' } }, SECRETS_MANAGER),
      undefined,
    );
    assert.equal(route({ ...BASE, AWS_ENDPOINT_URL: 'not a url' }), undefined, 'the SDK reports a bad URL');
    assert.equal(route({ ...BASE, AWS_ENDPOINT_URL: 'ftp://host' }), undefined);
  });

  it('leaves endpoint URLs with a path, a query or credentials to the SDK, which keeps them', () => {
    assert.ok(route({ ...BASE, AWS_ENDPOINT_URL: 'http://127.0.0.1:4566/' }));
    for (const url of [
      'http://host/prefix',
      'http://host/prefix/',
      'http://host/?x=1',
      'http://user:pw@host/',
    ]) {
      assert.equal(route({ ...BASE, AWS_ENDPOINT_URL: url }), undefined, url);
    }
  });

  it('leaves profiles, missing keys and an AWS config or credentials file to the SDK', () => {
    assert.equal(route(BASE, { profile: 'ci' }), undefined);
    assert.equal(route({ ...BASE, AWS_PROFILE: 'ci' }), undefined);
    assert.ok(route({ ...BASE, AWS_PROFILE: '' }), 'an empty AWS_PROFILE is unset, for the SDK too');
    assert.equal(route({ ...BASE, AWS_SECRET_ACCESS_KEY: '' }), undefined);
    assert.equal(route({ AWS_REGION: 'eu-west-1', HOME: '/home/ci' }), undefined);
    const asked: string[] = [];
    const exists = (wanted: string) => (path: string) => {
      asked.push(path);
      return path === wanted;
    };
    assert.equal(route(BASE, {}, '', exists('/home/ci/.aws/config')), undefined);
    assert.equal(route(BASE, {}, '', exists('/home/ci/.aws/credentials')), undefined);
    const custom = {
      ...BASE,
      AWS_CONFIG_FILE: '/etc/aws.cfg',
      AWS_SHARED_CREDENTIALS_FILE: '/etc/aws.creds',
    };
    assert.equal(route(custom, {}, '', exists('/etc/aws.cfg')), undefined);
    assert.equal(route(custom, {}, '', exists('/etc/aws.creds')), undefined);
    assert.ok(route(custom, {}, '', exists('/home/ci/.aws/config')), 'the named files replace the defaults');
    assert.ok(asked.includes('/etc/aws.creds'));
    // A literal ~/ (as Dockerfile ENV or CI variables give it) is the home directory, for the SDK too.
    const tilde = {
      ...BASE,
      AWS_CONFIG_FILE: '~/ci/config',
      AWS_SHARED_CREDENTIALS_FILE: '~/ci/credentials',
    };
    assert.equal(route(tilde, {}, '', exists('/home/ci/ci/config')), undefined);
    assert.equal(route(tilde, {}, '', exists('/home/ci/ci/credentials')), undefined);
    const userProfile = { ...KEYS, AWS_REGION: 'eu-west-1', USERPROFILE: '/users/ci' };
    assert.equal(route(userProfile, {}, '', exists('/users/ci/.aws/config')), undefined);
  });

  it('leaves FIPS, dual-stack, ignored endpoints, no clock correction and non-standard retries to the SDK', () => {
    for (const name of [
      'AWS_USE_FIPS_ENDPOINT',
      'AWS_USE_DUALSTACK_ENDPOINT',
      'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS',
    ]) {
      assert.equal(route({ ...BASE, [name]: 'true' }), undefined, name);
    }
    assert.equal(route({ ...BASE, AWS_RETRY_MODE: 'adaptive' }), undefined);
    assert.ok(route({ ...BASE, AWS_RETRY_MODE: 'standard' }));
  });

  it('signs with the session token when there is one', () => {
    assert.equal(route({ ...BASE, AWS_SESSION_TOKEN: 'tok' })?.credentials.sessionToken, 'tok');
    assert.equal(route({ ...BASE, AWS_SESSION_TOKEN: '' })?.credentials.sessionToken, undefined);
  });

  it('sends Parameter Store direct under exactly the conditions of Secrets Manager, to its own endpoint', () => {
    const ssm = (env: Record<string, string>, options: Omit<RouteOptions, 'env'> = {}, key = '') =>
      route(env, options, key, noFiles, PARAMETER_STORE);
    assert.equal(ssm(BASE)?.endpoint.href, 'https://ssm.eu-west-1.amazonaws.com/');
    assert.equal(ssm(BASE, {}, 'sa-east-1')?.endpoint.host, 'ssm.sa-east-1.amazonaws.com');
    assert.equal(
      ssm({ ...KEYS, AWS_REGION: 'cn-north-1' })?.endpoint.host,
      'ssm.cn-north-1.amazonaws.com.cn',
    );
    const both = {
      ...BASE,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: 'http://sm:1',
      AWS_ENDPOINT_URL: 'http://any:2',
    };
    assert.equal(ssm(both)?.endpoint.href, 'http://any:2/', 'not the Secrets Manager variable');
    assert.equal(ssm({ ...both, AWS_ENDPOINT_URL_SSM: 'http://ssm:3' })?.endpoint.href, 'http://ssm:3/');
    assert.equal(ssm({ ...both, AWS_ENDPOINT_URL_SSM: '' })?.endpoint.href, 'http://any:2/');
    assert.equal(
      ssm({ ...both, AWS_ENDPOINT_URL_SSM: 'http://ssm:3' }, { endpointUrl: 'https://e:4' })?.endpoint.href,
      'https://e:4/',
    );
    assert.equal(
      configuredEndpoint({ env: { AWS_ENDPOINT_URL_SSM: 'http://ssm:3' } }, PARAMETER_STORE),
      'http://ssm:3',
    );
    const cases: [Record<string, string>, Omit<RouteOptions, 'env'>][] = [
      [BASE, {}],
      [BASE, { profile: 'ci' }],
      [{ ...BASE, AWS_PROFILE: 'ci' }, {}],
      [{ ...BASE, AWS_PROFILE: '' }, {}],
      [{ ...BASE, AWS_SECRET_ACCESS_KEY: '' }, {}],
      [{ ...BASE, AWS_USE_FIPS_ENDPOINT: 'true' }, {}],
      [{ ...BASE, AWS_USE_DUALSTACK_ENDPOINT: 'true' }, {}],
      [{ ...BASE, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }, {}],
      [{ ...BASE, AWS_DISABLE_CLOCK_SKEW_CORRECTION: 'true' }, {}],
      [{ ...BASE, AWS_RETRY_MODE: 'adaptive' }, {}],
      [{ ...KEYS, AWS_REGION: 'us-iso-east-1' }, {}],
      [KEYS, {}],
      [{ ...BASE, AWS_ENDPOINT_URL: 'http://host/prefix' }, {}],
      [BASE, { endpointUrl: 'http://user:pw@host/' }],
    ];
    for (const [env, options] of cases) {
      const secrets = route(env, options);
      assert.deepEqual(
        ssm(env, options) === undefined,
        secrets === undefined,
        `${JSON.stringify(env)} ${JSON.stringify(options)}`,
      );
      if (secrets !== undefined) assert.deepEqual(ssm(env, options)?.credentials, secrets.credentials);
    }
    assert.equal(
      route(BASE, {}, '', () => true, PARAMETER_STORE),
      undefined,
      'an AWS file: the SDK for both',
    );
  });
});

describe('plainHttpWarning', () => {
  it('warns about plain http to another host, and nothing else', () => {
    for (const endpoint of [
      'http://localstack:4566',
      'http://10.0.0.5',
      'http://[2001:db8::1]:80',
      'http://192.0.2.1:4566/',
    ]) {
      assert.match(
        plainHttpWarning(endpoint) ?? '',
        /^warning: http:\/\/\S+ is plain http to another host: secret values would cross the network unencrypted \(use https\)$/,
        endpoint,
      );
    }
    for (const endpoint of [
      undefined,
      'https://vpce.example',
      'http://127.0.0.1:4566',
      'http://127.9.8.7',
      'http://localhost:4566',
      'http://[::1]:4566',
      'not a url',
    ]) {
      assert.equal(plainHttpWarning(endpoint), undefined, String(endpoint));
    }
  });

  it('names the origin only, never a path or credentials in the URL', () => {
    assert.equal(
      plainHttpWarning('http://user:pass@db.internal:8080/path?q=1'),
      'warning: http://db.internal:8080 is plain http to another host: secret values would cross the network unencrypted (use https)',
    );
  });
});
