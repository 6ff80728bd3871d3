// Seed files: values kept exactly as written (number text included), binary values, the default region, bad seeds.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { startEmulator } from './emulator.ts';
import { clientFor } from './helpers.ts';
import { seedFromEntries, seedFromText } from './seed.ts';

const SEED = `{
  "prod/db": {"host": "db.internal", "port": 5432.0, "big": 12345678901234567890, "ratio": 1e-7},
  "multi\\u002Fline": {
    "a": [1, 2.50, {"b}": "]"}],
    "s": "quote \\" and } brace"
  },
  "token": "plain text with spaces",
  "cert": {"$binary": "AAEC/w=="},
  "number-like": "12345"
}`;

test('object values are stored as their exact source text', () => {
  const seeds = new Map(seedFromText(SEED).map((seed) => [seed.name, seed.value]));
  assert.deepEqual([...seeds.keys()], ['prod/db', 'multi/line', 'token', 'cert', 'number-like']);
  assert.equal(
    seeds.get('prod/db')?.string,
    '{"host": "db.internal", "port": 5432.0, "big": 12345678901234567890, "ratio": 1e-7}',
  );
  assert.equal(
    seeds.get('multi/line')?.string,
    '{\n    "a": [1, 2.50, {"b}": "]"}],\n    "s": "quote \\" and } brace"\n  }',
  );
  assert.equal(seeds.get('token')?.string, 'plain text with spaces');
  assert.deepEqual(seeds.get('cert'), { binary: Buffer.from([0, 1, 2, 255]) });
  assert.equal(seeds.get('number-like')?.string, '12345');
});

test('a repeated name keeps its last value, as JSON.parse does', () => {
  assert.deepEqual(seedFromText('{"a": {"v": 1.0}, "a": {"v": 2.0}}'), [
    { name: 'a', value: { string: '{"v": 2.0}' } },
  ]);
});

test('bad seeds are refused with a message', () => {
  assert.throws(() => seedFromText('["a"]'), /a seed file must hold a JSON object of secret name -> value/);
  assert.throws(
    () => seedFromText('{"a": 5}'),
    /seed value of "a" must be a string, a JSON object or \{"\$binary": "<base64>"\}/,
  );
  assert.throws(() => seedFromText('{"a": [1]}'), /seed value of "a" must be/);
  assert.throws(() => seedFromText('{"a": '), SyntaxError);
});

test('parsed entries: objects are serialised, binary decoded', () => {
  assert.deepEqual(seedFromEntries({ a: { port: 5432 }, b: 'x', c: { $binary: 'AQ==' } }), [
    { name: 'a', value: { string: '{"port":5432}' } },
    { name: 'b', value: { string: 'x' } },
    { name: 'c', value: { binary: Buffer.from([1]) } },
  ]);
});

test('a seeded emulator serves the seed text in its default region', async () => {
  const emulator = await startEmulator({ seed: SEED, region: 'eu-central-1' });
  const client = clientFor(emulator);
  try {
    assert.equal(emulator.region, 'eu-central-1');
    const db = await client.send(new GetSecretValueCommand({ SecretId: 'prod/db' }));
    assert.equal(
      db.SecretString,
      '{"host": "db.internal", "port": 5432.0, "big": 12345678901234567890, "ratio": 1e-7}',
    );
    assert.match(db.ARN ?? '', /^arn:aws:secretsmanager:eu-central-1:123456789012:secret:prod\/db-/);
    const cert = await client.send(new GetSecretValueCommand({ SecretId: 'cert' }));
    assert.deepEqual(cert.SecretBinary, new Uint8Array([0, 1, 2, 255]));
  } finally {
    client.destroy();
    await emulator.close();
  }
});
