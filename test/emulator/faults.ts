// Faults that tests queue for the next calls, to see how a client copes with throttling, 5xx, resets and silence.

import type { Operation } from './access.ts';

/**
 * - `throttle`: 400 ThrottlingException "Rate exceeded" (the SDK retries it, with its throttling backoff).
 * - `error500`: 500 InternalServiceError; `error503`: 503 ServiceUnavailable (both retried as transient).
 * - `reset`: the socket is destroyed without an answer.
 * - `delay`: the call is answered normally after `delayMs`.
 * - `hang`: the call is accepted and never answered (until `close()`).
 * - `truncate`: a 200 whose body stops halfway (Content-Length promises more), then the socket closes.
 * - `badJson`: a 200 whose body is not JSON.
 * Faults of a misbehaving endpoint (Secrets Manager's calls only, not the stand-in agent):
 * - `trickle`: the real answer, one byte every `delayMs` (1000 when not given): no idle timeout ever fires.
 * - `sameNextToken`: the real first page, with a NextToken that, sent back, gets the same page again.
 * - `hugePage`: the real answer padded with an unknown member to over 10 MB.
 * - `wrongContentType`: the real answer as `text/html`.
 * - `redirect`: a 302 to another address, with no body.
 * - `htmlError`: a load balancer's 502 page in HTML.
 * - `emptyBody`: a 200 with no body at all.
 */
export type FaultKind =
  | 'throttle'
  | 'error500'
  | 'error503'
  | 'reset'
  | 'delay'
  | 'hang'
  | 'truncate'
  | 'badJson'
  | 'trickle'
  | 'sameNextToken'
  | 'hugePage'
  | 'wrongContentType'
  | 'redirect'
  | 'htmlError'
  | 'emptyBody';

/** The faults only the Secrets Manager listener serves: they shape its awsJson answers. */
export const ANSWER_FAULTS: readonly FaultKind[] = [
  'trickle',
  'sameNextToken',
  'hugePage',
  'wrongContentType',
  'redirect',
  'htmlError',
  'emptyBody',
];

export const FAULT_KINDS: readonly FaultKind[] = [
  'throttle',
  'error500',
  'error503',
  'reset',
  'delay',
  'hang',
  'truncate',
  'badJson',
  ...ANSWER_FAULTS,
];

export interface FaultSpec {
  readonly fault: FaultKind;
  /** How many matching calls it hits; 1 when not given. */
  readonly times?: number;
  /** Only calls of this operation (`AgentGetSecretValue`: the stand-in agent's requests); any call when not given. */
  readonly operation?: Operation | 'AgentGetSecretValue';
  /** Only calls signed for this region (an outage of one region, for fallback regions); any region when not given. */
  readonly region?: string;
  /** For `delay`. */
  readonly delayMs?: number;
}

interface PendingFault {
  readonly spec: FaultSpec;
  remaining: number;
}

/** Faults are used in the order they were queued; each hits the next `times` calls that match it. */
export class FaultQueue {
  private pending: PendingFault[] = [];

  add(spec: FaultSpec): void {
    const times = spec.times ?? 1;
    if (!Number.isInteger(times) || times < 1) {
      throw new RangeError(`fault times must be a positive integer: ${times}`);
    }
    if (spec.fault === 'delay' && !(typeof spec.delayMs === 'number' && spec.delayMs >= 0)) {
      throw new RangeError('a delay fault needs delayMs >= 0');
    }
    if (spec.operation === 'AgentGetSecretValue' && ANSWER_FAULTS.includes(spec.fault)) {
      throw new RangeError(`the stand-in agent does not serve the ${spec.fault} fault`);
    }
    this.pending.push({ spec, remaining: times });
  }

  /** The fault for this call, if one is queued for it; using it counts it down. */
  take(operation: string, region?: string): FaultSpec | undefined {
    const index = this.pending.findIndex(
      (fault) =>
        (fault.spec.operation === undefined || fault.spec.operation === operation) &&
        (fault.spec.region === undefined || fault.spec.region === region),
    );
    const fault = this.pending[index];
    if (fault === undefined) return undefined;
    fault.remaining -= 1;
    if (fault.remaining === 0) this.pending.splice(index, 1);
    return fault.spec;
  }

  clear(): void {
    this.pending = [];
  }

  get size(): number {
    return this.pending.length;
  }
}
