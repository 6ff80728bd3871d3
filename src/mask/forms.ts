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
  const encoded = [
    ...base64Forms(value),
    ...wrappedBase64Pieces(value),
    ...urlEncodedForms(value),
    ...jsonEscapedForms(value),
    ...lineForms(value),
  ];
  for (const form of encoded) {
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
 * Base64 wrapped at a fixed width (76 for coreutils `base64` and MIME, 64 for PEM), with `\n` or `\r\n`:
 * a line break may fall anywhere in the value's run, so no whole form matches. Instead every
 * `WRAPPED_WINDOW`-character window of each standard core (see base64Core) is a pattern: overlapping
 * matches merge, so every piece of a line at least that long becomes one `***`. The core's prefixes and
 * suffixes from `WRAPPED_EDGE` characters on cover a piece cut short by a break near the value's start
 * or end, so at most `WRAPPED_EDGE - 1` base64 characters at each end of the value may show. Costs about
 * 3 x 12 automaton states per base64 character: about 190,000 for a 4 KB value. Only for values of
 * `WRAPPED_MIN_BYTES` or more: shorter ones are rarely cut by a line break, and their whole forms stay.
 */
export function wrappedBase64Pieces(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length < WRAPPED_MIN_BYTES) return [];
  const pieces: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const core = base64Core(bytes, offset);
    for (let start = 0; start + WRAPPED_WINDOW <= core.length; start++) {
      pieces.push(core.slice(start, start + WRAPPED_WINDOW));
    }
    for (let length = WRAPPED_EDGE; length < WRAPPED_WINDOW && length <= core.length; length++) {
      pieces.push(core.slice(0, length), core.slice(core.length - length));
    }
  }
  return pieces;
}

/** Window length: 72 bits, so a window does not match unrelated base64 by chance. */
const WRAPPED_WINDOW = 12;
/** Shortest prefix or suffix of a core masked on its own: 48 bits. */
const WRAPPED_EDGE = 8;
/** Below this, the base64 fits in a window or two and the whole forms cover it. */
const WRAPPED_MIN_BYTES = 24;

/** The characters RFC 3986 never needs escaped; strict encoders (Python's `quote(v, safe='')`) escape the rest. */
const UNRESERVED = /^[A-Za-z0-9_.~-]$/;

/**
 * `encodeURIComponent`, the same with `+` for a space (what many form encoders write), the
 * application/x-www-form-urlencoded serializer of URLSearchParams, which also escapes `!'()~`, and the
 * strict form that escapes every byte but the unreserved ones (Python `quote(v, safe='')`, also keeping
 * `/` as `quote(v)` does); each with upper- and lower-case hex.
 */
export function urlEncodedForms(value: string): string[] {
  const forms = [new URLSearchParams([['', value]]).toString().slice(1)];
  try {
    const component = encodeURIComponent(value);
    forms.push(component, component.replaceAll('%20', '+'));
  } catch {
    // A lone surrogate cannot be URL-encoded, so no program can print it that way.
  }
  const bytes = Buffer.from(value, 'utf8');
  for (const keep of ['', '/']) {
    let strict = '';
    for (const byte of bytes) {
      const char = String.fromCharCode(byte);
      strict +=
        byte < 0x80 && (UNRESERVED.test(char) || keep.includes(char))
          ? char
          : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    }
    forms.push(strict, strict.replaceAll('%20', '+'));
  }
  return [...forms, ...forms.map((form) => form.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()))];
}

/**
 * The inside of a JSON string as encoders write it: `JSON.stringify`; ASCII-only (Python's `json.dumps`,
 * Jackson's option) with non-ASCII UTF-16 units as `\uXXXX`; `\/` for `/` (PHP); `&<>'` as `\u0026`...
 * (Go's `json.Marshal`, HTML-safe encoders); control characters as `\u00XX` instead of `\n`, `\t`...;
 * each with lower- and upper-case hex (Jackson). Only the combinations that differ are kept.
 */
export function jsonEscapedForms(value: string): string[] {
  const forms = new Set<string>();
  const hasNonAscii = /[\u0080-\uffff]/.test(value);
  const hasSlash = value.includes('/');
  const hasHtml = /[&<>']/.test(value);
  const hasControl = [...value].some((char) => char.charCodeAt(0) < 0x20);
  for (const upper of [false, true]) {
    for (const ascii of hasNonAscii ? [false, true] : [false]) {
      for (const slash of hasSlash ? [false, true] : [false]) {
        for (const html of hasHtml ? [0, 1, 2] : [0]) {
          for (const unicodeControls of hasControl ? [false, true] : [false]) {
            forms.add(jsonEscape(value, { upper, ascii, slash, html, unicodeControls }));
          }
        }
      }
    }
  }
  return [...forms];
}

interface JsonEscapeStyle {
  readonly upper: boolean;
  readonly ascii: boolean;
  readonly slash: boolean;
  /** 1: `&<>` as `\u0026`... (Go); 2: `'` too. */
  readonly html: number;
  readonly unicodeControls: boolean;
}

const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

function jsonEscape(value: string, style: JsonEscapeStyle): string {
  const unicode = (unit: number) => {
    const hex = unit.toString(16).padStart(4, '0');
    return `\\u${style.upper ? hex.toUpperCase() : hex}`;
  };
  let out = '';
  for (let index = 0; index < value.length; index++) {
    const char = value[index] as string;
    const unit = value.charCodeAt(index);
    if (char === '"' || char === '\\') out += SHORT_ESCAPES[char];
    else if (unit < 0x20) {
      const short = SHORT_ESCAPES[char];
      out += short !== undefined && !style.unicodeControls ? short : unicode(unit);
    } else if (char === '/' && style.slash) out += '\\/';
    else if (
      (style.html !== 0 && (char === '&' || char === '<' || char === '>')) ||
      (style.html === 2 && char === "'")
    )
      out += unicode(unit);
    else if (unit >= 0x80 && (style.ascii || (style.html !== 0 && (unit === 0x2028 || unit === 0x2029))))
      out += unicode(unit);
    else if (unit >= 0xd800 && unit < 0xe000 && !isPairedSurrogate(value, index)) out += unicode(unit);
    else out += char;
  }
  return out;
}

function isPairedSurrogate(text: string, index: number): boolean {
  const unit = text.charCodeAt(index);
  if (unit < 0xdc00) {
    const next = text.charCodeAt(index + 1);
    return next >= 0xdc00 && next < 0xe000;
  }
  const previous = text.charCodeAt(index - 1);
  return previous >= 0xd800 && previous < 0xdc00;
}

/**
 * Each line of a multi-line value (a PEM key, a certificate chain; not a JSON object or array), without its
 * `\r` and surrounding blanks:
 * the value reprinted indented (YAML) or with other line ends no longer matches as a whole.
 */
export function lineForms(value: string): string[] {
  if (!value.includes('\n') && !value.includes('\r')) return [];
  // A pretty-printed JSON SecretString: its lines (`"port": 5432,`) are not secrets, its values are masked.
  if (isJsonContainer(value)) return [];
  return value
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter((line) => line.length !== 0);
}

function isJsonContainer(text: string): boolean {
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
