// Entry of dist/aws-ssm.cjs: just what src/aws/ssm-clients.ts takes from the SSM client, so esbuild leaves the rest out.
export { GetParametersByPathCommand, GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
