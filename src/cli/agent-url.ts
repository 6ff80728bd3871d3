// `--agent [URL]` and WITHSECRETS_AGENT: where the Secrets Manager Agent listens, and the options it leaves no room for.
import { WithsecretsError } from '../errors.ts';
import type { RawValue } from './options.ts';

/** Where the agent and the Lambda extension listen unless configured otherwise (their documented default). */
export const DEFAULT_AGENT_URL = 'http://localhost:2773';

const DEFAULT_WORDS = ['', 'true', '1', 'yes', 'on'];
const OFF_WORDS = ['false', '0', 'no', 'off'];

/**
 * The agent's URL (its origin, `http://HOST:PORT`), or undefined when the agent is not used. `--agent` alone (an
 * empty value) and `true`, `1`, `yes`, `on` mean the default URL; `false`, `0`, `no`, `off` turn it off, so that
 * `--agent false` overrides WITHSECRETS_AGENT for one run.
 */
export function parseAgentUrl(raw: RawValue): string | undefined {
  if (raw === undefined) return undefined;
  const text = String(Array.isArray(raw) ? raw.at(-1) : raw).trim();
  if (OFF_WORDS.includes(text.toLowerCase())) return undefined;
  if (DEFAULT_WORDS.includes(text.toLowerCase())) return DEFAULT_AGENT_URL;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // Not quoted: text that is not a URL may still hold a password (http://user:pa ss@host).
    throw agentUsage(`--agent takes an http:// URL such as ${DEFAULT_AGENT_URL}; this value is not a URL`);
  }
  // The agent serves plain HTTP on a local address: https:// would never reach it.
  if (url.protocol !== 'http:') throw agentUsage(`--agent takes an http:// URL, not ${url.protocol}//`);
  // A user:password would be printed with the URL in every message that names the agent.
  if (url.username !== '' || url.password !== '')
    throw agentUsage('--agent takes a URL without a user or password');
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') {
    throw agentUsage(`--agent takes the agent's address only (http://HOST:PORT), not a path or a query`);
  }
  return url.origin;
}

/** The options that choose how withsecrets reaches Secrets Manager itself: none of them applies to the agent. */
export const NOT_WITH_AGENT = ['region', 'profile', 'endpoint-url', 'fallback-region'] as const;

/**
 * Refuses an option the agent would silently ignore: it calls Secrets Manager with its own region, credentials and
 * endpoint, and has no fallback region.
 */
export function refuseAwsOptionsWithAgent(given: (typeof NOT_WITH_AGENT)[number][]): void {
  const [first] = given;
  if (first === undefined) return;
  throw new WithsecretsError(
    'USAGE',
    `--${first} cannot be used with --agent: the agent calls Secrets Manager with its own region, credentials and endpoint`,
    { hint: `drop --${first} (or WITHSECRETS_${first.toUpperCase().replaceAll('-', '_')}), or drop --agent` },
  );
}

function agentUsage(message: string): WithsecretsError {
  return new WithsecretsError('USAGE', message, {
    hint: `e.g. --agent ${DEFAULT_AGENT_URL}, or --agent alone for that default`,
  });
}
