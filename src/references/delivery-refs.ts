// Parses `--file VAR[.EXT]=REF` and `--stdin REF`: references to one value each, delivered as a file or on stdin.

import { WithsecretsError } from '../errors.ts';
import { parseSecretRef, type SecretRef } from './secret-refs.ts';

/** A value the child gets as a file: VAR holds the file's path. */
export interface FileRef {
  /** The text after --file, as given (for messages). */
  readonly text: string;
  /** The variable that holds the file's path. */
  readonly variable: string;
  /** The file's name in the run's private directory: VAR lower-cased, then `.EXT` if given. */
  readonly fileName: string;
  /** The one value: ID or ID#KEY, with its own version if it has one; never a wildcard. */
  readonly ref: SecretRef;
}

/** `VAR` or `VAR.EXT` before the first `=`: an extension is for tools that care (`.json`, `.pem`). */
const FILE_HEAD = /^([A-Za-z_][A-Za-z0-9_]*)(?:\.([A-Za-z0-9]{1,16}))?$/;
const FILE_FORM =
  'write it as VAR=ID[#KEY] or VAR.EXT=ID[#KEY], e.g. --file GOOGLE_APPLICATION_CREDENTIALS=ci/gcp-sa';

/** Parses `VAR[.EXT]=ID[~VERSION][#KEY]`; throws BAD_REFERENCE naming the text. */
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
  const ref = oneValue(parseSecretRef(`${variable}=${text.slice(equalsAt + 1)}`), fail);
  const fileName = variable.toLowerCase() + (extension === undefined ? '' : `.${extension}`);
  return { text, variable, fileName, ref };
}

/** Parses `ID[~VERSION][#KEY]` for --stdin; throws BAD_REFERENCE naming the text. */
export function parseStdinRef(text: string): SecretRef {
  const fail = (problem: string, hint = 'write it as ID[#KEY], e.g. --stdin ci/registry#password') =>
    new WithsecretsError('BAD_REFERENCE', `bad --stdin ${JSON.stringify(text)}: ${problem}`, { hint });
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
