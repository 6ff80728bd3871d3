// Every error the emulator answers for Parameter Store, with the code, status and wording AWS's SSM uses.

import { randomUUID } from 'node:crypto';
import { AwsError } from './errors.ts';

/** SSM writes its own errors with `message` (lower case), as `{"__type":"ParameterNotFound","message":...}`. */
const ssmError = (code: string, message: string, status = 400): AwsError =>
  new AwsError(code, message, { status, messageKey: 'message' });

export const parameterNotFound = (): AwsError => ssmError('ParameterNotFound', '');

export const parameterVersionNotFound = (name: string, selector: string): AwsError =>
  ssmError(
    'ParameterVersionNotFound',
    `Systems Manager could not find version ${selector} of ${name}. Verify the version and try again.`,
  );

export const ssmValidation = (message: string): AwsError => ssmError('ValidationException', message);

export const tooManyNames = (count: number): AwsError =>
  ssmValidation(
    `1 validation error detected: Value '[${count} names]' at 'names' failed to satisfy constraint: ` +
      'Member must have length less than or equal to 10',
  );

export const ssmAccessDenied = (principalArn: string, action: string, resource: string): AwsError =>
  ssmError(
    'AccessDeniedException',
    `User: ${principalArn} is not authorized to perform: ssm:${action} on resource: ${resource} ` +
      `because no identity-based policy allows the ssm:${action} action`,
  );

/** What SSM relays when KMS refuses to decrypt a SecureString for the caller. */
export const kmsDecryptDenied = (principalArn: string, keyArn: string): AwsError =>
  ssmError(
    'AccessDeniedException',
    `User: ${principalArn} is not authorized to perform: kms:Decrypt on resource: ${keyArn} because no ` +
      'identity-based policy allows the kms:Decrypt action (Service: AWSKMS; Status Code: 400; Error Code: ' +
      `AccessDeniedException; Request ID: ${randomUUID()}; Proxy: null)`,
  );

export const ssmInternalError = (): AwsError => ssmError('InternalServerError', '', 500);

export const ssmInvalidNextToken = (): AwsError =>
  ssmError('InvalidNextToken', 'The specified token is not valid.');
