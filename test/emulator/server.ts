// The request path of the emulator: faults first, then SigV4, the caller's rights, and the operation itself, for
// Secrets Manager (`secretsmanager.<Operation>`) and Parameter Store (`AmazonSSM.<Operation>`, signed for `ssm`).

import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { type AccessRules, OPERATIONS, type Operation, SSM_OPERATIONS } from './access.ts';
import { type CallRecord, type OpenCallRecord, openCallRecord } from './call-log.ts';
import { serveContainerCredentials } from './container-credentials.ts';
import {
  AwsError,
  internalError,
  serializationError,
  serviceUnavailable,
  throttled,
  unknownOperation,
} from './errors.ts';
import type { FaultQueue, FaultSpec } from './faults.ts';
import { listingHandlers } from './listing.ts';
import { type Handler, singleSecretHandlers } from './operations.ts';
import { parameterHandlers } from './parameter-operations.ts';
import type { ParameterStore } from './parameters.ts';
import type { Quotas } from './quotas.ts';
import { REPEATED_TOKEN, replacedAnswer, sendTrickled, shapedAnswer } from './shaped-answers.ts';
import { type KeyPair, verifySigV4 } from './sigv4-verify.ts';
import { ssmInternalError } from './ssm-errors.ts';
import type { SecretStore } from './store.ts';
import {
  type Answer,
  errorAnswer,
  parseInput,
  readBody,
  send,
  sendTruncated,
  successAnswer,
} from './wire.ts';

export interface EmulatorCredential extends KeyPair {
  /** The identity AccessDenied messages name; `arn:aws:iam::ACCOUNT:user/ACCESS_KEY_ID` when not given. */
  readonly principalArn?: string;
}

export interface ServerState {
  readonly store: SecretStore;
  readonly parameters: ParameterStore;
  readonly access: AccessRules;
  readonly faults: FaultQueue;
  readonly credentials: Map<string, EmulatorCredential>;
  readonly calls: CallRecord[];
  readonly clock: () => number;
  /** Aborted by close(), so delayed answers stop waiting. */
  readonly closing: AbortSignal;
  /** Requests received and not yet answered (or dropped), now and at most: what a client's concurrency limit shows. */
  readonly inFlight: { now: number; peak: number };
  /** AWS's per-region rates, when the emulator enforces them (quota mode). */
  readonly quotas?: Quotas | undefined;
}

const handlers = { ...singleSecretHandlers, ...listingHandlers } satisfies Record<
  Exclude<Operation, keyof typeof parameterHandlers>,
  Handler
>;
const isOperation = (name: string): name is Operation => (OPERATIONS as readonly string[]).includes(name);
const SSM_TARGET = /^AmazonSSM\./;
const SECRETS_MANAGER_TARGET = /^secretsmanager\./;

/** Authenticates, authorises the call and runs the operation; throws the AwsError to answer instead. */
function run(state: ServerState, request: IncomingMessage, body: Buffer, record: OpenCallRecord) {
  const ssm = SSM_TARGET.test(String(request.headers['x-amz-target'] ?? ''));
  const verified = verifySigV4(
    { method: request.method ?? 'POST', url: request.url ?? '/', rawHeaders: request.rawHeaders, body },
    {
      service: ssm ? 'ssm' : 'secretsmanager',
      now: state.clock(),
      findKey: (id) => state.credentials.get(id),
    },
  );
  const accessKeyId = verified.key.accessKeyId;
  record.accessKeyId = accessKeyId;
  record.region = verified.region;
  const operation = record.operation;
  if (request.method !== 'POST' || !isOperation(operation) || SSM_OPERATIONS.includes(operation) !== ssm) {
    throw unknownOperation();
  }
  // Rates are per account and region, so a call is counted once it is known whose it is.
  if (state.quotas?.take(operation, verified.region) === false) throw throttled();
  const parsed = parseInput(body);
  if (parsed === undefined) throw serializationError('Request body is not a JSON object.');
  // The token a `sameNextToken` page handed out asks for that first page again.
  const { NextToken: token, ...rest } = parsed;
  const input = token === REPEATED_TOKEN ? rest : parsed;
  const principalArn =
    state.credentials.get(accessKeyId)?.principalArn ??
    `arn:aws:iam::${state.store.accountId}:user/${accessKeyId}`;
  const caller = { accessKeyId, principalArn };
  state.access.checkCall(caller, operation);
  const store = state.store.region(verified.region);
  if (operation === 'GetParameter' || operation === 'GetParameters' || operation === 'GetParametersByPath') {
    const parameters = state.parameters.region(verified.region);
    const context = { parameters, secrets: store, access: state.access, caller, region: verified.region };
    return parameterHandlers[operation]({ ...context, accountId: state.store.accountId }, input);
  }
  return handlers[operation]({ store, access: state.access, caller }, input);
}

function answerFor(
  state: ServerState,
  request: IncomingMessage,
  body: Buffer,
  record: OpenCallRecord,
  ssm: boolean,
): Answer {
  try {
    return successAnswer(run(state, request, body, record));
  } catch (error) {
    // A bug in the emulator answers as AWS would (500), but says so, so that it is not mistaken for a fault.
    if (!(error instanceof AwsError)) console.error('emulator: internal error in', record.operation, error);
    const failure = error instanceof AwsError ? error : ssm ? ssmInternalError() : internalError();
    const answer = errorAnswer(failure);
    record.errorCode = failure.code;
    return answer;
  }
}

/** Carries out a fault; true when it replaced the answer (or close() interrupted a delay). */
async function applyFault(
  fault: FaultSpec,
  response: ServerResponse,
  record: OpenCallRecord,
  closing: AbortSignal,
  ssm: boolean,
) {
  const replyWith = (error: AwsError): true => {
    record.status = error.status;
    record.errorCode = error.code;
    send(response, errorAnswer(error));
    return true;
  };
  switch (fault.fault) {
    case 'throttle':
      return replyWith(throttled());
    case 'error500':
      return replyWith(ssm ? ssmInternalError() : internalError());
    case 'error503':
      return replyWith(serviceUnavailable());
    case 'reset':
      response.socket?.destroy();
      return true;
    case 'hang':
      return true;
    case 'badJson':
      record.status = 200;
      send(response, { status: 200, body: Buffer.from('{"SecretString": not json at all'), headers: {} });
      return true;
    case 'delay':
      try {
        await sleep(fault.delayMs ?? 0, undefined, { signal: closing });
        return false;
      } catch {
        return true;
      }
    case 'truncate':
      return false;
    default: {
      const replaced = replacedAnswer(fault);
      if (replaced === undefined) return false;
      record.status = replaced.status;
      send(response, replaced);
      return true;
    }
  }
}

export function createRequestListener(state: ServerState) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    // Not Secrets Manager: it stands in for the container's credentials endpoint, and is not in the call log.
    if (serveContainerCredentials(request, response, state.clock)) return;
    state.inFlight.now++;
    state.inFlight.peak = Math.max(state.inFlight.peak, state.inFlight.now);
    response.once('close', () => state.inFlight.now--);
    let body: Buffer;
    try {
      body = await readBody(request);
    } catch {
      return; // The client went away mid-request; nothing to answer.
    }
    const target = request.headers['x-amz-target'];
    const ssm = typeof target === 'string' && SSM_TARGET.test(target);
    const operation =
      typeof target === 'string' ? target.replace(ssm ? SSM_TARGET : SECRETS_MANAGER_TARGET, '') : '';
    const record = openCallRecord(request, operation, parseInput(body));
    state.calls.push(record);
    // AWS's Date header is its own clock, which is what clients correct a skewed clock from.
    response.setHeader('Date', new Date(state.clock()).toUTCString());

    const fault = state.faults.take(operation, record.region);
    if (fault !== undefined) {
      record.fault = fault.fault;
      if (await applyFault(fault, response, record, state.closing, ssm)) return;
    }
    const answer =
      fault === undefined
        ? answerFor(state, request, body, record, ssm)
        : shapedAnswer(fault, answerFor(state, request, body, record, ssm));
    record.status = answer.status;
    if (fault?.fault === 'truncate') sendTruncated(response, answer);
    else if (fault?.fault === 'trickle')
      await sendTrickled(response, answer, fault.delayMs ?? 1000, state.closing);
    else send(response, answer);
  };
}
