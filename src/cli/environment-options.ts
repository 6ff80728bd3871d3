// Reads WITHSECRETS_<OPTION> variables, so an image or a CI job can set any option without touching argv.
import { WithsecretsError } from '../errors.ts';
import { OPTIONS, type OptionName, type RawValue } from './options.ts';

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
