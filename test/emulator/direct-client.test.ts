// The direct client against the emulator, side by side with the real SDK: same answers, same errors, same retries.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  BatchGetSecretValueCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
} from '@aws-sdk/client-secrets-manager';
import type { DirectRouteSettings } from '../../src/aws/direct-client.ts';
import { DirectSecretsManager } from '../../src/aws/direct-secrets-manager.ts';
import { type Emulator, startEmulator } from './emulator.ts';
import { clientFor, TEST_CREDENTIALS } from './helpers.ts';

const MINUTE = 60_000;
const BYTES = new Uint8Array([0, 1, 2, 250, 255, 10, 13]);
const never = new AbortController().signal;

function directFor(emulator: Emulator, options: Partial<DirectRouteSettings> = {}): DirectSecretsManager {
  return new DirectSecretsManager({
    endpoint: new URL(emulator.url),
    region: emulator.region,
    credentials: TEST_CREDENTIALS,
    maxAttempts: 3,
    connectTimeoutMs: 3000,
    requestTimeoutMs: 3000,
    ...options,
  });
}

async function rejectionOf(call: () => Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await call();
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  assert.fail('expected the call to fail');
}

/**
 * What withsecrets reads of an error: src/aws/fetch.ts and src/aws/errors.ts look at nothing else (of the message, only its
 * first line: AWS's signature errors go on with the canonical request, which differs between clients).
 */
function essentials(error: Error & Record<string, unknown>) {
  const metadata = error.$metadata as { httpStatusCode?: number } | undefined;
  const message = error.message.split('\n')[0];
  return { name: error.name, message, fault: error.$fault, status: metadata?.httpStatusCode };
}

describe('direct client', () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator();
    emulator.createSecret('direct/text', 'text-value');
    emulator.createSecret('direct/binary', BYTES);
    for (let index = 0; index < 130; index++) emulator.createSecret(`direct/many/${index}`, `v${index}`);
    emulator.addCredentials({ accessKeyId: 'limited', secretAccessKey: 'limited-secret' });
    emulator.deny({ accessKeyId: 'limited', operation: 'GetSecretValue' });
  });
  after(() => emulator.close());

  test('GetSecretValue: the same string, bytes, name and ARN as the SDK', async () => {
    const direct = directFor(emulator);
    const sdk = clientFor(emulator);
    try {
      for (const id of ['direct/text', 'direct/binary']) {
        const ours = await direct.getSecretValue({ SecretId: id }, never);
        const theirs = await sdk.send(new GetSecretValueCommand({ SecretId: id }));
        assert.deepEqual(
          [ours.Name, ours.ARN, ours.SecretString, ours.SecretBinary && [...ours.SecretBinary]],
          [theirs.Name, theirs.ARN, theirs.SecretString, theirs.SecretBinary && [...theirs.SecretBinary]],
        );
      }
      const binary = await direct.getSecretValue({ SecretId: 'direct/binary' }, never);
      assert.deepEqual(binary.SecretBinary, BYTES);
    } finally {
      sdk.destroy();
    }
  });

  test('BatchGetSecretValue: values and per-secret Errors as the SDK has them', async () => {
    const direct = directFor(emulator);
    const sdk = clientFor(emulator);
    try {
      const input = { SecretIdList: ['direct/text', 'direct/missing', 'direct/binary'] };
      const ours = await direct.batchGetSecretValue(input, never);
      const theirs = await sdk.send(new BatchGetSecretValueCommand(input));
      const shape = (output: typeof ours) => ({
        values: output.SecretValues?.map((value) => [
          value.Name,
          value.SecretString,
          value.SecretBinary?.length,
        ]),
        errors: output.Errors?.map((error) => [error.SecretId, error.ErrorCode, error.Message]),
      });
      assert.deepEqual(shape(ours), shape(theirs));
      assert.equal(ours.Errors?.[0]?.ErrorCode, 'ResourceNotFoundException');
    } finally {
      sdk.destroy();
    }
  });

  test('ListSecrets: pages with NextToken as the SDK does', async () => {
    const direct = directFor(emulator);
    const sdk = clientFor(emulator);
    try {
      const input = { Filters: [{ Key: 'name' as const, Values: ['direct/many/'] }], MaxResults: 100 };
      const ours = await direct.listSecrets(input, never);
      const theirs = await sdk.send(new ListSecretsCommand({ ...input, Filters: [...input.Filters] }));
      assert.equal(ours.SecretList?.length, 100);
      assert.deepEqual(
        ours.SecretList?.map((entry) => entry.Name),
        theirs.SecretList?.map((entry) => entry.Name),
      );
      assert.ok(ours.NextToken);
      const next = await direct.listSecrets({ ...input, NextToken: ours.NextToken }, never);
      assert.deepEqual([next.SecretList?.length, next.NextToken], [30, undefined]);
    } finally {
      sdk.destroy();
    }
  });

  test('service errors carry the name, message, fault and status the SDK gives them', async () => {
    const cases: { credentials?: typeof TEST_CREDENTIALS; id: string; expected: string }[] = [
      { id: 'direct/missing', expected: 'ResourceNotFoundException' },
      {
        id: 'direct/text',
        credentials: { accessKeyId: 'limited', secretAccessKey: 'limited-secret' },
        expected: 'AccessDeniedException',
      },
      {
        id: 'direct/text',
        credentials: { accessKeyId: 'unknown', secretAccessKey: 'unknown' },
        expected: 'UnrecognizedClientException',
      },
      {
        id: 'direct/text',
        credentials: { accessKeyId: 'test', secretAccessKey: 'wrong' },
        expected: 'InvalidSignatureException',
      },
    ];
    for (const { id, credentials = TEST_CREDENTIALS, expected } of cases) {
      const direct = directFor(emulator, { credentials });
      const sdk = clientFor(emulator, { credentials, maxAttempts: 1 });
      try {
        const ours = await rejectionOf(() => direct.getSecretValue({ SecretId: id }, never));
        const theirs = await rejectionOf(() => sdk.send(new GetSecretValueCommand({ SecretId: id })));
        assert.equal(ours.name, expected);
        assert.deepEqual(essentials(ours), essentials(theirs));
      } finally {
        sdk.destroy();
      }
    }
  });

  test('throttling is retried with the SDK’s budget: 3 attempts, then ThrottlingException', async () => {
    emulator.clearCalls();
    emulator.inject({ fault: 'throttle', times: 2 });
    const value = await directFor(emulator).getSecretValue({ SecretId: 'direct/text' }, never);
    assert.equal(value.SecretString, 'text-value');
    assert.equal(emulator.count({ operation: 'GetSecretValue' }), 3);

    emulator.clearCalls();
    emulator.inject({ fault: 'throttle', times: 3 });
    const error = await rejectionOf(() =>
      directFor(emulator).getSecretValue({ SecretId: 'direct/text' }, never),
    );
    assert.deepEqual(
      [error.name, emulator.count({ operation: 'GetSecretValue' })],
      ['ThrottlingException', 3],
    );
  });

  test('5xx, resets and cut bodies are retried; a 200 that is not JSON is not, and its body is not quoted', async () => {
    for (const fault of ['error500', 'error503', 'reset', 'truncate'] as const) {
      emulator.clearCalls();
      emulator.inject({ fault });
      const value = await directFor(emulator).getSecretValue({ SecretId: 'direct/text' }, never);
      assert.equal(value.SecretString, 'text-value', fault);
      assert.equal(emulator.count({ operation: 'GetSecretValue' }), 2, fault);
    }
    emulator.clearCalls();
    emulator.inject({ fault: 'error503', times: 3 });
    const unavailable = await rejectionOf(() =>
      directFor(emulator).getSecretValue({ SecretId: 'direct/text' }, never),
    );
    assert.deepEqual(essentials(unavailable).status, 503);
    assert.equal(unavailable.name, 'ServiceUnavailable');

    emulator.clearCalls();
    emulator.inject({ fault: 'reset', times: 3 });
    const reset = await rejectionOf(() =>
      directFor(emulator).getSecretValue({ SecretId: 'direct/text' }, never),
    );
    assert.equal(reset.code, 'ECONNRESET');

    emulator.clearCalls();
    emulator.inject({ fault: 'badJson', times: 3 });
    const bad = await rejectionOf(() =>
      directFor(emulator).getSecretValue({ SecretId: 'direct/text' }, never),
    );
    assert.equal(bad.name, 'SyntaxError');
    assert.doesNotMatch(bad.message, /not json at all/);
    assert.equal(emulator.count({ operation: 'GetSecretValue' }), 1);
    emulator.clearFaults();
  });

  test('a reset on every attempt ends as the SDK names it: TimeoutError, code ECONNRESET', async () => {
    emulator.inject({ fault: 'reset', times: 3 });
    const ours = await rejectionOf(() =>
      directFor(emulator).getSecretValue({ SecretId: 'direct/text' }, never),
    );
    emulator.inject({ fault: 'reset', times: 3 });
    const sdk = clientFor(emulator);
    try {
      const theirs = await rejectionOf(() =>
        sdk.send(new GetSecretValueCommand({ SecretId: 'direct/text' })),
      );
      assert.deepEqual([ours.name, ours.code], [theirs.name, theirs.code]);
      assert.deepEqual([ours.name, ours.code], ['TimeoutError', 'ECONNRESET']);
    } finally {
      sdk.destroy();
    }
  });

  test('an answer that does not begin within the request timeout: TimeoutError, code ETIMEDOUT, after 3 attempts', async () => {
    emulator.clearCalls();
    emulator.inject({ fault: 'delay', delayMs: 1000, times: 3 });
    const error = await rejectionOf(() =>
      directFor(emulator, { requestTimeoutMs: 200 }).getSecretValue({ SecretId: 'direct/text' }, never),
    );
    assert.deepEqual([error.name, error.code], ['TimeoutError', 'ETIMEDOUT']);
    assert.equal(emulator.count({ operation: 'GetSecretValue' }), 3);
  });

  test('a success after a retry pays the retry back, so a long run on a flaky network keeps retrying', async () => {
    // 45 calls that each succeed after one 500: the token bucket (500) would be gone after 36 if it did not refill.
    const direct = directFor(emulator);
    for (let call = 0; call < 45; call++) {
      emulator.inject({ fault: 'error500', operation: 'GetSecretValue' });
      const value = await direct.getSecretValue({ SecretId: 'direct/text' }, never);
      assert.equal(value.SecretString, 'text-value', `call ${call}`);
    }
  });

  test('an outage drains the retry bucket as it does the SDK’s: the same attempts per call, then none', async () => {
    // 500 tokens, 14 a retry: 17 calls retry twice, the 18th once, then no call retries until one succeeds.
    const attemptsPerCall = async (get: () => Promise<unknown>) => {
      emulator.clearFaults();
      emulator.inject({ fault: 'error500', operation: 'GetSecretValue', times: 1000 });
      const attempts: number[] = [];
      for (let call = 0; call < 20; call++) {
        emulator.clearCalls();
        await rejectionOf(get);
        attempts.push(emulator.count({ operation: 'GetSecretValue' }));
      }
      emulator.clearFaults();
      return attempts;
    };
    const direct = directFor(emulator);
    const sdk = clientFor(emulator, { maxAttempts: 3 });
    try {
      const directAttempts = await attemptsPerCall(() =>
        direct.getSecretValue({ SecretId: 'direct/text' }, never),
      );
      const sdkAttempts = await attemptsPerCall(() =>
        sdk.send(new GetSecretValueCommand({ SecretId: 'direct/text' })),
      );
      assert.deepEqual(directAttempts, sdkAttempts);
      assert.deepEqual(directAttempts, [...Array(17).fill(3), 2, 1, 1]);
    } finally {
      sdk.destroy();
    }
  });

  test('silence: each attempt is cut at the request timeout, then TimeoutError', async () => {
    emulator.clearCalls();
    emulator.inject({ fault: 'hang', times: 3 });
    const started = Date.now();
    const error = await rejectionOf(() =>
      directFor(emulator, { requestTimeoutMs: 200 }).getSecretValue({ SecretId: 'direct/text' }, never),
    );
    assert.equal(error.name, 'TimeoutError');
    assert.equal(emulator.count({ operation: 'GetSecretValue' }), 3);
    assert.ok(Date.now() - started < 3000, 'three 200 ms attempts and short backoffs');
  });

  test('an abort ends a call in flight at once, with AbortError and no retry', async () => {
    emulator.clearCalls();
    emulator.inject({ fault: 'hang', times: 3 });
    const controller = new AbortController();
    const call = rejectionOf(() =>
      directFor(emulator).getSecretValue({ SecretId: 'direct/text' }, controller.signal),
    );
    while (emulator.count({ operation: 'GetSecretValue' }) === 0)
      await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    const error = await call;
    assert.equal(error.name, 'AbortError');
    assert.equal(emulator.count({ operation: 'GetSecretValue' }), 1);
    emulator.clearFaults();
  });

  test('a session token is signed and sent', async () => {
    emulator.addCredentials({
      accessKeyId: 'temporary',
      secretAccessKey: 'temporary-secret',
      sessionToken: 'tok',
    });
    const good = directFor(emulator, {
      credentials: { accessKeyId: 'temporary', secretAccessKey: 'temporary-secret', sessionToken: 'tok' },
    });
    assert.equal((await good.getSecretValue({ SecretId: 'direct/text' }, never)).SecretString, 'text-value');
    const without = directFor(emulator, {
      credentials: { accessKeyId: 'temporary', secretAccessKey: 'temporary-secret' },
    });
    const error = await rejectionOf(() => without.getSecretValue({ SecretId: 'direct/text' }, never));
    assert.equal(error.name, 'UnrecognizedClientException');
  });
});

describe('direct client and a skewed clock', () => {
  let emulator: Emulator;
  before(async () => {
    // The server's clock is 10 minutes ahead of this machine's, as if the machine's were slow.
    emulator = await startEmulator({ clock: () => Date.now() + 10 * MINUTE });
    emulator.createSecret('skew/secret', 'skew-value');
  });
  after(() => emulator.close());

  test('like the SDK, it adopts the server’s clock from the Date header and succeeds on the second attempt', async () => {
    const direct = directFor(emulator);
    const value = await direct.getSecretValue({ SecretId: 'skew/secret' }, never);
    assert.equal(value.SecretString, 'skew-value');
    assert.equal(emulator.count({ operation: 'GetSecretValue' }), 2);
    // Corrected once: the next call is signed right the first time.
    await direct.getSecretValue({ SecretId: 'skew/secret' }, never);
    assert.equal(emulator.count({ operation: 'GetSecretValue' }), 3);
  });

  test('with one attempt it fails as the SDK does', async () => {
    const ours = await rejectionOf(() =>
      directFor(emulator, { maxAttempts: 1 }).getSecretValue({ SecretId: 'skew/secret' }, never),
    );
    const sdk = clientFor(emulator, { maxAttempts: 1 });
    try {
      const theirs = await rejectionOf(() =>
        sdk.send(new GetSecretValueCommand({ SecretId: 'skew/secret' })),
      );
      assert.equal(ours.name, 'InvalidSignatureException');
      assert.deepEqual(
        { ...essentials(ours), message: ours.message.replace(/\d{8}T\d{6}Z/g, 'T') },
        { ...essentials(theirs), message: theirs.message.replace(/\d{8}T\d{6}Z/g, 'T') },
      );
    } finally {
      sdk.destroy();
    }
  });
});
