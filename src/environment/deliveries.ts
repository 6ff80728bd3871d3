// The bytes a --file or --stdin reference delivers: one value, kept byte for byte (binary, NUL, trailing newline).

import { Buffer } from 'node:buffer';
import { WithsecretsError } from '../errors.ts';
import type { FetchedSecret } from '../references/fetch-request.ts';
import { findKey, textOf } from './variables.ts';

/** One value that reaches the child other than through its environment. */
export interface DeliveredValue {
  /** What is written, exactly: a SecretString as UTF-8, a SecretBinary as its bytes, a key's value as text. */
  readonly bytes: Uint8Array;
  /** The texts to mask in the child's output: the value as text, or the base64 of bytes that are no text; none for a JSON number or boolean. */
  readonly maskTexts: readonly string[];
  /** Where it came from (`ci/gcp-sa`, `ci/registry#password`), for --dry-run and messages; never a value. */
  readonly source: string;
}

/** A --file value, with where it goes. */
export interface DeliveredFile extends DeliveredValue {
  readonly variable: string;
  readonly fileName: string;
}

/** A parameter's delivery: its name for messages, and its `ssm://` source. */
export interface ParameterLabel {
  readonly parameter: string;
  readonly source: string;
}

/**
 * The one value `secret` (or its `key`) holds; `label` is the secret as the user wrote it, without #KEY, or the
 * parameter it came from. A whole secret is its SecretString or SecretBinary as it is (a JSON
 * secret stays one JSON text, as a service-account key file must); a key's value is its text, as --secret gives
 * it. A key whose value is an object would be many values: refused.
 */
export function deliveredValue(
  secret: FetchedSecret,
  key: string | undefined,
  label: string | ParameterLabel,
): DeliveredValue {
  const subject =
    typeof label === 'string'
      ? `secret ${JSON.stringify(label)}`
      : `parameter ${JSON.stringify(label.parameter)}`;
  const source = typeof label !== 'string' ? label.source : key === undefined ? label : `${label}#${key}`;
  const whole = typeof label === 'string' ? 'secret' : 'parameter';
  if (key === undefined) {
    if (secret.secretString !== undefined) return textValue(secret.secretString, source);
    if (secret.secretBinary !== undefined) return binaryValue(secret.secretBinary, source);
    throw new WithsecretsError('BAD_VALUE', `${subject} has no value`, {
      hint: `put a value in the ${whole}`,
    });
  }
  const selected = findKey(secret, key, subject);
  if (selected.kind === 'object') {
    throw new WithsecretsError(
      'BAD_VALUE',
      `${subject} key ${JSON.stringify(key)} is a JSON object, which is many values, not one`,
      {
        hint: `select one of its keys, as in ${source}.KEY, or drop #${key} to deliver the whole ${whole}`,
      },
    );
  }
  const { value, secret: isSecret } = textOf(selected);
  // A JSON number or boolean is not masked as a --secret value is not: a port must not blank out a log.
  return isSecret ? textValue(value, source) : { ...textValue(value, source), maskTexts: [] };
}

/** The sources of the deliveries whose bytes differ between two rounds (a rotation the environment cannot show). */
export function changedDeliveries(
  before: readonly DeliveredValue[],
  after: readonly DeliveredValue[],
): string[] {
  const changed = new Set<string>();
  const count = Math.max(before.length, after.length);
  for (let index = 0; index < count; index++) {
    const old = before[index];
    const now = after[index];
    if (old !== undefined && now !== undefined && Buffer.from(old.bytes).equals(now.bytes)) continue;
    for (const delivery of [old, now]) if (delivery !== undefined) changed.add(delivery.source);
  }
  return [...changed];
}

function textValue(text: string, source: string): DeliveredValue {
  return { bytes: Buffer.from(text, 'utf8'), maskTexts: [text], source };
}

/** Bytes that are UTF-8 text (a PEM key stored as binary) are masked as that text; any others by their base64. */
function binaryValue(bytes: Uint8Array, source: string): DeliveredValue {
  const copy = Buffer.from(bytes);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(copy);
  } catch {
    text = copy.toString('base64');
  }
  return { bytes: copy, maskTexts: [text], source };
}
