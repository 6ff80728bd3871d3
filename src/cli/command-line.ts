// Turns argv and WITHSECRETS_* variables into one typed invocation; no I/O, so it is tested as a pure function.
import { WithsecretsError } from '../errors.ts';
import { isValidVariableName } from '../names.ts';
import { NOT_WITH_AGENT, parseAgentUrl, refuseAwsOptionsWithAgent } from './agent-url.ts';
import { buildParser, fullParse, quickParse } from './argv.ts';
import { completionScript, SHELLS } from './completion.ts';
import { unknownVariableWarnings, valueFromEnvironment } from './environment-options.ts';
import type { OnChange } from './option-values.ts';
import { parseDuration, parseOnChange, parseSignalName } from './option-values.ts';
import { camelCase, type OptionName, type RawValue, USAGE } from './options.ts';

export type NameCase = 'upper' | 'keep';
/** What an AWS region's name looks like (us-east-1, us-gov-west-1, cn-north-1). */
const REGION_NAME = /^[a-z]{2}(?:-[a-z]+)+-[0-9]+$/;
export type MaskMode = 'auto' | 'always' | 'never';

export interface Invocation {
  readonly secrets: readonly string[];
  /** --file VAR[.EXT]=REF, as given: each value goes to a memory-backed file whose path VAR holds. */
  readonly files: readonly string[];
  /** --file-dir: where the files go; undefined tries XDG_RUNTIME_DIR, /dev/shm, /run/user/UID. */
  readonly fileDir?: string;
  /** --file-on-disk: the user accepts a --file-dir that is not memory-backed. */
  readonly fileOnDisk: boolean;
  /** --stdin REF, as given: the one value written to the command's standard input. */
  readonly stdin?: string;
  /** --param: Parameter Store references, as given. */
  readonly params: readonly string[];
  readonly prefix?: string;
  readonly nameCase: NameCase;
  readonly override: boolean;
  readonly versionStage?: string;
  readonly versionId?: string;
  readonly region?: string;
  /** --fallback-region, in order: asked for what a region that is out could not serve. */
  readonly fallbackRegions: readonly string[];
  readonly profile?: string;
  readonly endpointUrl?: string;
  /** --agent: the Secrets Manager Agent's URL; secrets are then read through it, never from Secrets Manager. */
  readonly agentUrl?: string;
  readonly dryRun: boolean;
  readonly resolveEnv: boolean;
  readonly resolveArns: boolean;
  readonly mask: MaskMode;
  readonly maskMinLength: number;
  readonly maskExclude: readonly string[];
  /** The most one fetch (the first, or a --watch round) may take, retries and fallback regions included. */
  readonly fetchTimeoutMs: number;
  /** Re-fetch interval in ms; undefined when not watching. */
  readonly watchMs?: number;
  readonly onChange: OnChange;
  readonly stopSignal: NodeJS.Signals;
  readonly graceMs: number;
  readonly command: readonly string[];
}

export type ParsedCommandLine =
  | {
      readonly kind: 'run';
      readonly invocation: Invocation;
      /** Lines for stderr, names only: WITHSECRETS_ variables that are no setting (a typo, most likely). */
      readonly warnings: readonly string[];
    }
  | { readonly kind: 'help'; readonly text: string }
  | { readonly kind: 'completion'; readonly script: string }
  | { readonly kind: 'version' };

/** Parses argv (without node and script) and the environment's WITHSECRETS_* variables. */
export async function parseCommandLine(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Promise<ParsedCommandLine> {
  const dashDash = argv.indexOf('--');
  const ownArgs = dashDash === -1 ? [...argv] : argv.slice(0, dashDash);
  const command = dashDash === -1 ? [] : argv.slice(dashDash + 1);

  // `withsecrets completion SHELL` has no `--`: no command runs, so it cannot be mistaken for one.
  if (ownArgs[0] === 'completion' && dashDash === -1) {
    if (ownArgs.length !== 2) {
      throw new WithsecretsError('USAGE', `completion takes one shell: ${SHELLS.join(', ')}`, {
        hint: 'e.g. source <(withsecrets completion bash)',
      });
    }
    return { kind: 'completion', script: completionScript(ownArgs[1] as string) };
  }
  if (ownArgs.includes('--help') || ownArgs.includes('-h'))
    return { kind: 'help', text: await buildParser(ownArgs).getHelp() };
  if (ownArgs.includes('--version')) return { kind: 'version' };

  // yargs' own parser decides a well-formed command line; anything else gets yargs' strict checks and messages.
  const parsed = quickParse(ownArgs) ?? fullParse(ownArgs);
  const stray = parsed._.map(String);
  if (stray.length > 0 || dashDash === -1 || command.length === 0) {
    const got = stray.length > 0 ? `unexpected "${stray[0]}" before "--"` : 'no command given';
    throw new WithsecretsError('USAGE', `${got}; the form is: ${USAGE}`, {
      hint: 'put "--" between the options and the command, e.g. withsecrets -s prod/db -- ./deploy.sh',
    });
  }

  const value = (name: OptionName): RawValue => {
    const fromArgv = parsed[camelCase(name)] as RawValue;
    return fromArgv !== undefined ? fromArgv : valueFromEnvironment(name, env);
  };
  return { kind: 'run', invocation: toInvocation(value, command), warnings: unknownVariableWarnings(env) };
}

function toInvocation(value: (name: OptionName) => RawValue, command: readonly string[]): Invocation {
  const versionStage = asString(value('version-stage'));
  const versionId = asString(value('version-id'));
  if (versionStage !== undefined && versionId !== undefined) {
    throw new WithsecretsError('USAGE', '--version-stage and --version-id cannot be used together', {
      hint: 'keep only one of them',
    });
  }
  const nameCase = asString(value('name-case')) ?? 'upper';
  if (nameCase !== 'upper' && nameCase !== 'keep') {
    throw new WithsecretsError('USAGE', `--name-case must be upper or keep, not "${nameCase}"`, {
      hint: 'use --name-case upper or --name-case keep',
    });
  }
  const prefix = asString(value('prefix'));
  if (prefix !== undefined && prefix !== '' && !isValidVariableName(prefix)) {
    throw new WithsecretsError('USAGE', `--prefix ${JSON.stringify(prefix)} cannot start a variable name`, {
      hint: 'use letters, digits and _, not starting with a digit, e.g. --prefix APP_',
    });
  }
  const fallbackRegions = asList(value('fallback-region'));
  const badRegion = fallbackRegions.find((region) => !REGION_NAME.test(region));
  if (badRegion !== undefined) {
    throw new WithsecretsError('USAGE', `--fallback-region "${badRegion}" is not an AWS region name`, {
      hint: 'give a region that holds replicas of the secrets, e.g. --fallback-region eu-west-1',
    });
  }
  const agentUrl = parseAgentUrl(value('agent'));
  if (agentUrl !== undefined) {
    refuseAwsOptionsWithAgent(NOT_WITH_AGENT.filter((name) => asList(value(name)).length > 0));
  }
  const watch = asString(value('watch'));
  const stdin = asList(value('stdin'));
  if (stdin.length > 1) {
    throw new WithsecretsError(
      'USAGE',
      `--stdin was given ${stdin.length} times; a command has one standard input`,
      {
        hint: 'keep one --stdin, and give the other values with --file or --secret',
      },
    );
  }
  const fileDir = asString(value('file-dir'));
  const fileOnDisk = asBoolean(value('file-on-disk')) ?? false;
  if (fileOnDisk && fileDir === undefined) {
    throw new WithsecretsError('USAGE', '--file-on-disk applies only to a --file-dir', {
      hint: 'name the directory that may be on disk, e.g. --file-dir /var/run/app --file-on-disk',
    });
  }
  const maskFlag = value('mask');
  const invocation: Invocation = {
    secrets: asList(value('secret')),
    files: asList(value('file')),
    fileOnDisk,
    params: asList(value('param')),
    fallbackRegions,
    nameCase,
    override: asBoolean(value('override')) ?? true,
    dryRun: asBoolean(value('dry-run')) ?? false,
    resolveEnv: asBoolean(value('resolve-env')) ?? true,
    resolveArns: asBoolean(value('resolve-arns')) ?? false,
    mask: maskFlag === undefined ? 'auto' : maskFlag === true ? 'always' : 'never',
    maskMinLength: parseMinLength(value('mask-min-length')),
    maskExclude: asList(value('mask-exclude')),
    onChange: parseOnChange(asString(value('on-change')) ?? 'restart'),
    stopSignal: parseSignalName(asString(value('stop-signal')) ?? 'SIGTERM', '--stop-signal'),
    graceMs: parseDuration(asString(value('grace')) ?? '10s', '--grace', 0),
    fetchTimeoutMs: parseDuration(asString(value('timeout')) ?? '60s', '--timeout', 1000),
    command,
    ...optional('prefix', prefix === '' ? undefined : prefix),
    ...optional('fileDir', fileDir === '' ? undefined : fileDir),
    ...optional('stdin', stdin[0]),
    ...optional('versionStage', versionStage),
    ...optional('versionId', versionId),
    ...optional('region', asString(value('region'))),
    ...optional('profile', asString(value('profile'))),
    ...optional('endpointUrl', asString(value('endpoint-url'))),
    ...optional('agentUrl', agentUrl),
    ...optional('watchMs', watch === undefined ? undefined : parseDuration(watch, '--watch', 1000)),
  };
  return invocation;
}

function parseMinLength(raw: RawValue): number {
  if (raw === undefined) return 4;
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 1) {
    throw new WithsecretsError('USAGE', '--mask-min-length must be a whole number >= 1', {
      hint: 'e.g. --mask-min-length 4',
    });
  }
  return raw;
}

function asString(raw: RawValue): string | undefined {
  if (Array.isArray(raw)) return raw.at(-1);
  return raw === undefined ? undefined : String(raw);
}

function asBoolean(raw: RawValue): boolean | undefined {
  return raw === undefined ? undefined : raw === true || raw === 'true';
}

function asList(raw: RawValue): string[] {
  if (raw === undefined) return [];
  return (Array.isArray(raw) ? raw : [String(raw)]).map(String);
}

/** Spreads `{ key: value }` only when value is set (exactOptionalPropertyTypes forbids explicit undefined). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
