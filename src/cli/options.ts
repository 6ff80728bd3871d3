// The options withsecrets takes, each with its type and help line: the one table the parsers and the help read.

export const USAGE = 'withsecrets [options] -- command [args...]';

/** Each option with its type; the WITHSECRETS_ variable name is derived from the key. */
export const OPTIONS = {
  secret: {
    alias: 's',
    type: 'string',
    array: true,
    nargs: 1,
    describe: 'secret to inject: [VAR=]ID[~STAGE|~id:VERSION][#KEY] or [VAR=]PREFIX* (repeatable)',
  },
  file: {
    type: 'string',
    array: true,
    nargs: 1,
    describe:
      'give VAR the path of a memory-backed file holding one value: VAR[.EXT]=ID[#KEY] or VAR[.EXT]=ssm://NAME[#KEY] (repeatable)',
  },
  'file-dir': {
    type: 'string',
    describe: 'where --file files go (default: XDG_RUNTIME_DIR, /dev/shm, /run/user/UID)',
  },
  'file-on-disk': {
    type: 'boolean',
    describe: 'accept a --file-dir that is not memory-backed (tmpfs, ramfs): the values then reach the disk',
  },
  stdin: {
    type: 'string',
    describe: "write one value, ID[#KEY] or ssm://NAME[#KEY], to the command's standard input through a pipe",
  },
  param: {
    type: 'string',
    array: true,
    nargs: 1,
    describe: 'SSM parameter to inject: [VAR=]NAME[:VERSION|:LABEL][#KEY] or [VAR=]/PATH/* (repeatable)',
  },
  prefix: { type: 'string', describe: 'put P in front of every variable a --secret or --param yields' },
  'name-case': { type: 'string', describe: 'case of derived names (default: upper)' },
  override: {
    type: 'boolean',
    describe: 'let secrets replace inherited variables (default: true; --no-override keeps them)',
  },
  'version-stage': { type: 'string', describe: 'version stage of every secret (default: AWSCURRENT)' },
  'version-id': { type: 'string', describe: 'version id of every secret' },
  region: { type: 'string', describe: 'AWS region (default: from the SDK chain, AWS_REGION or profile)' },
  'fallback-region': {
    type: 'string',
    array: true,
    nargs: 1,
    describe: 'region to fetch from when a region is out (network, timeout, 5xx, throttling; repeatable)',
  },
  profile: { type: 'string', describe: 'AWS shared-config profile' },
  'endpoint-url': {
    type: 'string',
    describe:
      'endpoint of Secrets Manager and Parameter Store (default: SDK chain, AWS_ENDPOINT_URL_SECRETS_MANAGER, AWS_ENDPOINT_URL_SSM)',
  },
  agent: {
    type: 'string',
    describe:
      'read secrets through the AWS Secrets Manager Agent or Lambda extension at URL (default: http://localhost:2773)',
  },
  timeout: {
    type: 'string',
    describe: 'give up a fetch that takes longer than DURATION, retries and regions included (default: 60s)',
  },
  'dry-run': {
    type: 'boolean',
    describe: 'fetch, then list the variables and their sources (never values); run nothing',
  },
  'resolve-env': {
    type: 'boolean',
    describe: 'resolve secretsmanager:// and ssm:// values of inherited variables (default: true)',
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

export type OptionName = keyof typeof OPTIONS;
export const OPTION_NAMES = Object.keys(OPTIONS) as OptionName[];
/** An option's value as a parser or the environment gives it, before it is checked. */
export type RawValue = string | number | boolean | string[] | undefined;

/** Every option name as it can be spelt, `no-NAME` for a boolean too: what an unknown flag or variable is held against. */
export function optionSpellings(): string[] {
  return OPTION_NAMES.flatMap((name) => (OPTIONS[name].type === 'boolean' ? [name, `no-${name}`] : [name]));
}

/** `dry-run` -> `dryRun`: the key yargs-parser sets for an option. */
export function camelCase(name: string): string {
  return name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}
