// Translates what the AWS SDK throws into withsecrets errors that name the secret or parameter and say what to do.
import { WithsecretsError } from '../errors.ts';
import { explainProxyFailure, ProxyFailure } from './proxy-failures.ts';

export interface ErrorContext {
  /** The secret id (or parameter name) as the user wrote it, when the failure concerns one. */
  readonly secretId?: string;
  readonly region: string;
  /** The API action, for access-denied hints, e.g. `secretsmanager:GetSecretValue`; `ssm:` ones are Parameter Store's. */
  readonly action: string;
  readonly endpoint?: string;
}

interface SdkErrorShape {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly message?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: unknown };
}

/** The codes Node gives a connection that failed or broke: the network, not an answer. */
export const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
const CREDENTIAL_ERRORS = new Set([
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'IncompleteSignature',
  'InvalidClientTokenId',
  'ExpiredTokenException',
  'ExpiredToken',
  'MissingAuthenticationTokenException',
  'SignatureDoesNotMatch',
]);

/**
 * Whether a call failed because the region did not serve it (after the SDK's retries): no network, a timeout, a
 * 5xx, throttling. Those are worth asking a fallback region; access denied, not found, a decryption failure or
 * bad input are answers, and the same answer would come from a replica.
 */
export function isRegionalOutage(thrown: unknown): boolean {
  const code = fromAwsError(thrown, { region: '', action: '' }).code;
  if (code === 'NETWORK' || code === 'TIMEOUT' || code === 'THROTTLED') return true;
  if (code !== 'AWS_ERROR') return false;
  const error = thrown as { name?: unknown; $fault?: unknown; $metadata?: { httpStatusCode?: unknown } };
  const status = error.$metadata?.httpStatusCode;
  return (
    error.$fault === 'server' ||
    (typeof status === 'number' && status >= 500) ||
    error.name === 'InternalServiceError' ||
    error.name === 'InternalServerError' ||
    error.name === 'ServiceUnavailable'
  );
}

/** Whether Secrets Manager throttled the call (after its retries, if it had any). */
export function isThrottled(thrown: unknown): boolean {
  return fromAwsError(thrown, { region: '', action: '' }).code === 'THROTTLED';
}

/** Maps an AWS error code (from a thrown error or a BatchGetSecretValue `Errors` entry) to our error. */
export function fromAwsError(thrown: unknown, context: ErrorContext): WithsecretsError {
  // A client that already put its failure in words (src/aws/agent-client.ts) named the secret itself.
  if (thrown instanceof WithsecretsError) return thrown;
  // Failed before a tunnel existed (src/aws/proxy-agents.ts): the proxy's failure, named without its credentials.
  if (thrown instanceof ProxyFailure) return explainProxyFailure(thrown);
  const error = (typeof thrown === 'object' && thrown !== null ? thrown : {}) as SdkErrorShape;
  const name = typeof error.name === 'string' ? error.name : '';
  const code = typeof error.code === 'string' ? error.code : '';
  // AWS's own messages never hold secret values; anything else is reduced to its name.
  const awsMessage = typeof error.message === 'string' ? (error.message.split('\n')[0] ?? '') : '';
  const ssm = context.action.startsWith('ssm:');
  const noun = ssm ? 'parameter' : 'secret';
  const service = ssm ? 'Parameter Store' : 'Secrets Manager';
  const secret = context.secretId === undefined ? `${noun}s` : `${noun} "${context.secretId}"`;
  const where = context.endpoint === undefined ? `${service} in ${context.region}` : context.endpoint;
  const options = { cause: thrown };

  switch (name) {
    case 'ParameterNotFound':
    case 'ParameterVersionNotFound':
      return new WithsecretsError('SECRET_NOT_FOUND', `${secret} not found in ${context.region}`, {
        ...options,
        hint: /:[^/]*$/.test(context.secretId ?? '')
          ? 'check the name, its :VERSION or :LABEL, and the region (aws ssm get-parameter-history)'
          : 'check the name (case-sensitive; a hierarchical one starts with /) and the region (--region, or the ARN)',
      });
    case 'InvalidKeyId':
      return new WithsecretsError(
        'DECRYPTION_FAILED',
        `${secret} cannot be decrypted: its KMS key is not usable`,
        {
          ...options,
          hint: 'check the parameter’s KMS key (enabled, in this region) and kms:Decrypt on it',
        },
      );
    case 'ResourceNotFoundException':
      // AWS says "can't find the specified secret value for staging label: X" when only the version is missing.
      if (/secret value for/i.test(awsMessage)) {
        return new WithsecretsError(
          'SECRET_NOT_FOUND',
          `${secret} has no such version in ${context.region}: ${awsMessage}`,
          {
            ...options,
            hint: "check the reference's ~version, --version-stage or --version-id (aws secretsmanager list-secret-version-ids)",
          },
        );
      }
      return new WithsecretsError('SECRET_NOT_FOUND', `${secret} not found in ${context.region}`, {
        ...options,
        hint: 'check the name and the region (--region, or use the full ARN)',
      });
    case 'AccessDeniedException':
      // Parameter Store relays KMS's own denial of a SecureString's key: "... kms:Decrypt ... (Service: AWSKMS; ...)".
      if (ssm && /kms:|AWSKMS/i.test(awsMessage)) {
        return new WithsecretsError(
          'DECRYPTION_FAILED',
          `${secret} cannot be decrypted: kms:Decrypt was denied`,
          {
            ...options,
            hint: 'allow kms:Decrypt on the parameter’s KMS key for this identity',
          },
        );
      }
      return new WithsecretsError('ACCESS_DENIED', `access denied to ${secret} in ${context.region}`, {
        ...options,
        hint:
          context.action === 'secretsmanager:ListSecrets'
            ? 'allow secretsmanager:ListSecrets on Resource "*" for this identity (a wildcard lists names first)'
            : context.action === 'ssm:GetParametersByPath'
              ? 'allow ssm:GetParametersByPath on the path for this identity (and kms:Decrypt on its keys)'
              : `allow ${context.action} on it for this identity (and kms:Decrypt on its key)`,
      });
    case 'DecryptionFailure':
      return new WithsecretsError('DECRYPTION_FAILED', `${secret} cannot be decrypted with its KMS key`, {
        ...options,
        hint: 'allow kms:Decrypt on the secret’s KMS key for this identity',
      });
    case 'InvalidRequestException':
      return new WithsecretsError('SECRET_UNAVAILABLE', `${secret} cannot be read: ${awsMessage}`, {
        ...options,
        hint: 'restore the secret (it may be marked for deletion) or pick another',
      });
    case 'InvalidParameterException':
    case 'ValidationException':
      return new WithsecretsError('BAD_REFERENCE', `AWS rejected ${secret}: ${awsMessage}`, {
        ...options,
        hint: ssm
          ? 'check the parameter name and its :VERSION or :LABEL'
          : 'check the secret id, --version-stage and --version-id',
      });
    case 'ThrottlingException':
    case 'TooManyRequestsException':
    case 'LimitExceededException':
      return new WithsecretsError(
        'THROTTLED',
        `${service} throttled the requests for ${secret} after retries`,
        {
          ...options,
          hint: 'retry later; for fleets that start at once, see docs/scale.md',
        },
      );
    case 'CredentialsProviderError':
      return new WithsecretsError('NO_CREDENTIALS', 'no AWS credentials found', {
        ...options,
        hint: 'set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run where a role is available',
      });
    case 'TimeoutError':
      // The SDK names an exhausted run of connection resets TimeoutError too; its code tells them apart.
      if (NETWORK_CODES.has(code)) break;
      return new WithsecretsError('TIMEOUT', `${where} did not answer in time for ${secret}`, {
        ...options,
        hint: `check the network path to ${service} (proxy, VPC endpoint, --endpoint-url)`,
      });
  }
  if (CREDENTIAL_ERRORS.has(name)) {
    return new WithsecretsError('BAD_CREDENTIALS', `AWS rejected the credentials (${name}): ${awsMessage}`, {
      ...options,
      hint: 'refresh the credentials, check the key pair and the system clock',
    });
  }
  if (/region is missing/i.test(awsMessage)) {
    return new WithsecretsError('NO_REGION', 'no AWS region set', {
      ...options,
      hint: 'pass --region, set AWS_REGION, or use a profile with a region',
    });
  }
  if (NETWORK_CODES.has(code) || NETWORK_CODES.has(name)) {
    return new WithsecretsError('NETWORK', `cannot reach ${where} (${code || name})`, {
      ...options,
      hint: 'check the network, the proxy and --endpoint-url',
    });
  }
  // A response that failed to parse carries a parser message that can quote the body: never print it.
  const isServiceError =
    typeof (error as { $fault?: unknown }).$fault === 'string' &&
    /Exception$|Failure$|^InternalServiceError$|^InternalServerError$|^ServiceUnavailable$/.test(name);
  const status = error.$metadata?.httpStatusCode;
  if (!isServiceError && typeof status === 'number' && status >= 300) {
    // Not an AWS error (a redirect, a proxy's or load balancer's page): the two clients name it differently.
    return new WithsecretsError(
      'AWS_ERROR',
      `${context.action} failed for ${secret}: HTTP ${status}, not an answer of AWS`,
      {
        ...options,
        hint:
          status < 400
            ? 'AWS never redirects: check --endpoint-url and the proxy'
            : 'a proxy or load balancer answered: check --endpoint-url and the proxy, or retry later',
      },
    );
  }
  return new WithsecretsError(
    'AWS_ERROR',
    `${context.action} failed for ${secret}: ${name || 'unknown error'}`,
    {
      ...options,
      hint: isServiceError ? `AWS said: ${awsMessage}` : 'check the network and the AWS configuration',
    },
  );
}
