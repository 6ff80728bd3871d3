// The parts every reference shares, `[VAR=]TARGET[#KEY]`, split the same way for --secret and --param.

import type { WithsecretsError } from '../errors.ts';
import { isValidVariableName } from '../names.ts';

export interface ReferenceParts {
  /** VAR, when the text before the first '=' is a valid variable name (ids may hold '=' otherwise). */
  readonly alias?: string;
  /** What the reference names: an id, a name or a path, maybe with its version. */
  readonly target: string;
  /** The text after the first '#' ('' when the '#' ends the reference). */
  readonly key?: string;
}

/** Splits a reference; throws `fail`'s error for an empty one and for '=' with no name before it. */
export function splitReference(text: string, fail: (problem: string) => WithsecretsError): ReferenceParts {
  if (text.trim() === '') throw fail('it is empty');
  const hashAt = text.indexOf('#');
  const head = hashAt < 0 ? text : text.slice(0, hashAt);
  const key = hashAt < 0 ? undefined : text.slice(hashAt + 1);
  if (head.startsWith('=')) throw fail("empty variable name before '='");
  const equalsAt = head.indexOf('=');
  const candidate = equalsAt < 0 ? '' : head.slice(0, equalsAt);
  const alias = isValidVariableName(candidate) ? candidate : undefined;
  const target = alias === undefined ? head : head.slice(equalsAt + 1);
  return { ...(alias === undefined ? {} : { alias }), target, ...(key === undefined ? {} : { key }) };
}
