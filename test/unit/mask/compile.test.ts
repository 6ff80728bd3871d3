// compileMask's contract: a whole number minLength, each pattern once, and an empty mask that changes nothing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileMask, maskBytes, maskText } from '../../../src/mask/masker.ts';

describe('compileMask', () => {
  it('refuses a minLength that is negative or not whole, naming the rule', () => {
    for (const minLength of [-1, 1.5, Number.NaN]) {
      assert.throws(
        () => compileMask(['FAKE-value'], { minLength }),
        (error: Error) =>
          error instanceof RangeError &&
          error.message.startsWith('mask minLength must be a whole number of characters'),
      );
    }
    assert.equal(compileMask(['ab'], { minLength: 0 }).isEmpty, false);
  });

  it('keeps each pattern once, however many values or forms give it', () => {
    const once = compileMask(['FAKE-dup-value'], { minLength: 4 });
    const twice = compileMask(['FAKE-dup-value', 'FAKE-dup-value'], { minLength: 4 });
    assert.equal(twice.patternCount, once.patternCount);
    assert.equal(twice.automaton, twice.automaton, 'built once');
  });

  it('with no value long enough, returns text and bytes unchanged (a copy of the bytes)', () => {
    const mask = compileMask(['abc'], { minLength: 4 });
    assert.equal(mask.isEmpty, true);
    assert.equal(maskText(mask, 'abc and abc'), 'abc and abc');
    const bytes = Buffer.from('abc é');
    const out = maskBytes(mask, bytes);
    assert.deepEqual(out, bytes);
    assert.notEqual(out, bytes);
  });

  it('masks text through the UTF-8 bytes, multibyte characters around the value kept', () => {
    const mask = compileMask(['FAKE-é-value'], { minLength: 4 });
    assert.equal(maskText(mask, 'é FAKE-é-value é'), 'é *** é');
  });
});
