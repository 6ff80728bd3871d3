// Secrets Manager without loading the AWS SDK's client: its signer, retry strategy and HTTP handler, composed.
import { AwsSdkSigV4Signer } from '@aws-sdk/core/httpAuthSchemes';
import { Sha256 } from '@smithy/core/checksum';
import type { HttpRequest, HttpResponse } from '@smithy/core/protocols';
import { retryMiddleware, StandardRetryStrategy } from '@smithy/core/retry';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { SignatureV4 } from '@smithy/signature-v4';
import { type AwsCredentialIdentity, SMITHY_CONTEXT_KEY } from '@smithy/types';
import { awsJsonOutput, awsJsonRequest, withBinary } from './aws-json.ts';
import { withoutThrottlingRetries } from './capped-retry.ts';
import type { ProxyAgents } from './proxy-agents.ts';
import type {
  BatchGetSecretValueInput,
  BatchGetSecretValueOutput,
  DescribeSecretInput,
  DescribeSecretOutput,
  GetSecretValueInput,
  ListSecretsInput,
  ListSecretsOutput,
  SecretsManagerApi,
  SecretValueEntry,
} from './secrets-manager-api.ts';

export type Credentials = AwsCredentialIdentity;

export interface DirectClientOptions {
  readonly endpoint: URL;
  readonly region: string;
  readonly credentials: Credentials;
  readonly maxAttempts: number;
  readonly connectTimeoutMs: number;
  /** How long the answer may take to begin, and then how long the socket may stay silent. */
  readonly requestTimeoutMs: number;
  /** The proxy's tunnelling agents, when the environment sets a proxy (src/aws/proxy-agents.ts). */
  readonly agents?: ProxyAgents;
}

const SERVICE = 'secretsmanager';

/**
 * Each call goes through the SDK's own pieces, in the order its client stacks them: the retry middleware with the
 * standard strategy (token bucket, backoff, retry-after hints), then per attempt the SigV4 signer that also corrects
 * for clock skew from every answer's Date, then the HTTP handler with the SDK's timeouts. Only the awsJson1_1
 * framing of three operations (src/aws/aws-json.ts) is withsecrets' own.
 */
export class DirectClient implements SecretsManagerApi {
  readonly #endpoint: URL;
  readonly #credentials: Credentials;
  readonly #region: string;
  readonly #handler: NodeHttpHandler;
  readonly #retry: ReturnType<typeof retryMiddleware>;
  /** BatchGetSecretValue's: the same strategy and bucket, but a throttled call is not retried (capped-retry.ts). */
  readonly #cappedRetry: ReturnType<typeof retryMiddleware>;
  readonly #signer = new AwsSdkSigV4Signer();
  /** What the signer reads and updates: `systemClockOffset` is shared by every call of this client, as in the SDK. */
  readonly #signingConfig: { signer: () => Promise<SignatureV4>; systemClockOffset: number };

  constructor(options: DirectClientOptions) {
    this.#endpoint = options.endpoint;
    this.#credentials = options.credentials;
    this.#region = options.region;
    const sigv4 = new SignatureV4({
      credentials: options.credentials,
      region: options.region,
      service: SERVICE,
      sha256: Sha256,
    });
    this.#signingConfig = { signer: async () => sigv4, systemClockOffset: 0 };
    this.#handler = new NodeHttpHandler({
      connectionTimeout: options.connectTimeoutMs,
      requestTimeout: options.requestTimeoutMs,
      socketTimeout: options.requestTimeoutMs,
      throwOnRequestTimeout: true,
      ...options.agents,
    });
    const strategy = new StandardRetryStrategy(options.maxAttempts);
    const retryWith = (retryStrategy: typeof strategy | ReturnType<typeof withoutThrottlingRetries>) =>
      retryMiddleware({
        retryStrategy: async () => retryStrategy,
        maxAttempts: async () => options.maxAttempts,
      } as Parameters<typeof retryMiddleware>[0]);
    this.#retry = retryWith(strategy);
    this.#cappedRetry = retryWith(withoutThrottlingRetries(async () => strategy));
  }

  async getSecretValue(input: GetSecretValueInput, abortSignal: AbortSignal): Promise<SecretValueEntry> {
    return withBinary(
      (await this.#call('GetSecretValue', input, abortSignal)) as Parameters<typeof withBinary>[0],
    );
  }

  async batchGetSecretValue(
    input: BatchGetSecretValueInput,
    abortSignal: AbortSignal,
  ): Promise<BatchGetSecretValueOutput> {
    const output = (await this.#call(
      'BatchGetSecretValue',
      input,
      abortSignal,
    )) as BatchGetSecretValueOutput & {
      SecretValues?: Parameters<typeof withBinary>[0][];
    };
    return { ...output, SecretValues: output.SecretValues?.map(withBinary) };
  }

  async listSecrets(input: ListSecretsInput, abortSignal: AbortSignal): Promise<ListSecretsOutput> {
    return (await this.#call('ListSecrets', input, abortSignal)) as ListSecretsOutput;
  }

  async describeSecret(input: DescribeSecretInput, abortSignal: AbortSignal): Promise<DescribeSecretOutput> {
    return (await this.#call('DescribeSecret', input, abortSignal)) as DescribeSecretOutput;
  }

  async #call(operation: string, input: object, abortSignal: AbortSignal): Promise<unknown> {
    // Per call, as the SDK's context: the signer keeps the clock it signed with here, to judge the answer by.
    const signingProperties = {
      config: this.#signingConfig,
      context: {},
      signingRegion: this.#region,
      signingName: SERVICE,
    };
    const attempt = async ({ request }: { request: HttpRequest }) => {
      const signed = await this.#signer.sign(request, this.#credentials, signingProperties);
      try {
        const { response } = await this.#handler.handle(signed as HttpRequest, { abortSignal });
        const output = { $metadata: {}, body: await awsJsonOutput(response) };
        this.#signer.successHandler(response as HttpResponse, signingProperties);
        return { response, output };
      } catch (error) {
        // Samples the server's clock from the error's answer and marks the error retryable when it was skewed.
        return this.#signer.errorHandler(signingProperties)(error as Error);
      }
    };
    const context = { [SMITHY_CONTEXT_KEY]: { abortSignal } };
    const retry = operation === 'BatchGetSecretValue' ? this.#cappedRetry : this.#retry;
    const send = retry(attempt as never, context as never);
    const { output } = await send({ request: awsJsonRequest(this.#endpoint, operation, input), input });
    return (output as unknown as { body: unknown }).body;
  }
}
