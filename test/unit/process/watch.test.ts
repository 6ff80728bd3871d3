// The re-fetch interval of --watch: up to 10% shorter, at random, never longer.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jitteredInterval } from '../../../src/process/watch.ts';
import { seededRandom } from '../seeded-random.ts';

describe('jitteredInterval', () => {
  it('maps the random draw onto [0.9, 1.0] x the interval', () => {
    assert.equal(
      jitteredInterval(30_000, () => 0),
      30_000,
    );
    assert.equal(
      jitteredInterval(30_000, () => 0.5),
      28_500,
    );
    assert.equal(
      jitteredInterval(30_000, () => 0.999_999),
      27_000.003,
    );
  });

  it('spreads a fleet over the whole window, never one fixed delay', () => {
    const random = seededRandom(42);
    const delays = Array.from({ length: 1000 }, () => jitteredInterval(60_000, random));
    assert.ok(delays.every((delay) => delay > 54_000 && delay <= 60_000));
    assert.ok(Math.min(...delays) < 54_600 && Math.max(...delays) > 59_400, 'uses the whole 10%');
    assert.ok(new Set(delays).size > 990, 'not one fixed delay');
  });
});
