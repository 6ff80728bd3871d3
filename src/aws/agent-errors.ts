// Puts what the Secrets Manager Agent answered (or why it did not) in words that name the secret and the agent.
import { WithsecretsError } from '../errors.ts';
import { NETWORK_CODES } from './errors.ts';

/** What a request to the agent ended in, as node:http reports it: the same codes as for Secrets Manager. */
export const AGENT_NETWORK_CODES = NETWORK_CODES;

/** Who was asked, for the words: the agent's URL, where the token came from (never the token), the secret. */
export interface AgentAsked {
  readonly url: string;
  readonly tokenSource: string;
  /** `secret "ID"` */
  readonly secret: string;
}

/**
 * An answer that is not a value. Secrets Manager's error as the agent relays it (a JSON `__type` and `message`, with
 * Secrets Manager's status) is shaped as the SDK throws it, for src/aws/errors.ts to word like any other; the agent's
 * own refusals (`403 Bad Token`, `{"__type":"InternalFailure"}`) keep their status for explainAgentFailure.
 */
export function agentFailureOf(status: number, text: string): Error {
  const body = parseJsonObject(text);
  const type = typeof body?.__type === 'string' ? body.__type : undefined;
  if (type !== undefined && type !== 'InternalFailure') {
    const message = [body?.message, body?.Message].find((candidate) => typeof candidate === 'string');
    return Object.assign(new Error(typeof message === 'string' ? message : ''), {
      name: type,
      $fault: status >= 500 ? 'server' : 'client',
      $metadata: { httpStatusCode: status },
    });
  }
  return Object.assign(new Error('agent refusal'), { status, said: safeText(text) });
}

/** The failure in words; Secrets Manager's own errors (and anything unknown) are returned as they are. */
export function explainAgentFailure(failure: Error, asked: AgentAsked): Error {
  if (failure instanceof WithsecretsError) return failure;
  const { code, status, said, name } = failure as Error & { code?: string; status?: number; said?: string };
  const agent = `the Secrets Manager Agent at ${asked.url}`;
  // The agent answers 504 TimeoutError and 502 ConnectionError when it could not reach Secrets Manager itself.
  if (name === 'TimeoutError' || name === 'ConnectionError') {
    return new WithsecretsError(
      name === 'TimeoutError' ? 'TIMEOUT' : 'NETWORK',
      `${agent} could not reach Secrets Manager for ${asked.secret} (${name})`,
      { hint: "check the agent's log and its network path to Secrets Manager" },
    );
  }
  if (code === 'ETIMEDOUT') {
    return new WithsecretsError('TIMEOUT', `${agent} did not answer in time for ${asked.secret}`, {
      hint: "check the agent's log: it may not reach Secrets Manager",
    });
  }
  if (code !== undefined && AGENT_NETWORK_CODES.has(code)) {
    return new WithsecretsError('NETWORK', `cannot reach ${agent} for ${asked.secret} (${code})`, {
      hint: `start the agent (it listens on ${new URL(asked.url).host}), or point --agent at it`,
    });
  }
  return status === undefined ? failure : refusal(status, said, asked);
}

function refusal(status: number, said: string | undefined, asked: AgentAsked): WithsecretsError {
  const agent = `the Secrets Manager Agent at ${asked.url}`;
  const reason = `${status}${said === undefined ? '' : ` ${said}`}`;
  switch (status) {
    case 403:
      return new WithsecretsError(
        'BAD_CREDENTIALS',
        `${agent} refused the token from ${asked.tokenSource} for ${asked.secret} (${reason})`,
        {
          hint: "give the agent's own token: AWS_TOKEN=TOKEN, or AWS_TOKEN=file://PATH of the file it reads",
        },
      );
    case 429:
      return new WithsecretsError(
        'THROTTLED',
        `${agent} refused more connections for ${asked.secret} after retries (${reason})`,
        { hint: "retry later, or raise the agent's max_conn" },
      );
    case 404:
      return new WithsecretsError(
        'AWS_ERROR',
        `${agent} has no /secretsmanager/get for ${asked.secret} (404)`,
        {
          hint: 'check that --agent names the agent (http://localhost:2773 by default)',
        },
      );
    default:
      return new WithsecretsError('AWS_ERROR', `${agent} failed for ${asked.secret} (${reason})`, {
        hint:
          status >= 500 ? "check the agent's log" : 'check the secret id, --version-stage and --version-id',
      });
  }
}

/** The agent's own refusals are plain words ("Bad Token"); anything else from a stranger at that URL is not printed. */
function safeText(body: string): string | undefined {
  const text = body.trim();
  return /^[A-Za-z][A-Za-z0-9 .,:'_-]{0,79}$/.test(text) ? text : undefined;
}

/** The answer's JSON object, or undefined: it is never quoted, whatever it holds. */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
