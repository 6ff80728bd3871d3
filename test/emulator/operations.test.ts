// The single-secret operations through the real SDK: lookups, versions, binary values, deletion and their errors.

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { type Emulator, startEmulator } from './emulator.ts';
import { clientFor, rejectionOf } from './helpers.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const NOT_FOUND = "Secrets Manager can't find the specified secret.";
const MARKED_FOR_DELETION =
  "You can't perform this operation on the secret because it was marked for deletion.";

let emulator: Emulator;
let client: SecretsManagerClient;
let counter = 0;
/** Each test uses its own names, so tests stay independent while sharing one emulator. */
const uniqueName = (base: string): string => `${base}-${++counter}`;

before(async () => {
  emulator = await startEmulator();
  client = clientFor(emulator);
});
after(async () => {
  client.destroy();
  await emulator.close();
});
beforeEach(() => emulator.clearCalls());

describe('CreateSecret and GetSecretValue', () => {
  test('a string secret: real ARN shape, UUID version, AWSCURRENT, CreatedDate a date', async () => {
    const name = uniqueName('app/db');
    const created = await client.send(
      new CreateSecretCommand({ Name: name, SecretString: '{"password":"p@ss"}' }),
    );
    assert.match(
      created.ARN ?? '',
      new RegExp(`^arn:aws:secretsmanager:us-east-1:123456789012:secret:${name}-[A-Za-z0-9]{6}$`),
    );
    assert.equal(created.Name, name);
    assert.match(created.VersionId ?? '', UUID);

    const read = await client.send(new GetSecretValueCommand({ SecretId: name }));
    assert.equal(read.ARN, created.ARN);
    assert.equal(read.Name, name);
    assert.equal(read.VersionId, created.VersionId);
    assert.equal(read.SecretString, '{"password":"p@ss"}');
    assert.equal(read.SecretBinary, undefined);
    assert.deepEqual(read.VersionStages, ['AWSCURRENT']);
    assert.ok(read.CreatedDate instanceof Date && Math.abs(read.CreatedDate.getTime() - Date.now()) < 60_000);
  });

  test('lookup by name, full ARN and partial ARN finds the same secret', async () => {
    const { arn, name } = emulator.createSecret(uniqueName('lookup'), 'v');
    const partialArn = arn.slice(0, -7);
    for (const secretId of [name, arn, partialArn]) {
      const read = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
      assert.deepEqual([read.Name, read.ARN, read.SecretString], [name, arn, 'v'], secretId);
    }
  });

  test('a binary secret travels as bytes (base64 on the wire)', async () => {
    const name = uniqueName('bin');
    const bytes = new Uint8Array([0, 1, 2, 253, 254, 255]);
    await client.send(new CreateSecretCommand({ Name: name, SecretBinary: bytes }));
    const read = await client.send(new GetSecretValueCommand({ SecretId: name }));
    assert.deepEqual(read.SecretBinary, bytes);
    assert.equal(read.SecretString, undefined);
  });

  test('a missing secret: ResourceNotFoundException, HTTP 400', async () => {
    const error = await rejectionOf(() =>
      client.send(new GetSecretValueCommand({ SecretId: 'no/such/secret' })),
    );
    assert.equal(error.name, 'ResourceNotFoundException');
    assert.equal(error.message, NOT_FOUND);
    assert.equal((error.$metadata as { httpStatusCode: number }).httpStatusCode, 400);
  });

  test('creating an existing name: ResourceExistsException', async () => {
    const { name } = emulator.createSecret(uniqueName('dup'), 'v');
    const error = await rejectionOf(() =>
      client.send(new CreateSecretCommand({ Name: name, SecretString: 'w' })),
    );
    assert.deepEqual(
      [error.name, error.message],
      ['ResourceExistsException', `The operation failed because the secret ${name} already exists.`],
    );
  });

  test('both SecretString and SecretBinary: InvalidParameterException', async () => {
    const error = await rejectionOf(() =>
      client.send(
        new CreateSecretCommand({
          Name: uniqueName('both'),
          SecretString: 's',
          SecretBinary: new Uint8Array([1]),
        }),
      ),
    );
    assert.deepEqual(
      [error.name, error.message],
      [
        'InvalidParameterException',
        "You can't specify both a binary secret value and a string secret value in the same secret.",
      ],
    );
  });

  test('a name with a character AWS forbids: ValidationException', async () => {
    const error = await rejectionOf(() =>
      client.send(new CreateSecretCommand({ Name: 'bad name#1', SecretString: 's' })),
    );
    assert.deepEqual(
      [error.name, error.message],
      [
        'ValidationException',
        'Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!',
      ],
    );
  });

  test('a secret created without a value has no AWSCURRENT to read', async () => {
    const name = uniqueName('empty');
    const created = await client.send(new CreateSecretCommand({ Name: name }));
    assert.equal(created.VersionId, undefined);
    const error = await rejectionOf(() => client.send(new GetSecretValueCommand({ SecretId: name })));
    assert.deepEqual(
      [error.name, error.message],
      [
        'ResourceNotFoundException',
        "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
      ],
    );
  });
});

describe('PutSecretValue and version selection', () => {
  test('the new version is AWSCURRENT, the old one AWSPREVIOUS, the one before loses its stages', async () => {
    const first = emulator.createSecret(uniqueName('rotating'), 'one');
    const second = await client.send(
      new PutSecretValueCommand({ SecretId: first.name, SecretString: 'two' }),
    );
    assert.deepEqual(second.VersionStages, ['AWSCURRENT']);
    assert.match(second.VersionId ?? '', UUID);
    const third = await client.send(
      new PutSecretValueCommand({ SecretId: first.arn, SecretString: 'three' }),
    );

    const current = await client.send(new GetSecretValueCommand({ SecretId: first.name }));
    assert.deepEqual([current.SecretString, current.VersionId], ['three', third.VersionId]);
    const previous = await client.send(
      new GetSecretValueCommand({ SecretId: first.name, VersionStage: 'AWSPREVIOUS' }),
    );
    assert.deepEqual([previous.SecretString, previous.VersionStages], ['two', ['AWSPREVIOUS']]);
    const oldest = await client.send(
      new GetSecretValueCommand({ SecretId: first.name, VersionId: first.versionId }),
    );
    assert.deepEqual([oldest.SecretString, oldest.VersionStages], ['one', []]);

    const described = await client.send(new DescribeSecretCommand({ SecretId: first.name }));
    assert.deepEqual(described.VersionIdsToStages, {
      [second.VersionId ?? '']: ['AWSPREVIOUS'],
      [third.VersionId ?? '']: ['AWSCURRENT'],
    });
  });

  test('VersionId and VersionStage together must agree', async () => {
    const { name, versionId } = emulator.createSecret(uniqueName('agree'), 'one');
    emulator.putSecretValue(name, 'two');
    const ok = await client.send(
      new GetSecretValueCommand({ SecretId: name, VersionId: versionId, VersionStage: 'AWSPREVIOUS' }),
    );
    assert.equal(ok.SecretString, 'one');
    const error = await rejectionOf(() =>
      client.send(
        new GetSecretValueCommand({ SecretId: name, VersionId: versionId, VersionStage: 'AWSCURRENT' }),
      ),
    );
    assert.deepEqual(
      [error.name, error.message],
      [
        'InvalidRequestException',
        'You provided a VersionStage that is not associated to the provided VersionId.',
      ],
    );
  });

  test('an unknown VersionId or VersionStage: ResourceNotFoundException naming it', async () => {
    const { name } = emulator.createSecret(uniqueName('versions'), 'one');
    const byId = await rejectionOf(() =>
      client.send(
        new GetSecretValueCommand({ SecretId: name, VersionId: '00000000-0000-0000-0000-000000000000' }),
      ),
    );
    assert.equal(
      byId.message,
      "Secrets Manager can't find the specified secret value for VersionId: 00000000-0000-0000-0000-000000000000",
    );
    const byStage = await rejectionOf(() =>
      client.send(new GetSecretValueCommand({ SecretId: name, VersionStage: 'AWSPREVIOUS' })),
    );
    assert.equal(
      byStage.message,
      "Secrets Manager can't find the specified secret value for staging label: AWSPREVIOUS",
    );
  });

  test('PutSecretValue with a custom stage moves only that stage', async () => {
    const { name } = emulator.createSecret(uniqueName('pending'), 'live');
    const pending = await client.send(
      new PutSecretValueCommand({ SecretId: name, SecretString: 'next', VersionStages: ['AWSPENDING'] }),
    );
    assert.deepEqual(pending.VersionStages, ['AWSPENDING']);
    assert.equal((await client.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, 'live');
    const read = await client.send(new GetSecretValueCommand({ SecretId: name, VersionStage: 'AWSPENDING' }));
    assert.equal(read.SecretString, 'next');
  });

  test('PutSecretValue without a value: InvalidRequestException', async () => {
    const { name } = emulator.createSecret(uniqueName('novalue'), 'v');
    const error = await rejectionOf(() => client.send(new PutSecretValueCommand({ SecretId: name })));
    assert.deepEqual(
      [error.name, error.message],
      ['InvalidRequestException', 'You must provide either SecretString or SecretBinary.'],
    );
  });
});

describe('DeleteSecret', () => {
  test('then reads fail with InvalidRequestException; DescribeSecret shows DeletedDate', async () => {
    const { name, arn } = emulator.createSecret(uniqueName('doomed'), 'v');
    const deleted = await client.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 7 }));
    assert.equal(deleted.ARN, arn);
    const days = ((deleted.DeletionDate?.getTime() ?? 0) - Date.now()) / 86_400_000;
    assert.ok(days > 6.9 && days < 7.1, `DeletionDate ${days} days ahead`);

    for (const command of [
      new GetSecretValueCommand({ SecretId: name }),
      new PutSecretValueCommand({ SecretId: name, SecretString: 'w' }),
    ]) {
      const error = await rejectionOf(() => client.send(command as GetSecretValueCommand));
      assert.deepEqual([error.name, error.message], ['InvalidRequestException', MARKED_FOR_DELETION]);
    }
    const described = await client.send(new DescribeSecretCommand({ SecretId: arn }));
    assert.ok(described.DeletedDate instanceof Date);

    const again = await rejectionOf(() => client.send(new DeleteSecretCommand({ SecretId: name })));
    assert.equal(
      again.message,
      "You tried to perform the operation on a secret that's currently marked deleted.",
    );
    const recreate = await rejectionOf(() =>
      client.send(new CreateSecretCommand({ Name: name, SecretString: 'x' })),
    );
    assert.equal(
      recreate.message,
      "You can't create this secret because a secret with this name is already scheduled for deletion.",
    );
  });

  test('ForceDeleteWithoutRecovery removes it at once: the name is free, the old ARN is not found', async () => {
    const { name, arn } = emulator.createSecret(uniqueName('gone'), 'v');
    await client.send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }));
    const error = await rejectionOf(() => client.send(new GetSecretValueCommand({ SecretId: arn })));
    assert.equal(error.name, 'ResourceNotFoundException');
    const recreated = await client.send(new CreateSecretCommand({ Name: name, SecretString: 'again' }));
    assert.notEqual(recreated.ARN, arn);
  });

  test('invalid recovery options: InvalidParameterException', async () => {
    const { name } = emulator.createSecret(uniqueName('options'), 'v');
    const both = await rejectionOf(() =>
      client.send(
        new DeleteSecretCommand({
          SecretId: name,
          RecoveryWindowInDays: 7,
          ForceDeleteWithoutRecovery: true,
        }),
      ),
    );
    assert.deepEqual(
      [both.name, both.message],
      [
        'InvalidParameterException',
        "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.",
      ],
    );
    const short = await rejectionOf(() =>
      client.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 3 })),
    );
    assert.equal(short.message, 'The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).');
  });
});

describe('DescribeSecret and DecryptionFailure', () => {
  test('DescribeSecret returns metadata and never the value', async () => {
    const name = uniqueName('described');
    await client.send(
      new CreateSecretCommand({
        Name: name,
        SecretString: 'v',
        Description: 'the db',
        Tags: [{ Key: 'team', Value: 'ci' }],
      }),
    );
    const described = await client.send(new DescribeSecretCommand({ SecretId: name }));
    assert.equal(described.Description, 'the db');
    assert.deepEqual(described.Tags, [{ Key: 'team', Value: 'ci' }]);
    assert.equal('SecretString' in described, false);
    assert.ok(described.CreatedDate instanceof Date && described.LastChangedDate instanceof Date);
  });

  test('a secret whose KMS key fails: DecryptionFailure on read, metadata still readable', async () => {
    const { name } = emulator.createSecret(uniqueName('kms'), 'v');
    emulator.failDecryption(name);
    const error = await rejectionOf(() => client.send(new GetSecretValueCommand({ SecretId: name })));
    assert.deepEqual(
      [error.name, error.message],
      [
        'DecryptionFailure',
        "Secrets Manager can't decrypt the protected secret text using the provided KMS key.",
      ],
    );
    assert.equal((await client.send(new DescribeSecretCommand({ SecretId: name }))).Name, name);
  });

  test('the call log names the operation, region, key, secret and user agent', async () => {
    const { name } = emulator.createSecret(uniqueName('logged'), 'v');
    await client.send(new GetSecretValueCommand({ SecretId: name }));
    const [{ userAgent, ...call } = {}] = emulator.calls;
    assert.equal(emulator.calls.length, 1);
    assert.deepEqual(call, {
      operation: 'GetSecretValue',
      accessKeyId: 'test',
      region: 'us-east-1',
      secretId: name,
      status: 200,
    });
    assert.match(userAgent ?? '', /aws-sdk-js/);
    assert.equal(emulator.count({ operation: 'GetSecretValue' }), 1);
    assert.equal(emulator.count({ operation: 'BatchGetSecretValue' }), 0);
  });
});

describe('the in-process admin API', () => {
  test('putSecretValue and deleteSecret act as the operations do', async () => {
    const first = emulator.createSecret(uniqueName('admin'), { user: 'a', port: 1 });
    assert.equal(
      (await client.send(new GetSecretValueCommand({ SecretId: first.name }))).SecretString,
      '{"user":"a","port":1}',
    );
    const second = emulator.putSecretValue(first.arn, 'next');
    assert.deepEqual([second.arn, second.name], [first.arn, first.name]);
    assert.match(second.versionId, UUID);
    const previous = await client.send(
      new GetSecretValueCommand({ SecretId: first.name, VersionStage: 'AWSPREVIOUS' }),
    );
    assert.equal(previous.VersionId, first.versionId);

    emulator.deleteSecret(first.name);
    assert.equal(
      (await rejectionOf(() => client.send(new GetSecretValueCommand({ SecretId: first.name })))).message,
      MARKED_FOR_DELETION,
    );
    emulator.deleteSecret(first.name, { force: true });
    assert.equal(
      (await rejectionOf(() => client.send(new GetSecretValueCommand({ SecretId: first.name })))).message,
      NOT_FOUND,
    );
  });

  test('admin calls on a missing secret throw ResourceNotFoundException', () => {
    assert.throws(() => emulator.putSecretValue('admin/none', 'x'), {
      name: 'ResourceNotFoundException',
      message: NOT_FOUND,
    });
    assert.throws(() => emulator.failDecryption('admin/none'), { name: 'ResourceNotFoundException' });
  });
});
