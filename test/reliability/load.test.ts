// Load (npm run reliability): 200 runs at once against a throttling endpoint, and one run of 1,000 secrets by name.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { awsEnv, fixture, NODE, printedEnv, runBin } from '../e2e/harness.ts';
import { type Emulator, startEmulator } from '../emulator/emulator.ts';

const RUNS = 200;
const sha256 = (value: string): string => createHash('sha256').update(value, 'utf8').digest('hex');
const ownValue = (index: number) => `FAKE-load-own-${String(index).padStart(3, '0')}-Zq4`;

function percentile(sorted: readonly number[], fraction: number): number {
  return (
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))] ?? Number.NaN
  );
}

describe('load', { concurrency: false }, () => {
  let emulator: Emulator;
  before(async () => {
    // GetSecretValue at 100/s (AWS's 10,000 x 0.01): 200 runs of 2 secrets each meet it.
    emulator = await startEmulator({ quotas: { scale: 0.01 } });
    emulator.createSecret('load/shared', 'FAKE-load-shared-Hw2');
    for (let index = 0; index < RUNS; index++) emulator.createSecret(`load/own/${index}`, ownValue(index));
  });
  after(() => emulator.close());

  it(`${RUNS} runs at once: each gets its own secrets or fails closed, none gets another's, none hangs`, async (t) => {
    const started = Date.now();
    const results = await Promise.all(
      Array.from({ length: RUNS }, async (_, index) => {
        const began = Date.now();
        const result = await runBin(
          [
            '-s',
            `OWN=load/own/${index}`,
            '-s',
            'SHARED=load/shared',
            '--',
            NODE,
            fixture('hygiene-expect.js'),
            `OWN=${sha256(ownValue(index))}`,
            `SHARED=${sha256('FAKE-load-shared-Hw2')}`,
          ],
          awsEnv(emulator),
        );
        return { ...result, ms: Date.now() - began };
      }),
    );
    const succeeded = results.filter((result) => result.status === 0);
    const failed = results.filter((result) => result.status !== 0);
    // hygiene-expect exits 0 only with exactly its own values: a status 0 is the proof that nothing was mixed up.
    for (const result of failed) {
      assert.equal(result.status, 125, result.stderr);
      assert.match(result.stderr, /^withsecrets: \[(THROTTLED|TIMEOUT)\] /);
    }
    const times = succeeded.map((result) => result.ms).sort((a, b) => a - b);
    t.diagnostic(
      `${succeeded.length}/${RUNS} succeeded in ${Date.now() - started} ms; p50 ${percentile(times, 0.5)} ms, ` +
        `p99 ${percentile(times, 0.99)} ms; GetSecretValue ${emulator.count({ operation: 'GetSecretValue' })} ` +
        `(${emulator.count({ errorCode: 'ThrottlingException' })} throttled); failed: ${failed.length}`,
    );
    assert.ok(succeeded.length > 0, 'no run succeeded');
  });

  it('one run of 1,000 secrets by name: every variable right, batches of 20, at most 10 calls in flight', async (t) => {
    const local = await startEmulator();
    try {
      const names = Array.from({ length: 1000 }, (_, index) => `bulk/s${String(index).padStart(4, '0')}`);
      for (const name of names) local.createSecret(name, `value-of-${name}`);
      const started = Date.now();
      const result = await runBin(
        ['--no-mask', ...names.flatMap((name) => ['-s', name]), '--', ...[NODE, fixture('print-env.js')]],
        awsEnv(local),
      );
      const elapsed = Date.now() - started;
      assert.equal(result.status, 0, result.stderr);
      const env = printedEnv(result.stdout);
      for (const name of names) assert.equal(env[name.replace('/', '_').toUpperCase()], `value-of-${name}`);
      assert.equal(local.count({ operation: 'BatchGetSecretValue' }), 50);
      assert.ok(local.peakInFlight() <= 10, `${local.peakInFlight()} calls in flight`);
      t.diagnostic(
        `1,000 secrets in ${elapsed} ms, 50 BatchGetSecretValue calls, ${local.peakInFlight()} in flight at most`,
      );
    } finally {
      await local.close();
    }
  });
});
