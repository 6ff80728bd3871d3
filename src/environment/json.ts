// Parses a secret's JSON without rounding numbers, so `5432.0` and 20-digit ids reach the variable as written.

/** Nesting deeper than this is not a credential; the text is then treated as a plain value. */
export const MAX_JSON_DEPTH = 1000;

export type JsonValue = JsonObject | JsonArray | JsonString | JsonNumber | JsonBoolean | JsonNull;
export interface JsonObject {
  readonly kind: 'object';
  /** The object as written in the source, whitespace inside included. */
  readonly text: string;
  /** In source order; a duplicate key keeps its first position and its last value, as JSON.parse does. */
  readonly entries: ReadonlyMap<string, JsonValue>;
}
export interface JsonArray {
  readonly kind: 'array';
  /** The array as written in the source: variables hold it verbatim. */
  readonly text: string;
}
export interface JsonString {
  readonly kind: 'string';
  readonly value: string;
}
export interface JsonNumber {
  readonly kind: 'number';
  /** Exactly as written: `5432.0`, `1E+2`, `-0`, `12345678901234567890`. */
  readonly text: string;
}
export interface JsonBoolean {
  readonly kind: 'boolean';
  readonly text: 'true' | 'false';
}
export interface JsonNull {
  readonly kind: 'null';
}

interface Frame {
  readonly start: number;
  /** Undefined for an array, whose items are checked but not kept (the variable holds its text). */
  readonly entries: Map<string, JsonValue> | undefined;
  key: string;
}

const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

// Sticky patterns scan long runs natively instead of one character at a time.
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
// biome-ignore lint/suspicious/noControlCharactersInRegex: RFC 8259 forbids raw control characters in strings.
const PLAIN_RUN = /[^"\\\u0000-\u001f]*/y;
const HEX4 = /^[0-9A-Fa-f]{4}$/;
const SIMPLE_ESCAPES: ReadonlyMap<string, string> = new Map([
  ['"', '"'],
  ['\\', '\\'],
  ['/', '/'],
  ['b', '\b'],
  ['f', '\f'],
  ['n', '\n'],
  ['r', '\r'],
  ['t', '\t'],
]);

/**
 * The tree of `text` when the whole text (surrounding whitespace allowed) is one RFC 8259 JSON object,
 * else undefined. Iterative, so deep input cannot overflow the stack. Never surfaces a parse error:
 * such messages quote the input, which is a secret.
 */
export function parseJsonObject(text: string): JsonObject | undefined {
  const start = skipWhitespace(text, 0);
  if (text.charCodeAt(start) !== OPEN_OBJECT) return undefined;
  const parsed = parseValue(text, start);
  if (parsed === undefined || skipWhitespace(text, parsed.end) !== text.length) return undefined;
  return parsed.value.kind === 'object' ? parsed.value : undefined;
}

function parseValue(text: string, start: number): { value: JsonValue; end: number } | undefined {
  const stack: Frame[] = [];
  let i = start;
  for (;;) {
    i = skipWhitespace(text, i);
    const c = text.charCodeAt(i);
    let value: JsonValue;
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (stack.length === MAX_JSON_DEPTH) return undefined;
      const frame: Frame = { start: i, entries: c === OPEN_OBJECT ? new Map() : undefined, key: '' };
      stack.push(frame);
      i = skipWhitespace(text, i + 1);
      if (text.charCodeAt(i) !== closerOf(frame)) {
        if (frame.entries !== undefined) {
          i = readKey(text, i, frame);
          if (i < 0) return undefined;
        }
        continue;
      }
      i += 1;
      stack.pop();
      value = closeFrame(text, frame, i);
    } else {
      const scalar = readScalar(text, i);
      if (scalar === undefined) return undefined;
      value = scalar.value;
      i = scalar.end;
    }
    // Hand the finished value to its container, closing every container that ends here.
    for (;;) {
      const frame = stack[stack.length - 1];
      if (frame === undefined) return { value, end: i };
      frame.entries?.set(frame.key, value);
      i = skipWhitespace(text, i);
      const next = text.charCodeAt(i);
      if (next === COMMA) {
        i += 1;
        if (frame.entries !== undefined) {
          i = readKey(text, skipWhitespace(text, i), frame);
          if (i < 0) return undefined;
        }
        break;
      }
      if (next !== closerOf(frame)) return undefined;
      i += 1;
      stack.pop();
      value = closeFrame(text, frame, i);
    }
  }
}

function closerOf(frame: Frame): number {
  return frame.entries === undefined ? CLOSE_ARRAY : CLOSE_OBJECT;
}

function closeFrame(text: string, frame: Frame, end: number): JsonObject | JsonArray {
  const source = text.slice(frame.start, end);
  return frame.entries === undefined
    ? { kind: 'array', text: source }
    : { kind: 'object', text: source, entries: frame.entries };
}

/** Reads `"key" :` at `i` into the frame; returns the index after the colon, or -1. */
function readKey(text: string, i: number, frame: Frame): number {
  if (text.charCodeAt(i) !== QUOTE) return -1;
  const key = readString(text, i);
  if (key === undefined) return -1;
  const colon = skipWhitespace(text, key.end);
  if (text.charCodeAt(colon) !== COLON) return -1;
  frame.key = key.value;
  return colon + 1;
}

function readScalar(text: string, i: number): { value: JsonValue; end: number } | undefined {
  const c = text.charCodeAt(i);
  if (c === QUOTE) {
    const string = readString(text, i);
    return string && { value: { kind: 'string', value: string.value }, end: string.end };
  }
  if (text.startsWith('true', i)) return { value: { kind: 'boolean', text: 'true' }, end: i + 4 };
  if (text.startsWith('false', i)) return { value: { kind: 'boolean', text: 'false' }, end: i + 5 };
  if (text.startsWith('null', i)) return { value: { kind: 'null' }, end: i + 4 };
  NUMBER.lastIndex = i;
  const number = NUMBER.exec(text);
  if (number === null) return undefined;
  return { value: { kind: 'number', text: number[0] }, end: NUMBER.lastIndex };
}

/** Decodes the string whose opening quote is at `i`; returns the index after its closing quote. */
function readString(text: string, i: number): { value: string; end: number } | undefined {
  let value = '';
  let position = i + 1;
  for (;;) {
    PLAIN_RUN.lastIndex = position;
    PLAIN_RUN.exec(text);
    const runEnd = PLAIN_RUN.lastIndex;
    value += text.slice(position, runEnd);
    position = runEnd;
    const c = text.charCodeAt(position);
    if (c === QUOTE) return { value, end: position + 1 };
    // A raw control character, or the end of the text inside a string.
    if (c !== BACKSLASH) return undefined;
    const escaped = text.charAt(position + 1);
    const simple = SIMPLE_ESCAPES.get(escaped);
    if (simple !== undefined) {
      value += simple;
      position += 2;
    } else if (escaped === 'u') {
      const hex = text.slice(position + 2, position + 6);
      if (!HEX4.test(hex)) return undefined;
      // A surrogate pair arrives as two escapes; their two code units form the character once joined.
      value += String.fromCharCode(Number.parseInt(hex, 16));
      position += 6;
    } else {
      return undefined;
    }
  }
}

function skipWhitespace(text: string, i: number): number {
  let position = i;
  for (;;) {
    const c = text.charCodeAt(position);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return position;
    position += 1;
  }
}
