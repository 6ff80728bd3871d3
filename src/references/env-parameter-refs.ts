// The Parameter Store forms of an inherited reference: `ssm://NAME[:SELECTOR][#KEY]` and ECS's parameter ARN.

import { WithsecretsError } from '../errors.ts';
import { findParameterNameProblem, parameterQueryName, parseParameterRef } from './parameter-refs.ts';
import type { IdProblem } from './secret-refs.ts';

/** What an inherited parameter reference asks for: a name (or ARN) with its selector, and maybe a key. */
export interface ParsedParameterReference {
  readonly id: string;
  readonly parameter: true;
  readonly key?: string;
}

const SCHEME_FORM = 'write it as ssm:///PATH/NAME[:VERSION|:LABEL][#KEY] (or ssm://NAME)';
/** What ECS takes in `valueFrom` for a parameter: the ARN alone (ECS has no JSON key or version for SSM). */
const PARAMETER_ARN_START = /^arn:aws[a-z-]*:ssm:/;

export function isParameterArn(text: string): boolean {
  return PARAMETER_ARN_START.test(text) && text.includes(':parameter/');
}

/**
 * `ssm://` then the name as --param takes it. A hierarchical name may be written without its leading `/`
 * (`ssm://prod/db` is `/prod/db`): Parameter Store refuses a name with `/` that does not start with one, so the
 * short form cannot mean anything else.
 */
export function parseParameterSchemeReference(rest: string): ParsedParameterReference | IdProblem {
  if (rest === '' || rest.startsWith('#'))
    return { problem: 'no parameter name after ssm://', hint: SCHEME_FORM };
  if (rest.includes('*'))
    return { problem: 'a reference names one parameter, not a path', hint: SCHEME_FORM };
  // No alias in a reference: the variable keeps its own name.
  if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(rest)) return { problem: "'=' in a parameter name", hint: SCHEME_FORM };
  const absolute = rest.startsWith('/') || rest.startsWith('arn:') || !rest.split('#')[0]?.includes('/');
  const text = absolute ? rest : `/${rest}`;
  try {
    const ref = parseParameterRef(text);
    return {
      id: parameterQueryName(ref),
      parameter: true,
      ...(ref.key === undefined ? {} : { key: ref.key }),
    };
  } catch (error) {
    if (!(error instanceof WithsecretsError)) throw error;
    // The reference's message must not quote its text (a malformed value may not be a reference at all).
    const lead = `bad parameter reference ${JSON.stringify(text)}: `;
    const problem = error.message.startsWith(lead) ? error.message.slice(lead.length) : 'malformed';
    return { problem, hint: error.hint ?? SCHEME_FORM };
  }
}

/** `arn:aws:ssm:REGION:ACCOUNT:parameter/NAME`: read from the ARN's region, as ECS does. */
export function parseParameterArnReference(text: string): ParsedParameterReference | IdProblem {
  return findParameterNameProblem(text) ?? { id: text, parameter: true };
}
