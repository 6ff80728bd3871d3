// The one module that writes withsecrets' own lines. Lines built from names only (the --dry-run listing, a
// rotation's notice) are printed as they are: a secret whose value is `prod` must not blank out `prod/db`.
// Lines that quote errors, whose text may come from AWS, pass through the output mask.
import { formatError, type WithsecretsError } from './errors.ts';

export interface Reporter {
  error(error: WithsecretsError): void;
  /** A line of its own built from names only (a rotation's change), prefixed `withsecrets: `; not masked. */
  notice(text: string): void;
  /** Like notice, for a line that quotes errors: masked like an error. */
  errorNotice(text: string): void;
  /** A line of --dry-run output, built from names only, to stdout; not masked. */
  listing(text: string): void;
  /** Masks errors with the run's mask from now on (values and their encodings become `***`); called once. */
  maskWith(mask: { text(text: string): string }): void;
}

interface LineSink {
  write(text: string): unknown;
}

export function createReporter(stdout: LineSink, stderr: LineSink): Reporter {
  let mask = (text: string): string => text;
  return {
    error: (error) => stderr.write(`${formatError(error, mask)}\n`),
    notice: (text) => stderr.write(`${oneLine(`withsecrets: ${text}`)}\n`),
    errorNotice: (text) => stderr.write(`${oneLine(mask(`withsecrets: ${text}`))}\n`),
    listing: (text) => stdout.write(`${text}\n`),
    maskWith: (owner) => {
      mask = (text) => owner.text(text);
    },
  };
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}
