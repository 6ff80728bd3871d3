// The forms issue #21 found leaking: wrapped base64, strict and lower-case percent-encoding, other JSON
// encoders' escapes, multi-line values reprinted indented or with CRLF.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { maskForms } from '../../../src/mask/forms.ts';
import { compileMask, maskText } from '../../../src/mask/masker.ts';

/** Breaks `text` every `width` characters, as `base64` (76) and PEM writers (64) do. */
function wrap(text: string, width: number, eol: string): string {
  const lines: string[] = [];
  for (let start = 0; start < text.length; start += width) lines.push(text.slice(start, start + width));
  return lines.join(eol) + eol;
}

/** What is left of `masked` once every `***` and line break is taken out: must hold no base64 run. */
function longestUnmaskedRun(masked: string): number {
  return Math.max(0, ...masked.split(/\*\*\*|\r?\n/).map((piece) => piece.length));
}

const LONG = 'FAKE-long-secret-value-for-wrapping/with+symbols?and-more-bytes-0123456789-ü-end';

describe('wrapped base64', () => {
  const mask = compileMask([LONG], { minLength: 4 });
  for (const width of [76, 64]) {
    for (const eol of ['\n', '\r\n']) {
      it(`masks base64 wrapped at ${width} columns with ${JSON.stringify(eol)}, at any byte offset`, () => {
        for (let offset = 0; offset < 6; offset++) {
          const prefix = Buffer.from('x'.repeat(offset));
          const base64 = Buffer.concat([prefix, Buffer.from(LONG)]).toString('base64');
          const masked = maskText(mask, wrap(base64, width, eol));
          assert.ok(!masked.includes(base64.slice(12, 40)), `offset ${offset}`);
          // Only the edges may show: the prefix's characters and at most 7 of the value's at each end.
          assert.ok(
            longestUnmaskedRun(masked) <= 7 + Math.ceil((8 * offset) / 6) + 4,
            `offset ${offset}: ${masked}`,
          );
        }
      });
    }
  }

  it('masks the wrapped base64 that coreutils `base64` writes', (t) => {
    const result = spawnSync('base64', { input: LONG });
    if (result.status !== 0) return t.skip('no base64 command');
    const output = result.stdout.toString('latin1');
    assert.ok(output.split('\n').length > 2, 'wrapped');
    const masked = maskText(mask, output);
    for (const line of output.split('\n')) if (line.length > 8) assert.ok(!masked.includes(line), line);
  });

  it('keeps the pattern count linear in the value length', () => {
    const count = maskForms('F'.repeat(4096), 4).length;
    assert.ok(count < 3 * 5462 + 200, String(count));
  });
});

describe('percent-encoding', () => {
  const value = "FAKE pw*!'()/ü:@&=+$,;#[]";
  const mask = compileMask([value], { minLength: 4 });
  const strict = [...Buffer.from(value)]
    .map((byte) =>
      /[A-Za-z0-9_.~-]/.test(String.fromCharCode(byte))
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');
  const cases = {
    'encodeURIComponent, lower-case hex': encodeURIComponent(value).replace(/%[0-9A-F]{2}/g, (e) =>
      e.toLowerCase(),
    ),
    "every reserved character (Python quote(v, safe=''))": strict,
    'every reserved character, lower-case hex': strict.toLowerCase().replace(/fake/, 'FAKE'),
    "quote(v) keeping '/'": strict.replaceAll('%2F', '/'),
    quote_plus: strict.replaceAll('%20', '+'),
  };
  for (const [name, encoded] of Object.entries(cases)) {
    it(`masks ${name}`, () => {
      assert.equal(maskText(mask, `a=${encoded}&b`), 'a=***&b');
    });
  }

  it('masks what Python urllib.parse.quote writes', (t) => {
    const script =
      'import sys,urllib.parse as u;v=sys.argv[1];print(u.quote(v,safe=""));print(u.quote(v));print(u.quote_plus(v))';
    const result = spawnSync('python3', ['-c', script, value]);
    if (result.status !== 0) return t.skip('no python3');
    assert.equal(maskText(mask, result.stdout.toString()), '***\n***\n***\n');
  });
});

describe('JSON escapes', () => {
  const value = "FAKE</x>&'/ü\u0001\n";
  const mask = compileMask([value], { minLength: 4 });
  const cases = {
    'Go json.Marshal': "FAKE\\u003c/x\\u003e\\u0026'/ü\\u0001\\n",
    'Jackson, upper-case hex, ASCII only': "FAKE</x>&'/\\u00FC\\u0001\\n",
    'PHP json_encode': "FAKE<\\/x>&'\\/\\u00fc\\u0001\\n",
    'control characters as \\u00XX, lower-case': "FAKE</x>&'/ü\\u0001\\u000a",
    'control characters as \\u00XX, upper-case': "FAKE</x>&'/\\u00FC\\u0001\\u000A",
    "HTML-safe with ' escaped": 'FAKE\\u003c/x\\u003e\\u0026\\u0027/ü\\u0001\\n',
  };
  for (const [name, escaped] of Object.entries(cases)) {
    it(`masks ${name}`, () => {
      assert.equal(maskText(mask, `{"k":"${escaped}"}`), '{"k":"***"}');
    });
  }

  it('masks what Python json.dumps writes, ASCII-only or not', (t) => {
    const script =
      'import sys,json;v=sys.argv[1];print(json.dumps(v));print(json.dumps(v,ensure_ascii=False))';
    const result = spawnSync('python3', ['-c', script, value]);
    if (result.status !== 0) return t.skip('no python3');
    assert.equal(maskText(mask, result.stdout.toString()), '"***"\n"***"\n');
  });
});

describe('multi-line values', () => {
  const pem =
    '-----BEGIN FAKE KEY-----\nRkFLRS1wZW0tbGluZS0x\nRkFLRS1wZW0tbGluZS0y\n-----END FAKE KEY-----\n';
  const mask = compileMask([pem], { minLength: 4 });
  it('masks each line of the value indented (YAML)', () => {
    const indented = pem.replace(/^(?=.)/gm, '    ');
    const masked = maskText(mask, `key: |\n${indented}`);
    assert.ok(!masked.includes('RkFLRS1wZW0'), masked);
    assert.ok(!masked.includes('FAKE KEY'), masked);
  });
  it('masks each line of the value with CRLF line ends', () => {
    const masked = maskText(mask, pem.replaceAll('\n', '\r\n'));
    assert.ok(!masked.includes('RkFLRS1wZW0'), masked);
  });
  it('leaves lines shorter than the minimum length alone', () => {
    const short = compileMask(['FAKE-line-one\nab\n'], { minLength: 4 });
    assert.equal(maskText(short, 'ab FAKE-line-one'), 'ab ***');
  });
  it('leaves the lines of a pretty-printed JSON secret alone', () => {
    const json = JSON.stringify({ user: 'admin', password: 'FAKE-pw-0001', ssl: true }, null, 2);
    const masked = maskText(compileMask([json], { minLength: 4 }), '"ssl": true');
    assert.equal(masked, '"ssl": true');
  });
});
