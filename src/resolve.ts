// Joins references to fetched secrets: what to fetch for a run, and the variables the fetched values become.

import type { Invocation } from './cli.ts';
import { type EnvReference, findEnvReferences } from './env-refs.ts';
import { type ErrorCode, throwIfAny, toWithsecretsErrors, WithsecretsError } from './errors.ts';
import { type FetchRequest, type FetchResult, queryKey, type SecretQuery } from './fetch.ts';
import { parseSecretRef, type SecretRef } from './refs.ts';
import type { FetchedSecret } from './secret.ts';
import {
  type InjectedVariable,
  type NamingOptions,
  valueForEnvReference,
  variablesFromSecret,
} from './variables.ts';

const PER_SECRET_CODES = new Set<ErrorCode>([
  'SECRET_NOT_FOUND',
  'ACCESS_DENIED',
  'SECRET_UNAVAILABLE',
  'DECRYPTION_FAILED',
  'BAD_REFERENCE',
]);

export interface Selection {
  readonly refs: readonly SecretRef[];
  readonly envReferences: readonly EnvReference[];
  readonly version: Omit<SecretQuery, 'id'>;
  readonly naming: NamingOptions;
}

export interface Resolved {
  /** From --secret, in the order given. */
  readonly injected: readonly InjectedVariable[];
  /** Inherited variables whose reference was replaced by its value. */
  readonly references: readonly InjectedVariable[];
  /** The raw SecretString of every fetched secret, to be masked as a whole too. */
  readonly secretStrings: readonly string[];
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
      refs.push(parseSecretRef(text));
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
  throwIfAny(errors);
  return {
    refs,
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

export function needsAws(selection: Selection): boolean {
  return selection.refs.length > 0 || selection.envReferences.length > 0;
}

export function planFetch(selection: Selection): FetchRequest {
  const queries = [
    ...selection.refs.filter((ref) => !ref.wildcard).map((ref) => refQuery(ref, selection)),
    ...selection.envReferences.map(envReferenceQuery),
  ];
  const prefixes = [...new Set(selection.refs.filter((ref) => ref.wildcard).map((ref) => ref.id))];
  return { queries, prefixes, prefixVersion: selection.version };
}

/** Turns fetched secrets into variables; throws every fetch, naming and value error together. */
export function resolveVariables(selection: Selection, fetched: FetchResult): Resolved {
  const errors: WithsecretsError[] = [...fetched.errors];
  const used = new Set<FetchedSecret>();
  const collect = <T>(produce: () => T): T | undefined => {
    try {
      return produce();
    } catch (thrown) {
      errors.push(...toWithsecretsErrors(thrown));
      return undefined;
    }
  };

  const injected = selection.refs.flatMap((ref) => {
    const failure = ref.wildcard ? undefined : fetched.failures.get(queryKey(refQuery(ref, selection)));
    if (failure !== undefined) errors.push(failure);
    const secrets = ref.wildcard
      ? (fetched.matches.get(ref.id) ?? [])
      : [fetched.secrets.get(queryKey(refQuery(ref, selection)))].filter((secret) => secret !== undefined);
    return secrets.flatMap((secret) => {
      used.add(secret);
      const label = ref.wildcard ? `${ref.id}* (${secret.name})` : ref.id;
      const selectionOfRef = {
        label,
        wildcard: ref.wildcard,
        ...(ref.alias === undefined ? {} : { alias: ref.alias }),
        ...keyOf(ref),
      };
      return collect(() => variablesFromSecret(secret, selectionOfRef, selection.naming)) ?? [];
    });
  });
  const references = selection.envReferences.flatMap((reference) => {
    const key = queryKey(envReferenceQuery(reference));
    const failure = fetched.failures.get(key);
    if (failure !== undefined) errors.push(referencedBy(failure, reference));
    const secret = fetched.secrets.get(key);
    if (secret === undefined) return [];
    used.add(secret);
    return collect(() => [valueForEnvReference(secret, reference)]) ?? [];
  });
  throwIfAny(errors);
  const secretStrings = [...used].flatMap((secret) =>
    secret.secretString === undefined ? [] : [secret.secretString],
  );
  return { injected, references, secretStrings };
}

/** Errors about one secret also name the variable whose reference asked for it (not a call-wide failure). */
function referencedBy(error: WithsecretsError, reference: EnvReference): WithsecretsError {
  if (!PER_SECRET_CODES.has(error.code)) return error;
  return new WithsecretsError(
    error.code,
    `${error.message} (referenced by ${reference.variable}=${reference.text})`,
    {
      cause: error,
      ...(error.hint === undefined ? {} : { hint: error.hint }),
    },
  );
}

function refQuery(ref: SecretRef, selection: Selection): SecretQuery {
  return { id: ref.id, ...selection.version };
}

function envReferenceQuery(reference: EnvReference): SecretQuery {
  return {
    id: reference.id,
    ...(reference.versionStage === undefined ? {} : { versionStage: reference.versionStage }),
    ...(reference.versionId === undefined ? {} : { versionId: reference.versionId }),
  };
}

function keyOf(ref: SecretRef): { key?: string } {
  return ref.key === undefined ? {} : { key: ref.key };
}
