// What went wrong at the proxy (unreachable, no answer, a refused tunnel), kept apart from the endpoint's failures.
import { WithsecretsError } from '../errors.ts';
import type { ProxyServer } from './proxy-environment.ts';

/** What a CONNECT to the proxy ended in, when it did not open a tunnel. */
export type ProxyFailureKind = 'unreachable' | 'timeout' | 'refused';

/** CONNECT answers worth another attempt: the proxy's own upstream trouble, as a 502, 503 or 504 of AWS would be. */
const RETRYABLE_STATUSES = new Set([502, 503, 504]);

/**
 * Thrown by src/aws/proxy-agents.ts before a tunnel exists, so every such failure is the proxy's: withsecrets
 * connects to nothing else. It names the proxy by `shown` alone (never its credentials) and keeps `code` for the
 * SDK's retry strategy, which retries a refused or reset connection; `$retryable` marks a 502-504 for it too.
 */
export class ProxyFailure extends Error {
  override name = 'ProxyFailure';
  readonly kind: ProxyFailureKind;
  readonly proxy: Pick<ProxyServer, 'shown' | 'variable'>;
  /** `host:port` the tunnel was asked for. */
  readonly target: string;
  /** The status of the proxy's answer to CONNECT, when it answered. */
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly $retryable: object | undefined;

  constructor(
    kind: ProxyFailureKind,
    proxy: Pick<ProxyServer, 'shown' | 'variable'>,
    target: string,
    details: { status?: number; code?: string } = {},
  ) {
    super(`${kind} proxy ${proxy.shown} for ${target}`);
    this.kind = kind;
    this.proxy = { shown: proxy.shown, variable: proxy.variable };
    this.target = target;
    this.status = details.status;
    this.code = details.code;
    this.$retryable = details.status !== undefined && RETRYABLE_STATUSES.has(details.status) ? {} : undefined;
  }
}

/** One line naming the proxy as `scheme://host:port` and the variable it came from; never a password. */
export function explainProxyFailure(failure: ProxyFailure): WithsecretsError {
  const proxy = `the proxy ${failure.proxy.shown} (${failure.proxy.variable})`;
  const options = { cause: failure };
  const bypass = `add the host to NO_PROXY if it is reachable without the proxy`;
  switch (failure.kind) {
    case 'unreachable':
      return new WithsecretsError('PROXY', `cannot reach ${proxy} (${failure.code ?? 'connection failed'})`, {
        ...options,
        hint: `check ${failure.proxy.variable} and that the proxy is running, or ${bypass}`,
      });
    case 'timeout':
      return new WithsecretsError(
        'PROXY',
        `${proxy} did not answer the request for a tunnel to ${failure.target} in time`,
        {
          ...options,
          hint: `check ${failure.proxy.variable} and the network path to the proxy, or ${bypass}`,
        },
      );
    case 'refused':
      if (failure.status === 407) {
        return new WithsecretsError(
          'PROXY',
          `proxy authentication failed at ${proxy} for a tunnel to ${failure.target} (HTTP 407)`,
          {
            ...options,
            hint: `put the proxy's user name and password in ${failure.proxy.variable} as http://USER:PASSWORD@HOST:PORT (percent-encoded); withsecrets sends them with Basic authentication`,
          },
        );
      }
      return new WithsecretsError(
        'PROXY',
        `${proxy} refused a tunnel to ${failure.target} (HTTP ${failure.status ?? 'error'})`,
        {
          ...options,
          hint: `the proxy must allow CONNECT to ${failure.target}: ask its administrators, or ${bypass}`,
        },
      );
  }
}
