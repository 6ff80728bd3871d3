// withDeadline: the whole fetch is bounded, even by work that ignores its signal; the signal tells the work to stop.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withDeadline } from '../../../src/aws/deadline.ts';

describe('withDeadline', () => {
  it('rejects with TIMEOUT past the deadline though the work never settles, and aborts its signal', async () => {
    let seen: AbortSignal | undefined;
    await assert.rejects(
      withDeadline(20, new AbortController().signal, (signal) => {
        seen = signal;
        return new Promise<never>(() => {});
      }),
      (error: Error & { code?: string; hint?: string }) =>
        error.code === 'TIMEOUT' &&
        error.message === 'fetching the secrets took longer than 0.02s' &&
        error.hint === 'check the network path and the endpoint, or allow more with --timeout',
    );
    assert.equal(seen?.aborted, true);
  });

  it('gives the work its result in time, and passes an outer abort through', async () => {
    assert.equal(await withDeadline(60_000, new AbortController().signal, async () => 'done'), 'done');
    const outer = new AbortController();
    const result = withDeadline(
      60_000,
      outer.signal,
      (signal) =>
        new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('stopped')))),
    );
    outer.abort();
    await assert.rejects(result, /stopped/);
  });
});
