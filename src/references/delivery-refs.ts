// Parses `--file VAR[.EXT]=REF` and `--stdin REF`: references to one value each, delivered as a file or on stdin.

import { WithsecretsError } from '../errors.ts';
import { parseParameterSchemeReference } from './env-parameter-refs.ts';
import { parseSecretRef, type SecretRef } from './secret-refs.ts';

/**
 * One Parameter Store value, written `ssm://NAME[:VERSION|:LABEL][#KEY]`. The scheme is the marker: a secret
 * name may start with `/` (AWS allows `/_+=.@-` anywhere in one), so a leading `/` could name either, but no
 * secret id holds `:` outside an ARN, so `ssm://` never names a secret.
 */
export interface ParameterValueRef {
  /** The REF as given (for messages). */
  readonly text: string;
  /** The name (or ARN) Parameter Store is asked for, with its selector. */
  readonly parameter: string;
  /** The KEY after '#': the parameter's value must be a JSON object. */
  readonly key?: string;
}

/** What a --file or --stdin delivers: a secret, or a parameter. */
export type DeliveryRef = SecretRef | ParameterValueRef;

export const PARAMETER_SCHEME = 'ssm://';

export function isParameterValue(ref: DeliveryRef): ref is ParameterValueRef {
  return 'parameter' in ref;
}

/** Where a delivery's value comes from, as --dry-run and rotation notices name it (`ssm:///prod/tls#key`). */
export function parameterSource(ref: ParameterValueRef): string {
  return `${PARAMETER_SCHEME}${ref.parameter}${ref.key === undefined ? '' : `#${ref.key}`}`;
}

/** A value the child gets as a file: VAR holds the file's path. */
export interface FileRef {
  /** The text after --file, as given (for messages). */
  readonly text: string;
  /** The variable that holds the file's path. */
  readonly variable: string;
  /** The file's name in the run's private directory: VAR lower-cased, then `.EXT` if given. */
  readonly fileName: string;
  /** The one value: ID or ID#KEY, with its own version if it has one, or ssm://NAME[#KEY]; never a wildcard. */
  readonly ref: DeliveryRef;
}

/** `VAR` or `VAR.EXT` before the first `=`: an extension is for tools that care (`.json`, `.pem`). */
const FILE_HEAD = /^([A-Za-z_][A-Za-z0-9_]*)(?:\.([A-Za-z0-9]{1,16}))?$/;
const FILE_FORM =
  'write it as VAR=ID[#KEY], VAR.EXT=ID[#KEY] or VAR=ssm://NAME[#KEY], e.g. --file GOOGLE_APPLICATION_CREDENTIALS=ci/gcp-sa';

/** Parses `VAR[.EXT]=ID[~VERSION][#KEY]` or `VAR[.EXT]=ssm://NAME[#KEY]`; throws BAD_REFERENCE naming the text. */
export function parseFileRef(text: string): FileRef {
  const fail = (problem: string, hint = FILE_FORM) =>
    new WithsecretsError('BAD_REFERENCE', `bad --file ${JSON.stringify(text)}: ${problem}`, { hint });
  const equalsAt = text.indexOf('=');
  if (equalsAt < 0) throw fail('no VAR= in front: the file needs a variable to hold its path');
  const head = FILE_HEAD.exec(text.slice(0, equalsAt));
  if (head === null) {
    throw fail(
      `${JSON.stringify(text.slice(0, equalsAt))} is not VAR or VAR.EXT (VAR: letters, digits and _, not starting with a digit; EXT: up to 16 letters or digits)`,
    );
  }
  const variable = head[1] as string;
  const extension = head[2];
  const rest = text.slice(equalsAt + 1);
  const ref = rest.startsWith(PARAMETER_SCHEME)
    ? parameterValue(rest, fail)
    : oneValue(parseSecretRef(`${variable}=${rest}`), fail);
  const fileName = variable.toLowerCase() + (extension === undefined ? '' : `.${extension}`);
  return { text, variable, fileName, ref };
}

/** Parses `ID[~VERSION][#KEY]` or `ssm://NAME[#KEY]` for --stdin; throws BAD_REFERENCE naming the text. */
export function parseStdinRef(text: string): DeliveryRef {
  const fail = (
    problem: string,
    hint = 'write it as ID[#KEY] or ssm://NAME[#KEY], e.g. --stdin ci/registry#password',
  ) => new WithsecretsError('BAD_REFERENCE', `bad --stdin ${JSON.stringify(text)}: ${problem}`, { hint });
  if (text.startsWith(PARAMETER_SCHEME)) return parameterValue(text, fail);
  const ref = oneValue(parseSecretRef(text), fail);
  if (ref.alias !== undefined) {
    throw fail(`"${ref.alias}=" names a variable, but standard input has no name`, 'drop the VAR=');
  }
  return ref;
}

/** A file or standard input holds one value: a wildcard, which matches many secrets, is refused. */
function oneValue(ref: SecretRef, fail: (problem: string, hint?: string) => WithsecretsError): SecretRef {
  if (ref.wildcard) {
    throw fail('a wildcard selects many secrets, and this takes one value', 'name one secret: ID or ID#KEY');
  }
  return ref;
}

/** `ssm://NAME[:SELECTOR][#KEY]`, read as an inherited `ssm://` reference is: one parameter, never a path. */
function parameterValue(
  text: string,
  fail: (problem: string, hint?: string) => WithsecretsError,
): ParameterValueRef {
  const parsed = parseParameterSchemeReference(text.slice(PARAMETER_SCHEME.length));
  if (!('id' in parsed)) throw fail(parsed.problem, parsed.hint);
  return { text, parameter: parsed.id, ...(parsed.key === undefined ? {} : { key: parsed.key }) };
}
