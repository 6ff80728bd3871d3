// One Secrets Manager client per region (a full ARN is fetched from its own region), and the one place the SDK is loaded.
import type * as Sdk from '@aws-sdk/client-secrets-manager';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { ErrorContext } from './aws-errors.ts';
import { arnRegion } from './refs.ts';

export type { SecretsManagerClient };

type SdkModule = typeof Sdk;
let sdk: SdkModule | undefined;

/**
 * Loads the SDK on first use. It is most of withsecrets' start-up (docs/performance.md), and `--help`, `--version`
 * or a run with nothing to fetch never need it; a static import would load it with every run.
 */
function loadSdk(): SdkModule {
  sdk ??= require('@aws-sdk/client-secrets-manager') as SdkModule;
  return sdk;
}

type CommandName = 'BatchGetSecretValueCommand' | 'GetSecretValueCommand' | 'ListSecretsCommand';

/** Stands in for an SDK command class: `new` on a function that returns an object yields that object. */
function lazyCommand<N extends CommandName>(name: N): SdkModule[N] {
  function construct(input: unknown): object {
    const Command = loadSdk()[name] as unknown as new (input: unknown) => object;
    return new Command(input);
  }
  return construct as unknown as SdkModule[N];
}

// fetch.ts imports the commands from here, so that importing fetch.ts does not load the SDK.
export const BatchGetSecretValueCommand = lazyCommand('BatchGetSecretValueCommand');
export const GetSecretValueCommand = lazyCommand('GetSecretValueCommand');
export const ListSecretsCommand = lazyCommand('ListSecretsCommand');

export interface AwsOptions {
  readonly region?: string;
  readonly profile?: string;
  readonly endpointUrl?: string;
  /** The environment withsecrets was started with (AWS_REGION, AWS_DEFAULT_REGION, endpoints). */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Per attempt; with 3 attempts a silent endpoint fails in about 10 s instead of hanging. */
const REQUEST_TIMEOUT_MS = 3000;
const CONNECT_TIMEOUT_MS = 3000;
const MAX_ATTEMPTS = 3;
const DEFAULT_REGION_KEY = '';

export class RegionalClients {
  readonly #options: AwsOptions;
  readonly #clients = new Map<string, SecretsManagerClient>();
  readonly #regionNames = new Map<string, Promise<string>>();

  constructor(options: AwsOptions) {
    this.#options = options;
  }

  /** The region an id is fetched from: the ARN's own, or '' for the configured one. */
  regionKeyOf(id: string): string {
    return arnRegion(id) ?? DEFAULT_REGION_KEY;
  }

  /** The client for an id, with the context its errors are reported in. */
  async forId(id: string, action: string): Promise<{ client: SecretsManagerClient; context: ErrorContext }> {
    const key = this.regionKeyOf(id);
    const client = this.#client(key);
    const endpoint =
      this.#options.endpointUrl ??
      this.#options.env.AWS_ENDPOINT_URL_SECRETS_MANAGER ??
      this.#options.env.AWS_ENDPOINT_URL;
    const context = { region: await this.#regionName(key, client), action };
    return { client, context: endpoint === undefined ? context : { ...context, endpoint } };
  }

  #client(key: string): SecretsManagerClient {
    const existing = this.#clients.get(key);
    if (existing !== undefined) return existing;
    const env = this.#options.env;
    // Like the AWS CLI, AWS_DEFAULT_REGION counts too (the JS SDK alone reads only AWS_REGION).
    const region = key || this.#options.region || env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;
    const first = this.#clients.values().next().value;
    // The SDK warns on stderr about Node 20 once per process; withsecrets prints nothing of its own.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
    const client = new (loadSdk().SecretsManagerClient)({
      maxAttempts: MAX_ATTEMPTS,
      requestHandler: {
        connectionTimeout: CONNECT_TIMEOUT_MS,
        requestTimeout: REQUEST_TIMEOUT_MS,
        throwOnRequestTimeout: true,
      },
      ...(region === undefined ? {} : { region }),
      ...(this.#options.profile === undefined ? {} : { profile: this.#options.profile }),
      ...(this.#options.endpointUrl === undefined ? {} : { endpoint: this.#options.endpointUrl }),
      // Clients of other regions share the first one's credentials, so they are resolved once.
      ...(first === undefined ? {} : { credentials: first.config.credentials }),
    });
    this.#clients.set(key, client);
    return client;
  }

  #regionName(key: string, client: SecretsManagerClient): Promise<string> {
    let name = this.#regionNames.get(key);
    if (name === undefined) {
      name = client.config.region().catch(() => '(no region)');
      this.#regionNames.set(key, name);
    }
    return name;
  }
}
