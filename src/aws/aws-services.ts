// The two AWS services withsecrets reads, as their awsJson1_1 wire, their signatures and their endpoints name them.

export interface AwsService {
  /** The service a request is signed for (SigV4's service name). */
  readonly signingName: string;
  /** X-Amz-Target is this, then the operation: `secretsmanager.GetSecretValue`, `AmazonSSM.GetParameters`. */
  readonly targetPrefix: string;
  /** The first label of the default endpoint's host: https://PREFIX.REGION.amazonaws.com. */
  readonly endpointPrefix: string;
  /** The variable the SDK reads for this service's endpoint, before AWS_ENDPOINT_URL. */
  readonly endpointVariable: string;
}

export const SECRETS_MANAGER: AwsService = {
  signingName: 'secretsmanager',
  targetPrefix: 'secretsmanager.',
  endpointPrefix: 'secretsmanager',
  endpointVariable: 'AWS_ENDPOINT_URL_SECRETS_MANAGER',
};

export const PARAMETER_STORE: AwsService = {
  signingName: 'ssm',
  targetPrefix: 'AmazonSSM.',
  endpointPrefix: 'ssm',
  endpointVariable: 'AWS_ENDPOINT_URL_SSM',
};
