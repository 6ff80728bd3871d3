// Joins fetched parameters back to the --param references that asked for them: one variable a parameter.

import { throwIfAny, toWithsecretsErrors, WithsecretsError } from '../errors.ts';
import { type FetchedSecret, type FetchResult, parameterKey, pathKey } from '../references/fetch-request.ts';
import { belowPath, lastLevel, type ParameterRef, parameterQueryName } from '../references/parameter-refs.ts';
import { type JsonObject, parseJsonObject } from './json.ts';
import { type InjectedVariable, type NamingOptions, variablesFromSecret } from './variables.ts';

/**
 * The string values inside a parameter whose value is a JSON object. Such a value is injected whole, and a child
 * that parses it may print one of its fields alone: each is masked too, as a JSON secret's keys are.
 */
export function jsonStringsOf(parameter: FetchedSecret): string[] {
  const object = parameter.secretString === undefined ? undefined : parseJsonObject(parameter.secretString);
  const leaves = (node: JsonObject): string[] =>
    [...node.entries.values()].flatMap((value) =>
      value.kind === 'object' ? leaves(value) : value.kind === 'string' ? [value.value] : [],
    );
  return object === undefined ? [] : leaves(object);
}

/**
 * The variables of every --param, in the order given; the fetched parameters each used go to `used`. Throws
 * every failure at once: fetch failures, naming and value errors, and two parameters of a path giving one name.
 */
export function variablesFromParameters(
  params: readonly ParameterRef[],
  fetched: FetchResult,
  naming: NamingOptions,
  used: Set<FetchedSecret>,
): InjectedVariable[] {
  const errors: WithsecretsError[] = [];
  const variables = params.flatMap((param) => {
    try {
      return param.path
        ? fromPath(param, fetched, naming, used)
        : fromOne(param, fetched, naming, used, errors);
    } catch (thrown) {
      errors.push(...toWithsecretsErrors(thrown));
      return [];
    }
  });
  throwIfAny(errors);
  return variables;
}

function fromOne(
  param: ParameterRef,
  fetched: FetchResult,
  naming: NamingOptions,
  used: Set<FetchedSecret>,
  errors: WithsecretsError[],
): InjectedVariable[] {
  const key = parameterKey(parameterQueryName(param));
  const failure = fetched.failures.get(key);
  if (failure !== undefined) errors.push(failure);
  const parameter = fetched.secrets.get(key);
  if (parameter === undefined) return [];
  used.add(parameter);
  return variablesFromSecret(
    parameter,
    {
      label: parameterQueryName(param),
      parameter: { nameFrom: lastLevel(param.name) },
      ...(param.alias === undefined ? {} : { alias: param.alias }),
      ...(param.key === undefined ? {} : { key: param.key }),
    },
    naming,
  );
}

/** A path's parameters in name order, each named from the part below the path; two giving one name are refused. */
function fromPath(
  param: ParameterRef,
  fetched: FetchResult,
  naming: NamingOptions,
  used: Set<FetchedSecret>,
): InjectedVariable[] {
  const errors: WithsecretsError[] = [];
  const nameOf = new Map<string, string>();
  const variables: InjectedVariable[] = [];
  for (const parameter of fetched.matches.get(pathKey(param.name)) ?? []) {
    used.add(parameter);
    const selection = {
      label: `${param.name}/* (${parameter.name})`,
      wildcard: true,
      parameter: { nameFrom: belowPath(param.name, parameter.name) },
      ...(param.alias === undefined ? {} : { alias: param.alias }),
    };
    for (const variable of variablesFromSecret(parameter, selection, naming)) {
      const earlier = nameOf.get(variable.name);
      if (earlier === undefined) {
        nameOf.set(variable.name, parameter.name);
        variables.push(variable);
        continue;
      }
      const message = `parameters "${earlier}" and "${parameter.name}" under ${param.name}/* both give the variable ${variable.name}`;
      errors.push(
        new WithsecretsError('INVALID_NAME', message, {
          hint: 'name one of them with its own --param VAR=NAME, or rename a parameter',
        }),
      );
    }
  }
  throwIfAny(errors);
  return variables;
}
