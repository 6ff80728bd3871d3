// The agents both routes give NodeHttpHandler when a proxy is set: CONNECT tunnels (hpagent), NO_PROXY per host.
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type * as Hpagent from 'hpagent';
import { type ProxyServer, type ProxySettings, proxyForTarget } from './proxy-environment.ts';
import { ProxyFailure } from './proxy-failures.ts';

/** What NodeHttpHandler takes: `httpAgent` for http:// endpoints, `httpsAgent` for https:// ones. */
export interface ProxyAgents {
  readonly httpAgent?: HttpAgent;
  readonly httpsAgent?: HttpsAgent;
}

type HpagentModule = typeof Hpagent;
let hpagent: HpagentModule | undefined;

/**
 * Loads hpagent on first use, from its own bundle (dist/proxy.cjs, see src/build/build.ts): only a run whose
 * environment sets a proxy ever gets here, so start-up without one is as it was.
 */
function loadHpagent(): HpagentModule {
  hpagent ??= require('hpagent') as HpagentModule;
  return hpagent;
}

/** As NodeHttpHandler's own agents: sockets kept alive between calls, at most 50 at once. */
const AGENT_OPTIONS = { keepAlive: true, maxSockets: 50 } as const;

type CreateConnection = HttpAgent['createConnection'];

/**
 * One agent per scheme whose variable is set. Each request decides for itself (the SDK's STS and SSO clients
 * share the handler, and reach other hosts): a host that NO_PROXY names connects as without a proxy, any other
 * through a CONNECT tunnel to the proxy, TLS then running end to end inside it.
 */
export function proxyAgentsFor(settings: ProxySettings, tunnelTimeoutMs: number): ProxyAgents {
  const { HttpProxyAgent, HttpsProxyAgent } = loadHpagent();
  const route = { settings, tunnelTimeoutMs };
  const https = settings.https?.url;
  const http = settings.http?.url;
  return {
    ...(https === undefined
      ? {}
      : {
          httpsAgent: routed(new HttpsProxyAgent({ ...AGENT_OPTIONS, proxy: https }), {
            ...route,
            protocol: 'https:',
            direct: HttpsAgent.prototype.createConnection,
          }),
        }),
    ...(http === undefined
      ? {}
      : {
          httpAgent: routed(new HttpProxyAgent({ ...AGENT_OPTIONS, proxy: http }), {
            ...route,
            protocol: 'http:',
            direct: HttpAgent.prototype.createConnection,
          }),
        }),
  };
}

/**
 * hpagent's agent, but a host that NO_PROXY names connects as Node's own agent would (`direct`), and a failed
 * CONNECT becomes a ProxyFailure. Node's agent calls `this.createConnection`, so the agent's own one is replaced.
 */
function routed<A extends HttpAgent>(
  agent: A,
  {
    settings,
    protocol,
    direct,
    tunnelTimeoutMs,
  }: {
    settings: ProxySettings;
    protocol: 'http:' | 'https:';
    direct: CreateConnection;
    tunnelTimeoutMs: number;
  },
): A {
  const tunnel = agent.createConnection;
  const createConnection: CreateConnection = function (this: A, options, callback) {
    const host = options.host ?? options.hostname ?? 'localhost';
    const port = String(options.port ?? '');
    const proxy = proxyForTarget(settings, protocol, host, port);
    if (proxy === undefined) return direct.call(this, options, callback);
    const target = `${host}:${port}`;
    // hpagent bounds the CONNECT by `timeout`: NodeHttpHandler's connection timeout starts only once it has a socket.
    return tunnel.call(this, { ...options, timeout: tunnelTimeoutMs }, (error, socket) => {
      if (error === null) callback?.(null, socket);
      else callback?.(proxyFailureOf(error, proxy, target), socket);
    });
  };
  return Object.assign(agent, { createConnection });
}

/** hpagent's errors, in its words: `Bad response: 407` for an answer other than 200, `Proxy timeout`, or Node's own. */
function proxyFailureOf(error: Error, proxy: ProxyServer, target: string): ProxyFailure {
  const refused = /^Bad response: (\d{3})$/.exec(error.message);
  if (refused !== null) return new ProxyFailure('refused', proxy, target, { status: Number(refused[1]) });
  if (error.message === 'Proxy timeout')
    return new ProxyFailure('timeout', proxy, target, { code: 'ETIMEDOUT' });
  const code = (error as { code?: unknown }).code;
  return new ProxyFailure('unreachable', proxy, target, typeof code === 'string' ? { code } : {});
}
