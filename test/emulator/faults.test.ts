// Each injectable fault, and what the real SDK (standard retry mode, 3 attempts) makes of it.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, afterEach, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  BatchGetSecretValueCommand,
  GetSecretValueCommand,
  type SecretsManagerClientConfig,
} from '@aws-sdk/client-secrets-manager';
import { type Emulator, startEmulator } from './emulator.ts';
import { clientFor, rejectionOf } from './helpers.ts';

let emulator: Emulator;

before(async () => {
  emulator = await startEmulator();
  emulator.createSecret('faulty', 'value');
});
after(() => emulator.close());
afterEach(() => {
  emulator.clearFaults();
  emulator.clearCalls();
});

/** One GetSecretValue with a fresh client; the outcome, attempts as the SDK counts them, and the time taken. */
async function getWith(config: Partial<SecretsManagerClientConfig> = {}) {
  const client = clientFor(emulator, config);
  const started = performance.now();
  try {
    const result = await client.send(new GetSecretValueCommand({ SecretId: 'faulty' }));
    return {
      value: result.SecretString,
      attempts: result.$metadata.attempts,
      ms: performance.now() - started,
    };
  } catch (error) {
    const failure = error as Error & {
      code?: string;
      $metadata?: { attempts?: number; httpStatusCode?: number };
    };
    return { error: failure, attempts: failure.$metadata?.attempts, ms: performance.now() - started };
  } finally {
    client.destroy();
  }
}

const statuses = () => emulator.calls.map((call) => [call.fault, call.status]);

describe('a fault of one region', () => {
  test('hits only calls signed for that region: an outage there, answers elsewhere', async () => {
    emulator.createSecret('faulty', 'value-in-eu', { region: 'eu-west-1' });
    emulator.inject({ fault: 'error503', region: 'us-east-1', times: 3 });
    const eu = await getWith({ region: 'eu-west-1' });
    assert.equal(eu.value, 'value-in-eu');
    const us = await getWith({ region: 'us-east-1' });
    assert.equal(us.error?.name, 'ServiceUnavailable');
    assert.equal(us.attempts, 3);
    assert.deepEqual(
      emulator.calls.map((call) => [call.region, call.fault ?? null, call.status]),
      [
        ['eu-west-1', null, 200],
        ['us-east-1', 'error503', 503],
        ['us-east-1', 'error503', 503],
        ['us-east-1', 'error503', 503],
      ],
    );
  });
});

describe('throttle', () => {
  test('once: the SDK retries after its throttling backoff and succeeds', async () => {
    emulator.inject({ fault: 'throttle' });
    const outcome = await getWith();
    assert.deepEqual([outcome.value, outcome.attempts], ['value', 2]);
    assert.deepEqual(statuses(), [
      ['throttle', 400],
      [undefined, 200],
    ]);
    assert.equal(emulator.calls[0]?.errorCode, 'ThrottlingException');
  });

  test('every attempt: ThrottlingException "Rate exceeded" after the last attempt', async () => {
    emulator.inject({ fault: 'throttle', times: 2 });
    const outcome = await getWith({ maxAttempts: 2 });
    assert.deepEqual(
      [outcome.error?.name, outcome.error?.message, outcome.attempts],
      ['ThrottlingException', 'Rate exceeded', 2],
    );
    assert.equal(outcome.error?.$metadata?.httpStatusCode, 400);
  });
});

describe('5xx', () => {
  test('error500 twice then success: 3 attempts', async () => {
    emulator.inject({ fault: 'error500', times: 2 });
    const outcome = await getWith();
    assert.deepEqual([outcome.value, outcome.attempts], ['value', 3]);
    assert.deepEqual(statuses(), [
      ['error500', 500],
      ['error500', 500],
      [undefined, 200],
    ]);
  });

  test('error500 on every attempt: InternalServiceError, HTTP 500', async () => {
    emulator.inject({ fault: 'error500', times: 3 });
    const outcome = await getWith();
    assert.deepEqual(
      [outcome.error?.name, outcome.error?.message, outcome.attempts],
      ['InternalServiceError', 'An error occurred on the server side.', 3],
    );
    assert.equal(outcome.error?.$metadata?.httpStatusCode, 500);
  });

  test('error503: retried; on every attempt ServiceUnavailable, HTTP 503', async () => {
    emulator.inject({ fault: 'error503' });
    assert.deepEqual((await getWith()).attempts, 2);
    emulator.inject({ fault: 'error503', times: 3 });
    const outcome = await getWith();
    assert.deepEqual(
      [outcome.error?.name, outcome.error?.$metadata?.httpStatusCode, outcome.attempts],
      ['ServiceUnavailable', 503, 3],
    );
  });
});

describe('connection faults', () => {
  test('reset once: retried and succeeds', async () => {
    emulator.inject({ fault: 'reset' });
    const outcome = await getWith();
    assert.deepEqual([outcome.value, outcome.attempts], ['value', 2]);
    assert.deepEqual(statuses(), [
      ['reset', undefined],
      [undefined, 200],
    ]);
  });

  test('reset on every attempt: the SDK surfaces "socket hang up" (ECONNRESET)', async () => {
    emulator.inject({ fault: 'reset', times: 3 });
    const outcome = await getWith();
    assert.deepEqual(
      [outcome.error?.name, outcome.error?.message, outcome.error?.code, outcome.attempts],
      ['TimeoutError', 'socket hang up', 'ECONNRESET', 3],
    );
  });

  test('truncated body once: retried and succeeds; every attempt: "aborted" deserialization error', async () => {
    emulator.inject({ fault: 'truncate' });
    assert.deepEqual((await getWith()).attempts, 2);
    emulator.inject({ fault: 'truncate', times: 3 });
    const outcome = await getWith();
    assert.equal(outcome.attempts, 3);
    assert.equal(outcome.error?.code, 'ECONNRESET');
    assert.ok(outcome.error?.message.startsWith('aborted\n  Deserialization error'), outcome.error?.message);
  });

  test('a body that is not JSON: SyntaxError, not retried', async () => {
    emulator.inject({ fault: 'badJson' });
    const outcome = await getWith();
    assert.equal(outcome.error?.name, 'SyntaxError');
    assert.match(outcome.error?.message ?? '', /is not valid JSON\n {2}Deserialization error/);
    assert.equal(outcome.attempts, 1);
    assert.equal(emulator.calls.length, 1);
  });
});

describe('slow and silent answers', () => {
  test('delay: answered normally, after the delay', async () => {
    emulator.inject({ fault: 'delay', delayMs: 150 });
    const outcome = await getWith();
    assert.deepEqual([outcome.value, outcome.attempts], ['value', 1]);
    assert.ok(outcome.ms >= 145, `took ${outcome.ms} ms`);
  });

  test('hang once, with requestTimeout + throwOnRequestTimeout: the attempt times out, the retry succeeds', async () => {
    emulator.inject({ fault: 'hang' });
    const outcome = await getWith({ requestHandler: { requestTimeout: 200, throwOnRequestTimeout: true } });
    assert.deepEqual([outcome.value, outcome.attempts], ['value', 2]);
    assert.ok(outcome.ms >= 195, `took ${outcome.ms} ms`);
  });

  test('hang on the only attempt: TimeoutError naming the requestTimeout', async () => {
    emulator.inject({ fault: 'hang' });
    const outcome = await getWith({
      maxAttempts: 1,
      requestHandler: { requestTimeout: 200, throwOnRequestTimeout: true },
    });
    assert.deepEqual(
      [outcome.error?.name, outcome.error?.code, outcome.error?.message],
      [
        'TimeoutError',
        'ETIMEDOUT',
        '@smithy/node-http-handler - [ERROR] a request has exceeded the configured 200 ms requestTimeout.',
      ],
    );
  });

  test('a hung request does not keep the process alive after close()', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./fixtures/hang-then-close.ts', import.meta.url))],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const deadline = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      child.on('exit', (exitCode, exitSignal) => resolve([exitCode, exitSignal])),
    );
    clearTimeout(deadline);
    assert.deepEqual([code, signal], [0, null], 'the process had to be killed: something kept it alive');
    assert.match(output, /closed\n/);
  });
});

describe('targeting and ordering', () => {
  test('a fault for one operation leaves the others alone', async () => {
    emulator.inject({ fault: 'error500', times: 3, operation: 'BatchGetSecretValue' });
    assert.equal((await getWith()).attempts, 1);
    const client = clientFor(emulator);
    try {
      const error = await rejectionOf(() =>
        client.send(new BatchGetSecretValueCommand({ SecretIdList: ['faulty'] })),
      );
      assert.equal(error.name, 'InternalServiceError');
    } finally {
      client.destroy();
    }
  });

  test('faults are used in the order queued, each for its count', async () => {
    emulator.inject({ fault: 'error503' });
    emulator.inject({ fault: 'error500' });
    const outcome = await getWith();
    assert.equal(outcome.attempts, 3);
    assert.deepEqual(statuses(), [
      ['error503', 503],
      ['error500', 500],
      [undefined, 200],
    ]);
  });

  test('invalid fault specs are refused', () => {
    assert.throws(() => emulator.inject({ fault: 'delay' }), /a delay fault needs delayMs >= 0/);
    assert.throws(
      () => emulator.inject({ fault: 'throttle', times: 0 }),
      /fault times must be a positive integer: 0/,
    );
  });
});
