// Deny rules through the real SDK: whole operations, single secrets, and how a denied secret shows inside a batch.

import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import {
  BatchGetSecretValueCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { type Emulator, type SecretRef, startEmulator } from './emulator.ts';
import { clientFor, rejectionOf } from './helpers.ts';

const denial = (user: string, action: string, resource: string): string =>
  `User: ${user} is not authorized to perform: secretsmanager:${action} on resource: ${resource} ` +
  `because no identity-based policy allows the secretsmanager:${action} action`;

let emulator: Emulator;
let client: SecretsManagerClient;
let ciClient: SecretsManagerClient;
let open: SecretRef;
let locked: SecretRef;

before(async () => {
  emulator = await startEmulator({
    credentials: [
      { accessKeyId: 'test', secretAccessKey: 'test' },
      {
        accessKeyId: 'fake-ci-key',
        secretAccessKey: 'ci-secret',
        principalArn: 'arn:aws:sts::123456789012:assumed-role/ci-role/job-42',
      },
    ],
  });
  open = emulator.createSecret('acl/open', 'open value');
  locked = emulator.createSecret('acl/locked', 'locked value');
  client = clientFor(emulator);
  ciClient = clientFor(emulator, {
    credentials: { accessKeyId: 'fake-ci-key', secretAccessKey: 'ci-secret' },
  });
});
after(async () => {
  client.destroy();
  ciClient.destroy();
  await emulator.close();
});
afterEach(() => emulator.clearDenies());

describe('a key that may GetSecretValue but not BatchGetSecretValue', () => {
  test('the whole batch call is denied on resource *, single reads still work, other keys unaffected', async () => {
    emulator.deny({ accessKeyId: 'fake-ci-key', operation: 'BatchGetSecretValue' });
    const error = await rejectionOf(() =>
      ciClient.send(new BatchGetSecretValueCommand({ SecretIdList: ['acl/open'] })),
    );
    assert.deepEqual(
      [error.name, error.message],
      [
        'AccessDeniedException',
        denial('arn:aws:sts::123456789012:assumed-role/ci-role/job-42', 'BatchGetSecretValue', '*'),
      ],
    );
    assert.equal((error.$metadata as { httpStatusCode: number; attempts: number }).httpStatusCode, 400);
    assert.equal((error.$metadata as { attempts: number }).attempts, 1);

    const single = await ciClient.send(new GetSecretValueCommand({ SecretId: 'acl/open' }));
    assert.equal(single.SecretString, 'open value');
    const otherKey = await client.send(new BatchGetSecretValueCommand({ SecretIdList: ['acl/open'] }));
    assert.equal(otherKey.SecretValues?.length, 1);
  });
});

describe('a key denied GetSecretValue on one secret', () => {
  test('GetSecretValue on it: AccessDeniedException naming the secret ARN', async () => {
    emulator.deny({ accessKeyId: 'test', operation: 'GetSecretValue', secretId: 'acl/locked' });
    for (const secretId of ['acl/locked', locked.arn, locked.arn.slice(0, -7)]) {
      const error = await rejectionOf(() => client.send(new GetSecretValueCommand({ SecretId: secretId })));
      assert.deepEqual(
        [error.name, error.message],
        [
          'AccessDeniedException',
          denial('arn:aws:iam::123456789012:user/test', 'GetSecretValue', locked.arn),
        ],
      );
    }
    assert.equal(
      (await client.send(new GetSecretValueCommand({ SecretId: 'acl/open' }))).SecretString,
      'open value',
    );
  });

  test('inside a batch it is an Errors entry with ErrorCode AccessDeniedException; the rest is returned', async () => {
    emulator.deny({ accessKeyId: 'test', operation: 'GetSecretValue', secretId: locked.arn });
    const result = await client.send(
      new BatchGetSecretValueCommand({ SecretIdList: ['acl/open', 'acl/locked'] }),
    );
    assert.deepEqual(
      result.SecretValues?.map((value) => value.ARN),
      [open.arn],
    );
    assert.deepEqual(result.Errors, [
      {
        SecretId: 'acl/locked',
        ErrorCode: 'AccessDeniedException',
        Message: denial('arn:aws:iam::123456789012:user/test', 'GetSecretValue', locked.arn),
      },
    ]);
  });

  test('a denied secret that does not exist is denied, not reported missing', async () => {
    emulator.deny({ accessKeyId: 'test', secretId: 'acl/never-created' });
    const error = await rejectionOf(() =>
      client.send(new GetSecretValueCommand({ SecretId: 'acl/never-created' })),
    );
    assert.deepEqual(
      [error.name, error.message],
      [
        'AccessDeniedException',
        denial('arn:aws:iam::123456789012:user/test', 'GetSecretValue', 'acl/never-created'),
      ],
    );
  });
});

describe('filters need ListSecrets', () => {
  test('a key denied ListSecrets cannot batch by filter, but can batch by ids', async () => {
    emulator.deny({ accessKeyId: 'test', operation: 'ListSecrets' });
    const byFilter = await rejectionOf(() =>
      client.send(new BatchGetSecretValueCommand({ Filters: [{ Key: 'name', Values: ['acl/'] }] })),
    );
    assert.deepEqual(
      [byFilter.name, byFilter.message],
      ['AccessDeniedException', denial('arn:aws:iam::123456789012:user/test', 'ListSecrets', '*')],
    );
    const list = await rejectionOf(() => client.send(new ListSecretsCommand({})));
    assert.equal(list.name, 'AccessDeniedException');
    const byIds = await client.send(new BatchGetSecretValueCommand({ SecretIdList: ['acl/open'] }));
    assert.equal(byIds.SecretValues?.[0]?.SecretString, 'open value');
  });

  test('clearDenies lifts every rule', async () => {
    emulator.deny({ accessKeyId: 'test' });
    assert.equal(
      (await rejectionOf(() => client.send(new ListSecretsCommand({})))).name,
      'AccessDeniedException',
    );
    emulator.clearDenies();
    const listed = await client.send(new ListSecretsCommand({}));
    assert.deepEqual(
      listed.SecretList?.map((secret) => secret.Name),
      ['acl/locked', 'acl/open'],
    );
  });
});
