// Merges variables into the child's environment, lowest precedence first: the inherited environment
// (references resolved in place), then each --secret in order.
import type { InjectedVariable } from './variables.ts';

/**
 * The child's environment: inherited variables (undefined ones dropped), references replaced in place,
 * then each injected variable in order, a later one winning. With `override: false` an inherited
 * variable is kept and the injected one is reported in `kept`. `applied` is what the child gets from secrets.
 */
export function buildChildEnvironment(
  inherited: Readonly<Record<string, string | undefined>>,
  references: readonly InjectedVariable[],
  injected: readonly InjectedVariable[],
  options: { readonly override: boolean },
): { env: Record<string, string>; applied: InjectedVariable[]; kept: InjectedVariable[] } {
  // A Map, then Object.fromEntries: a variable named __proto__ stays an ordinary own property.
  const env = new Map<string, string>();
  for (const [name, value] of Object.entries(inherited)) if (value !== undefined) env.set(name, value);
  const applied = new Map<string, InjectedVariable>();
  const apply = (variable: InjectedVariable) => {
    env.set(variable.name, variable.value);
    applied.delete(variable.name);
    applied.set(variable.name, variable);
  };
  // Read from the map, not `inherited`: process.env answers `constructor` from its prototype.
  const inheritedNames = new Set(env.keys());
  for (const reference of references) apply(reference);
  const kept: InjectedVariable[] = [];
  for (const variable of injected) {
    if (!options.override && inheritedNames.has(variable.name)) kept.push(variable);
    else apply(variable);
  }
  return { env: Object.fromEntries(env), applied: [...applied.values()], kept };
}
