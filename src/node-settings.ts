// Refuses Node settings meant for a Node command that would also act on withsecrets, which holds the secrets.
import { WithsecretsError } from './errors.ts';

/**
 * Options that would open a debugger into withsecrets, write its memory (secrets included) to files, or
 * abort it past its own error handling (a core dump, the child left behind).
 */
const EXPOSING_OPTIONS = new Set([
  '--inspect',
  '--inspect-brk',
  '--inspect-wait',
  '--heapsnapshot-signal',
  '--heapsnapshot-near-heap-limit',
  '--heap-prof',
  '--cpu-prof',
  '--prof',
  '--abort-on-uncaught-exception',
]);

/**
 * Node reads NODE_OPTIONS and NODE_DEBUG when it starts, so a setting exported for the command applies to
 * withsecrets too: `NODE_DEBUG=child_process` would print the child's environment, `--inspect` would open
 * an unauthenticated debugger, `--heapsnapshot-signal` would dump the heap on a relayed signal.
 */
export function refuseExposingNodeSettings(
  env: Readonly<Record<string, string | undefined>>,
  execArgv: readonly string[],
): void {
  for (const [source, options] of [
    ['NODE_OPTIONS', optionNames(env.NODE_OPTIONS ?? '')],
    ["node's command line", execArgv.map(normaliseOption)],
  ] as const) {
    const option = options.find((name) => EXPOSING_OPTIONS.has(name));
    if (option !== undefined) {
      throw new WithsecretsError(
        'USAGE',
        `${source} holds ${option}, which would also act on withsecrets and expose the secrets it holds`,
        { hint: `give it to the command only: withsecrets ... -- env NODE_OPTIONS=${option} COMMAND` },
      );
    }
  }
  const sections = (env.NODE_DEBUG ?? '').split(',').map((section) => section.trim().toLowerCase());
  if (sections.some((section) => section !== '' && globMatches(section, 'child_process'))) {
    throw new WithsecretsError(
      'USAGE',
      'NODE_DEBUG names child_process, which would print the secrets withsecrets passes to the command',
      {
        hint: 'give it to the command only: withsecrets ... -- env NODE_DEBUG=child_process COMMAND',
      },
    );
  }
}

/** The option names in NODE_OPTIONS, as Node reads them: space-separated, possibly double-quoted. */
function optionNames(text: string): string[] {
  return (text.match(/"(?:[^"\\]|\\.)*"|\S+/g) ?? []).map((token) =>
    normaliseOption(token.replace(/^"|"$/g, '')),
  );
}

/** `--inspect_brk=0` -> `--inspect-brk`: Node accepts `_` for `-` in option names. */
function normaliseOption(token: string): string {
  const name = token.split('=')[0] ?? '';
  return name.startsWith('--') ? `--${name.slice(2).replaceAll('_', '-')}` : name;
}

/** NODE_DEBUG sections may hold `*` wildcards, as Node reads them. */
function globMatches(pattern: string, name: string): boolean {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*');
  return new RegExp(`^${escaped}$`).test(name);
}
