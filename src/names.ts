// Turns JSON keys and secret names into environment variable names, so every derived name is one a shell accepts.

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const NAME_CHARACTER = /^[A-Za-z0-9_]$/;

/** True when `name` is a POSIX-portable variable name: `[A-Za-z_][A-Za-z0-9_]*`. */
export function isValidVariableName(name: string): boolean {
  return VARIABLE_NAME.test(name);
}

/**
 * Every character outside `[A-Za-z0-9_]` becomes `_`, a leading digit gets a `_` prefix, then the name
 * is upper-cased unless `nameCase` is 'keep'. Works per code point, so `é` or an emoji becomes one `_`,
 * not two. An empty input stays empty: the caller decides what that means.
 */
export function sanitiseName(derived: string, nameCase: 'upper' | 'keep'): string {
  let name = '';
  for (const character of derived) name += NAME_CHARACTER.test(character) ? character : '_';
  if (/^[0-9]/.test(name)) name = `_${name}`;
  // Only ASCII letters remain, so toUpperCase cannot turn one character into several.
  return nameCase === 'upper' ? name.toUpperCase() : name;
}
