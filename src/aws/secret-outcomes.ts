// What fetching one secret came to: its value, or why not, put into words only when it is reported.
import { WithsecretsError } from '../errors.ts';
import type { FetchedSecret } from '../references/fetch-request.ts';
import { type ErrorContext, fromAwsError } from './errors.ts';
import type { SecretValueEntry } from './secrets-manager-api.ts';

/**
 * Why a secret could not be fetched, put into words only when it is reported: a secret that two wildcards
 * matched is fetched once, and each names it as it selected it (`prod/* (prod/db)`).
 */
export interface SecretFailure {
  explain(secretName?: string): WithsecretsError;
}

export type SecretOutcome = FetchedSecret | SecretFailure;

export function isFailure(outcome: SecretOutcome): outcome is SecretFailure {
  return 'explain' in outcome;
}

/** Neither a value nor an error came back for the secret (a batch that left it out). */
export function missingOutcome(id: string): SecretFailure {
  return {
    explain: (name = id) =>
      new WithsecretsError(
        'AWS_ERROR',
        `Secrets Manager returned neither a value nor an error for secret "${name}"`,
        {
          hint: 'run again; if it persists, fetch it by its full ARN',
        },
      ),
  };
}

/** An AWS error about one secret (named by `context.secretId`) or about a whole call (no secretId). */
export function awsFailure(thrown: unknown, context: ErrorContext): SecretFailure {
  return {
    explain: (name) =>
      fromAwsError(
        thrown,
        name === undefined || context.secretId === undefined ? context : { ...context, secretId: name },
      ),
  };
}

/** Whether an answer holds a secret: its ARN and a value (an empty 200 from a proxy holds neither). */
export function isWholeAnswer(value: SecretValueEntry): boolean {
  return value.ARN !== undefined && (value.SecretString !== undefined || value.SecretBinary !== undefined);
}

/** The secret an answer for `id` holds; throws when it holds none, so that nothing runs with an empty value. */
export function toFetchedSecret(value: SecretValueEntry, id: string): FetchedSecret {
  if (!isWholeAnswer(value)) {
    throw new WithsecretsError('AWS_ERROR', `the answer for secret "${id}" holds no secret value`, {
      hint: 'a proxy or load balancer may have answered: check --endpoint-url and the proxy',
    });
  }
  const base = {
    name: value.Name ?? '',
    arn: value.ARN ?? '',
    ...(value.VersionId === undefined ? {} : { versionId: value.VersionId }),
  };
  if (value.SecretBinary !== undefined) return { ...base, secretBinary: value.SecretBinary };
  return { ...base, secretString: value.SecretString as string };
}
