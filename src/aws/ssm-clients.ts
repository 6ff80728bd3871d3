// One Parameter Store client per region (a parameter ARN is read from its own region): direct where Secrets Manager's is, else the SDK.
import type * as Ssm from '@aws-sdk/client-ssm';
import { PARAMETER_STORE } from './aws-services.ts';
import { DirectParameterStore } from './direct-parameter-store.ts';
import { configuredEndpoint, directRoute } from './direct-route.ts';
import type { ErrorContext } from './errors.ts';
import type { ParameterStoreApi } from './parameter-store-api.ts';
import type { ParameterClients } from './parameter-values.ts';
import type { ProxyAgents } from './proxy-agents.ts';
import { type AwsOptions, directClientSettings, sdkClientSettings } from './regional-clients.ts';

type SsmModule = typeof Ssm;
let ssm: SsmModule | undefined;

/**
 * Loaded on first use, from a bundle of its own (src/build/build.ts): only a run that reads a parameter through the
 * SDK pays for the SSM client's code; the direct route never loads it.
 */
function loadSsm(): SsmModule {
  ssm ??= require('@aws-sdk/client-ssm') as SsmModule;
  return ssm;
}

interface RegionalClient {
  readonly api: ParameterStoreApi;
  readonly region: Promise<string>;
}

export class SsmClients implements ParameterClients {
  readonly #options: AwsOptions;
  readonly #clients = new Map<string, RegionalClient>();
  /** Secrets Manager's clients' proxy agents: one proxy setting for both services, on both routes. */
  readonly #agents: ProxyAgents | undefined;

  constructor(options: AwsOptions, agents: ProxyAgents | undefined) {
    this.#options = options;
    this.#agents = agents;
  }

  async forRegion(key: string, action: string): Promise<{ api: ParameterStoreApi; context: ErrorContext }> {
    let client = this.#clients.get(key);
    if (client === undefined) {
      // Under exactly the conditions Secrets Manager's client goes direct (src/aws/direct-route.ts).
      const route = directRoute(this.#options, key, PARAMETER_STORE);
      client =
        route === undefined
          ? this.#sdkClient(key)
          : {
              api: new DirectParameterStore(directClientSettings(route, this.#agents)),
              region: Promise.resolve(route.region),
            };
      this.#clients.set(key, client);
    }
    const endpoint = configuredEndpoint(this.#options, PARAMETER_STORE);
    const context = { region: await client.region, action };
    return { api: client.api, context: endpoint === undefined ? context : { ...context, endpoint } };
  }

  #sdkClient(key: string): RegionalClient {
    const env = this.#options.env;
    // Like the AWS CLI, AWS_DEFAULT_REGION counts too (the JS SDK alone reads only AWS_REGION).
    const region = key || this.#options.region || env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
    const { SSMClient, GetParametersCommand, GetParametersByPathCommand } = loadSsm();
    const client = new SSMClient(sdkClientSettings(this.#options, region, this.#agents));
    const api: ParameterStoreApi = {
      getParameters: (input, abortSignal) =>
        client.send(new GetParametersCommand({ ...input, Names: [...input.Names] }), { abortSignal }),
      getParametersByPath: (input, abortSignal) =>
        client.send(new GetParametersByPathCommand(input), { abortSignal }),
    };
    return { api, region: client.config.region().catch(() => '(no region)') };
  }
}
