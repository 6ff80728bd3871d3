// Reads secrets through the AWS Secrets Manager Agent (or the Lambda extension): GET /secretsmanager/get over node:http.
import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { WithsecretsError } from '../errors.ts';
import { AGENT_NETWORK_CODES, agentFailureOf, explainAgentFailure, parseJsonObject } from './agent-errors.ts';
import type { AgentToken } from './agent-token.ts';
import type {
  BatchGetSecretValueOutput,
  DescribeSecretOutput,
  GetSecretValueInput,
  ListSecretsOutput,
  SecretsManagerApi,
  SecretValueEntry,
} from './secrets-manager-api.ts';

export interface AgentOptions {
  /** The agent's origin, `http://HOST:PORT`. */
  readonly url: string;
  readonly token: AgentToken;
}

/** The header the agent checks first for its token (the Lambda extension's too). */
export const AGENT_TOKEN_HEADER = 'X-Aws-Parameters-Secrets-Token';
/** Per attempt: a cache miss makes the agent call Secrets Manager itself, which takes longer than a local read. */
const AGENT_REQUEST_TIMEOUT_MS = 5000;
const AGENT_MAX_ATTEMPTS = 3;
/** Full jitter from 250 ms: an agent that is still starting (a sidecar, an extension) gets about a second. */
const AGENT_RETRY_BASE_MS = 250;
/** A secret is at most 64 KB; its JSON answer, base64 included, is well under this. */
const MAX_ANSWER_BYTES = 1 << 20;

interface Answer {
  readonly status: number;
  readonly body: string;
}

/** What one attempt ended in, when it is worth another. */
class Retryable extends Error {
  constructor(readonly failure: Error) {
    super('retryable');
  }
}

export class AgentClient implements SecretsManagerApi {
  readonly #url: string;
  readonly #token: AgentToken;

  constructor(options: AgentOptions) {
    this.#url = options.url;
    this.#token = options.token;
  }

  /**
   * The agent's answer, shaped as GetSecretValue's. Errors the agent relays from Secrets Manager (a JSON `__type`) are
   * thrown as the SDK shapes them, for src/aws/errors.ts to word; the agent's own failures as WithsecretsErrors.
   */
  async getSecretValue(input: GetSecretValueInput, abortSignal: AbortSignal): Promise<SecretValueEntry> {
    const query = new URLSearchParams({ secretId: input.SecretId });
    if (input.VersionStage !== undefined) query.set('versionStage', input.VersionStage);
    if (input.VersionId !== undefined) query.set('versionId', input.VersionId);
    const url = new URL(`/secretsmanager/get?${query}`, this.#url);
    const secret = `secret "${input.SecretId}"`;
    for (let attempt = 1; ; attempt++) {
      try {
        return this.#valueFrom(await this.#send(url, abortSignal), secret);
      } catch (error) {
        const again = error instanceof Retryable && attempt < AGENT_MAX_ATTEMPTS && !abortSignal.aborted;
        if (!again)
          throw explainAgentFailure(error instanceof Retryable ? error.failure : (error as Error), {
            url: this.#url,
            tokenSource: this.#token.source,
            secret,
          });
        await sleep(Math.random() * AGENT_RETRY_BASE_MS * 2 ** (attempt - 1), undefined, {
          signal: abortSignal,
        });
      }
    }
  }

  batchGetSecretValue(): Promise<BatchGetSecretValueOutput> {
    return Promise.reject(notInAgentMode('BatchGetSecretValue'));
  }

  listSecrets(): Promise<ListSecretsOutput> {
    return Promise.reject(notInAgentMode('ListSecrets'));
  }

  describeSecret(): Promise<DescribeSecretOutput> {
    return Promise.reject(notInAgentMode('DescribeSecret'));
  }

  /** One GET; network failures, timeouts, 429 and 5xx are Retryable. */
  #send(url: URL, abortSignal: AbortSignal): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const outgoing = request(url, {
        method: 'GET',
        agent: false,
        signal: abortSignal,
        timeout: AGENT_REQUEST_TIMEOUT_MS,
      });
      // Set apart from the options: NODE_DEBUG=http prints the options a connection is made with, headers included.
      outgoing.setHeader(AGENT_TOKEN_HEADER, this.#token.token);
      outgoing.on('timeout', () =>
        outgoing.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })),
      );
      outgoing.on('error', (error: Error & { code?: string }) => {
        if (abortSignal.aborted) reject(abortSignal.reason ?? error);
        else if (error.code === 'ETIMEDOUT' || AGENT_NETWORK_CODES.has(error.code ?? ''))
          reject(new Retryable(error));
        else reject(error);
      });
      outgoing.on('response', (incoming) => {
        const chunks: Buffer[] = [];
        let size = 0;
        incoming.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_ANSWER_BYTES) return void chunks.push(chunk);
          incoming.destroy();
          reject(
            new WithsecretsError(
              'AWS_ERROR',
              `the Secrets Manager Agent at ${this.#url} answered with over 1 MiB`,
              {
                hint: `check that ${this.#url} is the agent (--agent)`,
              },
            ),
          );
        });
        incoming.on('end', () => {
          const answer = { status: incoming.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') };
          if (answer.status === 429 || answer.status >= 500)
            reject(new Retryable(agentFailureOf(answer.status, answer.body)));
          else resolve(answer);
        });
        incoming.on('error', (error: Error & { code?: string }) => reject(new Retryable(error)));
      });
      outgoing.end();
    });
  }

  #valueFrom(answer: Answer, secret: string): SecretValueEntry {
    if (answer.status !== 200) throw agentFailureOf(answer.status, answer.body);
    const body = parseJsonObject(answer.body);
    const holdsValue = typeof body?.SecretString === 'string' || typeof body?.SecretBinary === 'string';
    if (body === undefined || !holdsValue) {
      throw new WithsecretsError(
        'AWS_ERROR',
        `the Secrets Manager Agent at ${this.#url} answered ${secret} with something other than GetSecretValue's JSON`,
        { hint: `check that ${this.#url} is the agent (--agent)` },
      );
    }
    const text = (key: string) => (typeof body[key] === 'string' ? (body[key] as string) : undefined);
    const binary = text('SecretBinary');
    return {
      Name: text('Name'),
      ARN: text('ARN'),
      SecretString: text('SecretString'),
      // The agent writes SecretBinary as base64, as Secrets Manager's JSON does.
      ...(binary === undefined ? {} : { SecretBinary: new Uint8Array(Buffer.from(binary, 'base64')) }),
    };
  }
}

function notInAgentMode(operation: string): WithsecretsError {
  return new WithsecretsError('INTERNAL', `${operation} was called in agent mode`, {
    hint: 'report it at https://github.com/withsecrets/withsecrets/issues with the command line you ran',
  });
}
