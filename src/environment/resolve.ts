// Joins fetched secrets back to the references that asked for them: the variables a round's values become.

import { type ErrorCode, throwIfAny, toWithsecretsErrors, WithsecretsError } from '../errors.ts';
import { type DeliveryRef, isParameterValue, parameterSource } from '../references/delivery-refs.ts';
import { type EnvReference, referencedBy } from '../references/env-refs.ts';
import { type FetchedSecret, type FetchResult, parameterKey, queryKey } from '../references/fetch-request.ts';
import { idWithVersion, type SecretRef } from '../references/secret-refs.ts';
import { envReferenceQuery, refQuery, type Selection } from '../references/select.ts';
import { type DeliveredFile, type DeliveredValue, deliveredValue } from './deliveries.ts';
import { jsonStringsOf, variablesFromParameters } from './parameter-variables.ts';
import { type InjectedVariable, valueForEnvReference, variablesFromSecret } from './variables.ts';

const PER_SECRET_CODES = new Set<ErrorCode>([
  'SECRET_NOT_FOUND',
  'ACCESS_DENIED',
  'SECRET_UNAVAILABLE',
  'DECRYPTION_FAILED',
  'BAD_REFERENCE',
]);

export interface Resolved {
  /** From --secret, in the order given, then from --param, in the order given (a later one wins). */
  readonly injected: readonly InjectedVariable[];
  /** Inherited variables whose reference was replaced by its value. */
  readonly references: readonly InjectedVariable[];
  /** From --file, in the order given. */
  readonly files: readonly DeliveredFile[];
  /** From --stdin. */
  readonly stdin?: DeliveredValue;
  /** The raw SecretString of every fetched secret (and the value of every parameter), to be masked as a whole too. */
  readonly secretStrings: readonly string[];
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
      const label = ref.wildcard ? `${ref.id}* (${secret.name})` : idWithVersion(ref);
      const selectionOfRef = {
        label,
        wildcard: ref.wildcard,
        ...(ref.alias === undefined ? {} : { alias: ref.alias }),
        ...keyOf(ref),
      };
      return collect(() => variablesFromSecret(secret, selectionOfRef, selection.naming)) ?? [];
    });
  });
  const usedParameters = new Set<FetchedSecret>();
  const fromParams =
    collect(() => variablesFromParameters(selection.params, fetched, selection.naming, usedParameters)) ?? [];
  const references = selection.envReferences.flatMap((reference) => {
    const key = reference.parameter ? parameterKey(reference.id) : queryKey(envReferenceQuery(reference));
    const failure = fetched.failures.get(key);
    if (failure !== undefined) errors.push(namingTheReference(failure, reference));
    const secret = fetched.secrets.get(key);
    if (secret === undefined) return [];
    (reference.parameter ? usedParameters : used).add(secret);
    return collect(() => [valueForEnvReference(secret, reference)]) ?? [];
  });
  /** Secrets delivered whole: the command may print any one field of a JSON one, as if it were a --secret key. */
  const deliveredWhole = new Set<FetchedSecret>();
  const deliver = (ref: DeliveryRef): DeliveredValue | undefined => {
    const parameter = isParameterValue(ref);
    const key = parameter ? parameterKey(ref.parameter) : queryKey(refQuery(ref, selection));
    const failure = fetched.failures.get(key);
    if (failure !== undefined) errors.push(failure);
    const secret = fetched.secrets.get(key);
    if (secret === undefined) return undefined;
    // A parameter's JSON string fields are masked as --param masks them (usedParameters), a key or not.
    (parameter ? usedParameters : used).add(secret);
    if (!parameter && ref.key === undefined) deliveredWhole.add(secret);
    const label = parameter ? { parameter: ref.parameter, source: parameterSource(ref) } : idWithVersion(ref);
    return collect(() => deliveredValue(secret, ref.key, label));
  };
  const files = selection.files.flatMap((file): DeliveredFile[] => {
    const value = deliver(file.ref);
    return value === undefined ? [] : [{ ...value, variable: file.variable, fileName: file.fileName }];
  });
  const stdin = selection.stdin === undefined ? undefined : deliver(selection.stdin);
  errors.push(
    ...findDerivedClashes(injected, '--secret', selection),
    ...findDerivedClashes(fromParams, '--param', selection),
  );
  throwIfAny(errors);
  const secretStrings = [...used, ...usedParameters].flatMap((secret) =>
    secret.secretString === undefined ? [] : [secret.secretString],
  );
  secretStrings.push(...[...usedParameters, ...deliveredWhole].flatMap(jsonStringsOf));
  return {
    injected: [...injected, ...fromParams],
    references,
    files,
    ...(stdin === undefined ? {} : { stdin }),
    secretStrings,
  };
}

/** A --secret or --param variable that is a --file variable too: it could hold the value or the path, not both. */
function findDerivedClashes(
  injected: readonly InjectedVariable[],
  option: '--secret' | '--param',
  selection: Selection,
): WithsecretsError[] {
  return selection.files.flatMap((file) => {
    const clash = injected.find((variable) => variable.name === file.variable);
    if (clash === undefined) return [];
    const message = `${file.variable} comes from ${option} (${clash.source}) and from --file ${JSON.stringify(file.text)}`;
    return [new WithsecretsError('INVALID_NAME', message, { hint: 'give each variable one source' })];
  });
}

/** Errors about one secret also name the variable whose reference asked for it (not a call-wide failure). */
function namingTheReference(error: WithsecretsError, reference: EnvReference): WithsecretsError {
  if (!PER_SECRET_CODES.has(error.code)) return error;
  return new WithsecretsError(error.code, `${error.message} (${referencedBy(reference)})`, {
    cause: error,
    ...(error.hint === undefined ? {} : { hint: error.hint }),
  });
}

function keyOf(ref: SecretRef): { key?: string } {
  return ref.key === undefined ? {} : { key: ref.key };
}
