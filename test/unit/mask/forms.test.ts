// Each encoded form of a secret is masked: base64 at any offset, URL-encoded both ways, JSON-escaped.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { base64Core, maskForms } from '../../../src/mask/forms.ts';
import { compileMask, maskText } from '../../../src/mask/masker.ts';
import { seededRandom } from '../seeded-random.ts';

function randomBytes(random: () => number, length: number): Buffer {
  return Buffer.from(Array.from({ length }, () => Math.floor(random() * 256)));
}

const VALUE = 'fake-Tok3n/with+symbols?ü';

describe('base64 forms', () => {
  const mask = compileMask([VALUE], { minLength: 4 });
  const bytes = Buffer.from(VALUE, 'utf8');

  for (const encoding of ['base64', 'base64url'] as const) {
    it(`masks the standalone ${encoding} form, padded and unpadded`, () => {
      const padded = encoding === 'base64' ? bytes.toString('base64') : bytes.toString('base64url');
      const unpadded = padded.replace(/=+$/, '');
      assert.equal(maskText(mask, `a ${unpadded} b`), 'a *** b');
      assert.equal(maskText(mask, `a ${padded}\n`), 'a ***\n');
    });

    for (let offset = 0; offset <= 5; offset++) {
      it(`masks the value embedded at byte offset ${offset} inside longer ${encoding}`, () => {
        const random = seededRandom(1000 + offset);
        for (let round = 0; round < 20; round++) {
          const suffix = randomBytes(random, 3 + Math.floor(random() * 5));
          const whole = Buffer.concat([randomBytes(random, offset), bytes, suffix]).toString(encoding);
          const coreStart = Math.ceil((8 * offset) / 6);
          const coreEnd = Math.floor((8 * (offset + bytes.length)) / 6);
          const masked = maskText(mask, whole);
          assert.equal(masked.slice(0, coreStart + 3), `${whole.slice(0, coreStart)}***`, `round ${round}`);
          // The unpadded standalone form is one character longer than the offset-0 core and may match too.
          const rest = masked.slice(coreStart + 3);
          assert.ok(rest === whole.slice(coreEnd) || rest === whole.slice(coreEnd + 1), `round ${round}`);
        }
      });
    }
  }

  it('takes as core exactly the characters that do not depend on the surrounding bytes', () => {
    const random = seededRandom(7);
    for (let offset = 0; offset < 3; offset++) {
      const core = base64Core(bytes, offset);
      assert.ok(core.length >= Math.floor((8 * bytes.length - 10) / 6), `offset ${offset}`);
      for (let round = 0; round < 20; round++) {
        const whole = Buffer.concat([randomBytes(random, offset), bytes, randomBytes(random, 2)]);
        assert.equal(
          whole
            .toString('base64')
            .slice(Math.ceil((8 * offset) / 6))
            .startsWith(core),
          true,
        );
      }
    }
  });
});

describe('URL-encoded forms', () => {
  const value = 'fake pass/w:rd&x=1!é';
  const mask = compileMask([value], { minLength: 4 });

  it('masks the encodeURIComponent form', () => {
    assert.equal(maskText(mask, `https://h/?t=${encodeURIComponent(value)}&u=1`), 'https://h/?t=***&u=1');
  });

  it('masks the form encoding with + for a space, as URLSearchParams and form encoders write it', () => {
    assert.equal(
      maskText(mask, `t=${new URLSearchParams({ v: value }).toString().slice(2)}&u=1`),
      't=***&u=1',
    );
    assert.equal(maskText(mask, `t=${encodeURIComponent(value).replaceAll('%20', '+')}&u=1`), 't=***&u=1');
  });
});

describe('JSON-escaped forms', () => {
  const value = 'fa"ke\\pa\nss\té☃🔑';
  const mask = compileMask([value], { minLength: 4 });

  it('masks the value inside a JSON document as JSON.stringify writes it', () => {
    assert.equal(maskText(mask, JSON.stringify({ token: value, n: 1 })), '{"token":"***","n":1}');
    assert.equal(maskText(mask, JSON.stringify([value], null, 2)), '[\n  "***"\n]');
  });

  it('masks the ASCII-only escaping of non-ASCII characters (Python json.dumps)', () => {
    const asciiOnly = '"fa\\"ke\\\\pa\\nss\\t\\u00e9\\u2603\\ud83d\\udd11"';
    assert.equal(maskText(mask, `{"token": ${asciiOnly}}`), '{"token": "***"}');
  });
});

describe('maskForms', () => {
  it('lists the value first, without duplicates or forms equal to the value', () => {
    const forms = maskForms('fake1234', 4);
    assert.equal(forms[0], 'fake1234');
    assert.equal(new Set(forms).size, forms.length);
    // Plain alphanumerics are their own URL and JSON encoding: only base64 forms are added.
    assert.deepEqual(
      forms.slice(1).sort(),
      [
        'ZmFrZTEyMzQ=',
        'ZmFrZTEyMzQ',
        'ZmFrZTEyMz', // at offset 0 in longer base64: the 11th character also holds the next byte's bits
        'Zha2UxMjM0', // at offset 1
        'mYWtlMTIzN', // at offset 2
      ].sort(),
    );
  });

  it('gives nothing for a value shorter than minLength characters, counting code points', () => {
    assert.deepEqual(maskForms('abc', 4), []);
    assert.deepEqual(maskForms('🔑🔑🔑', 4), []);
    assert.equal(maskForms('🔑🔑🔑🔑', 4)[0], '🔑🔑🔑🔑');
  });

  it('drops encoded forms shorter than 4 characters even when minLength allows short values', () => {
    assert.deepEqual(maskForms('ab', 2).sort(), ['YWI=', 'ab'].sort());
  });
});
