// What a run selects to fetch: its --secret and --param references and those its environment holds, as one request.

import type { Invocation } from '../cli/command-line.ts';
import { throwIfAny, toWithsecretsErrors, WithsecretsError } from '../errors.ts';
import {
  type DeliveryRef,
  type FileRef,
  isParameterValue,
  parseFileRef,
  parseStdinRef,
} from './delivery-refs.ts';
import { type EnvReference, findEnvReferences } from './env-refs.ts';
import type { FetchRequest, SecretQuery } from './fetch-request.ts';
import { type ParameterRef, parameterQueryName, parseParameterRef } from './parameter-refs.ts';
import { parseSecretRef, type SecretRef } from './secret-refs.ts';

export interface Selection {
  readonly refs: readonly SecretRef[];
  /** --param references, in the order given. */
  readonly params: readonly ParameterRef[];
  readonly envReferences: readonly EnvReference[];
  /** --file: each value delivered as a file. */
  readonly files: readonly FileRef[];
  /** --stdin: the value written to the command's standard input. */
  readonly stdin?: DeliveryRef;
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
  /** Parses each text, collecting the errors so that every bad reference is reported at once. */
  const parseEach = <T>(texts: readonly string[], parse: (text: string) => T): T[] =>
    texts.flatMap((text) => {
      try {
        return [parse(text)];
      } catch (thrown) {
        errors.push(...toWithsecretsErrors(thrown));
        return [];
      }
    });
  const refs = parseEach(invocation.secrets, (text) => {
    const ref = parseSecretRef(text);
    if (ref.wildcard && invocation.agentUrl !== undefined) throw wildcardThroughAgent(text);
    return ref;
  });
  const files = parseEach(invocation.files, (text) => {
    const file = parseFileRef(text);
    if (isParameterValue(file.ref) && invocation.agentUrl !== undefined) {
      throw parameterThroughAgent(`--file "${text}"`);
    }
    return file;
  });
  errors.push(...findFileVariableClashes(files, refs));
  const [stdin] = parseEach(invocation.stdin === undefined ? [] : [invocation.stdin], (text) => {
    const ref = parseStdinRef(text);
    if (isParameterValue(ref) && invocation.agentUrl !== undefined) {
      throw parameterThroughAgent(`--stdin "${text}"`);
    }
    return ref;
  });
  const params = parseEach(invocation.params, (text) => {
    const param = parseParameterRef(text);
    if (invocation.agentUrl !== undefined) throw parameterThroughAgent(`--param "${text}"`);
    return param;
  });
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
    files,
    ...(stdin === undefined ? {} : { stdin }),
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
  return (
    selection.refs.length > 0 ||
    selection.params.length > 0 ||
    selection.envReferences.length > 0 ||
    selection.files.length > 0 ||
    selection.stdin !== undefined
  );
}

/**
 * Two --file for one VAR, or a --file VAR that a --secret names too (`-s VAR=ID`): the variable could hold only
 * one of them. A --secret that derives VAR from a name or a key is caught once the values are known (resolve.ts).
 */
function findFileVariableClashes(files: readonly FileRef[], refs: readonly SecretRef[]): WithsecretsError[] {
  const errors: WithsecretsError[] = [];
  const seen = new Set<string>();
  for (const file of files) {
    if (seen.has(file.variable)) {
      const message = `--file gives ${file.variable} twice; a variable holds one path`;
      errors.push(new WithsecretsError('USAGE', message, { hint: `keep one --file ${file.variable}=...` }));
    }
    seen.add(file.variable);
    const sharing = files.find(
      (other) => other.variable !== file.variable && other.fileName === file.fileName,
    );
    if (sharing !== undefined && files.indexOf(sharing) < files.indexOf(file)) {
      const message = `--file ${sharing.variable} and ${file.variable} would both be the file ${file.fileName}`;
      errors.push(
        new WithsecretsError('USAGE', message, { hint: 'give one of them an extension: VAR.EXT=REF' }),
      );
    }
    const secret = refs.find((ref) => !ref.wildcard && ref.alias === file.variable);
    if (secret !== undefined) {
      const message = `${file.variable} is named by --secret ${JSON.stringify(secret.text)} and by --file ${JSON.stringify(file.text)}`;
      errors.push(new WithsecretsError('USAGE', message, { hint: 'give each variable one source' }));
    }
  }
  return errors;
}

export function planFetch(selection: Selection): FetchRequest {
  const deliveries = [
    ...selection.files.map((file) => file.ref),
    ...(selection.stdin === undefined ? [] : [selection.stdin]),
  ];
  const queries = [
    ...selection.refs.filter((ref) => !ref.wildcard).map((ref) => refQuery(ref, selection)),
    ...selection.envReferences.filter((reference) => !reference.parameter).map(envReferenceQuery),
    ...deliveries
      .filter((ref): ref is SecretRef => !isParameterValue(ref))
      .map((ref) => refQuery(ref, selection)),
  ];
  const prefixes = [...new Set(selection.refs.filter((ref) => ref.wildcard).map((ref) => ref.id))];
  const parameters = [
    ...selection.params.filter((param) => !param.path).map(parameterQueryName),
    ...selection.envReferences.filter((reference) => reference.parameter).map((reference) => reference.id),
    ...deliveries.filter(isParameterValue).map((ref) => ref.parameter),
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
