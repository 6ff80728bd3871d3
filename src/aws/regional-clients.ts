// One Secrets Manager client per region (a full ARN is fetched from its own region): direct where it can, else the SDK.
import { setDefaultAutoSelectFamilyAttemptTimeout } from 'node:net';
import type * as Sdk from '@aws-sdk/client-secrets-manager';
import { getRetryPlugin } from '@smithy/core/retry';
import type { RetryStrategyV2 } from '@smithy/types';
import { arnRegion } from '../references/secret-refs.ts';
import { AgentClient, type AgentOptions } from './agent-client.ts';
import { SECRETS_MANAGER } from './aws-services.ts';
import { withoutThrottlingRetries } from './capped-retry.ts';
import type { DirectRouteSettings } from './direct-client.ts';
import { configuredEndpoint, type DirectRoute, directRoute, type RouteOptions } from './direct-route.ts';
import { DirectSecretsManager } from './direct-secrets-manager.ts';
import type { ErrorContext } from './errors.ts';
import type { ProxyAgents } from './proxy-agents.ts';
import { proxySettingsFrom } from './proxy-environment.ts';
import type { SecretsManagerApi } from './secrets-manager-api.ts';

export interface AwsOptions extends RouteOptions {
  /** Regions to ask, in order, for what a region could not serve (--fallback-region). */
  readonly fallbackRegions?: readonly string[];
  /** --agent: every secret is read through the Secrets Manager Agent; no SDK, no credentials, no Batch, no listing. */
  readonly agent?: AgentOptions;
}

type SdkModule = typeof Sdk;
let sdk: SdkModule | undefined;

/**
 * Loads the SDK on first use. It is most of withsecrets' start-up (docs/performance.md), and a run that the
 * direct client serves, `--help`, `--version` or a run with nothing to fetch never need it.
 */
function loadSdk(): SdkModule {
  sdk ??= require('@aws-sdk/client-secrets-manager') as SdkModule;
  return sdk;
}

/** src/aws/proxy-agents.ts, which loads hpagent, only for a run whose environment sets a proxy. */
function loadProxyAgents(): typeof import('./proxy-agents.ts') {
  return require('./proxy-agents.ts') as typeof import('./proxy-agents.ts');
}

/** Per attempt; with 3 attempts a silent endpoint fails in about 10 s instead of hanging. */
const REQUEST_TIMEOUT_MS = 3000;
const CONNECT_TIMEOUT_MS = 3000;
/**
 * How long Node tries one resolved address before the next (happy eyeballs). Node 20's 250 ms fails a connect to
 * a distant region over a slow link although the network works (aws-actions/aws-secretsmanager-get-secrets#170).
 * Half the connect timeout: a first SYN lost once is resent after 1 s and still answers, and a second address
 * still has time of its own. Both routes connect through node:net, so setting Node's default covers both.
 */
export const CONNECT_ATTEMPT_TIMEOUT_MS = CONNECT_TIMEOUT_MS / 2;
/**
 * How long a proxy may take to open a tunnel (its CONNECT answer). Under the 3 s a request may take to be answered,
 * which counts from before the tunnel: a proxy that says nothing is then named as the proxy, not as the endpoint.
 */
const TUNNEL_TIMEOUT_MS = REQUEST_TIMEOUT_MS - 500;
const MAX_ATTEMPTS = 3;
const DEFAULT_REGION_KEY = '';

/** What every SDK client of a run is built with (both services): the timeouts, attempts, region, profile, endpoint. */
export function sdkClientSettings(
  options: AwsOptions,
  region: string | undefined,
  agents: ProxyAgents | undefined,
) {
  return {
    maxAttempts: MAX_ATTEMPTS,
    requestHandler: {
      connectionTimeout: CONNECT_TIMEOUT_MS,
      requestTimeout: REQUEST_TIMEOUT_MS,
      throwOnRequestTimeout: true,
      ...agents,
    },
    ...(region === undefined ? {} : { region }),
    ...(options.profile === undefined ? {} : { profile: options.profile }),
    ...(options.endpointUrl === undefined ? {} : { endpoint: options.endpointUrl }),
  };
}

/** What every direct client of a run is built with (both services): the route, the timeouts, attempts and proxy. */
export function directClientSettings(
  route: DirectRoute,
  agents: ProxyAgents | undefined,
): DirectRouteSettings {
  return {
    ...route,
    maxAttempts: MAX_ATTEMPTS,
    connectTimeoutMs: CONNECT_TIMEOUT_MS,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    ...(agents === undefined ? {} : { agents }),
  };
}

interface RegionalClient {
  readonly api: SecretsManagerApi;
  readonly region: Promise<string>;
}

export class RegionalClients {
  readonly #options: AwsOptions;
  readonly #clients = new Map<string, RegionalClient>();
  #sdkCredentials: Sdk.SecretsManagerClient['config']['credentials'] | undefined;
  /** Both routes' agents when the environment sets a proxy; none otherwise, and then hpagent is never loaded. */
  readonly #agents: ProxyAgents | undefined;

  constructor(options: AwsOptions) {
    this.#options = options;
    setDefaultAutoSelectFamilyAttemptTimeout(CONNECT_ATTEMPT_TIMEOUT_MS);
    // The Secrets Manager Agent is never proxied: it is on this host or pod, over plain http (docs/security.md).
    const proxies = options.agent === undefined ? proxySettingsFrom(options.env) : undefined;
    this.#agents =
      proxies === undefined ? undefined : loadProxyAgents().proxyAgentsFor(proxies, TUNNEL_TIMEOUT_MS);
  }

  /** The proxy's agents for the SDK's HTTP handler, when the environment sets a proxy (Parameter Store's too). */
  get proxyAgents(): ProxyAgents | undefined {
    return this.#agents;
  }

  /** The region an id is fetched from: the ARN's own, or '' for the configured one. */
  regionKeyOf(id: string): string {
    return arnRegion(id) ?? DEFAULT_REGION_KEY;
  }

  /** False in agent mode: the agent serves GetSecretValue alone, one secret per request. */
  get servesBatches(): boolean {
    return this.#options.agent === undefined;
  }

  /** The fallback regions, in the order they are asked. */
  get fallbackRegions(): readonly string[] {
    return this.#options.fallbackRegions ?? [];
  }

  /** The client for an id, with the context its errors are reported in. */
  async forId(id: string, action: string): Promise<{ api: SecretsManagerApi; context: ErrorContext }> {
    return this.forRegion(this.regionKeyOf(id), action);
  }

  /** The client for a region ('' for the configured one), with the context its errors are reported in. */
  async forRegion(key: string, action: string): Promise<{ api: SecretsManagerApi; context: ErrorContext }> {
    const client = this.#client(key);
    const endpoint = this.#options.agent?.url ?? configuredEndpoint(this.#options, SECRETS_MANAGER);
    const context = { region: await client.region, action };
    return { api: client.api, context: endpoint === undefined ? context : { ...context, endpoint } };
  }

  #client(key: string): RegionalClient {
    let client = this.#clients.get(key);
    if (client === undefined && this.#options.agent !== undefined) {
      // One agent serves every region's ARNs (from its own region); errors name it instead of a region.
      const region = `the region of the Secrets Manager Agent at ${this.#options.agent.url}`;
      client = { api: new AgentClient(this.#options.agent), region: Promise.resolve(region) };
      this.#clients.set(key, client);
    }
    if (client === undefined) {
      const route = directRoute(this.#options, key, SECRETS_MANAGER);
      client =
        route === undefined
          ? this.#sdkClient(key)
          : {
              api: new DirectSecretsManager(directClientSettings(route, this.#agents)),
              region: Promise.resolve(route.region),
            };
      this.#clients.set(key, client);
    }
    return client;
  }

  #sdkClient(key: string): RegionalClient {
    const env = this.#options.env;
    // Like the AWS CLI, AWS_DEFAULT_REGION counts too (the JS SDK alone reads only AWS_REGION).
    const region = key || this.#options.region || env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;
    // The SDK warns on stderr about Node 20 once per process; withsecrets prints nothing of its own.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
    const {
      SecretsManagerClient,
      GetSecretValueCommand,
      BatchGetSecretValueCommand,
      ListSecretsCommand,
      DescribeSecretCommand,
    } = loadSdk();
    const client = new SecretsManagerClient({
      ...sdkClientSettings(this.#options, region, this.#agents),
      // Clients of other regions share the first one's credentials, so they are resolved once.
      ...(this.#sdkCredentials === undefined ? {} : { credentials: this.#sdkCredentials }),
    });
    this.#sdkCredentials ??= client.config.credentials;
    // The client resolves AWS_RETRY_MODE to the SDK's standard or adaptive strategy, both of the V2 kind.
    const capped = withoutThrottlingRetries(client.config.retryStrategy as () => Promise<RetryStrategyV2>);
    const cappedRetry = async () => capped;
    // The SDK's input types are mutable copies of the same shapes.
    type Input<C extends abstract new (input: never) => unknown> = NonNullable<ConstructorParameters<C>[0]>;
    const api: SecretsManagerApi = {
      getSecretValue: (input, abortSignal) => client.send(new GetSecretValueCommand(input), { abortSignal }),
      batchGetSecretValue: (input, abortSignal) => {
        const command = new BatchGetSecretValueCommand(input as Input<typeof BatchGetSecretValueCommand>);
        // Replaces the client's retry middleware for this one command (same name): the client's own strategy,
        // whatever AWS_RETRY_MODE chose, but a throttled call is not retried.
        command.middlewareStack.use(getRetryPlugin({ ...client.config, retryStrategy: cappedRetry }));
        return client.send(command, { abortSignal });
      },
      listSecrets: (input, abortSignal) =>
        client.send(new ListSecretsCommand(input as Input<typeof ListSecretsCommand>), { abortSignal }),
      describeSecret: (input, abortSignal) => client.send(new DescribeSecretCommand(input), { abortSignal }),
    };
    return { api, region: client.config.region().catch(() => '(no region)') };
  }
}
