// Refuses Node settings meant for a Node command that would also act on withsecrets, which holds the secrets.
import { WithsecretsError } from '../errors.ts';

/**
 * Options on node's own command line that would open a debugger into withsecrets, write its memory (secrets
 * included) or its environment (the AWS keys: a diagnostic report lists every variable) to files, or abort it
 * past its own error handling (a core dump, the child left behind).
 */
export const EXPOSING_OPTIONS: ReadonlySet<string> = new Set([
  '--inspect',
  '--inspect-brk',
  '--inspect-wait',
  '--heapsnapshot-signal',
  '--heapsnapshot-near-heap-limit',
  '--heap-prof',
  '--cpu-prof',
  '--prof',
  '--abort-on-uncaught-exception',
  '--report-on-signal',
  '--report-uncaught-exception',
  '--report-on-fatalerror',
]);

/** bin/withsecrets.js HARMLESS_NODE_OPTIONS and its grammar, kept equal by test/unit/cli/node-settings.test.ts. */
export const HARMLESS_NODE_OPTIONS: ReadonlySet<string> = new Set([
  '--no-warnings',
  '--no-deprecation',
  '--enable-source-maps',
  '--use-openssl-ca',
  '--use-bundled-ca',
  '--dns-result-order',
  '--max-http-header-size',
  '--tls-min-v1.0',
  '--tls-min-v1.1',
  '--tls-min-v1.2',
  '--tls-min-v1.3',
  '--tls-max-v1.2',
  '--tls-max-v1.3',
]);
const PLAIN_TOKEN = /^--[a-z0-9][a-z0-9.-]*(?:=[a-z0-9.-]+)?$/;

/** Whether NODE_OPTIONS holds only allowlisted options, each a plain token (no quote, backslash or `_`). */
export function nodeOptionsAreHarmless(value: string | undefined): boolean {
  if (value === undefined) return true;
  return value
    .split(/[ \t\n]+/)
    .filter((token) => token !== '')
    .every((token) => PLAIN_TOKEN.test(token) && HARMLESS_NODE_OPTIONS.has(token.split('=')[0] ?? ''));
}

/** Set by bin/withsecrets.js: the NODE_OPTIONS Node read when this process started, before the command's is put back. */
function nodeOptionsReadAtStart(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const read = (globalThis as Record<symbol, unknown>)[Symbol.for('withsecrets.nodeOptionsRead')];
  return typeof read === 'string' ? read : env.NODE_OPTIONS;
}

/** The inspector's address when it is open in this process (however it was opened), else undefined. */
function openInspectorUrl(): string | undefined {
  return (require('node:inspector') as typeof import('node:inspector')).url();
}

/**
 * Node reads NODE_OPTIONS and NODE_DEBUG when it starts, so a setting exported for the command applies to
 * withsecrets too: `NODE_DEBUG=child_process` would print the child's environment, `--inspect` would open
 * an unauthenticated debugger, `-r` would run a preload inside withsecrets. bin/withsecrets.js runs withsecrets
 * again without any NODE_OPTIONS outside a short allowlist, so here it only ever sees harmless ones; run any
 * other way (or with the bin bypassed), withsecrets refuses. An open inspector is refused however it came.
 */
export function refuseExposingNodeSettings(
  env: Readonly<Record<string, string | undefined>>,
  execArgv: readonly string[],
  nodeOptionsRead: string | undefined = nodeOptionsReadAtStart(env),
  inspectorUrl: () => string | undefined = openInspectorUrl,
): void {
  if (!nodeOptionsAreHarmless(nodeOptionsRead)) {
    throw new WithsecretsError(
      'USAGE',
      'NODE_OPTIONS holds options outside those withsecrets runs with, which could expose the secrets it holds',
      {
        hint: 'start withsecrets through its bin, which runs it again without them and gives them to the command',
      },
    );
  }
  const option = execArgv.map(normaliseOption).find((name) => EXPOSING_OPTIONS.has(name));
  if (option !== undefined) {
    throw new WithsecretsError(
      'USAGE',
      `node's command line holds ${option}, which would also act on withsecrets and expose the secrets it holds`,
      { hint: `give it to the command only: withsecrets ... -- env NODE_OPTIONS=${option} COMMAND` },
    );
  }
  const url = inspectorUrl();
  if (url !== undefined) {
    throw new WithsecretsError(
      'USAGE',
      `Node's inspector is open in withsecrets (${url}), which would expose the secrets it holds`,
      { hint: 'start withsecrets without --inspect; give debugging options to the command only' },
    );
  }
  const sections = (env.NODE_DEBUG ?? '').split(',').map((section) => section.trim().toLowerCase());
  for (const [name, exposes] of EXPOSING_DEBUG_SECTIONS) {
    if (sections.some((section) => section !== '' && globMatches(section, name))) {
      throw new WithsecretsError('USAGE', `NODE_DEBUG names ${name}, which would print ${exposes}`, {
        hint: `give it to the command only: withsecrets ... -- env NODE_DEBUG=${name} COMMAND`,
      });
    }
  }
}

const CREDENTIALS = 'the AWS credentials withsecrets sends (the session token and request signatures)';
/**
 * NODE_DEBUG sections that print what withsecrets holds: child_process the command's environment; http and net
 * each connection's options, the request's headers among them (x-amz-security-token, Authorization), on both
 * routes (seen against the emulator, section by section). https, tls and http2 are refused as well: they debug
 * the connections to a real, https endpoint, which the http-only emulator cannot show.
 */
export const EXPOSING_DEBUG_SECTIONS: ReadonlyMap<string, string> = new Map([
  ['child_process', 'the secrets withsecrets passes to the command'],
  ['http', CREDENTIALS],
  ['https', CREDENTIALS],
  ['net', CREDENTIALS],
  ['tls', CREDENTIALS],
  ['http2', CREDENTIALS],
]);

/** `--inspect_brk=0` -> `--inspect-brk`: Node accepts `_` for `-` in option names. */
function normaliseOption(token: string): string {
  const name = token.replace(/["'\\]/g, '').split('=')[0] ?? '';
  return name.startsWith('--') ? `--${name.slice(2).replaceAll('_', '-')}` : name;
}

/** NODE_DEBUG sections may hold `*` wildcards, as Node reads them. */
function globMatches(pattern: string, name: string): boolean {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*');
  return new RegExp(`^${escaped}$`).test(name);
}
