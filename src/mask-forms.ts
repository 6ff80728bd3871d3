// The texts under which a secret value can reach a log: itself and the encodings programs commonly apply to it.

/**
 * Encoded forms shorter than this are dropped whatever `--mask-min-length` says: a two- or three-character
 * run of base64 would blank out random pieces of every base64 blob in the output.
 */
const MIN_ENCODED_FORM_LENGTH = 4;

/**
 * Every text to mask for `value`, the value first, without duplicates; empty when the value is shorter than
 * `minLength` characters. Encoded forms shorter than `max(minLength, 4)` characters are left out.
 */
export function maskForms(value: string, minLength: number): string[] {
  if (countCharacters(value) < minLength) return [];
  const shortest = Math.max(minLength, MIN_ENCODED_FORM_LENGTH);
  const forms = new Set<string>([value]);
  for (const form of [...base64Forms(value), ...urlEncodedForms(value), ...jsonEscapedForms(value)]) {
    if (countCharacters(form) >= shortest) forms.add(form);
  }
  return [...forms];
}

/** Characters as a reader counts them: code points, so an emoji is one, not two UTF-16 units. */
export function countCharacters(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/**
 * Standard and URL-safe base64, padded and not, plus the stable cores: the value's bytes may sit at any
 * offset inside a longer base64 text, where the characters at its edges also carry bits of the bytes
 * around it. Only the characters made of the value's bits alone are predictable, one run per offset mod 3.
 */
export function base64Forms(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const padded = bytes.toString('base64');
  const standard = [padded, padded.replace(/=+$/, '')];
  for (let offset = 0; offset < 3; offset++) standard.push(base64Core(bytes, offset));
  return [...standard, ...standard.map(toUrlSafeAlphabet)];
}

/** The base64 characters that depend only on `bytes` when they start `offset` (0..2) bytes into a group. */
export function base64Core(bytes: Uint8Array, offset: number): string {
  const shifted = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
  const firstBit = 8 * offset;
  const endBit = 8 * (offset + bytes.length);
  // Character i holds bits [6i, 6i + 6): keep those that fall entirely inside the value's bits.
  return shifted.slice(Math.ceil(firstBit / 6), Math.floor(endBit / 6));
}

function toUrlSafeAlphabet(base64: string): string {
  return base64.replaceAll('+', '-').replaceAll('/', '_');
}

/**
 * `encodeURIComponent`, the same with `+` for a space (what many form encoders write), and the
 * application/x-www-form-urlencoded serializer of URLSearchParams, which also escapes `!'()~`.
 */
export function urlEncodedForms(value: string): string[] {
  const forms = [new URLSearchParams([['', value]]).toString().slice(1)];
  try {
    const component = encodeURIComponent(value);
    forms.push(component, component.replaceAll('%20', '+'));
  } catch {
    // A lone surrogate cannot be URL-encoded, so no program can print it that way.
  }
  return forms;
}

/**
 * The inside of a JSON string as `JSON.stringify` writes it, and as ASCII-only encoders (Python's
 * `json.dumps`) write it, with every non-ASCII UTF-16 unit as a lower-case `\uXXXX`.
 */
export function jsonEscapedForms(value: string): string[] {
  const escaped = JSON.stringify(value).slice(1, -1);
  const asciiOnly = escaped.replace(
    /[\u0080-\uffff]/g,
    (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return [escaped, asciiOnly];
}
