// AWS error names become our codes with the secret named and a hint; only AWS's own messages are quoted.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromAwsError } from '../../../src/aws/errors.ts';
import type { ErrorCode } from '../../../src/errors.ts';

const context = { region: 'eu-west-1', action: 'secretsmanager:GetSecretValue', secretId: 'prod/db' };

describe('fromAwsError', () => {
  const cases: [string, Record<string, unknown>, ErrorCode, RegExp][] = [
    [
      'not found',
      { name: 'ResourceNotFoundException', $fault: 'client' },
      'SECRET_NOT_FOUND',
      /^secret "prod\/db" not found in eu-west-1$/,
    ],
    [
      'denied',
      { name: 'AccessDeniedException', $fault: 'client' },
      'ACCESS_DENIED',
      /^access denied to secret "prod\/db" in eu-west-1$/,
    ],
    ['KMS', { name: 'DecryptionFailure', $fault: 'client' }, 'DECRYPTION_FAILED', /cannot be decrypted/],
    [
      'deleted',
      { name: 'InvalidRequestException', message: 'marked for deletion.' },
      'SECRET_UNAVAILABLE',
      /cannot be read: marked for deletion\.$/,
    ],
    [
      'bad parameter',
      { name: 'InvalidParameterException', message: 'bad id' },
      'BAD_REFERENCE',
      /AWS rejected secret "prod\/db": bad id/,
    ],
    [
      'throttled',
      { name: 'ThrottlingException' },
      'THROTTLED',
      /throttled the requests for secret "prod\/db" after retries/,
    ],
    [
      'no credentials',
      { name: 'CredentialsProviderError', message: 'Could not load credentials' },
      'NO_CREDENTIALS',
      /^no AWS credentials found$/,
    ],
    ['timeout', { name: 'TimeoutError' }, 'TIMEOUT', /^Secrets Manager in eu-west-1 did not answer in time/],
    [
      'bad key',
      {
        name: 'UnrecognizedClientException',
        message: 'The security token included in the request is invalid.',
      },
      'BAD_CREDENTIALS',
      /\(UnrecognizedClientException\)/,
    ],
    ['no region', { name: 'Error', message: 'Region is missing' }, 'NO_REGION', /^no AWS region set$/],
    ['exhausted resets', { name: 'TimeoutError', code: 'ECONNRESET' }, 'NETWORK', /\(ECONNRESET\)$/],
    [
      'refused',
      { name: 'Error', code: 'ECONNREFUSED' },
      'NETWORK',
      /^cannot reach Secrets Manager in eu-west-1 \(ECONNREFUSED\)$/,
    ],
    [
      'other service error',
      { name: 'SomethingNewException', $fault: 'server', message: 'new' },
      'AWS_ERROR',
      /failed for secret "prod\/db": SomethingNewException/,
    ],
  ];
  for (const [name, thrown, code, message] of cases) {
    it(`maps ${name} to ${code}`, () => {
      const error = fromAwsError(thrown, context);
      assert.equal(error.code, code);
      assert.match(error.message, message);
      assert.ok(error.hint !== undefined && error.hint.length > 0);
    });
  }

  it('never quotes the message of an error that is not AWS’s own (a parser may quote the body)', () => {
    const error = fromAwsError(
      { name: 'SyntaxError', message: 'Unexpected token "FAKE-body-secret"' },
      context,
    );
    assert.equal(error.code, 'AWS_ERROR');
    assert.doesNotMatch(`${error.message} ${error.hint}`, /FAKE-body-secret/);
  });

  it('tells a missing version from a missing secret', () => {
    const thrown = {
      name: 'ResourceNotFoundException',
      message: "Secrets Manager can't find the specified secret value for staging label: AWSPREVIOUS",
    };
    const error = fromAwsError(thrown, context);
    assert.equal(error.code, 'SECRET_NOT_FOUND');
    assert.match(
      error.message,
      /^secret "prod\/db" has no such version in eu-west-1: .*staging label: AWSPREVIOUS$/,
    );
    assert.match(error.hint ?? '', /--version-stage/);
  });

  it('asks for ListSecrets on every resource when a wildcard is denied', () => {
    const error = fromAwsError(
      { name: 'AccessDeniedException' },
      { region: 'eu-west-1', action: 'secretsmanager:ListSecrets', secretId: 'prod/*' },
    );
    assert.match(error.hint ?? '', /^allow secretsmanager:ListSecrets on Resource "\*"/);
  });

  it('names the configured endpoint in network errors', () => {
    const error = fromAwsError({ code: 'ECONNREFUSED' }, { ...context, endpoint: 'http://127.0.0.1:9' });
    assert.match(error.message, /^cannot reach http:\/\/127\.0\.0\.1:9/);
  });
});
