// Entry of dist/aws-sdk.cjs: just what src/aws/regional-clients.ts takes from the SDK, so esbuild leaves the rest out.
export {
  BatchGetSecretValueCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
