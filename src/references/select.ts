// What a run selects to fetch: its --secret and --param references and those its environment holds, as one request.

import type { Invocation } from '../cli/command-line.ts';
import { throwIfAny, toWithsecretsErrors, WithsecretsError } from '../errors.ts';
import { type EnvReference, findEnvReferences } from './env-refs.ts';
import type { FetchRequest, SecretQuery } from './fetch-request.ts';
import { type ParameterRef, parameterQueryName, parseParameterRef } from './parameter-refs.ts';
import { parseSecretRef, type SecretRef } from './secret-refs.ts';

export interface Selection {
  readonly refs: readonly SecretRef[];
  /** --param references, in the order given. */
  readonly params: readonly ParameterRef[];
  readonly envReferences: readonly EnvReference[];
  readonly version: Omit<SecretQuery, 'id'>;
  /** How the variables of this selection are named (--name-case, --prefix). */
  readonly naming: Pick<Invocation, 'nameCase' | 'prefix'>;
}

/** What a run selects: its --secret references, parsed, and the references in its environment; every error at once. */
export function selectSecrets(
  invocation: Invocation,
  env: Readonly<Record<string, string | undefined>>,
): Selection {
  const errors: WithsecretsError[] = [];
  const refs: SecretRef[] = [];
  for (const text of invocation.secrets) {
    try {
      const ref = parseSecretRef(text);
      if (ref.wildcard && invocation.agentUrl !== undefined) errors.push(wildcardThroughAgent(text));
      else refs.push(ref);
    } catch (thrown) {
      errors.push(...toWithsecretsErrors(thrown));
    }
  }
  const params: ParameterRef[] = [];
  for (const text of invocation.params) {
    try {
      const param = parseParameterRef(text);
      if (invocation.agentUrl !== undefined) errors.push(parameterThroughAgent(`--param "${text}"`));
      else params.push(param);
    } catch (thrown) {
      errors.push(...toWithsecretsErrors(thrown));
    }
  }
  let envReferences: Selection['envReferences'] = [];
  try {
    envReferences = invocation.resolveEnv
      ? findEnvReferences(env, { resolveArns: invocation.resolveArns })
      : [];
  } catch (thrown) {
    errors.push(...toWithsecretsErrors(thrown));
  }
  if (invocation.agentUrl !== undefined) {
    for (const reference of envReferences.filter((each) => each.parameter)) {
      errors.push(parameterThroughAgent(`variable ${reference.variable} refers to a parameter, which`));
    }
  }
  throwIfAny(errors);
  return {
    refs,
    params,
    envReferences,
    version: {
      ...(invocation.versionStage === undefined ? {} : { versionStage: invocation.versionStage }),
      ...(invocation.versionId === undefined ? {} : { versionId: invocation.versionId }),
    },
    naming: {
      nameCase: invocation.nameCase,
      ...(invocation.prefix === undefined ? {} : { prefix: invocation.prefix }),
    },
  };
}

/** The agent serves one secret per request and cannot list: a wildcard has no way through it. */
function wildcardThroughAgent(text: string): WithsecretsError {
  return new WithsecretsError(
    'USAGE',
    `--secret "${text}" is a wildcard, which the Secrets Manager Agent cannot serve (it has no ListSecrets)`,
    { hint: 'name each secret with its own --secret, or run without --agent' },
  );
}

/** The Secrets Manager Agent serves Secrets Manager alone. */
function parameterThroughAgent(what: string): WithsecretsError {
  const message = `${what} cannot be read through the Secrets Manager Agent (it serves Secrets Manager only)`;
  return new WithsecretsError('USAGE', message, {
    hint: 'run without --agent to read Parameter Store, or read the secret with --secret',
  });
}

export function needsAws(selection: Selection): boolean {
  return selection.refs.length > 0 || selection.params.length > 0 || selection.envReferences.length > 0;
}

export function planFetch(selection: Selection): FetchRequest {
  const queries = [
    ...selection.refs.filter((ref) => !ref.wildcard).map((ref) => refQuery(ref, selection)),
    ...selection.envReferences.filter((reference) => !reference.parameter).map(envReferenceQuery),
  ];
  const prefixes = [...new Set(selection.refs.filter((ref) => ref.wildcard).map((ref) => ref.id))];
  const parameters = [
    ...selection.params.filter((param) => !param.path).map(parameterQueryName),
    ...selection.envReferences.filter((reference) => reference.parameter).map((reference) => reference.id),
  ];
  return {
    queries,
    prefixes,
    prefixVersion: selection.version,
    parameters: [...new Set(parameters)],
    parameterPaths: [...new Set(selection.params.filter((param) => param.path).map((param) => param.name))],
  };
}

/** A reference's own version (`ID~STAGE`, `ID~id:VERSION`) wins over --version-stage and --version-id whole. */
export function refQuery(ref: SecretRef, selection: Selection): SecretQuery {
  if (ref.versionStage !== undefined) return { id: ref.id, versionStage: ref.versionStage };
  if (ref.versionId !== undefined) return { id: ref.id, versionId: ref.versionId };
  return { id: ref.id, ...selection.version };
}

export function envReferenceQuery(reference: EnvReference): SecretQuery {
  return {
    id: reference.id,
    ...(reference.versionStage === undefined ? {} : { versionStage: reference.versionStage }),
    ...(reference.versionId === undefined ? {} : { versionId: reference.versionId }),
  };
}
