// A secret JSON key whose value is an array: each string element is masked, not only the array's text.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileMask, maskText } from '../../../src/mask/masker.ts';
import { arrayElementStrings } from '../../../src/mask/run-mask.ts';

describe('JSON array values', () => {
  it('lists the string elements of an array, nested arrays included', () => {
    assert.deepEqual(arrayElementStrings('["FAKE-key-one", 42, true, ["FAKE-key-two"], null]'), [
      'FAKE-key-one',
      'FAKE-key-two',
    ]);
  });

  it('lists the arrays inside a raw SecretString, not its other fields', () => {
    const raw = '{"user":"admin","keys":["FAKE-key-one","FAKE-key-two"],"port":5432}';
    assert.deepEqual(arrayElementStrings(raw), ['FAKE-key-one', 'FAKE-key-two']);
  });

  it('ignores texts that are not JSON', () => {
    assert.deepEqual(arrayElementStrings('[not json'), []);
    assert.deepEqual(arrayElementStrings('FAKE-plain'), []);
  });

  it('masks one element printed alone', () => {
    const array = '["FAKE-key-one","FAKE-key-two"]';
    const mask = compileMask([array, ...arrayElementStrings(array)], { minLength: 4 });
    assert.equal(maskText(mask, 'first=FAKE-key-one\n'), 'first=***\n');
  });
  it('walks arrays nested deeper than the call stack', () => {
    const depth = 200_000;
    assert.deepEqual(arrayElementStrings(`${'['.repeat(depth)}"FAKE-deep"${']'.repeat(depth)}`), [
      'FAKE-deep',
    ]);
  });
});
