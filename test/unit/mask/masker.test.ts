// The compiled matcher: which bytes become `***`, checked against a naive reference on random inputs.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import { buildAutomaton } from '../../../src/mask/automaton.ts';
import { maskForms } from '../../../src/mask/forms.ts';
import { compileMask, maskBytes, maskText } from '../../../src/mask/masker.ts';
import { MaskScanner } from '../../../src/mask/scanner.ts';
import { seededRandom } from '../seeded-random.ts';

function randomString(random: () => number, alphabet: readonly string[], length: number): string {
  return Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
}

/** Every occurrence of every pattern, found with indexOf; overlapping ones merged; each cluster one `***`. */
function referenceMask(patterns: readonly Buffer[], data: Buffer): Buffer {
  const occurrences: [number, number][] = [];
  for (const pattern of patterns) {
    for (let at = data.indexOf(pattern); at !== -1; at = data.indexOf(pattern, at + 1)) {
      occurrences.push([at, at + pattern.length]);
    }
  }
  occurrences.sort((a, b) => a[0] - b[0]);
  const out: Buffer[] = [];
  let position = 0;
  let cluster: [number, number] | undefined;
  for (const [start, end] of occurrences) {
    if (cluster !== undefined && start < cluster[1]) {
      cluster[1] = Math.max(cluster[1], end);
      continue;
    }
    if (cluster !== undefined) out.push(data.subarray(position, cluster[0]), Buffer.from('***'));
    if (cluster !== undefined) position = cluster[1];
    cluster = [start, end];
  }
  if (cluster !== undefined) out.push(data.subarray(position, cluster[0]), Buffer.from('***'));
  out.push(data.subarray(cluster === undefined ? position : cluster[1]));
  return Buffer.concat(out);
}

function patternsOf(values: readonly string[], minLength: number): Buffer[] {
  const forms = new Set(values.flatMap((value) => maskForms(value, minLength)));
  return [...forms].map((form) => Buffer.from(form));
}

describe('maskText', () => {
  const mask = compileMask(['fake-secret', 'fake-secret2', 'abcd', 'bcdefg'], { minLength: 4 });

  it('replaces each occurrence with exactly ***', () => {
    assert.equal(maskText(mask, 'token fake-secret, again fake-secret.'), 'token ***, again ***.');
  });

  it('masks values at the very start and the very end', () => {
    assert.equal(maskText(mask, 'fake-secret'), '***');
    assert.equal(maskText(mask, 'fake-secret tail'), '*** tail');
    assert.equal(maskText(mask, 'head fake-secret'), 'head ***');
  });

  it('masks the longest of nested values in one piece', () => {
    assert.equal(maskText(mask, 'a fake-secret2 b fake-secret c'), 'a *** b *** c');
  });

  it('masks overlapping values as one run, leaving no piece of either', () => {
    assert.equal(maskText(mask, 'xabcdefgx'), 'x***x');
    assert.equal(maskText(mask, 'xbcdefgx xabcdx'), 'x***x x***x');
  });

  it('waits for a longer value that may begin before an occurrence, then masks each piece', () => {
    const nested = compileMask(['x-fake-secretfake-secret!!', 'xfake-secret!', 'fake-secret'], {
      minLength: 4,
    });
    assert.equal(maskText(nested, 'a x-fake-secretfake-secret?'), 'a x-******?');
    assert.equal(maskText(nested, 'a x-fake-secretfake-secret!!'), 'a ***');
    assert.equal(maskText(nested, 'a xfake-secret?'), 'a x***?');
    assert.equal(maskText(nested, 'a xfake-secret!'), 'a ***');
  });

  it('gives adjacent occurrences one *** each', () => {
    assert.equal(maskText(mask, 'fake-secretfake-secret'), '******');
    assert.equal(maskText(mask, 'abcdabcd'), '******');
  });

  it('leaves text without secrets untouched, multibyte characters included', () => {
    const text = 'nothing here: ünïcödé 🎉 abc bcdef fake-secre';
    assert.equal(maskText(mask, text), text);
  });

  it('treats a mask of no values as the identity', () => {
    const empty = compileMask([], { minLength: 4 });
    assert.equal(empty.patternCount, 0);
    assert.equal(empty.isEmpty, true);
    assert.equal(maskText(empty, 'fake-secret'), 'fake-secret');
    assert.deepEqual(maskBytes(empty, Buffer.from([0xff, 0x00, 0xfe])), Buffer.from([0xff, 0x00, 0xfe]));
  });
});

describe('minLength', () => {
  it('calls a mask empty exactly when no value is long enough, counting characters, not UTF-16 units', () => {
    const cases: [string[], number, boolean][] = [
      [['xyz'], 4, true],
      [['xyz', 'wxyz'], 4, false],
      [['\u{1F511}\u{1F511}\u{1F511}'], 4, true],
      [['\u{1F511}\u{1F511}\u{1F511}'], 3, false],
    ];
    for (const [values, minLength, isEmpty] of cases) {
      const mask = compileMask(values, { minLength });
      assert.equal(mask.isEmpty, isEmpty, `${values.length} value(s) at ${minLength}`);
      assert.equal(mask.patternCount === 0, isEmpty);
    }
  });

  it('skips a 3-character value at the default 4 and masks it at 3', () => {
    assert.equal(maskText(compileMask(['xyz'], { minLength: 4 }), 'a xyz b'), 'a xyz b');
    assert.equal(maskText(compileMask(['xyz'], { minLength: 3 }), 'a xyz b'), 'a *** b');
  });

  it('rejects a minLength that is not a whole number', () => {
    assert.throws(() => compileMask(['fake-secret'], { minLength: 2.5 }), RangeError);
  });
});

describe('matcher against a naive reference', () => {
  it('agrees on random values of a tiny alphabet, where overlaps and nesting abound', () => {
    const random = seededRandom(42);
    for (let round = 0; round < 500; round++) {
      const values = Array.from({ length: 1 + Math.floor(random() * 6) }, () =>
        randomString(random, ['a', 'b'], 4 + Math.floor(random() * 9)),
      );
      const data = Buffer.from(randomString(random, ['a', 'b', 'c'], Math.floor(random() * 120)));
      const expected = referenceMask(patternsOf(values, 4), data);
      assert.equal(
        maskBytes(compileMask(values, { minLength: 4 }), data).toString(),
        expected.toString(),
        `round ${round}`,
      );
    }
  });

  it('agrees on random values embedded in random text with their encoded forms', () => {
    const random = seededRandom(4242);
    const alphabet = [...'abcdefXYZ0189 -_+/=%"\\\n', 'é', '☃', '🔑'];
    for (let round = 0; round < 200; round++) {
      const values = Array.from({ length: 1 + Math.floor(random() * 5) }, () =>
        randomString(random, alphabet, 4 + Math.floor(random() * 10)),
      );
      const patterns = patternsOf(values, 4);
      const pieces: Buffer[] = [];
      for (let piece = 0; piece < 12; piece++) {
        pieces.push(Buffer.from(randomString(random, alphabet, Math.floor(random() * 12))));
        if (random() < 0.5) pieces.push(patterns[Math.floor(random() * patterns.length)] as Buffer);
      }
      const data = Buffer.concat(pieces);
      assert.deepEqual(
        maskBytes(compileMask(values, { minLength: 4 }), data),
        referenceMask(patterns, data),
        `round ${round}`,
      );
    }
  });

  it('agrees when only the root, or only a few states, have dense transition rows', () => {
    const random = seededRandom(99);
    for (const denseLimit of [1, 3, 17]) {
      for (let round = 0; round < 100; round++) {
        const values = Array.from({ length: 1 + Math.floor(random() * 8) }, () =>
          randomString(random, ['a', 'b', 'c'], 4 + Math.floor(random() * 6)),
        );
        const patterns = patternsOf(values, 4);
        const data = Buffer.from(randomString(random, ['a', 'b', 'c', 'd'], Math.floor(random() * 150)));
        const out: Uint8Array[] = [];
        const scanner = new MaskScanner(buildAutomaton(patterns, denseLimit));
        scanner.write(data, out);
        scanner.release(out);
        assert.deepEqual(
          Buffer.concat(out),
          referenceMask(patterns, data),
          `limit ${denseLimit} round ${round}`,
        );
      }
    }
  });
});

describe('CompiledMask', () => {
  it('compiles hundreds of values and masks every one of them', () => {
    const random = seededRandom(3);
    const values = Array.from(
      { length: 300 },
      (_, i) => `fake-${i}-${randomString(random, [...'abcdefgh012345'], 58)}`,
    );
    const mask = compileMask(values, { minLength: 4 });
    const text = values.map((value, i) => `line ${i}: ${value}\n`).join('');
    assert.equal(maskText(mask, text), values.map((_, i) => `line ${i}: ***\n`).join(''));
    assert.ok(mask.automaton.stateCount > mask.automaton.denseCount, 'deep states use sparse transitions');
  });

  it('never shows its values when inspected or serialized', () => {
    const mask = compileMask(['fake-secret-value'], { minLength: 4 });
    // The value and its 5 base64 forms (its base64 holds no + or /, so no URL-safe variants).
    assert.equal(
      inspect(mask, { depth: 10, showHidden: true }),
      'CompiledMask { patternCount: 6, minLength: 4 }',
    );
    assert.equal(JSON.stringify(mask), '{"patternCount":6,"minLength":4}');
  });
});
