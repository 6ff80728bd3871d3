// How a run gets its rounds: the fetcher, one fetch turned into the child's environment, --watch's later rounds.
import { resolveAgentToken } from './aws/agent-token.ts';
import type { SecretsFetcher } from './aws/fetch.ts';
import type { Invocation } from './cli/command-line.ts';
import { buildChildEnvironment } from './environment/merge.ts';
import { resolveVariables } from './environment/resolve.ts';
import type { Round } from './environment/round.ts';
import type { InjectedVariable } from './environment/variables.ts';
import { planFetch, type Selection } from './references/select.ts';
import type { Reporter } from './report.ts';

type Environment = Readonly<Record<string, string | undefined>>;

export async function createFetcher(
  invocation: Invocation,
  env: Environment,
  reporter: Reporter,
): Promise<SecretsFetcher> {
  // Loaded only when a run needs AWS: the SDK is most of withsecrets' start-up time.
  const { SecretsFetcher } = await import('./aws/fetch.ts');
  // The agent's token is looked for first, so that a run without one fails before any request.
  const agentUrl = invocation.agentUrl;
  const agent = agentUrl === undefined ? undefined : { url: agentUrl, token: resolveAgentToken(env) };
  return new SecretsFetcher(
    {
      env,
      ...(agent === undefined ? {} : { agent }),
      fallbackRegions: invocation.fallbackRegions,
      ...(invocation.region === undefined ? {} : { region: invocation.region }),
      ...(invocation.profile === undefined ? {} : { profile: invocation.profile }),
      ...(invocation.endpointUrl === undefined ? {} : { endpointUrl: invocation.endpointUrl }),
    },
    (line) => reporter.notice(line),
  );
}

/** One fetch of everything selected, turned into the child's environment. */
export async function fetchRound(
  selection: Selection,
  invocation: Invocation,
  env: Environment,
  fetcher: SecretsFetcher | undefined,
  abort: AbortSignal,
  filePath: (fileName: string) => string,
): Promise<Round> {
  const fetched =
    fetcher === undefined
      ? { secrets: new Map(), matches: new Map(), failures: new Map(), errors: [] }
      : await fetcher.fetch(planFetch(selection), abort);
  const resolved = resolveVariables(selection, fetched);
  // A --file variable holds its file's path; it takes the place of a --secret of that name, after them all.
  const fileVariables = resolved.files.map(
    (file): InjectedVariable => ({
      name: file.variable,
      value: filePath(file.fileName),
      secret: false,
      source: `file of ${file.source}`,
    }),
  );
  const built = buildChildEnvironment(env, resolved.references, [...resolved.injected, ...fileVariables], {
    override: invocation.override,
  });
  return { env: built.env, resolved, applied: built.applied, kept: built.kept, fetched };
}

/**
 * --watch's rounds: each asks `changed` first (DescribeSecret, src/aws/version-check.ts) and fetches values only
 * when a version moved; otherwise the last round stands. `last` is the last round that was fetched in full.
 */
export function watchRounds(
  first: Round,
  fetchAll: (abort: AbortSignal) => Promise<Round>,
  changed: (abort: AbortSignal, last: Round) => Promise<boolean>,
): (abort: AbortSignal) => Promise<Round> {
  let last = first;
  return async (abort) => {
    if (!(await changed(abort, last))) return last;
    last = await fetchAll(abort);
    return last;
  };
}
