// Turns argv and WITHSECRETS_* variables into one typed invocation; no I/O, so it is tested as a pure function.
import type yargsFactory from 'yargs/yargs';
import parseArguments from 'yargs-parser';
import { WithsecretsError } from '../errors.ts';
import { isValidVariableName } from '../names.ts';
import type { OnChange } from './option-values.ts';
import { parseDuration, parseOnChange, parseSignalName } from './option-values.ts';

export type NameCase = 'upper' | 'keep';
export type MaskMode = 'auto' | 'always' | 'never';

export interface Invocation {
  readonly secrets: readonly string[];
  readonly prefix?: string;
  readonly nameCase: NameCase;
  readonly override: boolean;
  readonly versionStage?: string;
  readonly versionId?: string;
  readonly region?: string;
  readonly profile?: string;
  readonly endpointUrl?: string;
  readonly dryRun: boolean;
  readonly resolveEnv: boolean;
  readonly resolveArns: boolean;
  readonly mask: MaskMode;
  readonly maskMinLength: number;
  readonly maskExclude: readonly string[];
  /** Re-fetch interval in ms; undefined when not watching. */
  readonly watchMs?: number;
  readonly onChange: OnChange;
  readonly stopSignal: NodeJS.Signals;
  readonly graceMs: number;
  readonly command: readonly string[];
}

export type ParsedCommandLine =
  | { readonly kind: 'run'; readonly invocation: Invocation }
  | { readonly kind: 'help'; readonly text: string }
  | { readonly kind: 'version' };

const USAGE = 'withsecrets [options] -- command [args...]';

/** Each option with its type; the WITHSECRETS_ variable name is derived from the key. */
const OPTIONS = {
  secret: {
    alias: 's',
    type: 'string',
    array: true,
    nargs: 1,
    describe: 'secret to inject: [VAR=]ID[#KEY] or [VAR=]PREFIX* (repeatable)',
  },
  prefix: { type: 'string', describe: 'put P in front of every variable a --secret yields' },
  'name-case': { type: 'string', describe: 'case of derived names (default: upper)' },
  override: {
    type: 'boolean',
    describe: 'let secrets replace inherited variables (default: true; --no-override keeps them)',
  },
  'version-stage': { type: 'string', describe: 'version stage of every secret (default: AWSCURRENT)' },
  'version-id': { type: 'string', describe: 'version id of every secret' },
  region: { type: 'string', describe: 'AWS region (default: from the SDK chain, AWS_REGION or profile)' },
  profile: { type: 'string', describe: 'AWS shared-config profile' },
  'endpoint-url': {
    type: 'string',
    describe: 'Secrets Manager endpoint (default: SDK chain, AWS_ENDPOINT_URL_SECRETS_MANAGER)',
  },
  'dry-run': {
    type: 'boolean',
    describe: 'fetch, then list the variables and their sources (never values); run nothing',
  },
  'resolve-env': {
    type: 'boolean',
    describe: 'resolve secretsmanager:// values of inherited variables (default: true)',
  },
  'resolve-arns': { type: 'boolean', describe: 'also resolve inherited values in ECS valueFrom ARN syntax' },
  mask: {
    type: 'boolean',
    describe: 'mask secrets in output, terminals too (default: pipes and files only; --no-mask: off)',
  },
  'mask-min-length': { type: 'number', describe: 'mask only values at least this long (default: 4)' },
  'mask-exclude': {
    type: 'string',
    array: true,
    nargs: 1,
    describe: 'never mask the value of this variable (repeatable)',
  },
  watch: { type: 'string', describe: 're-fetch every DURATION (>= 1s: 30s, 5m, 1h) and act on changes' },
  'on-change': { type: 'string', describe: 'restart (default), exit, or signal:NAME' },
  'stop-signal': { type: 'string', describe: 'signal that stops the child on restart (default: SIGTERM)' },
  grace: { type: 'string', describe: 'how long to wait after --stop-signal before SIGKILL (default: 10s)' },
} as const;

type OptionName = keyof typeof OPTIONS;
export const OPTION_NAMES = Object.keys(OPTIONS) as OptionName[];
type RawValue = string | number | boolean | string[] | undefined;

/** Parses argv (without node and script) and the environment's WITHSECRETS_* variables. */
export async function parseCommandLine(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Promise<ParsedCommandLine> {
  const dashDash = argv.indexOf('--');
  const ownArgs = dashDash === -1 ? [...argv] : argv.slice(0, dashDash);
  const command = dashDash === -1 ? [] : argv.slice(dashDash + 1);

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
  return { kind: 'run', invocation: toInvocation(value, command) };
}

/**
 * The options as yargs hands them to yargs-parser, the parser inside yargs: the same configuration gives the same
 * values (test/unit/cli/command-line.test.ts compares the two on a corpus of command lines).
 */
const OPTION_SPECS = Object.entries(OPTIONS) as [
  OptionName,
  { type: string; alias?: string; array?: boolean; nargs?: number },
][];
const namesOf = (wanted: (spec: (typeof OPTION_SPECS)[number][1]) => boolean): string[] =>
  OPTION_SPECS.filter(([, spec]) => wanted(spec)).map(([name]) => name);

const PARSER_OPTIONS = {
  // Every option is a key: that makes `--dryRun` the boolean `--dry-run`, as it is for yargs.
  key: Object.fromEntries(OPTION_SPECS.map(([name]) => [name, true])),
  alias: Object.fromEntries(
    OPTION_SPECS.flatMap(([name, spec]) => (spec.alias ? [[name, [spec.alias]]] : [])),
  ),
  array: namesOf((spec) => spec.array === true),
  narg: Object.fromEntries(OPTION_SPECS.flatMap(([name, spec]) => (spec.nargs ? [[name, spec.nargs]] : []))),
  boolean: namesOf((spec) => spec.type === 'boolean'),
  number: namesOf((spec) => spec.type === 'number'),
  string: namesOf((spec) => spec.type === 'string'),
  configuration: {
    'parse-positional-numbers': false,
    'boolean-negation': true,
    'camel-case-expansion': true,
    'dot-notation': false,
  },
};

/** Every key yargs-parser may set for our options: names, their camelCase forms and aliases. */
const KNOWN_KEYS = new Set([
  '_',
  ...OPTION_SPECS.flatMap(([name, spec]) => [name, camelCase(name), ...(spec.alias ? [spec.alias] : [])]),
]);

export type ParsedArguments = { readonly _: readonly (string | number)[] } & Readonly<
  Record<string, unknown>
>;

/**
 * The arguments parsed by yargs-parser alone, without building yargs (most of the parsing time at start-up);
 * undefined for anything yargs' strict mode would refuse, which fullParse then reports in its words.
 */
export function quickParse(args: readonly string[]): ParsedArguments | undefined {
  const result = parseArguments.detailed([...args], PARSER_OPTIONS);
  if (result.error !== null) return undefined;
  for (const key of Object.keys(result.argv)) if (!KNOWN_KEYS.has(key)) return undefined;
  return result.argv;
}

/** The arguments parsed by yargs with its strict checks: usage errors come from here. */
export function fullParse(args: readonly string[]): ParsedArguments {
  return buildParser([...args]).parseSync();
}

function buildParser(args: string[]) {
  // Loaded only for --help and for command lines quickParse declines: building yargs costs milliseconds.
  const yargs = require('yargs/yargs') as typeof yargsFactory;
  return yargs(args)
    .scriptName('withsecrets')
    .usage(
      `${USAGE}\n\nFetch AWS Secrets Manager secrets into memory and run a command with them in its environment.`,
    )
    .options(OPTIONS)
    .example(
      'withsecrets --secret npm-publish -- npm publish',
      'inject the secret npm-publish as NPM_PUBLISH',
    )
    .example(
      'withsecrets -s prod/db -s NPM_TOKEN=ci/npm#token -- ./deploy.sh',
      'JSON keys as variables, and one key as NPM_TOKEN',
    )
    .example('withsecrets -s "app/prod/*" -- ./server', 'every secret whose name starts with app/prod/')
    .epilogue('Every option can also be set as WITHSECRETS_<OPTION> (e.g. WITHSECRETS_SECRET=a,b).')
    .wrap(110)
    .help(false)
    .version(false)
    .strict()
    .parserConfiguration({ 'boolean-negation': true, 'camel-case-expansion': true, 'dot-notation': false })
    .exitProcess(false)
    .fail((message) => {
      throw usageErrorFrom(message, args);
    });
}

/** Rewords yargs' messages so that each names the flag or word and says what to do. */
function usageErrorFrom(message: string, args: readonly string[]): WithsecretsError {
  const unknown = /^Unknown arguments?: (.*)$/.exec(message.trim())?.[1]?.split(', ')[0];
  if (unknown !== undefined) {
    const flag = args.find(
      (arg) => arg === `--${unknown}` || arg === `-${unknown}` || arg.startsWith(`--${unknown}=`),
    );
    if (flag !== undefined) {
      return new WithsecretsError('USAGE', `unknown option ${flag.split('=')[0]}`, {
        hint: 'see withsecrets --help for the options',
      });
    }
    return new WithsecretsError('USAGE', `unexpected "${unknown}" before "--"; the form is: ${USAGE}`, {
      hint: 'put "--" between the options and the command, e.g. withsecrets -s prod/db -- ./deploy.sh',
    });
  }
  const missing = /^Not enough arguments following: (.*)$/.exec(message.trim())?.[1];
  if (missing !== undefined) {
    return new WithsecretsError('USAGE', `${missing.length === 1 ? '-' : '--'}${missing} needs a value`, {
      hint: 'see withsecrets --help',
    });
  }
  return new WithsecretsError('USAGE', message.replace(/\s+/g, ' ').trim(), {
    hint: 'see withsecrets --help',
  });
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
  const watch = asString(value('watch'));
  const maskFlag = value('mask');
  const invocation: Invocation = {
    secrets: asList(value('secret')),
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
    command,
    ...optional('prefix', prefix === '' ? undefined : prefix),
    ...optional('versionStage', versionStage),
    ...optional('versionId', versionId),
    ...optional('region', asString(value('region'))),
    ...optional('profile', asString(value('profile'))),
    ...optional('endpointUrl', asString(value('endpoint-url'))),
    ...optional('watchMs', watch === undefined ? undefined : parseDuration(watch, '--watch', 1000)),
  };
  return invocation;
}

/** Reads WITHSECRETS_<OPTION> (and WITHSECRETS_NO_<OPTION> for booleans); empty means unset. */
function valueFromEnvironment(name: OptionName, env: Readonly<Record<string, string | undefined>>): RawValue {
  const variable = `WITHSECRETS_${name.toUpperCase().replaceAll('-', '_')}`;
  const spec: { type: string; array?: boolean } = OPTIONS[name];
  const text = env[variable];
  if (spec.type === 'boolean') {
    const negatedName = `WITHSECRETS_NO_${variable.slice('WITHSECRETS_'.length)}`;
    const negated = env[negatedName];
    if (text !== undefined && text !== '') return parseBooleanText(text, variable);
    if (negated !== undefined && negated !== '') return !parseBooleanText(negated, negatedName);
    return undefined;
  }
  if (text === undefined || text.trim() === '') return undefined;
  if (spec.array === true)
    return text
      .split(/[,\n]/)
      .map((item) => item.trim())
      .filter((item) => item !== '');
  if (spec.type === 'number') return parseNumberText(text, variable);
  return text.trim();
}

function parseBooleanText(text: string, variable: string): boolean {
  const normal = text.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(normal)) return true;
  if (['0', 'false', 'no', 'off'].includes(normal)) return false;
  throw new WithsecretsError('USAGE', `${variable} must be true or false, not "${text}"`, {
    hint: `set ${variable}=true or ${variable}=false`,
  });
}

function parseNumberText(text: string, variable: string): number {
  const number = Number(text.trim());
  if (!Number.isFinite(number)) {
    throw new WithsecretsError('USAGE', `${variable} must be a number, not "${text}"`, {
      hint: `e.g. ${variable}=4`,
    });
  }
  return number;
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

function camelCase(name: string): string {
  return name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

/** Spreads `{ key: value }` only when value is set (exactOptionalPropertyTypes forbids explicit undefined). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
