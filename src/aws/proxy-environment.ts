// Which proxy a request to AWS goes through, read from HTTPS_PROXY, HTTP_PROXY and NO_PROXY as the AWS CLI reads them.
import { WithsecretsError } from '../errors.ts';
import { bypassesProxy, type NoProxy, parseNoProxy } from './no-proxy.ts';

type Environment = Readonly<Record<string, string | undefined>>;

/** A proxy from the environment: its URL (credentials included, for the agent alone) and how messages name it. */
export interface ProxyServer {
  readonly url: URL;
  /** `scheme://host:port`, never the user name or password: the only form any message shows. */
  readonly shown: string;
  /** The variable it came from, as set (`HTTPS_PROXY` or `https_proxy`), for the hints. */
  readonly variable: string;
}

export interface ProxySettings {
  /** For https:// endpoints (CONNECT tunnels): https_proxy, else HTTPS_PROXY. */
  readonly https?: ProxyServer;
  /** For http:// endpoints: http_proxy, else HTTP_PROXY. */
  readonly http?: ProxyServer;
  readonly noProxy: NoProxy;
}

const DEFAULT_PORTS: Readonly<Record<string, string>> = { 'http:': '80', 'https:': '443' };

/**
 * The proxies the environment sets, or undefined when it sets none (then nothing about proxies is loaded). The
 * lower-case variable wins over the upper-case one, and an empty lower-case one turns the upper-case one off,
 * as in Python's getproxies_environment, which the AWS CLI uses. A value that is no http:// or https:// proxy URL
 * is refused before any request, without being quoted: it may hold a password.
 */
export function proxySettingsFrom(env: Environment): ProxySettings | undefined {
  const https = proxyFrom(env, 'https_proxy');
  const http = proxyFrom(env, 'http_proxy');
  if (https === undefined && http === undefined) return undefined;
  const noProxy = parseNoProxy(chosenVariable(env, 'no_proxy')?.value);
  return { ...(https === undefined ? {} : { https }), ...(http === undefined ? {} : { http }), noProxy };
}

/** The proxy for a request to `protocol//host:port`, or undefined when it goes without one. */
export function proxyForTarget(
  settings: ProxySettings,
  protocol: string,
  host: string,
  port: string,
): ProxyServer | undefined {
  const proxy = protocol === 'https:' ? settings.https : protocol === 'http:' ? settings.http : undefined;
  if (proxy === undefined) return undefined;
  return bypassesProxy(settings.noProxy, host, port || (DEFAULT_PORTS[protocol] ?? '')) ? undefined : proxy;
}

/** `scheme://host:port` of a URL, the port always written out; the user name and password never. */
export function shownProxy(url: URL): string {
  return `${url.protocol}//${url.hostname}:${url.port || DEFAULT_PORTS[url.protocol]}`;
}

function proxyFrom(env: Environment, lowerName: string): ProxyServer | undefined {
  const chosen = chosenVariable(env, lowerName);
  if (chosen === undefined || chosen.value.trim() === '') return undefined;
  const url = parseProxyUrl(chosen.value.trim());
  if (url === undefined) {
    throw new WithsecretsError('PROXY', `${chosen.name} is not a proxy URL withsecrets can use`, {
      hint: `set it to http://HOST:PORT or https://HOST:PORT, with USER:PASSWORD@ before HOST if the proxy asks (percent-encoded); or unset it`,
    });
  }
  return { url, shown: shownProxy(url), variable: chosen.name };
}

/** The lower-case variable when it is set (even empty), else the upper-case one. */
function chosenVariable(env: Environment, lowerName: string): { name: string; value: string } | undefined {
  const lower = env[lowerName];
  if (lower !== undefined) return { name: lowerName, value: lower };
  const upperName = lowerName.toUpperCase();
  const upper = env[upperName];
  return upper === undefined ? undefined : { name: upperName, value: upper };
}

/** `http://` or `https://` with a host, or a bare `HOST:PORT` taken as http:// (as botocore and curl do). */
function parseProxyUrl(value: string): URL | undefined {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.hostname === '' || (url.pathname !== '/' && url.pathname !== '') || url.search !== '')
    return undefined;
  // The agent decodes the credentials for Basic auth: a bad %-escape would throw there, mid-request.
  try {
    decodeURIComponent(url.username);
    decodeURIComponent(url.password);
  } catch {
    return undefined;
  }
  return url;
}
