// awsJson1_1 framing: reading a request body, and writing answers and errors the way AWS's JSON services do.

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AwsError } from './errors.ts';
import type { JsonObject } from './shapes.ts';

const CONTENT_TYPE = 'application/x-amz-json-1.1';

export const readBody = (request: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });

/** The request members, or undefined when the body is not a JSON object (an empty body counts as `{}`). */
export function parseInput(body: Buffer): JsonObject | undefined {
  try {
    const parsed: unknown = JSON.parse(body.length === 0 ? '{}' : body.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as JsonObject)
      : undefined;
  } catch {
    return undefined;
  }
}

export interface Answer {
  readonly status: number;
  readonly body: Buffer;
  readonly headers: Readonly<Record<string, string>>;
}

export const successAnswer = (output: JsonObject): Answer => ({
  status: 200,
  body: Buffer.from(JSON.stringify(output)),
  headers: {},
});

/** `{"__type": code, "Message": text}` (or `message`), with the type in `x-amzn-ErrorType` too. */
export function errorAnswer(error: AwsError): Answer {
  const payload = {
    __type: error.code,
    ...(error.message === '' ? {} : { [error.messageKey]: error.message }),
  };
  return {
    status: error.status,
    body: Buffer.from(JSON.stringify(payload)),
    headers: { 'x-amzn-ErrorType': error.code },
  };
}

export function send(response: ServerResponse, answer: Answer): void {
  response.writeHead(answer.status, {
    'Content-Type': CONTENT_TYPE,
    'Content-Length': String(answer.body.length),
    'x-amzn-RequestId': randomUUID(),
    ...answer.headers,
  });
  response.end(answer.body);
}

/** Promises the whole body in Content-Length, sends half of it, then drops the connection. */
export function sendTruncated(response: ServerResponse, answer: Answer): void {
  response.writeHead(answer.status, {
    'Content-Type': CONTENT_TYPE,
    'Content-Length': String(answer.body.length),
  });
  response.write(answer.body.subarray(0, Math.floor(answer.body.length / 2)), () =>
    response.socket?.destroy(),
  );
}
