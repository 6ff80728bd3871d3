// Signed awsJson1_1 calls to an AWS service without the AWS SDK's clients: its signer, retry strategy and HTTP handler, composed.
import { AwsSdkSigV4Signer } from '@aws-sdk/core/httpAuthSchemes';
import { Sha256 } from '@smithy/core/checksum';
import type { HttpRequest, HttpResponse } from '@smithy/core/protocols';
import { retryMiddleware, StandardRetryStrategy } from '@smithy/core/retry';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { SignatureV4 } from '@smithy/signature-v4';
import { type AwsCredentialIdentity, SMITHY_CONTEXT_KEY } from '@smithy/types';
import { awsJsonOutput, awsJsonRequest } from './aws-json.ts';
import type { AwsService } from './aws-services.ts';
import { withoutThrottlingRetries } from './capped-retry.ts';
import type { ProxyAgents } from './proxy-agents.ts';

export type Credentials = AwsCredentialIdentity;

/** Where and how a direct client sends: the route (src/aws/direct-route.ts) and the run's timeouts and attempts. */
export interface DirectRouteSettings {
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

export interface DirectClientOptions extends DirectRouteSettings {
  readonly service: AwsService;
}

export interface CallOptions {
  /** False for a call whose quota is low and fixed (BatchGetSecretValue): a throttled one fails at once (capped-retry.ts). */
  readonly retryThrottled?: boolean;
}

/**
 * Each call goes through the SDK's own pieces, in the order its client stacks them: the retry middleware with the
 * standard strategy (token bucket, backoff, retry-after hints), then per attempt the SigV4 signer that also corrects
 * for clock skew from every answer's Date, then the HTTP handler with the SDK's timeouts. Only the awsJson1_1
 * framing (src/aws/aws-json.ts) is withsecrets' own; the operations are its users' (direct-secrets-manager.ts,
 * direct-parameter-store.ts).
 */
export class DirectClient {
  readonly #service: AwsService;
  readonly #endpoint: URL;
  readonly #credentials: Credentials;
  readonly #region: string;
  readonly #handler: NodeHttpHandler;
  readonly #retry: ReturnType<typeof retryMiddleware>;
  /** The same strategy and bucket, but a throttled call is not retried (capped-retry.ts). */
  readonly #cappedRetry: ReturnType<typeof retryMiddleware>;
  readonly #signer = new AwsSdkSigV4Signer();
  /** What the signer reads and updates: `systemClockOffset` is shared by every call of this client, as in the SDK. */
  readonly #signingConfig: { signer: () => Promise<SignatureV4>; systemClockOffset: number };

  constructor(options: DirectClientOptions) {
    this.#service = options.service;
    this.#endpoint = options.endpoint;
    this.#credentials = options.credentials;
    this.#region = options.region;
    const sigv4 = new SignatureV4({
      credentials: options.credentials,
      region: options.region,
      service: options.service.signingName,
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

  /** One call of the service's `operation`: its output, or the service's error as the SDK shapes it. */
  async call(
    operation: string,
    input: object,
    abortSignal: AbortSignal,
    { retryThrottled = true }: CallOptions = {},
  ): Promise<unknown> {
    // Per call, as the SDK's context: the signer keeps the clock it signed with here, to judge the answer by.
    const signingProperties = {
      config: this.#signingConfig,
      context: {},
      signingRegion: this.#region,
      signingName: this.#service.signingName,
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
    const retry = retryThrottled ? this.#retry : this.#cappedRetry;
    const send = retry(attempt as never, context as never);
    const { output } = await send({
      request: awsJsonRequest(this.#endpoint, this.#service, operation, input),
      input,
    });
    return (output as unknown as { body: unknown }).body;
  }
}
