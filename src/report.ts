// The one module that writes withsecrets' own lines; every line passes through the output mask.
import { formatError, type WithsecretsError } from './errors.ts';

export interface Reporter {
  error(error: WithsecretsError): void;
  /** A line of its own (rotation events), prefixed `withsecrets: `. */
  notice(text: string): void;
  /** A line of --dry-run output, to stdout. */
  listing(text: string): void;
  /** Everything printed from now on is masked with this (values and their encodings become `***`). */
  setMask(mask: (text: string) => string): void;
}

interface LineSink {
  write(text: string): unknown;
}

export function createReporter(stdout: LineSink, stderr: LineSink): Reporter {
  let mask = (text: string): string => text;
  return {
    error: (error) => stderr.write(`${formatError(error, mask)}\n`),
    notice: (text) => stderr.write(`${mask(`withsecrets: ${text}`).replace(/[\r\n]+/g, ' ')}\n`),
    listing: (text) => stdout.write(`${mask(text)}\n`),
    setMask: (next) => {
      mask = next;
    },
  };
}
