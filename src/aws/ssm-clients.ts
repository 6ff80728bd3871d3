// One Parameter Store client per region (a parameter ARN is read from its own region), with Secrets Manager's timeouts.
import type * as Ssm from '@aws-sdk/client-ssm';
import type { ErrorContext } from './errors.ts';
import type { ParameterStoreApi } from './parameter-store-api.ts';
import type { ParameterClients } from './parameter-values.ts';
import type { ProxyAgents } from './proxy-agents.ts';
import { type AwsOptions, sdkClientSettings } from './regional-clients.ts';

type SsmModule = typeof Ssm;
let ssm: SsmModule | undefined;

/**
 * Loaded on first use, from a bundle of its own (src/build/build.ts): only a run that reads a parameter pays for
 * the SSM client's code.
 */
function loadSsm(): SsmModule {
  ssm ??= require('@aws-sdk/client-ssm') as SsmModule;
  return ssm;
}

interface RegionalClient {
  readonly api: ParameterStoreApi;
  readonly region: Promise<string>;
}

/** --endpoint-url (for both services), else the variables the SDK reads for SSM, in its order. */
export function configuredSsmEndpoint(options: AwsOptions): string | undefined {
  return options.endpointUrl || options.env.AWS_ENDPOINT_URL_SSM || options.env.AWS_ENDPOINT_URL || undefined;
}

export class SsmClients implements ParameterClients {
  readonly #options: AwsOptions;
  readonly #clients = new Map<string, RegionalClient>();
  /** Secrets Manager's clients' proxy agents: one proxy setting for both services. */
  readonly #agents: ProxyAgents | undefined;

  constructor(options: AwsOptions, agents: ProxyAgents | undefined) {
    this.#options = options;
    this.#agents = agents;
  }

  async forRegion(key: string, action: string): Promise<{ api: ParameterStoreApi; context: ErrorContext }> {
    let client = this.#clients.get(key);
    if (client === undefined) {
      client = this.#sdkClient(key);
      this.#clients.set(key, client);
    }
    const endpoint = configuredSsmEndpoint(this.#options);
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
