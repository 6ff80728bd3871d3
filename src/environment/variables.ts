// Turns one fetched secret into named variables: JSON keys expanded and flattened, names derived and checked.

import { Buffer } from 'node:buffer';
import { throwIfAny, WithsecretsError } from '../errors.ts';
import { sanitiseName } from '../names.ts';
import { type EnvReference, referencedBy } from '../references/env-refs.ts';
import type { FetchedSecret } from '../references/fetch-request.ts';
import { type JsonObject, type JsonValue, parseJsonObject } from './json.ts';

export interface NamingOptions {
  /** `--prefix P`: put, exactly as written, in front of every variable a --secret yields. */
  readonly prefix?: string;
  readonly nameCase: 'upper' | 'keep';
}

export interface InjectedVariable {
  readonly name: string;
  readonly value: string;
  /** False when the value came from a JSON number or boolean: not a secret, never masked. */
  readonly secret: boolean;
  /** Where it came from, for --dry-run and messages (`prod/db#host`); never a value. */
  readonly source: string;
}

export interface SecretSelection {
  /** VAR: the name of a single value, else the prefix of every variable (always a prefix for a wildcard). */
  readonly alias?: string;
  readonly key?: string;
  /** The secret as the user wrote it (`prod/db`, or `prod/* (prod/db)` for a wildcard), without #KEY. */
  readonly label: string;
  /** The secret was matched by a wildcard: VAR prefixes even a single value (`APP=prod/*` -> APP_PROD_KEY). */
  readonly wildcard?: boolean;
  /**
   * A Parameter Store parameter: its value is kept whole, JSON or not (a KEY picks one value, a nested object
   * as its text), and its variable is named from `nameFrom` (its last level, or the part below its path).
   */
  readonly parameter?: { readonly nameFrom: string };
}

type Value = Pick<InjectedVariable, 'value' | 'secret'>;
interface Candidate extends InjectedVariable {
  /** The key path that produced the name, for collision messages; '' for a whole value. */
  readonly keyShown: string;
}

const MAX_LISTED_KEYS = 10;
const quote = (text: string): string => JSON.stringify(text);

/**
 * The variables one `--secret` yields: one per key of a JSON object (nested objects flattened with `_`),
 * else one for the whole value. Throws every naming and value error of this secret at once.
 */
export function variablesFromSecret(
  secret: FetchedSecret,
  selection: SecretSelection,
  naming: NamingOptions,
): InjectedVariable[] {
  const { alias, key, label, parameter } = selection;
  const subject = `${parameter === undefined ? 'secret' : 'parameter'} ${quote(label)}`;
  const prefix = naming.prefix ?? '';
  const sanitise = (derived: string) => sanitiseName(derived, naming.nameCase);
  const selected =
    key !== undefined
      ? findKey(secret, key, subject)
      : parameter === undefined
        ? parseWholeValue(secret, subject)
        : ({ kind: 'string', value: wholeValue(secret, subject) } as const);
  if (selected.kind !== 'object' || parameter !== undefined) {
    const derived = sanitise(key ?? parameter?.nameFrom ?? secret.name);
    // VAR names a single value, except for a wildcard, where it must tell the matched secrets apart.
    const name =
      prefix + (alias === undefined ? derived : selection.wildcard ? `${alias}_${derived}` : alias);
    const source = key === undefined ? label : `${label}#${key}`;
    return checkCandidates(subject, [{ name, ...textOf(selected), source, keyShown: key ?? '' }]);
  }
  const above = key === undefined ? [] : [key];
  const candidates = collectLeaves(selected, []).map(({ keys, value }): Candidate => {
    const own = keys.join('_');
    // Only the secret's own keys are sanitised; an alias is a prefix used exactly as written.
    const derived =
      alias === undefined ? sanitise([...above, ...keys].join('_')) : `${alias}_${sanitise(own)}`;
    const keyShown = [...above, ...keys].join('.');
    const name = own === '' ? '' : prefix + derived;
    return { name, ...value, source: `${label}#${keyShown}`, keyShown };
  });
  return checkCandidates(subject, candidates);
}

/** The single value an inherited reference resolves to; the variable keeps its name (no prefix). */
export function valueForEnvReference(secret: FetchedSecret, reference: EnvReference): InjectedVariable {
  const kind = reference.parameter === true ? 'parameter' : 'secret';
  const subject = `${kind} ${quote(reference.id)} (${referencedBy(reference)})`;
  const selected =
    reference.key === undefined
      ? ({ kind: 'string', value: wholeValue(secret, subject) } as const)
      : findKey(secret, reference.key, subject);
  const variable = { name: reference.variable, ...textOf(selected), source: reference.text };
  throwIfAny(findNulErrors(subject, [variable]));
  return variable;
}

/** Rejects empty names, two keys that give one name, and NUL bytes, all at once; returns the variables. */
function checkCandidates(subject: string, candidates: readonly Candidate[]): InjectedVariable[] {
  const errors: WithsecretsError[] = [];
  const keyByName = new Map<string, string>();
  const variables: InjectedVariable[] = [];
  for (const { keyShown, ...variable } of candidates) {
    const earlier = keyByName.get(variable.name);
    if (variable.name === '') {
      const message = `${subject}: key ${quote(keyShown)} gives an empty variable name`;
      errors.push(
        new WithsecretsError('INVALID_NAME', message, { hint: 'select other keys with VAR=ID#KEY' }),
      );
    } else if (earlier !== undefined) {
      const message = `${subject}: keys ${quote(earlier)} and ${quote(keyShown)} both give the variable ${variable.name}`;
      const hint = 'select each key with VAR=ID#KEY, or use --name-case keep if they differ only in case';
      errors.push(new WithsecretsError('INVALID_NAME', message, { hint }));
    } else {
      keyByName.set(variable.name, keyShown);
      variables.push(variable);
    }
  }
  errors.push(...findNulErrors(subject, variables));
  throwIfAny(errors);
  return variables;
}

/** An environment value is a C string: a NUL would cut it short, so it is refused (naming, never showing it). */
function findNulErrors(subject: string, variables: readonly InjectedVariable[]): WithsecretsError[] {
  const hint = "remove the NUL character (\\u0000) from the secret's value";
  return variables
    .filter((variable) => variable.value.includes('\u0000'))
    .map((variable) => {
      const message = `variable ${variable.name} from ${subject} holds a NUL byte, which no environment value can hold`;
      return new WithsecretsError('BAD_VALUE', message, { hint });
    });
}

/** The leaves of an object with their key paths; recursion is bounded by the parser's depth limit. */
function collectLeaves(object: JsonObject, keys: readonly string[]): { keys: string[]; value: Value }[] {
  return [...object.entries].flatMap(([key, value]) =>
    value.kind === 'object'
      ? collectLeaves(value, [...keys, key])
      : [{ keys: [...keys, key], value: textOf(value) }],
  );
}

export function textOf(value: JsonValue): Value {
  switch (value.kind) {
    case 'string':
      return { value: value.value, secret: true };
    case 'number':
    case 'boolean':
      return { value: value.text, secret: false };
    case 'null':
      return { value: '', secret: true };
    case 'array':
    case 'object':
      return { value: value.text, secret: true };
  }
}

/** A JSON object to expand, or the whole value (binary base64-encoded) as one string. */
function parseWholeValue(secret: FetchedSecret, subject: string): JsonValue {
  const object = secret.secretString === undefined ? undefined : parseJsonObject(secret.secretString);
  return object ?? { kind: 'string', value: wholeValue(secret, subject) };
}

function wholeValue(secret: FetchedSecret, subject: string): string {
  if (secret.secretString !== undefined) return secret.secretString;
  const bytes = secret.secretBinary;
  if (bytes === undefined) {
    throw new WithsecretsError('BAD_VALUE', `${subject} has no value`, { hint: 'put a value in the secret' });
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** An exact top-level key wins (`a.b` as one key); else a dotted path through nested objects. */
export function findKey(secret: FetchedSecret, key: string, subject: string): JsonValue {
  const root = secret.secretString === undefined ? undefined : parseJsonObject(secret.secretString);
  if (root === undefined) {
    const what = secret.secretString === undefined ? 'binary' : 'not a JSON object';
    const message = `${subject} is ${what}, so it has no key ${quote(key)}`;
    throw new WithsecretsError('KEY_NOT_FOUND', message, {
      hint: `drop the key ${quote(key)} to use the whole value`,
    });
  }
  const exact = root.entries.get(key);
  if (exact !== undefined) return exact;
  const parts = key.split('.');
  let reached = root;
  let depth = 0;
  for (const part of parts) {
    const next = reached.entries.get(part);
    if (next !== undefined && depth === parts.length - 1) return next;
    if (next === undefined || next.kind !== 'object') break;
    reached = next;
    depth += 1;
  }
  // List the keys where the path stopped, written as full paths so they can be pasted back.
  const above = parts.slice(0, depth);
  const keys = [...reached.entries.keys()].map((name) => [...above, name].join('.')).sort();
  const listed = keys.slice(0, MAX_LISTED_KEYS).join(', ');
  const more = keys.length > MAX_LISTED_KEYS ? ` and ${keys.length - MAX_LISTED_KEYS} more` : '';
  const keysHint = keys.length === 0 ? 'its JSON object is empty' : `use one of its keys: ${listed}${more}`;
  throw new WithsecretsError('KEY_NOT_FOUND', `${subject} has no key ${quote(key)}`, { hint: keysHint });
}
