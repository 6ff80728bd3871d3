// How a misbehaving endpoint answers: the real answer trickled, padded or mislabelled, or no real answer at all.
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FaultSpec } from './faults.ts';
import type { Answer } from './wire.ts';

/** A NextToken that, sent back with the `sameNextToken` fault, gets the first page again. */
export const REPEATED_TOKEN = 'withsecrets-emulator-repeated-token';
const TEN_MB = 10 * 1024 * 1024;

/** The answer a fault gives instead of the real one, or undefined when it shapes the real one (sendShaped). */
export function replacedAnswer(fault: FaultSpec): Answer | undefined {
  switch (fault.fault) {
    case 'redirect':
      return { status: 302, body: Buffer.alloc(0), headers: { Location: 'http://127.0.0.1:9/' } };
    case 'htmlError':
      return {
        status: 502,
        body: Buffer.from('<html><head><title>502 Bad Gateway</title></head><body>Bad Gateway</body></html>'),
        headers: { 'Content-Type': 'text/html' },
      };
    case 'emptyBody':
      return { status: 200, body: Buffer.alloc(0), headers: {} };
    default:
      return undefined;
  }
}

/** The real answer as the fault shapes it. */
export function shapedAnswer(fault: FaultSpec, answer: Answer): Answer {
  if (answer.status !== 200) return answer;
  switch (fault.fault) {
    case 'sameNextToken':
      return withMember(answer, 'NextToken', REPEATED_TOKEN);
    case 'hugePage':
      return withMember(answer, 'Padding', 'x'.repeat(TEN_MB));
    case 'wrongContentType':
      return { ...answer, headers: { ...answer.headers, 'Content-Type': 'text/html' } };
    default:
      return answer;
  }
}

function withMember(answer: Answer, member: string, value: string): Answer {
  const output = JSON.parse(answer.body.toString('utf8')) as Record<string, unknown>;
  return { ...answer, body: Buffer.from(JSON.stringify({ ...output, [member]: value })) };
}

/** Sends the answer one byte every `delayMs`, until it is sent or the emulator closes. */
export async function sendTrickled(
  response: ServerResponse,
  answer: Answer,
  delayMs: number,
  closing: AbortSignal,
): Promise<void> {
  response.writeHead(answer.status, {
    'Content-Type': 'application/x-amz-json-1.1',
    'Content-Length': String(answer.body.length),
    'x-amzn-RequestId': randomUUID(),
  });
  for (const byte of answer.body) {
    if (response.destroyed) return;
    response.write(Buffer.of(byte));
    try {
      await sleep(delayMs, undefined, { signal: closing });
    } catch {
      return;
    }
  }
  response.end();
}
