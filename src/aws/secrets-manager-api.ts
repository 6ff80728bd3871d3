// The Secrets Manager calls withsecrets makes, as both of its clients (direct and SDK) offer them.

export interface SecretValueEntry {
  readonly Name?: string | undefined;
  readonly ARN?: string | undefined;
  readonly SecretString?: string | undefined;
  readonly SecretBinary?: Uint8Array | undefined;
  readonly VersionId?: string | undefined;
}

export interface GetSecretValueInput {
  readonly SecretId: string;
  readonly VersionStage?: string | undefined;
  readonly VersionId?: string | undefined;
}

export interface BatchGetSecretValueInput {
  readonly SecretIdList: readonly string[];
  readonly NextToken?: string | undefined;
}

export interface BatchGetSecretValueOutput {
  readonly SecretValues?: readonly SecretValueEntry[] | undefined;
  readonly Errors?:
    | readonly {
        readonly SecretId?: string | undefined;
        readonly ErrorCode?: string | undefined;
        readonly Message?: string | undefined;
      }[]
    | undefined;
  readonly NextToken?: string | undefined;
}

export interface ListSecretsInput {
  readonly Filters: readonly { readonly Key: 'name'; readonly Values: readonly string[] }[];
  readonly MaxResults: number;
  readonly NextToken?: string | undefined;
}

export interface ListSecretsOutput {
  readonly SecretList?:
    | readonly { readonly Name?: string | undefined; readonly ARN?: string | undefined }[]
    | undefined;
  readonly NextToken?: string | undefined;
}

export interface DescribeSecretInput {
  readonly SecretId: string;
}

export interface DescribeSecretOutput {
  /** Each version's id and its stages (AWSCURRENT, AWSPREVIOUS, custom labels). */
  readonly VersionIdsToStages?: Readonly<Record<string, readonly string[]>> | undefined;
}

/** Errors are thrown as the SDK shapes them (`name`, `message`, `$fault`, `code` for network errors). */
export interface SecretsManagerApi {
  getSecretValue(input: GetSecretValueInput, abortSignal: AbortSignal): Promise<SecretValueEntry>;
  /** Retried as the others, except when throttled: then it fails at once (capped-retry.ts). */
  batchGetSecretValue(
    input: BatchGetSecretValueInput,
    abortSignal: AbortSignal,
  ): Promise<BatchGetSecretValueOutput>;
  listSecrets(input: ListSecretsInput, abortSignal: AbortSignal): Promise<ListSecretsOutput>;
  /** A secret's metadata, never its value: which version holds each stage (--watch asks it, 40,000/s a region). */
  describeSecret(input: DescribeSecretInput, abortSignal: AbortSignal): Promise<DescribeSecretOutput>;
}
