// Parses withsecrets' own arguments with yargs-parser alone when it can, with yargs (and its messages) when it must.
import type yargsFactory from 'yargs/yargs';
import parseArguments from 'yargs-parser';
import { WithsecretsError } from '../errors.ts';
import { camelCase, OPTIONS, type OptionName, optionSpellings, USAGE } from './options.ts';
import { closestName } from './suggest.ts';

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

export function buildParser(args: string[]) {
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
    .epilogue(
      'Every option can also be set as WITHSECRETS_<OPTION> (e.g. WITHSECRETS_SECRET=a,b).\n' +
        'Shell completion: withsecrets completion bash|zsh|fish.',
    )
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
      (arg) =>
        arg === `--${unknown}` ||
        arg === `--no-${unknown}` ||
        arg === `-${unknown}` ||
        arg.startsWith(`--${unknown}=`),
    );
    if (flag !== undefined) {
      const typed = flag.split('=')[0] as string;
      const closest = typed.startsWith('--')
        ? closestName(
            typed,
            ['help', 'version', ...optionSpellings()].map((name) => `--${name}`),
          )
        : undefined;
      return new WithsecretsError(
        'USAGE',
        `unknown option ${typed}${closest === undefined ? '' : ` (did you mean ${closest}?)`}`,
        { hint: 'see withsecrets --help for the options' },
      );
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
