// BatchGetSecretValue and ListSecrets through the real SDK: per-secret errors, name filters, paging, validation.

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  BatchGetSecretValueCommand,
  type BatchGetSecretValueCommandOutput,
  ListSecretsCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { type Emulator, startEmulator } from './emulator.ts';
import { clientFor, rejectionOf } from './helpers.ts';

let emulator: Emulator;
let client: SecretsManagerClient;

before(async () => {
  emulator = await startEmulator();
  client = clientFor(emulator);
});
after(async () => {
  client.destroy();
  await emulator.close();
});
beforeEach(() => emulator.clearCalls());

const pad = (n: number): string => String(n).padStart(2, '0');

describe('BatchGetSecretValue with SecretIdList', () => {
  test('found secrets in SecretValues (request order), each failed one as an Errors entry, HTTP 200', async () => {
    const a = emulator.createSecret('batch/a', 'A');
    const b = emulator.createSecret('batch/b', new Uint8Array([7, 8]));
    emulator.createSecret('batch/deleted', 'D');
    emulator.deleteSecret('batch/deleted');
    emulator.createSecret('batch/kms', 'K');
    emulator.failDecryption('batch/kms');

    const result = await client.send(
      new BatchGetSecretValueCommand({
        SecretIdList: [b.arn, 'batch/missing', 'batch/deleted', a.arn.slice(0, -7), 'batch/kms'],
      }),
    );
    assert.equal(result.$metadata.httpStatusCode, 200);
    assert.deepEqual(
      result.SecretValues?.map((value) => [value.Name, value.ARN, value.SecretString, value.SecretBinary]),
      [
        ['batch/b', b.arn, undefined, new Uint8Array([7, 8])],
        ['batch/a', a.arn, 'A', undefined],
      ],
    );
    assert.deepEqual(result.SecretValues?.[1]?.VersionStages, ['AWSCURRENT']);
    assert.equal(result.SecretValues?.[1]?.VersionId, a.versionId);
    assert.ok(result.SecretValues?.[1]?.CreatedDate instanceof Date);
    assert.deepEqual(result.Errors, [
      {
        SecretId: 'batch/missing',
        ErrorCode: 'ResourceNotFoundException',
        Message: "Secrets Manager can't find the specified secret.",
      },
      {
        SecretId: 'batch/deleted',
        ErrorCode: 'InvalidRequestException',
        Message: "You can't perform this operation on the secret because it was marked for deletion.",
      },
      {
        SecretId: 'batch/kms',
        ErrorCode: 'DecryptionFailure',
        Message: "Secrets Manager can't decrypt the protected secret text using the provided KMS key.",
      },
    ]);
    assert.equal(result.NextToken, undefined);
    assert.deepEqual(emulator.calls[0]?.batch, { ids: 5, filters: 0 });
  });

  test('more than 20 ids: ValidationException (the SDK does not check it)', async () => {
    const ids = Array.from({ length: 21 }, (_, i) => `id${i}`);
    const error = await rejectionOf(() => client.send(new BatchGetSecretValueCommand({ SecretIdList: ids })));
    assert.deepEqual(
      [error.name, error.message],
      [
        'ValidationException',
        `1 validation error detected: Value '[${ids.join(', ')}]' at 'secretIdList' failed to satisfy constraint: ` +
          'Member must have length less than or equal to 20',
      ],
    );
  });

  test('SecretIdList and Filters together, or neither: InvalidParameterException', async () => {
    const message = "Either 'SecretIdList' or 'Filters' must be provided, but not both.";
    const both = await rejectionOf(() =>
      client.send(
        new BatchGetSecretValueCommand({ SecretIdList: ['x'], Filters: [{ Key: 'name', Values: ['x'] }] }),
      ),
    );
    assert.deepEqual([both.name, both.message], ['InvalidParameterException', message]);
    const neither = await rejectionOf(() => client.send(new BatchGetSecretValueCommand({})));
    assert.deepEqual([neither.name, neither.message], ['InvalidParameterException', message]);
  });

  test('MaxResults without Filters: InvalidParameterException', async () => {
    const error = await rejectionOf(() =>
      client.send(new BatchGetSecretValueCommand({ SecretIdList: ['x'], MaxResults: 5 })),
    );
    assert.deepEqual(
      [error.name, error.message],
      [
        'InvalidParameterException',
        "'Filters' not specified. 'Filters' must also be specified when 'MaxResults' is provided.",
      ],
    );
  });

  test('the call log shows how ids were split into batches', async () => {
    for (let i = 0; i < 45; i++) emulator.createSecret(`split/${pad(i)}`, `v${i}`);
    const ids = Array.from({ length: 45 }, (_, i) => `split/${pad(i)}`);
    const chunks = [ids.slice(0, 20), ids.slice(20, 40), ids.slice(40)];
    const results = await Promise.all(
      chunks.map((chunk) => client.send(new BatchGetSecretValueCommand({ SecretIdList: chunk }))),
    );
    assert.equal(results.flatMap((result) => result.SecretValues ?? []).length, 45);
    assert.equal(emulator.count({ operation: 'BatchGetSecretValue' }), 3);
    assert.deepEqual(emulator.calls.map((call) => call.batch?.ids).sort(), [20, 20, 5]);
  });
});

describe('BatchGetSecretValue with Filters', () => {
  before(() => {
    for (let i = 0; i < 45; i++) emulator.createSecret(`paged/${pad(i)}`, `value-${i}`);
    emulator.createSecret('Paged/upper', 'not a match: the name filter is case-sensitive');
    emulator.createSecret('xpaged/1', 'not a match: the name filter is a prefix');
    emulator.createSecret('paged/zz-deleted', 'scheduled for deletion, so not listed');
    emulator.deleteSecret('paged/zz-deleted');
  });

  test('pages of MaxResults across more than 20 secrets, in name order, with NextToken', async () => {
    const pages: BatchGetSecretValueCommandOutput[] = [];
    let nextToken: string | undefined;
    do {
      const result = await client.send(
        new BatchGetSecretValueCommand({
          Filters: [{ Key: 'name', Values: ['paged/'] }],
          MaxResults: 20,
          ...(nextToken === undefined ? {} : { NextToken: nextToken }),
        }),
      );
      pages.push(result);
      nextToken = result.NextToken;
    } while (nextToken !== undefined);

    assert.deepEqual(
      pages.map((page) => page.SecretValues?.length),
      [20, 20, 5],
    );
    const names = pages.flatMap((page) => page.SecretValues?.map((value) => value.Name) ?? []);
    assert.deepEqual(
      names,
      Array.from({ length: 45 }, (_, i) => `paged/${pad(i)}`),
    );
    assert.equal(pages[2]?.SecretValues?.[4]?.SecretString, 'value-44');
    assert.deepEqual(
      emulator.calls.map((call) => [
        call.batch?.filters,
        call.batch?.maxResults,
        call.batch?.nextToken !== undefined,
      ]),
      [
        [1, 20, false],
        [1, 20, true],
        [1, 20, true],
      ],
    );
  });

  test('without MaxResults a page holds at most 20', async () => {
    const result = await client.send(
      new BatchGetSecretValueCommand({ Filters: [{ Key: 'name', Values: ['paged/'] }] }),
    );
    assert.equal(result.SecretValues?.length, 20);
    assert.notEqual(result.NextToken, undefined);
  });

  test('several values are alternatives; "!" negates one', async () => {
    const result = await client.send(
      new BatchGetSecretValueCommand({
        Filters: [{ Key: 'name', Values: ['paged/4', 'Paged/'] }],
        MaxResults: 20,
      }),
    );
    assert.deepEqual(
      result.SecretValues?.map((value) => value.Name),
      ['Paged/upper', 'paged/40', 'paged/41', 'paged/42', 'paged/43', 'paged/44'],
    );
    const negated = await client.send(
      new BatchGetSecretValueCommand({
        Filters: [
          { Key: 'name', Values: ['paged/0'] },
          { Key: 'name', Values: ['!paged/00', '!paged/01'] },
        ],
      }),
    );
    assert.deepEqual(
      negated.SecretValues?.map((value) => value.Name),
      Array.from({ length: 8 }, (_, i) => `paged/0${i + 2}`),
    );
  });

  test('MaxResults above 20, an unknown filter key, a bad NextToken: the errors AWS gives', async () => {
    const tooMany = await rejectionOf(() =>
      client.send(
        new BatchGetSecretValueCommand({ Filters: [{ Key: 'name', Values: ['x'] }], MaxResults: 21 }),
      ),
    );
    assert.deepEqual(
      [tooMany.name, tooMany.message],
      [
        'ValidationException',
        "1 validation error detected: Value '21' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 20",
      ],
    );
    const badKey = await rejectionOf(() =>
      client.send(new BatchGetSecretValueCommand({ Filters: [{ Key: 'colour' as 'name', Values: ['x'] }] })),
    );
    assert.equal(badKey.name, 'ValidationException');
    assert.match(
      badKey.message,
      /at 'filters\.1\.member\.key' failed to satisfy constraint: Member must satisfy enum value set/,
    );
    const badToken = await rejectionOf(() =>
      client.send(
        new BatchGetSecretValueCommand({ Filters: [{ Key: 'name', Values: ['x'] }], NextToken: 'garbage' }),
      ),
    );
    assert.deepEqual(
      [badToken.name, badToken.message],
      ['InvalidNextTokenException', 'The NextToken value is invalid.'],
    );
  });
});

describe('ListSecrets', () => {
  before(() => {
    emulator.createSecret('listed/a', 'a', {
      description: 'Primary database',
      tags: [{ Key: 'team', Value: 'ci' }],
    });
    emulator.createSecret('listed/b', 'b');
    emulator.createSecret('listed/c', 'c');
    emulator.createSecret('listed/gone', 'g');
    emulator.deleteSecret('listed/gone');
  });

  test('a name filter, paged by MaxResults, metadata only', async () => {
    const first = await client.send(
      new ListSecretsCommand({ Filters: [{ Key: 'name', Values: ['listed/'] }], MaxResults: 2 }),
    );
    assert.deepEqual(
      first.SecretList?.map((secret) => secret.Name),
      ['listed/a', 'listed/b'],
    );
    assert.equal('SecretString' in (first.SecretList?.[0] ?? {}), false);
    assert.equal(Object.values(first.SecretList?.[0]?.SecretVersionsToStages ?? {})[0]?.[0], 'AWSCURRENT');
    const second = await client.send(
      new ListSecretsCommand({
        Filters: [{ Key: 'name', Values: ['listed/'] }],
        MaxResults: 2,
        NextToken: first.NextToken,
      }),
    );
    assert.deepEqual(
      second.SecretList?.map((secret) => secret.Name),
      ['listed/c'],
    );
    assert.equal(second.NextToken, undefined);
  });

  test('SortOrder desc pages backwards through the names', async () => {
    const filters = [{ Key: 'name' as const, Values: ['listed/'] }];
    const first = await client.send(
      new ListSecretsCommand({ Filters: filters, MaxResults: 2, SortOrder: 'desc' }),
    );
    const second = await client.send(
      new ListSecretsCommand({
        Filters: filters,
        MaxResults: 2,
        SortOrder: 'desc',
        NextToken: first.NextToken,
      }),
    );
    assert.deepEqual(
      [first, second].map((page) => page.SecretList?.map((secret) => secret.Name)),
      [['listed/c', 'listed/b'], ['listed/a']],
    );
  });

  test('IncludePlannedDeletion lists secrets scheduled for deletion too', async () => {
    const result = await client.send(
      new ListSecretsCommand({
        Filters: [{ Key: 'name', Values: ['listed/g'] }],
        IncludePlannedDeletion: true,
      }),
    );
    assert.equal(result.SecretList?.[0]?.Name, 'listed/gone');
    assert.ok(result.SecretList?.[0]?.DeletedDate instanceof Date);
  });

  test('description (any case) and tag filters', async () => {
    const byDescription = await client.send(
      new ListSecretsCommand({ Filters: [{ Key: 'description', Values: ['primary'] }] }),
    );
    assert.deepEqual(
      byDescription.SecretList?.map((secret) => secret.Name),
      ['listed/a'],
    );
    const byTag = await client.send(
      new ListSecretsCommand({ Filters: [{ Key: 'tag-value', Values: ['ci'] }] }),
    );
    assert.deepEqual(
      byTag.SecretList?.map((secret) => secret.Tags),
      [[{ Key: 'team', Value: 'ci' }]],
    );
  });
});
