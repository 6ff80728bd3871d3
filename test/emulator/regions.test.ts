// Region isolation: each region has its own secrets and ARNs, chosen by the region of the SigV4 credential scope.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  BatchGetSecretValueCommand,
  CreateSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { type Emulator, startEmulator } from './emulator.ts';
import { clientFor, rejectionOf } from './helpers.ts';

let emulator: Emulator;
let east: SecretsManagerClient;
let west: SecretsManagerClient;

before(async () => {
  emulator = await startEmulator();
  east = clientFor(emulator, { region: 'us-east-1' });
  west = clientFor(emulator, { region: 'eu-west-1' });
});
after(async () => {
  east.destroy();
  west.destroy();
  await emulator.close();
});

test('the same name in two regions: two secrets, each with its own region in the ARN', async () => {
  const inEast = emulator.createSecret('shared/name', 'east value');
  const inWest = emulator.createSecret('shared/name', 'west value', { region: 'eu-west-1' });
  assert.match(
    inEast.arn,
    /^arn:aws:secretsmanager:us-east-1:123456789012:secret:shared\/name-[A-Za-z0-9]{6}$/,
  );
  assert.match(
    inWest.arn,
    /^arn:aws:secretsmanager:eu-west-1:123456789012:secret:shared\/name-[A-Za-z0-9]{6}$/,
  );

  const fromEast = await east.send(new GetSecretValueCommand({ SecretId: 'shared/name' }));
  const fromWest = await west.send(new GetSecretValueCommand({ SecretId: 'shared/name' }));
  assert.deepEqual([fromEast.SecretString, fromEast.ARN], ['east value', inEast.arn]);
  assert.deepEqual([fromWest.SecretString, fromWest.ARN], ['west value', inWest.arn]);
  assert.deepEqual(
    emulator.calls.slice(-2).map((call) => call.region),
    ['us-east-1', 'eu-west-1'],
  );

  // An ARN names its region: even a partial one does not match the same name in another region.
  for (const secretId of [inWest.arn, inWest.arn.slice(0, -7)]) {
    const error = await rejectionOf(() => east.send(new GetSecretValueCommand({ SecretId: secretId })));
    assert.equal(error.name, 'ResourceNotFoundException', secretId);
  }
});

test('a secret created through the SDK in eu-west-1 is visible only to requests signed for eu-west-1', async () => {
  const created = await west.send(new CreateSecretCommand({ Name: 'only/west', SecretString: 'w' }));
  assert.match(created.ARN ?? '', /^arn:aws:secretsmanager:eu-west-1:/);

  for (const secretId of ['only/west', created.ARN ?? '']) {
    const error = await rejectionOf(() => east.send(new GetSecretValueCommand({ SecretId: secretId })));
    assert.equal(error.name, 'ResourceNotFoundException', secretId);
  }
  const batch = await east.send(new BatchGetSecretValueCommand({ SecretIdList: ['only/west'] }));
  assert.deepEqual(
    batch.Errors?.map((entry) => entry.ErrorCode),
    ['ResourceNotFoundException'],
  );
  const eastList = await east.send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: ['only/'] }] }));
  assert.deepEqual(eastList.SecretList, []);
  const westList = await west.send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: ['only/'] }] }));
  assert.deepEqual(
    westList.SecretList?.map((secret) => secret.ARN),
    [created.ARN],
  );
});

test('a replica: the primary ARN but for the region, the same versions, found by name and by that ARN', async () => {
  const primary = emulator.createSecret('replicated/db', 'v-one');
  emulator.putSecretValue('replicated/db', 'v-two');
  const replica = emulator.replicateSecret('replicated/db', 'eu-west-1');
  assert.equal(replica.arn, primary.arn.replace(':us-east-1:', ':eu-west-1:'));
  for (const SecretId of ['replicated/db', replica.arn, replica.arn.slice(0, -7)]) {
    const current = await west.send(new GetSecretValueCommand({ SecretId }));
    assert.equal(current.SecretString, 'v-two');
    assert.equal(current.ARN, replica.arn);
  }
  const previous = await west.send(
    new GetSecretValueCommand({ SecretId: 'replicated/db', VersionStage: 'AWSPREVIOUS' }),
  );
  assert.deepEqual([previous.SecretString, previous.VersionId], ['v-one', primary.versionId]);
  emulator.putSecretValue('replicated/db', 'v-three');
  const still = await west.send(new GetSecretValueCommand({ SecretId: 'replicated/db' }));
  assert.equal(still.SecretString, 'v-two', 'later changes of the primary are not carried over');
});
