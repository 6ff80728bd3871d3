// Every error the emulator answers, with the code, HTTP status and wording that AWS itself uses, kept in one place.

/**
 * One error answer. `messageKey` is `Message` for Secrets Manager's own errors and `message` for the
 * authentication front end's (as AWS writes them: `{"__type":"UnrecognizedClientException","message":...}`).
 */
export class AwsError extends Error {
  readonly code: string;
  readonly status: number;
  readonly messageKey: 'Message' | 'message';

  constructor(
    code: string,
    message: string,
    options: { status?: number; messageKey?: 'Message' | 'message' } = {},
  ) {
    super(message);
    this.name = code;
    this.code = code;
    this.status = options.status ?? 400;
    this.messageKey = options.messageKey ?? 'Message';
  }
}

const authError = (code: string, message: string): AwsError =>
  new AwsError(code, message, { messageKey: 'message' });

export const secretNotFound = (): AwsError =>
  new AwsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");

export const versionNotFound = (by: 'VersionId' | 'staging label', value: string): AwsError =>
  new AwsError(
    'ResourceNotFoundException',
    `Secrets Manager can't find the specified secret value for ${by}: ${value}`,
  );

export const markedForDeletion = (): AwsError =>
  new AwsError(
    'InvalidRequestException',
    "You can't perform this operation on the secret because it was marked for deletion.",
  );

export const alreadyMarkedDeleted = (): AwsError =>
  new AwsError(
    'InvalidRequestException',
    "You tried to perform the operation on a secret that's currently marked deleted.",
  );

export const nameScheduledForDeletion = (): AwsError =>
  new AwsError(
    'InvalidRequestException',
    "You can't create this secret because a secret with this name is already scheduled for deletion.",
  );

export const secretExists = (name: string): AwsError =>
  new AwsError('ResourceExistsException', `The operation failed because the secret ${name} already exists.`);

export const tokenInUse = (token: string, arn: string): AwsError =>
  new AwsError(
    'ResourceExistsException',
    `You can't use ClientRequestToken ${token} because that value is already in use for a version of secret ${arn}.`,
  );

export const stageNotOnVersion = (): AwsError =>
  new AwsError(
    'InvalidRequestException',
    'You provided a VersionStage that is not associated to the provided VersionId.',
  );

export const bothValues = (): AwsError =>
  new AwsError(
    'InvalidParameterException',
    "You can't specify both a binary secret value and a string secret value in the same secret.",
  );

export const noValue = (): AwsError =>
  new AwsError('InvalidRequestException', 'You must provide either SecretString or SecretBinary.');

export const invalidParameter = (message: string): AwsError =>
  new AwsError('InvalidParameterException', message);

export const invalidName = (): AwsError =>
  new AwsError(
    'ValidationException',
    'Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!',
  );

/** The constraint-violation text of AWS's request validation layer. */
export const validationError = (field: string, value: string, constraint: string): AwsError =>
  new AwsError(
    'ValidationException',
    `1 validation error detected: Value ${value} at '${field}' failed to satisfy constraint: ${constraint}`,
  );

export const invalidNextToken = (): AwsError =>
  new AwsError('InvalidNextTokenException', 'The NextToken value is invalid.');

export const accessDenied = (principalArn: string, action: string, resource: string): AwsError =>
  new AwsError(
    'AccessDeniedException',
    `User: ${principalArn} is not authorized to perform: secretsmanager:${action} on resource: ${resource} ` +
      `because no identity-based policy allows the secretsmanager:${action} action`,
  );

export const decryptionFailure = (): AwsError =>
  new AwsError(
    'DecryptionFailure',
    "Secrets Manager can't decrypt the protected secret text using the provided KMS key.",
  );

export const throttled = (): AwsError => new AwsError('ThrottlingException', 'Rate exceeded');

export const internalError = (): AwsError =>
  new AwsError('InternalServiceError', 'An error occurred on the server side.', { status: 500 });

export const serviceUnavailable = (): AwsError =>
  new AwsError('ServiceUnavailable', 'Service Unavailable', { status: 503, messageKey: 'message' });

export const unknownOperation = (): AwsError => authError('UnknownOperationException', '');

export const serializationError = (detail: string): AwsError => authError('SerializationException', detail);

export const missingAuthentication = (): AwsError =>
  authError('MissingAuthenticationTokenException', 'Missing Authentication Token');

export const incompleteSignature = (message: string): AwsError =>
  authError('IncompleteSignatureException', message);

export const unrecognizedClient = (): AwsError =>
  authError('UnrecognizedClientException', 'The security token included in the request is invalid.');

export const invalidSignature = (message: string): AwsError =>
  authError('InvalidSignatureException', message);

/** AWS's answer when the computed signature differs: it shows what it computed, to help debug the client. */
export const signatureMismatch = (canonicalRequest: string, stringToSign: string): AwsError =>
  invalidSignature(
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key ' +
      'and signing method. Consult the service documentation for details.\n\n' +
      `The Canonical String for this request should have been\n'${canonicalRequest}'\n\n` +
      `The String-to-Sign should have been\n'${stringToSign}'\n`,
  );
