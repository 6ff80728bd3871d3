// Reads WITHSECRETS_<OPTION> variables, so an image or a CI job can set any option without touching argv.
import { WithsecretsError } from '../errors.ts';
import { OPTIONS, type OptionName, optionSpellings, type RawValue } from './options.ts';
import { closestName } from './suggest.ts';

/** Reads WITHSECRETS_<OPTION> (and WITHSECRETS_NO_<OPTION> for booleans); empty means unset. */
export function valueFromEnvironment(
  name: OptionName,
  env: Readonly<Record<string, string | undefined>>,
): RawValue {
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

/** WITHSECRETS_ variables that are no option: bin/withsecrets.js's carriers (removed before a run) and the debug switch. */
const OTHER_VARIABLES = [
  'WITHSECRETS_DEBUG',
  'WITHSECRETS_CARRIED_NODE_OPTIONS',
  'WITHSECRETS_CARRIED_COREDUMP_FILTER',
];

/** Every WITHSECRETS_ variable withsecrets reads. */
function knownVariables(): string[] {
  return [
    ...OTHER_VARIABLES,
    ...optionSpellings().map((name) => `WITHSECRETS_${name.toUpperCase().replaceAll('-', '_')}`),
  ];
}

/**
 * One warning per WITHSECRETS_ variable that withsecrets does not read (a typo would otherwise be ignored in
 * silence), naming the closest one it does read. Names only: the value is never quoted.
 */
export function unknownVariableWarnings(env: Readonly<Record<string, string | undefined>>): string[] {
  const ours = Object.keys(env).filter((name) => name.startsWith('WITHSECRETS_'));
  // Most runs set none: the list of known names is built only when there is one to check.
  if (ours.length === 0) return [];
  const known = knownVariables();
  return ours
    .filter((name) => !known.includes(name))
    .sort()
    .map((name) => {
      const closest = closestName(name, known);
      return `${name} is not a setting of withsecrets and is ignored${closest === undefined ? '' : ` (did you mean ${closest}?)`}`;
    });
}
