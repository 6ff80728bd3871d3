// The shape of one fetched secret, shared by the module that fetches it and the ones that turn it into variables.

/** One secret version as AWS returned it. Exactly one of `secretString` and `secretBinary` is set. */
export interface FetchedSecret {
  /** The Name AWS returns (for an ARN lookup, without the -XXXXXX suffix). */
  readonly name: string;
  readonly arn: string;
  readonly secretString?: string;
  readonly secretBinary?: Uint8Array;
}
