// Parses `--param REF` and checks Parameter Store names the way AWS would, so a typo fails before any AWS call.

import { WithsecretsError } from '../errors.ts';
import { splitReference } from './reference-parts.ts';
import { findSecretIdProblem, type IdProblem } from './secret-refs.ts';

export interface ParameterRef {
  /** The REF as given (for messages and --dry-run). */
  readonly text: string;
  /** VAR: the variable name of a single parameter, or the prefix of every variable a path yields. */
  readonly alias?: string;
  /** A parameter name or ARN without its selector; for a path, the path without its trailing `/*`. */
  readonly name: string;
  /** `NAME:3` or `NAME:label`, passed to Parameter Store as it is. */
  readonly selector?: string;
  /** The KEY after '#' (a dotted path reaches a nested key): the parameter's value must be a JSON object. */
  readonly key?: string;
  /** `PATH/*`: every parameter under PATH, recursively. */
  readonly path: boolean;
}

const FORM_HINT = 'write it as [VAR=]NAME[:VERSION|:LABEL][#KEY] or [VAR=]/PATH/*';
const NAME_HINT = 'parameter names use only letters, digits and _ . - /, and a name with / starts with /';
/** Secrets Manager secrets are readable through Parameter Store under this path (their own names' rules apply). */
export const SECRETS_MANAGER_REFERENCE = '/aws/reference/secretsmanager/';
/** AWS's limit on a parameter name, its path included (an ARN adds its own prefix). */
const MAX_NAME_LENGTH = 1011;
const NAME_CHARACTERS = /^[A-Za-z0-9_.\-/]+$/;
/** A version number, or a label: letters, digits, `.`, `-`, `_` (AWS: 1-100 characters). */
const SELECTOR = /^[A-Za-z0-9_.-]{1,100}$/;
const PARAMETER_ARN = /^arn:aws[a-z-]*:ssm:([a-z]{2}(?:-[a-z]+)+-[0-9]+):([0-9]{12}):parameter(\/.+)$/;

/** Parses `[VAR=]NAME[:SELECTOR][#KEY]` or `[VAR=]/PATH/*`; throws BAD_REFERENCE naming the reference. */
export function parseParameterRef(text: string): ParameterRef {
  const fail = (problem: string, hint = FORM_HINT) =>
    new WithsecretsError('BAD_REFERENCE', `bad parameter reference ${JSON.stringify(text)}: ${problem}`, {
      hint,
    });
  const { alias, target, key } = splitReference(text, fail);
  if (key === '') throw fail("empty key after '#'", 'give a key after # or drop the #');
  if (target.endsWith('/*')) {
    const path = target.slice(0, -2);
    if (key !== undefined) throw fail('a path takes no #KEY', 'select a key of one parameter with NAME#KEY');
    if (path === '') throw fail("'/*' alone would read every parameter", 'give a path, as in /prod/app/*');
    const problem = findParameterNameProblem(path);
    if (problem !== undefined) throw fail(problem.problem.replace('name', 'path'), problem.hint);
    if (path.startsWith('arn:')) throw fail('a path is a name, not an ARN', 'write it as /PATH/*');
    return { text, ...(alias === undefined ? {} : { alias }), name: path, path: true };
  }
  if (target.includes('*')) {
    throw fail("'*' may only end a path, as in /prod/app/*", 'parameter names cannot hold *');
  }
  const { name, selector } = splitSelector(target);
  if (name === '')
    throw fail(alias === undefined ? 'no parameter name' : `no parameter name after ${alias}=`);
  if (selector !== undefined && !SELECTOR.test(selector)) {
    throw fail(
      selector === '' ? "empty version or label after ':'" : `"${selector}" is not a version or a label`,
      'give a version number (NAME:3) or a label of letters, digits, . - _ (NAME:prod)',
    );
  }
  const problem = findParameterNameProblem(name);
  if (problem !== undefined) throw fail(problem.problem, problem.hint);
  return {
    text,
    ...(alias === undefined ? {} : { alias }),
    name,
    ...(selector === undefined ? {} : { selector }),
    ...(key === undefined ? {} : { key }),
    path: false,
  };
}

/** Names cannot hold ':', so the first ':' after one (after an ARN's six fields) starts its selector. */
function splitSelector(target: string): { name: string; selector?: string } {
  const nameFields = target.startsWith('arn:') ? 6 : 1;
  const fields = target.split(':');
  if (fields.length <= nameFields) return { name: target };
  return { name: fields.slice(0, nameFields).join(':'), selector: fields.slice(nameFields).join(':') };
}

/** What AWS would reject in a parameter name or ARN, else undefined. */
export function findParameterNameProblem(name: string): IdProblem | undefined {
  if (name.startsWith('arn:')) {
    if (!PARAMETER_ARN.test(name)) {
      return {
        problem: 'not a Parameter Store parameter ARN',
        hint: 'write it as arn:PARTITION:ssm:REGION:ACCOUNT:parameter/NAME',
      };
    }
    return findParameterNameProblem(parameterNameOfArn(name));
  }
  if (name.startsWith(SECRETS_MANAGER_REFERENCE)) {
    // The secret's own name follows, with Secrets Manager's rules (it may hold + = @).
    return findSecretIdProblem(name.slice(SECRETS_MANAGER_REFERENCE.length));
  }
  if (name.length > MAX_NAME_LENGTH) {
    return { problem: `parameter name longer than ${MAX_NAME_LENGTH} characters`, hint: NAME_HINT };
  }
  if (!NAME_CHARACTERS.test(name))
    return { problem: 'parameter name holds a character names cannot', hint: NAME_HINT };
  if (name.includes('/') && !name.startsWith('/')) {
    return { problem: 'a parameter name with / must start with /', hint: `write it as /${name}` };
  }
  if (name.includes('//') || (name.length > 1 && name.endsWith('/'))) {
    return { problem: 'empty level in the parameter name', hint: NAME_HINT };
  }
  return undefined;
}

/** The name inside a parameter ARN: `parameter/prod/db` is `/prod/db`, `parameter/db` is `db` or `/db` (AWS allows both). */
function parameterNameOfArn(arn: string): string {
  const path = PARAMETER_ARN.exec(arn)?.[3] ?? '';
  return path.slice(1).includes('/') ? path : path.slice(1);
}

/** The region of a parameter ARN, else undefined (a name is read from the default region). */
export function parameterArnRegion(name: string): string | undefined {
  return PARAMETER_ARN.exec(name)?.[1];
}

/** The name Parameter Store is asked for: the name with its selector. */
export function parameterQueryName(ref: Pick<ParameterRef, 'name' | 'selector'>): string {
  return ref.selector === undefined ? ref.name : `${ref.name}:${ref.selector}`;
}

/** What a single parameter's variable is named from: its last path level (`/prod/app/db-url` -> `db-url`). */
export function lastLevel(name: string): string {
  const path = PARAMETER_ARN.exec(name)?.[3] ?? name;
  return path.slice(path.lastIndexOf('/') + 1);
}

/** What a parameter found under a path is named from: the part below the path (`/prod/app/db/url` -> `db/url`). */
export function belowPath(path: string, name: string): string {
  const base = path.endsWith('/') ? path : `${path}/`;
  return name.startsWith(base) ? name.slice(base.length) : lastLevel(name);
}
