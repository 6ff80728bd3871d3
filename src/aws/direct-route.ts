// Decides when withsecrets signs its own requests: only where the SDK would provably do the same.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, sep } from 'node:path';
import type { AwsService } from './aws-services.ts';
import type { Credentials } from './direct-client.ts';

export interface RouteOptions {
  readonly region?: string;
  readonly profile?: string;
  readonly endpointUrl?: string;
  /** The environment withsecrets was started with. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface DirectRoute {
  readonly endpoint: URL;
  readonly region: string;
  readonly credentials: Credentials;
}

/**
 * The partitions' default endpoints (the SDK's endpoint rules for Secrets Manager and for SSM, alike without FIPS or
 * dual-stack: https://SERVICE.REGION.DNS_SUFFIX).
 */
const PARTITIONS: readonly { readonly regions: RegExp; readonly dnsSuffix: string }[] = [
  { regions: /^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$/, dnsSuffix: 'amazonaws.com' },
  { regions: /^us-gov-\w+-\d+$/, dnsSuffix: 'amazonaws.com' },
  { regions: /^cn-\w+-\d+$/, dnsSuffix: 'amazonaws.com.cn' },
];
const REGION_NAME = /^[a-z0-9-]+$/;
/** Settings the SDK would act on that the direct client does not implement: any of them sends a run to the SDK. */
const SDK_ONLY_SETTINGS = [
  'AWS_PROFILE',
  'AWS_USE_FIPS_ENDPOINT',
  'AWS_USE_DUALSTACK_ENDPOINT',
  'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS',
  'AWS_DISABLE_CLOCK_SKEW_CORRECTION',
];

/**
 * The direct route to a service in a region ('' for the configured one), or undefined when the SDK must be used.
 * The same conditions for both services; only the endpoint is the service's own. Direct only
 * when the SDK's answer is certain: keys in the environment (its first source when no profile is named), no AWS
 * config or credentials file that could set a region, an endpoint or other options, standard retries, and a
 * region whose endpoint is known. Everything else (profiles, SSO, roles, FIPS, other partitions) is the SDK's.
 */
export function directRoute(
  options: RouteOptions,
  regionKey: string,
  service: AwsService,
  fileExists: (path: string) => boolean = existsSync,
): DirectRoute | undefined {
  const { env } = options;
  if (options.profile !== undefined || SDK_ONLY_SETTINGS.some((name) => env[name])) return undefined;
  if (env.AWS_RETRY_MODE && env.AWS_RETRY_MODE !== 'standard') return undefined;
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) return undefined;
  const home = homeDirectory(env);
  const files = [
    awsFile(env.AWS_CONFIG_FILE, 'config', home),
    awsFile(env.AWS_SHARED_CREDENTIALS_FILE, 'credentials', home),
  ];
  if (files.some((file) => file !== undefined && fileExists(file))) return undefined;

  const region = regionKey || options.region || env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (!region || !REGION_NAME.test(region)) return undefined;
  const endpoint = endpointFor(region, service, configuredEndpoint(options, service));
  if (endpoint === undefined) return undefined;
  const sessionToken = env.AWS_SESSION_TOKEN;
  return {
    endpoint,
    region,
    credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
  };
}

/**
 * --endpoint-url (for both services), else the variables the SDK reads for the service, in its order (empty counts
 * as unset, as there): AWS_ENDPOINT_URL_SECRETS_MANAGER or AWS_ENDPOINT_URL_SSM, then AWS_ENDPOINT_URL.
 */
export function configuredEndpoint(options: RouteOptions, service: AwsService): string | undefined {
  return (
    options.endpointUrl || options.env[service.endpointVariable] || options.env.AWS_ENDPOINT_URL || undefined
  );
}

/**
 * The warning for an endpoint that sends secret values unencrypted over a network: plain http to a host that is
 * not this machine. LocalStack on a container network is a real use, so it is a warning, never a refusal.
 */
export function plainHttpWarning(endpoint: string | undefined): string | undefined {
  if (endpoint === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:') return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host)) return undefined;
  return `warning: ${url.origin} is plain http to another host: secret values would cross the network unencrypted (use https)`;
}

/**
 * The home directory as the SDK finds it (its getHomeDir), or undefined where there is none: no HOME and a uid with
 * no passwd entry, as in a FROM-scratch image or under an arbitrary uid, where os.homedir() throws.
 */
function homeDirectory(env: RouteOptions['env']): string | undefined {
  if (env.HOME) return env.HOME;
  if (env.USERPROFILE) return env.USERPROFILE;
  if (env.HOMEPATH) return `${env.HOMEDRIVE ?? `C:${sep}`}${env.HOMEPATH}`;
  try {
    return homedir();
  } catch {
    return undefined;
  }
}

/**
 * An AWS file where the SDK would look for it: the variable's path, else ~/.aws/NAME; the SDK reads `~/...` as under
 * the home directory. Undefined when the path is under a home that does not exist: no file can be there.
 */
function awsFile(configured: string | undefined, name: string, home: string | undefined): string | undefined {
  const path = configured || `~/.aws/${name}`;
  if (!path.startsWith('~/')) return path;
  return home === undefined ? undefined : join(home, path.slice(2));
}

/**
 * A configured endpoint the direct client sends to as the SDK would: scheme, host and port only. The SDK keeps a
 * path, a query and credentials in the URL in ways the direct client does not copy; such URLs go to the SDK.
 */
function endpointFor(region: string, service: AwsService, configured: string | undefined): URL | undefined {
  if (configured !== undefined) {
    try {
      const url = new URL(configured);
      const plain = url.pathname === '/' && url.search === '' && url.username === '' && url.password === '';
      return plain && (url.protocol === 'http:' || url.protocol === 'https:') ? url : undefined;
    } catch {
      return undefined;
    }
  }
  const partition = PARTITIONS.find(({ regions }) => regions.test(region));
  return partition === undefined
    ? undefined
    : new URL(`https://${service.endpointPrefix}.${region}.${partition.dnsSuffix}`);
}
