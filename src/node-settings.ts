// Refuses Node settings meant for a Node command that would also act on withsecrets, which holds the secrets.
import { WithsecretsError } from './errors.ts';

/** Options that would open a debugger into withsecrets or write its memory (secrets included) to files. */
const EXPOSING_OPTIONS =
  /(?:^|\s)(--(?:inspect(?:-brk|-wait)?|heapsnapshot-signal|heapsnapshot-near-heap-limit|heap-prof|cpu-prof|prof))(?:[=\s]|$)/;

/**
 * Node reads NODE_OPTIONS and NODE_DEBUG when it starts, so a setting exported for the command applies to
 * withsecrets too: `NODE_DEBUG=child_process` would print the child's environment, `--inspect` would open
 * an unauthenticated debugger, `--heapsnapshot-signal` would dump the heap on a relayed signal.
 */
export function refuseExposingNodeSettings(
  env: Readonly<Record<string, string | undefined>>,
  execArgv: readonly string[],
): void {
  const option =
    EXPOSING_OPTIONS.exec(env.NODE_OPTIONS ?? '')?.[1] ?? EXPOSING_OPTIONS.exec(execArgv.join(' '))?.[1];
  if (option !== undefined) {
    throw new WithsecretsError(
      'USAGE',
      `NODE_OPTIONS holds ${option}, which would also act on withsecrets and expose the secrets it holds`,
      {
        hint: `give it to the command only: withsecrets ... -- env NODE_OPTIONS=${option} COMMAND`,
      },
    );
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

/** NODE_DEBUG sections may hold `*` wildcards, as Node reads them. */
function globMatches(pattern: string, name: string): boolean {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*');
  return new RegExp(`^${escaped}$`).test(name);
}
