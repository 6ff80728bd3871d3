// Finds the secret and parameter references that the inherited environment holds, so images can say
// DB_PASSWORD=secretsmanager://prod/db#password (or ssm:///prod/db) and get the value in place.

import { throwIfAny, WithsecretsError } from '../errors.ts';
import {
  isParameterArn,
  parseParameterArnReference,
  parseParameterSchemeReference,
} from './env-parameter-refs.ts';
import { findSecretIdProblem, type IdProblem } from './secret-refs.ts';

export interface EnvReference {
  /** The inherited variable holding the reference. */
  readonly variable: string;
  /** Its value, the reference text (not a secret). */
  readonly text: string;
  /** Secret name or ARN; for a parameter, its name or ARN with its selector (`/prod/db:3`). */
  readonly id: string;
  /** Set for `ssm://` and ECS `arn:aws:ssm:` references: the id is a Parameter Store parameter. */
  readonly parameter?: true;
  readonly key?: string;
  readonly versionStage?: string;
  readonly versionId?: string;
}

export type Parsed = Omit<EnvReference, 'variable' | 'text'>;

const SCHEME = 'secretsmanager://';
const PARAMETER_SCHEME = 'ssm://';
const SCHEME_FORM = 'write it as secretsmanager://ID[#KEY]';
const ECS_FORM =
  'write it as arn:PARTITION:secretsmanager:REGION:ACCOUNT:secret:NAME-SUFFIX[:JSON-KEY[:VERSION-STAGE[:VERSION-ID]]]';
/** The same partitions that --secret accepts (aws, aws-cn, aws-us-gov and the isolated ones). */
const SECRET_ARN_START = /^arn:aws[a-z-]*:secretsmanager:/;
/** arn, partition, service, region, account, `secret`, name, key, stage, version id. */
const MAX_ECS_FIELDS = 10;

/**
 * Every variable whose value is a reference, sorted by variable name. `secretsmanager://ID[#KEY]` and
 * `ssm://NAME[#KEY]` always count; an ECS `valueFrom` ARN (secret or parameter) only with `resolveArns`, since applications are often
 * handed an ARN on purpose. Throws BAD_REFERENCE for every malformed one at once (fail closed).
 */
export function findEnvReferences(
  env: Readonly<Record<string, string | undefined>>,
  options: { resolveArns: boolean },
): EnvReference[] {
  const references: EnvReference[] = [];
  const errors: WithsecretsError[] = [];
  for (const variable of Object.keys(env).sort()) {
    const text = env[variable];
    if (text === undefined) continue;
    let parsed: Parsed | IdProblem;
    if (text.startsWith(SCHEME)) parsed = parseSchemeReference(text.slice(SCHEME.length));
    else if (text.startsWith(PARAMETER_SCHEME))
      parsed = parseParameterSchemeReference(text.slice(PARAMETER_SCHEME.length));
    else if (options.resolveArns && isSecretArn(text)) parsed = parseEcsReference(text);
    else if (options.resolveArns && isParameterArn(text)) parsed = parseParameterArnReference(text);
    else continue;
    if ('problem' in parsed) {
      // The text is not quoted: a malformed value might not be a reference at all.
      const kind = text.startsWith(PARAMETER_SCHEME) || isParameterArn(text) ? 'parameter' : 'secret';
      const message = `variable ${variable} holds a malformed ${kind} reference: ${parsed.problem}`;
      errors.push(new WithsecretsError('BAD_REFERENCE', message, { hint: parsed.hint }));
    } else {
      references.push({ variable, text, ...parsed });
    }
  }
  throwIfAny(errors);
  return references;
}

function isSecretArn(text: string): boolean {
  return SECRET_ARN_START.test(text) && text.includes(':secret:');
}

function parseSchemeReference(rest: string): Parsed | IdProblem {
  const hashAt = rest.indexOf('#');
  const id = hashAt < 0 ? rest : rest.slice(0, hashAt);
  const key = hashAt < 0 ? undefined : rest.slice(hashAt + 1);
  if (id === '') return { problem: `no secret id after ${SCHEME}`, hint: SCHEME_FORM };
  if (key === '') return { problem: "empty key after '#'", hint: 'give a key after # or drop the #' };
  if (id.includes('*')) return { problem: 'a reference names one secret, not a wildcard', hint: SCHEME_FORM };
  return findSecretIdProblem(id) ?? { id, ...(key === undefined ? {} : { key }) };
}

/** Secret names cannot hold ':', so every ':' after the name starts the next optional field. */
function parseEcsReference(text: string): Parsed | IdProblem {
  const fields = text.split(':');
  if (fields.length > MAX_ECS_FIELDS) {
    return { problem: 'too many fields after the secret name', hint: ECS_FORM };
  }
  const id = fields.slice(0, 7).join(':');
  const problem = findSecretIdProblem(id);
  if (problem !== undefined) return problem;
  // Empty fields are allowed (`NAME::AWSPREVIOUS`): an empty key means the whole value.
  const [key = '', versionStage = '', versionId = ''] = fields.slice(7);
  return {
    id,
    ...(key === '' ? {} : { key }),
    ...(versionStage === '' ? {} : { versionStage }),
    ...(versionId === '' ? {} : { versionId }),
  };
}

/** How a message about a reference's secret names the variable that holds the reference. */
export function referencedBy(reference: EnvReference): string {
  return `referenced by ${reference.variable}`;
}
