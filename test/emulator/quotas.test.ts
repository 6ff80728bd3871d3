// Quota mode: AWS's per-region rates as token buckets, and what the real SDK makes of a call beyond them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  BatchGetSecretValueCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
} from '@aws-sdk/client-secrets-manager';
import { type Emulator, startEmulator } from './emulator.ts';
import { clientFor } from './helpers.ts';
import { AWS_RATES, Quotas } from './quotas.ts';

describe('Quotas, on a clock of its own', () => {
  test('a bucket holds one second of the scaled rate, then refills at that rate', () => {
    let now = 0;
    const quotas = new Quotas({ scale: 0.05 }, () => now);
    const takes = (count: number) =>
      Array.from({ length: count }, () => quotas.take('BatchGetSecretValue', 'us-east-1'));
    assert.deepEqual(takes(6), [true, true, true, true, true, false]);
    now = 199;
    assert.deepEqual(takes(1), [false]);
    now = 201;
    assert.deepEqual(takes(2), [true, false]);
    now = 10_000;
    assert.equal(takes(6).filter(Boolean).length, 5);
  });

  test('operations and regions have buckets of their own', () => {
    const quotas = new Quotas({ scale: 0.01 }, () => 0);
    assert.equal(quotas.take('ListSecrets', 'us-east-1'), true);
    assert.equal(quotas.take('ListSecrets', 'us-east-1'), false);
    assert.equal(quotas.take('ListSecrets', 'eu-west-1'), true);
    assert.equal(quotas.take('BatchGetSecretValue', 'us-east-1'), true);
    assert.equal(
      Array.from({ length: 100 }, () => quotas.take('GetSecretValue', 'us-east-1')).every(Boolean),
      true,
    );
  });

  test("AWS's published rates, and a scale that must be above 0", () => {
    assert.deepEqual(
      [
        AWS_RATES.GetSecretValue,
        AWS_RATES.BatchGetSecretValue,
        AWS_RATES.ListSecrets,
        AWS_RATES.DescribeSecret,
      ],
      [10_000, 100, 100, 40_000],
    );
    assert.throws(() => new Quotas({ scale: 0 }), /above 0/);
  });
});

describe('an emulator in quota mode, through the SDK', () => {
  let emulator: Emulator;
  before(async () => {
    // BatchGetSecretValue and ListSecrets 5/s, GetSecretValue 500/s.
    emulator = await startEmulator({ quotas: { scale: 0.05 } });
    emulator.createSecret('quota/a', 'FAKE-quota-a');
  });
  after(() => emulator.close());

  test('calls beyond the rate are answered ThrottlingException, counted per operation', async () => {
    const client = clientFor(emulator, { maxAttempts: 1 });
    try {
      const outcomes = await Promise.allSettled(
        Array.from({ length: 8 }, () =>
          client.send(new BatchGetSecretValueCommand({ SecretIdList: ['quota/a'] })),
        ),
      );
      const rejected = outcomes.filter((outcome) => outcome.status === 'rejected');
      assert.equal(rejected.length, 3);
      for (const { reason } of rejected) {
        const error = reason as { name: string; message: string; $metadata: { httpStatusCode: number } };
        assert.deepEqual(
          [error.name, error.message, error.$metadata.httpStatusCode],
          ['ThrottlingException', 'Rate exceeded', 400],
        );
      }
      assert.equal(emulator.count({ operation: 'BatchGetSecretValue', errorCode: 'ThrottlingException' }), 3);

      const gets = await Promise.allSettled(
        Array.from({ length: 50 }, () => client.send(new GetSecretValueCommand({ SecretId: 'quota/a' }))),
      );
      assert.equal(gets.filter((outcome) => outcome.status === 'fulfilled').length, 50);
      await client.send(new ListSecretsCommand({}));
    } finally {
      client.destroy();
    }
  });
});
