// Seed files: a JSON object of name -> value, where object values keep their exact source text (`5432.0` stays `5432.0`);
// its `$parameters` member holds Parameter Store's parameters.

import type { ParameterType } from './parameters.ts';
import type { SecretValue } from './store.ts';

/** A plain string, a JSON object (stored as its JSON text), or `{"$binary": "<base64>"}` for SecretBinary. */
export type SeedValue = string | { readonly $binary: string } | { readonly [key: string]: unknown };
export type SeedEntries = { readonly [name: string]: SeedValue };

export interface SeedSecret {
  readonly name: string;
  readonly value: SecretValue;
  /** Set for an entry of `$parameters`: a parameter, not a secret (`value` is then unused). */
  readonly parameter?: { readonly type: ParameterType; readonly value: string };
}

/** `$` cannot start a secret name, so this member of a seed can never be a secret's. */
const PARAMETERS_MEMBER = '$parameters';
const TYPES: readonly string[] = ['String', 'StringList', 'SecureString'];

/** `"/name": "text"` is a SecureString; `"/name": {"type": "String", "value": "text"}` says its type. */
function seedParameters(section: unknown): SeedSecret[] {
  if (typeof section !== 'object' || section === null || Array.isArray(section)) {
    throw new TypeError(`${PARAMETERS_MEMBER} must be a JSON object of parameter name -> value`);
  }
  return Object.entries(section).map(([name, entry]) => {
    const { type = 'SecureString', value } =
      typeof entry === 'string' ? { value: entry } : (entry as { type?: string; value?: unknown });
    if (typeof value !== 'string' || !TYPES.includes(type)) {
      throw new TypeError(
        `parameter "${name}" must be a string or {"type": "String"|"StringList"|"SecureString", "value": "..."}`,
      );
    }
    return { name, value: {}, parameter: { type: type as ParameterType, value } };
  });
}

const isBinary = (value: object): value is { $binary: string } =>
  Object.keys(value).length === 1 && typeof (value as { $binary?: unknown }).$binary === 'string';

function toSecretValue(name: string, value: unknown, rawText: string | undefined): SecretValue {
  if (typeof value === 'string') return { string: value };
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    if (isBinary(value)) return { binary: Buffer.from(value.$binary, 'base64') };
    return { string: rawText ?? JSON.stringify(value) };
  }
  throw new TypeError(`seed value of "${name}" must be a string, a JSON object or {"$binary": "<base64>"}`);
}

/** From already-parsed entries (object values are re-serialised: their number text is JavaScript's). */
export const seedFromEntries = (entries: SeedEntries): SeedSecret[] =>
  Object.entries(entries).flatMap(([name, value]) =>
    name === PARAMETERS_MEMBER
      ? seedParameters(value)
      : [{ name, value: toSecretValue(name, value, undefined) }],
  );

/** From a seed file's text: object values are stored as the exact slice of the file that holds them. */
export function seedFromText(text: string): SeedSecret[] {
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new TypeError('a seed file must hold a JSON object of secret name -> value');
  }
  const rawValues = topLevelValueTexts(text);
  return Object.entries(parsed).flatMap(([name, value]) =>
    name === PARAMETERS_MEMBER
      ? seedParameters(value)
      : [{ name, value: toSecretValue(name, value, rawValues.get(name)) }],
  );
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);

const skipWhitespace = (text: string, at: number): number => {
  let i = at;
  while (WHITESPACE.has(text[i] ?? '')) i += 1;
  return i;
};

/** `at` is an opening quote; returns the index just past the closing one. */
function endOfString(text: string, at: number): number {
  let i = at + 1;
  while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  return i + 1;
}

function endOfValue(text: string, at: number): number {
  const first = text[at];
  if (first === '"') return endOfString(text, at);
  if (first === '{' || first === '[') {
    let depth = 0;
    for (let i = at; i < text.length; ) {
      const char = text[i];
      if (char === '"') {
        i = endOfString(text, i);
        continue;
      }
      if (char === '{' || char === '[') depth += 1;
      if (char === '}' || char === ']') depth -= 1;
      i += 1;
      if (depth === 0) return i;
    }
    return text.length;
  }
  let i = at;
  while (i < text.length && !WHITESPACE.has(text[i] ?? '') && text[i] !== ',' && text[i] !== '}') i += 1;
  return i;
}

/**
 * The source text of each member value of the top-level object. The text was already accepted by JSON.parse, so
 * this scanner only has to find boundaries; a repeated name keeps its last value, as JSON.parse does.
 */
function topLevelValueTexts(text: string): Map<string, string> {
  const values = new Map<string, string>();
  let i = skipWhitespace(text, skipWhitespace(text, 0) + 1);
  while (text[i] === '"') {
    const keyEnd = endOfString(text, i);
    const name = JSON.parse(text.slice(i, keyEnd)) as string;
    const valueStart = skipWhitespace(text, skipWhitespace(text, keyEnd) + 1);
    const valueEnd = endOfValue(text, valueStart);
    values.set(name, text.slice(valueStart, valueEnd));
    i = skipWhitespace(text, valueEnd);
    if (text[i] === ',') i = skipWhitespace(text, i + 1);
  }
  return values;
}
