// One error type with a stable code and a fix hint, so every failure prints the same one-line shape.

export type ErrorCode =
  | 'USAGE'
  | 'BAD_REFERENCE'
  | 'SECRET_NOT_FOUND'
  | 'NO_MATCH'
  | 'ACCESS_DENIED'
  | 'SECRET_UNAVAILABLE'
  | 'DECRYPTION_FAILED'
  | 'KEY_NOT_FOUND'
  | 'BAD_VALUE'
  | 'INVALID_NAME'
  | 'NO_REGION'
  | 'NO_CREDENTIALS'
  | 'BAD_CREDENTIALS'
  | 'THROTTLED'
  | 'NETWORK'
  | 'PROXY'
  | 'TIMEOUT'
  | 'AWS_ERROR'
  | 'FILE_DIR'
  | 'FILE_WRITE'
  | 'COMMAND_NOT_FOUND'
  | 'COMMAND_NOT_EXECUTABLE'
  | 'INTERNAL';

/**
 * Messages name secret ids, variables and flags; they never hold a secret value.
 * `hint` says what to do about it.
 */
export class WithsecretsError extends Error {
  override readonly name = 'WithsecretsError';
  readonly code: ErrorCode;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
  }
}

/** Several independent failures (every failed secret is reported, not only the first). */
export class WithsecretsErrors extends Error {
  override readonly name = 'WithsecretsErrors';
  readonly errors: readonly WithsecretsError[];

  constructor(errors: readonly WithsecretsError[]) {
    super(errors.map((error) => error.message).join('; '));
    this.errors = errors;
  }
}

/** Throws every collected error at once (each distinct line once), or nothing when there is none. */
export function throwIfAny(errors: readonly WithsecretsError[]): void {
  const distinct = [...new Map(errors.map((error) => [formatError(error), error])).values()];
  const [first] = distinct;
  if (first === undefined) return;
  throw distinct.length === 1 ? first : new WithsecretsErrors(distinct);
}

/** The status withsecrets exits with when it fails itself (the convention of `env` and `docker run`). */
export function exitStatusFor(code: ErrorCode): number {
  switch (code) {
    case 'COMMAND_NOT_FOUND':
      return 127;
    case 'COMMAND_NOT_EXECUTABLE':
      return 126;
    default:
      return 125;
  }
}

/**
 * `withsecrets: [CODE] message (fix: hint)`, always one line. `mask` runs before the line breaks go, so
 * that a multi-line value that ever reached a message would still be recognised.
 */
export function formatError(
  error: WithsecretsError,
  mask: (text: string) => string = (text) => text,
): string {
  const hint = error.hint === undefined ? '' : ` (fix: ${error.hint})`;
  return mask(`withsecrets: [${error.code}] ${error.message}${hint}`).replace(/[\r\n]+/g, ' ');
}

/** Flattens whatever was thrown into the errors to report; anything unexpected becomes INTERNAL. */
export function toWithsecretsErrors(thrown: unknown): WithsecretsError[] {
  if (thrown instanceof WithsecretsErrors) return [...thrown.errors];
  if (thrown instanceof WithsecretsError) return [thrown];
  // An unexpected error's message may quote data it was handed; print only its type.
  const type = thrown instanceof Error ? thrown.name : typeof thrown;
  return [
    new WithsecretsError('INTERNAL', `unexpected ${type}`, {
      hint: 'report it at https://github.com/withsecrets/withsecrets/issues with the command line you ran',
      cause: thrown,
    }),
  ];
}
