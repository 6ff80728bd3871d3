// The emulator's Parameter Store, driven by the real @aws-sdk/client-ssm: reads, versions, labels, paths, denials, faults.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  GetParameterCommand,
  GetParametersByPathCommand,
  GetParametersCommand,
  SSMClient,
  type SSMClientConfig,
} from '@aws-sdk/client-ssm';
import { type Emulator, startEmulator } from './emulator.ts';
import { TEST_CREDENTIALS } from './helpers.ts';

function ssmFor(emulator: Emulator, config: Partial<SSMClientConfig> = {}): SSMClient {
  return new SSMClient({
    endpoint: emulator.url,
    region: emulator.region,
    credentials: TEST_CREDENTIALS,
    ...config,
  });
}

describe('Parameter Store in the emulator, through @aws-sdk/client-ssm', () => {
  let emulator: Emulator;
  let ssm: SSMClient;
  before(async () => {
    emulator = await startEmulator({
      seed: JSON.stringify({ 'ci/db': 'a-secret-value', $parameters: { '/seeded/one': 'seeded-0001' } }),
    });
    ssm = ssmFor(emulator);
    emulator.putParameter('/app/plain', 'plain-text', { type: 'String' });
    emulator.putParameter('/app/list', 'a,b,c', { type: 'StringList' });
    emulator.putParameter('/app/secure', 'secure-v1');
    emulator.putParameter('/app/secure', 'secure-v2');
    emulator.labelParameterVersion('/app/secure', 1, ['prod']);
    emulator.putParameter('/app/nested/deep/key', 'deep');
    emulator.putParameter('flat', 'flat-value');
  });
  after(async () => {
    ssm.destroy();
    await emulator.close();
  });
  beforeEach(() => {
    emulator.clearCalls();
    emulator.clearDenies();
    emulator.clearFaults();
  });

  it('serves String, StringList and decrypted SecureString values, with the latest version', async () => {
    const { Parameters = [], InvalidParameters } = await ssm.send(
      new GetParametersCommand({
        Names: ['/app/plain', '/app/list', '/app/secure', 'flat'],
        WithDecryption: true,
      }),
    );
    assert.deepEqual(
      Parameters.map(({ Name, Type, Value, Version }) => ({ Name, Type, Value, Version })),
      [
        { Name: '/app/plain', Type: 'String', Value: 'plain-text', Version: 1 },
        { Name: '/app/list', Type: 'StringList', Value: 'a,b,c', Version: 1 },
        { Name: '/app/secure', Type: 'SecureString', Value: 'secure-v2', Version: 2 },
        { Name: 'flat', Type: 'SecureString', Value: 'flat-value', Version: 1 },
      ],
    );
    assert.deepEqual(InvalidParameters, []);
    assert.equal(Parameters[0]?.ARN, 'arn:aws:ssm:us-east-1:123456789012:parameter/app/plain');
    assert.equal(Parameters[3]?.ARN, 'arn:aws:ssm:us-east-1:123456789012:parameter/flat');
    assert.equal(emulator.calls[0]?.names, 4);
  });

  it('shows a SecureString only as ciphertext without WithDecryption', async () => {
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: '/app/secure' }));
    assert.notEqual(Parameter?.Value, 'secure-v2');
    assert.match(Parameter?.Value ?? '', /^[A-Za-z0-9+/]+=*$/);
  });

  it('selects versions and labels, and lists what is missing by the name asked', async () => {
    const { Parameters = [], InvalidParameters } = await ssm.send(
      new GetParametersCommand({
        Names: ['/app/secure:1', '/app/secure:prod', '/app/secure:9', '/app/missing', '/app/secure:nolabel'],
        WithDecryption: true,
      }),
    );
    assert.deepEqual(
      Parameters.map(({ Value, Selector }) => [Value, Selector]),
      [
        ['secure-v1', ':1'],
        ['secure-v1', ':prod'],
      ],
    );
    assert.deepEqual(InvalidParameters, ['/app/secure:9', '/app/missing', '/app/secure:nolabel']);
  });

  it('answers GetParameter misses with ParameterNotFound and ParameterVersionNotFound', async () => {
    await assert.rejects(ssm.send(new GetParameterCommand({ Name: '/nope' })), { name: 'ParameterNotFound' });
    await assert.rejects(ssm.send(new GetParameterCommand({ Name: '/app/secure:7' })), {
      name: 'ParameterVersionNotFound',
    });
  });

  it('finds a parameter by its ARN, and refuses more than 10 names', async () => {
    const { Parameters = [] } = await ssm.send(
      new GetParametersCommand({ Names: ['arn:aws:ssm:us-east-1:123456789012:parameter/app/plain'] }),
    );
    assert.equal(Parameters[0]?.Value, 'plain-text');
    const names = Array.from({ length: 11 }, (_, index) => `/n${index}`);
    await assert.rejects(ssm.send(new GetParametersCommand({ Names: names })), {
      name: 'ValidationException',
      message: /less than or equal to 10/,
    });
  });

  it('pages GetParametersByPath by MaxResults with NextToken, recursively or one level only', async () => {
    for (let index = 0; index < 25; index++)
      emulator.putParameter(`/paged/p${String(index).padStart(2, '0')}`, `v${index}`);
    emulator.putParameter('/paged/sub/deeper', 'deeper');
    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await ssm.send(
        new GetParametersByPathCommand({
          Path: '/paged',
          Recursive: true,
          WithDecryption: true,
          NextToken: token,
        }),
      );
      names.push(...(page.Parameters ?? []).map((each) => each.Name ?? ''));
      token = page.NextToken;
      pages++;
    } while (token !== undefined);
    assert.equal(names.length, 26);
    assert.equal(pages, 3);
    assert.ok(names.includes('/paged/sub/deeper'));
    const shallow = await ssm.send(new GetParametersByPathCommand({ Path: '/app', MaxResults: 10 }));
    assert.deepEqual(
      (shallow.Parameters ?? []).map((each) => each.Name),
      ['/app/list', '/app/plain', '/app/secure'],
    );
    await assert.rejects(
      ssm.send(
        new GetParametersByPathCommand({
          Path: '/app',
          ParameterFilters: [{ Key: 'Type', Values: ['String'] }],
        }),
      ),
      { name: 'ValidationException', message: /ParameterFilters/ },
    );
    await assert.rejects(ssm.send(new GetParametersByPathCommand({ Path: '/app', MaxResults: 11 })), {
      name: 'ValidationException',
    });
  });

  it('denies a parameter for the whole GetParameters call, and a KMS decrypt in AWS KMS words', async () => {
    emulator.deny({ accessKeyId: 'test', operation: 'GetParameters', parameter: '/app/plain' });
    await assert.rejects(ssm.send(new GetParametersCommand({ Names: ['/app/plain', '/app/list'] })), {
      name: 'AccessDeniedException',
      message: /ssm:GetParameters on resource: arn:aws:ssm:us-east-1:123456789012:parameter\/app\/plain/,
    });
    emulator.putParameter('/kms/denied', 'never-shown', { keyId: 'key/1234' });
    emulator.denyParameterDecrypt('/kms/denied');
    await assert.rejects(
      ssm.send(new GetParametersCommand({ Names: ['/kms/denied'], WithDecryption: true })),
      {
        name: 'AccessDeniedException',
        message: /kms:Decrypt on resource: arn:aws:kms:us-east-1:123456789012:key\/1234 .*Service: AWSKMS/,
      },
    );
  });

  it('serves Secrets Manager secrets under /aws/reference/secretsmanager/, with decryption only', async () => {
    const { Parameters = [] } = await ssm.send(
      new GetParametersCommand({ Names: ['/aws/reference/secretsmanager/ci/db'], WithDecryption: true }),
    );
    assert.equal(Parameters[0]?.Value, 'a-secret-value');
    assert.match(Parameters[0]?.ARN ?? '', /^arn:aws:secretsmanager:us-east-1:123456789012:secret:ci\/db-/);
    await assert.rejects(
      ssm.send(new GetParametersCommand({ Names: ['/aws/reference/secretsmanager/ci/db'] })),
      { name: 'ValidationException', message: /WithDecryption/ },
    );
  });

  it('seeds parameters from a seed file’s $parameters member', async () => {
    const { Parameter } = await ssm.send(
      new GetParameterCommand({ Name: '/seeded/one', WithDecryption: true }),
    );
    assert.equal(Parameter?.Value, 'seeded-0001');
  });

  it('verifies SigV4 for service ssm, and serves SSM operations only to AmazonSSM targets', async () => {
    const wrongService = ssmFor(emulator, { signingName: 'secretsmanager' } as Partial<SSMClientConfig>);
    try {
      await assert.rejects(wrongService.send(new GetParametersCommand({ Names: ['/app/plain'] })), {
        name: 'InvalidSignatureException',
        message: /scoped to correct service: 'ssm'/,
      });
    } finally {
      wrongService.destroy();
    }
    const badKey = ssmFor(emulator, { credentials: { accessKeyId: 'test', secretAccessKey: 'wrong' } });
    try {
      await assert.rejects(badKey.send(new GetParametersCommand({ Names: ['/app/plain'] })), {
        name: 'InvalidSignatureException',
      });
    } finally {
      badKey.destroy();
    }
  });

  it('injects faults into Parameter Store calls: throttling and 5xx are retried by the SDK', async () => {
    emulator.inject({ fault: 'throttle', operation: 'GetParameters' });
    emulator.inject({ fault: 'error500', operation: 'GetParameters' });
    const { Parameters = [] } = await ssm.send(new GetParametersCommand({ Names: ['/app/plain'] }));
    assert.equal(Parameters[0]?.Value, 'plain-text');
    assert.deepEqual(
      emulator.calls.map((call) => [call.operation, call.status, call.errorCode]),
      [
        ['GetParameters', 400, 'ThrottlingException'],
        ['GetParameters', 500, 'InternalServerError'],
        ['GetParameters', 200, undefined],
      ],
    );
  });
});
