// 200 secrets through the emulator at once, as the benchmarks do: every answer right, and fast enough to not matter.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  BatchGetSecretValueCommand,
  GetSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { type Emulator, startEmulator } from './emulator.ts';
import { clientFor } from './helpers.ts';

const COUNT = 200;
const names = Array.from({ length: COUNT }, (_, i) => `bench/secret-${String(i).padStart(3, '0')}`);

let emulator: Emulator;
let client: SecretsManagerClient;

before(async () => {
  emulator = await startEmulator();
  for (const name of names) emulator.createSecret(name, { name, password: `pw-${name}` });
  client = clientFor(emulator);
  await client.send(new GetSecretValueCommand({ SecretId: names[0] })); // The SDK's first send loads lazily; not ours.
});
after(async () => {
  client.destroy();
  await emulator.close();
});

test('200 concurrent GetSecretValue calls are each answered with their own secret', async (t) => {
  const started = performance.now();
  const results = await Promise.all(
    names.map((name) => client.send(new GetSecretValueCommand({ SecretId: name }))),
  );
  const elapsed = performance.now() - started;
  assert.deepEqual(
    results.map((result) => JSON.parse(result.SecretString ?? '{}').name),
    names,
  );
  t.diagnostic(
    `200 concurrent GetSecretValue: ${elapsed.toFixed(0)} ms (${(elapsed / COUNT).toFixed(2)} ms/request)`,
  );
  assert.ok(elapsed < 10_000, `${elapsed} ms`);
});

test('200 secrets as 10 parallel BatchGetSecretValue calls of 20', async (t) => {
  emulator.clearCalls();
  const started = performance.now();
  const batches = await Promise.all(
    Array.from({ length: COUNT / 20 }, (_, i) =>
      client.send(new BatchGetSecretValueCommand({ SecretIdList: names.slice(i * 20, i * 20 + 20) })),
    ),
  );
  const elapsed = performance.now() - started;
  const fetched = batches.flatMap((batch) => batch.SecretValues?.map((value) => value.Name) ?? []);
  assert.deepEqual(fetched, names);
  assert.equal(emulator.count({ operation: 'BatchGetSecretValue' }), 10);
  t.diagnostic(`10 parallel BatchGetSecretValue x 20: ${elapsed.toFixed(0)} ms`);
  assert.ok(elapsed < 10_000, `${elapsed} ms`);
});

test('sequential GetSecretValue latency on a kept-alive connection', async (t) => {
  const started = performance.now();
  for (const name of names) await client.send(new GetSecretValueCommand({ SecretId: name }));
  const perRequest = (performance.now() - started) / COUNT;
  t.diagnostic(`sequential GetSecretValue: ${perRequest.toFixed(2)} ms/request (SDK + emulator, loopback)`);
  assert.ok(perRequest < 50, `${perRequest} ms/request`);
});

test('counts the requests in flight at once: 12 delayed calls sent together peak at 12, and clearCalls resets it', async () => {
  emulator.clearCalls();
  emulator.inject({ fault: 'delay', delayMs: 1000, times: 12 });
  await Promise.all(
    names.slice(0, 12).map((name) => client.send(new GetSecretValueCommand({ SecretId: name }))),
  );
  assert.equal(emulator.peakInFlight(), 12);
  emulator.clearCalls();
  assert.equal(emulator.peakInFlight(), 0);
});
