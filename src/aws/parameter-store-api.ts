// The Parameter Store calls withsecrets makes, as its SSM clients (direct and SDK) offer them.

export interface ParameterEntry {
  readonly Name?: string | undefined;
  readonly ARN?: string | undefined;
  readonly Type?: string | undefined;
  readonly Value?: string | undefined;
  readonly Version?: number | undefined;
  /** `:3` or `:label` when the name asked for had one. */
  readonly Selector?: string | undefined;
}

export interface GetParametersInput {
  /** 1 to 10 names or ARNs, each maybe with `:VERSION` or `:LABEL`. */
  readonly Names: readonly string[];
  readonly WithDecryption: boolean;
}

export interface GetParametersOutput {
  readonly Parameters?: readonly ParameterEntry[] | undefined;
  /** The names asked for that Parameter Store does not have (no such name, version or label), as asked. */
  readonly InvalidParameters?: readonly string[] | undefined;
}

export interface GetParametersByPathInput {
  readonly Path: string;
  readonly Recursive: boolean;
  readonly WithDecryption: boolean;
  readonly MaxResults: number;
  readonly NextToken?: string | undefined;
}

export interface GetParametersByPathOutput {
  readonly Parameters?: readonly ParameterEntry[] | undefined;
  readonly NextToken?: string | undefined;
}

/** Errors are thrown as the SDK shapes them (`name`, `message`, `$fault`, `code` for network errors). */
export interface ParameterStoreApi {
  getParameters(input: GetParametersInput, abortSignal: AbortSignal): Promise<GetParametersOutput>;
  getParametersByPath(
    input: GetParametersByPathInput,
    abortSignal: AbortSignal,
  ): Promise<GetParametersByPathOutput>;
}
