// Finds the token the Secrets Manager Agent wants in each request, where the agent and its install script put it.
import { readFileSync } from 'node:fs';
import { WithsecretsError } from '../errors.ts';

/** Where the agent's install script writes the token (aws/aws-secretsmanager-agent, configuration/install). */
export const AGENT_TOKEN_FILE = '/var/run/awssmatoken';
/** The agent takes `file://PATH` in its token variables to mean "the token is in PATH". */
const FILE_PREFIX = 'file://';

/** The token and where it came from: the source is named in messages, the token never. */
export interface AgentToken {
  readonly token: string;
  readonly source: string;
}

type ReadFile = (path: string) => string;
const readText: ReadFile = (path) => readFileSync(path, 'utf8');

/**
 * The first of, in order:
 * 1. AWS_TOKEN, the agent's own first variable: the token, or `file://PATH` (the install script runs the agent with
 *    `AWS_TOKEN=file:///var/run/awssmatoken`);
 * 2. /var/run/awssmatoken, when it exists: where the agent runs from its install script, that file is its token,
 *    whatever credentials the shell holds;
 * 3. in Lambda only (AWS_LAMBDA_FUNCTION_NAME set), AWS_SESSION_TOKEN, then AWS_CONTAINER_AUTHORIZATION_TOKEN: there
 *    the agent and the Parameters and Secrets extension take the function's session token. Elsewhere a session
 *    token is an AWS credential that whatever listens at the URL would receive; AWS_TOKEN can still name it.
 * A file's content is trimmed, as the agent trims it; an empty value counts as unset.
 */
export function resolveAgentToken(
  env: Readonly<Record<string, string | undefined>>,
  readFile: ReadFile = readText,
): AgentToken {
  const fromAwsToken = env.AWS_TOKEN;
  if (fromAwsToken !== undefined && fromAwsToken !== '') {
    return fromAwsToken.startsWith(FILE_PREFIX)
      ? fromFile(fromAwsToken.slice(FILE_PREFIX.length), 'AWS_TOKEN', readFile, true)
      : checked(fromAwsToken, 'AWS_TOKEN');
  }
  const fromDefaultFile = fromFile(AGENT_TOKEN_FILE, AGENT_TOKEN_FILE, readFile, false);
  if (fromDefaultFile.token !== '') return fromDefaultFile;
  const inLambda = env.AWS_LAMBDA_FUNCTION_NAME !== undefined && env.AWS_LAMBDA_FUNCTION_NAME !== '';
  for (const variable of inLambda ? ['AWS_SESSION_TOKEN', 'AWS_CONTAINER_AUTHORIZATION_TOKEN'] : []) {
    const value = env[variable];
    if (value !== undefined && value !== '') return checked(value, variable);
  }
  throw new WithsecretsError('NO_CREDENTIALS', 'no token for the Secrets Manager Agent', {
    hint: `set AWS_TOKEN to the agent's token, or to file://PATH of its token file (the agent's install script writes ${AGENT_TOKEN_FILE})`,
  });
}

/**
 * The file's token; `{ token: '' }` when it does not exist and need not. A file that AWS_TOKEN names must exist; one
 * that exists must be readable (the install script lets the awssmatokenreader group read it).
 */
function fromFile(path: string, named: string, readFile: ReadFile, required: boolean): AgentToken {
  const source = named === path ? path : `${named} (${path})`;
  let text: string;
  try {
    text = readFile(path);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT' && !required) return { token: '', source };
    throw new WithsecretsError(
      'NO_CREDENTIALS',
      `cannot read the Secrets Manager Agent's token file ${source} (${typeof code === 'string' ? code : 'unreadable'})`,
      {
        hint:
          code === 'EACCES'
            ? 'add the user withsecrets runs as to the group that may read it (awssmatokenreader)'
            : `check the path, or set AWS_TOKEN to the token itself`,
      },
    );
  }
  const token = text.trim();
  if (token === '' && required) {
    throw new WithsecretsError(
      'NO_CREDENTIALS',
      `the Secrets Manager Agent's token file ${source} is empty`,
      {
        hint: 'start the agent, which writes its token there, or point AWS_TOKEN at the right file',
      },
    );
  }
  return token === '' ? { token, source } : checked(token, source);
}

/** An HTTP header carries visible ASCII only; Node would refuse anything else with a message of its own. */
function checked(token: string, source: string): AgentToken {
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw new WithsecretsError(
      'NO_CREDENTIALS',
      `the Secrets Manager Agent's token from ${source} holds characters an HTTP header cannot carry`,
      { hint: 'the agent takes a token of printable ASCII characters without spaces; check the value' },
    );
  }
  return { token, source };
}
