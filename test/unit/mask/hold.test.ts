// How long a partial match of min-length or more waits: 1 s on a terminal, 5 s on a pipe or a file.

import assert from 'node:assert/strict';
import { PassThrough, type Writable } from 'node:stream';
import { describe, it, mock } from 'node:test';
import { longHoldFor } from '../../../src/mask/masked-route.ts';
import { compileMask } from '../../../src/mask/masker.ts';
import { createMaskStream, NON_TERMINAL_LONG_HOLD_MS } from '../../../src/mask/stream.ts';

describe('long hold', () => {
  it('is 1 s for a terminal and 5 s for anything else', () => {
    const terminal = Object.assign(new PassThrough(), { isTTY: true }) as Writable;
    assert.equal(longHoldFor(terminal), 1000);
    assert.equal(longHoldFor(new PassThrough()), NON_TERMINAL_LONG_HOLD_MS);
    assert.equal(NON_TERMINAL_LONG_HOLD_MS, 5000);
  });

  it('masks a value whose second half comes after a pause shorter than the hold', async () => {
    const value = 'FAKE-secret-token-0001';
    const stream = createMaskStream(compileMask([value], { minLength: 4 }), { longHoldMs: 400 });
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.write(`value=${value.slice(0, 11)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(Buffer.concat(chunks).toString(), 'value=');
    stream.end(`${value.slice(11)}\n`);
    await new Promise((resolve) => stream.once('end', resolve));
    assert.equal(Buffer.concat(chunks).toString(), 'value=***\n');
  });

  describe('which hold a partial match gets, at the minimum length and either side of it', () => {
    const value = 'FAKE-boundary-9';
    const SHORT_MS = 50;
    const LONG_MS = 1000;
    /** What the stream has let out of `written` after `ms` of quiet, with the clock mocked. */
    function releasedAfter(written: string, ms: number): string {
      mock.timers.enable({ apis: ['setTimeout'] });
      try {
        const stream = createMaskStream(compileMask([value], { minLength: 4 }), {
          shortHoldMs: SHORT_MS,
          longHoldMs: LONG_MS,
        });
        stream.write(written);
        mock.timers.tick(ms);
        const out = stream.read() as Buffer | null;
        stream.destroy();
        return out?.toString() ?? '';
      } finally {
        mock.timers.reset();
      }
    }

    for (const partial of [3, 4, 5]) {
      const written = `log ${value.slice(0, partial)}`;
      const long = partial >= 4;
      it(`${partial} bytes of a value at the end (min length 4) wait ${long ? '1 s' : '50 ms'}`, () => {
        assert.equal(releasedAfter(written, SHORT_MS - 1), 'log ', 'nothing held is let out before 50 ms');
        assert.equal(releasedAfter(written, SHORT_MS), long ? 'log ' : written);
        assert.equal(releasedAfter(written, LONG_MS - 1), long ? 'log ' : written);
        assert.equal(releasedAfter(written, LONG_MS), written);
      });
    }
  });
});
