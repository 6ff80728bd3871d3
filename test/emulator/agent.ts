// The AWS Secrets Manager Agent's HTTP interface on a port of its own, for tests of withsecrets --agent.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { type OpenCallRecord, openCallRecord } from './call-log.ts';
import { AwsError, internalError, serviceUnavailable, throttled } from './errors.ts';
import type { FaultSpec } from './faults.ts';
import { singleSecretHandlers } from './operations.ts';
import type { ServerState } from './server.ts';

/** The operation agent requests are logged (and faults queued) under; Secrets Manager's own count stays apart. */
export const AGENT_OPERATION = 'AgentGetSecretValue';

/** How the stand-in agent is set up: its token, and the identity and region it calls Secrets Manager with. */
export interface AgentSettings {
  readonly token: string;
  readonly accessKeyId: string;
  readonly region: string;
}

/** The headers the agent checks for its token, in its default configuration (config.rs DEFAULT_SSRF_HEADERS). */
const TOKEN_HEADERS = ['x-aws-parameters-secrets-token', 'x-vault-token'];
const QUERY_KEYS = ['secretId', 'versionId', 'versionStage', 'refreshNow'];

interface AgentAnswer {
  readonly status: number;
  readonly body: string;
}

/** Secrets Manager's error as the agent relays it (utils.rs err_response): its status, `__type` and `message`. */
function relayed(error: AwsError): AgentAnswer {
  const body =
    error.message === '' || error.code === 'InternalFailure'
      ? '{"__type":"InternalFailure"}'
      : `{"__type":"${error.code}", "message":"${error.message}"}`;
  return { status: error.status, body };
}

/** What the agent answers, in the order server.rs checks: forwarding, token, method, path, query; then the value. */
function answer(
  state: ServerState,
  settings: AgentSettings,
  request: IncomingMessage,
  record: OpenCallRecord,
): AgentAnswer {
  const url = new URL(request.url ?? '/', 'http://localhost');
  if (url.pathname === '/ping') return { status: 200, body: 'healthy' };
  if (request.headers['x-forwarded-for'] !== undefined) return { status: 400, body: 'Forwarded' };
  const tokenOk = TOKEN_HEADERS.some((header) => request.headers[header] === settings.token);
  if (!tokenOk) return { status: 403, body: 'Bad Token' };
  if (request.method !== 'GET') return { status: 405, body: 'Not allowed' };
  if (url.pathname !== '/secretsmanager/get') return { status: 404, body: 'Not found' };
  for (const key of url.searchParams.keys()) {
    if (!QUERY_KEYS.includes(key)) return { status: 400, body: `unknown parameter: ${key}` };
  }
  const secretId = url.searchParams.get('secretId') ?? '';
  if (secretId === '') return { status: 400, body: 'missing parameter secretId' };
  const versionId = url.searchParams.get('versionId');
  const versionStage = url.searchParams.get('versionStage');
  const caller = {
    accessKeyId: settings.accessKeyId,
    principalArn: `arn:aws:iam::${state.store.accountId}:user/${settings.accessKeyId}`,
  };
  try {
    state.access.checkCall(caller, 'GetSecretValue');
    const context = { store: state.store.region(settings.region), access: state.access, caller };
    const value = singleSecretHandlers.GetSecretValue(context, {
      SecretId: secretId,
      ...(versionId === null ? {} : { VersionId: versionId }),
      ...(versionStage === null ? {} : { VersionStage: versionStage }),
    });
    // The agent writes CreatedDate as a string of seconds (serde TimestampSecondsWithFrac<String>).
    return { status: 200, body: JSON.stringify({ ...value, CreatedDate: String(value.CreatedDate) }) };
  } catch (error) {
    if (!(error instanceof AwsError)) console.error('emulator: internal error in the agent', error);
    const failure = error instanceof AwsError ? error : new AwsError('InternalFailure', '', { status: 500 });
    record.errorCode = failure.code;
    return relayed(failure);
  }
}

/** A queued fault as the agent shows it: Secrets Manager's failures relayed, or the agent itself failing. */
async function applyFault(
  fault: FaultSpec,
  response: ServerResponse,
  closing: AbortSignal,
): Promise<AgentAnswer | 'done' | undefined> {
  switch (fault.fault) {
    case 'throttle':
      return relayed(throttled());
    case 'error500':
      return relayed(internalError());
    case 'error503':
      return relayed(serviceUnavailable());
    case 'reset':
      response.socket?.destroy();
      return 'done';
    case 'hang':
      return 'done';
    case 'badJson':
      return { status: 200, body: '{"SecretString": not json at all' };
    case 'delay':
      try {
        await sleep(fault.delayMs ?? 0, undefined, { signal: closing });
        return undefined;
      } catch {
        return 'done';
      }
    case 'truncate':
      return undefined;
    default:
      // The faults that shape awsJson answers are the Secrets Manager listener's (faults.ts ANSWER_FAULTS).
      return undefined;
  }
}

/** The request listener of the stand-in agent; every request is logged as AGENT_OPERATION. */
export function createAgentListener(state: ServerState, settings: AgentSettings) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const secretId = new URL(request.url ?? '/', 'http://localhost').searchParams.get('secretId');
    const record = openCallRecord(
      request,
      AGENT_OPERATION,
      secretId === null ? undefined : { SecretId: secretId },
    );
    record.accessKeyId = settings.accessKeyId;
    record.region = settings.region;
    state.calls.push(record);
    request.resume();
    const fault = state.faults.take(AGENT_OPERATION, settings.region);
    if (fault !== undefined) record.fault = fault.fault;
    const faulted = fault === undefined ? undefined : await applyFault(fault, response, state.closing);
    if (faulted === 'done') return;
    const reply = faulted ?? answer(state, settings, request, record);
    record.status = reply.status;
    const body = Buffer.from(reply.body);
    response.writeHead(reply.status, { 'Content-Length': String(body.length) });
    if (fault?.fault !== 'truncate') return void response.end(body);
    response.write(body.subarray(0, Math.floor(body.length / 2)), () => response.socket?.destroy());
  };
}
