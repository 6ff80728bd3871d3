// The direct client's Parameter Store against the emulator, side by side with @aws-sdk/client-ssm: same answers, errors, retries.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { GetParametersByPathCommand, GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { DirectParameterStore } from '../../src/aws/direct-parameter-store.ts';
import type { ParameterEntry } from '../../src/aws/parameter-store-api.ts';
import { type Emulator, startEmulator } from './emulator.ts';
import { rejectionOf, TEST_CREDENTIALS } from './helpers.ts';

const never = new AbortController().signal;

/** What withsecrets reads of a parameter and of an error (src/aws/parameter-values.ts, src/aws/errors.ts). */
const entry = ({ Name, ARN, Type, Value, Version, Selector }: ParameterEntry) => ({
  Name,
  ARN,
  Type,
  Value,
  Version,
  Selector,
});
const essentials = (error: Error & Record<string, unknown>) => ({
  name: error.name,
  // AWS's text of KMS's denial carries a request id of its own; the rest is the same.
  message: error.message.replace(/Request ID: [\w-]+/, 'Request ID: (id)'),
  fault: error.$fault,
  status: (error.$metadata as { httpStatusCode?: number } | undefined)?.httpStatusCode,
});

describe('direct client, Parameter Store', () => {
  let emulator: Emulator;
  let direct: DirectParameterStore;
  let sdk: SSMClient;
  before(async () => {
    emulator = await startEmulator();
    emulator.putParameter('/d/secure', 'secure-v1');
    emulator.putParameter('/d/secure', 'secure-v2');
    emulator.labelParameterVersion('/d/secure', 1, ['prod']);
    emulator.putParameter('/d/list', 'a,b', { type: 'StringList' });
    for (let index = 0; index < 23; index++) emulator.putParameter(`/d/many/${index}`, `many-${index}`);
    emulator.putParameter('/d/locked', 'locked-0001', { keyId: 'key/locked' });
    emulator.denyParameterDecrypt('/d/locked');
    direct = new DirectParameterStore({
      endpoint: new URL(emulator.url),
      region: emulator.region,
      credentials: TEST_CREDENTIALS,
      maxAttempts: 3,
      connectTimeoutMs: 3000,
      requestTimeoutMs: 3000,
    });
    sdk = new SSMClient({ endpoint: emulator.url, region: emulator.region, credentials: TEST_CREDENTIALS });
  });
  after(async () => {
    sdk.destroy();
    await emulator.close();
  });
  beforeEach(() => {
    emulator.clearCalls();
    emulator.clearFaults();
  });

  it('GetParameters: the same values, versions, selectors and InvalidParameters as the SDK, signed for ssm', async () => {
    const input = {
      Names: ['/d/secure', '/d/secure:prod', '/d/list', '/d/nope', '/d/secure:9'],
      WithDecryption: true,
    };
    const mine = await direct.getParameters(input, never);
    const theirs = await sdk.send(new GetParametersCommand(input));
    assert.deepEqual(mine.Parameters?.map(entry), theirs.Parameters?.map(entry));
    assert.deepEqual(mine.InvalidParameters, theirs.InvalidParameters);
    assert.deepEqual(mine.InvalidParameters, ['/d/nope', '/d/secure:9']);
    assert.equal(mine.Parameters?.[0]?.Value, 'secure-v2');
    assert.equal(mine.Parameters?.[1]?.Value, 'secure-v1');
    const [call] = emulator.calls;
    assert.match(call?.userAgent ?? '', /^withsecrets /);
    assert.equal(call?.operation, 'GetParameters');
  });

  it('GetParametersByPath: the same pages and NextTokens as the SDK', async () => {
    const pages = async (
      list: (
        token: string | undefined,
      ) => Promise<{ Parameters?: readonly ParameterEntry[] | undefined; NextToken?: string | undefined }>,
    ) => {
      const names: unknown[] = [];
      let token: string | undefined;
      let count = 0;
      do {
        const page = await list(token);
        names.push(
          ...(page.Parameters ?? []).map((parameter) => entry(parameter as Record<string, unknown>)),
        );
        token = page.NextToken;
        count++;
      } while (token !== undefined);
      return { names, count };
    };
    const input = { Path: '/d/many', Recursive: true, WithDecryption: true, MaxResults: 10 };
    const mine = await pages((NextToken) => direct.getParametersByPath({ ...input, NextToken }, never));
    const theirs = await pages((NextToken) =>
      sdk.send(new GetParametersByPathCommand({ ...input, NextToken })),
    );
    assert.deepEqual(mine, theirs);
    assert.equal(mine.names.length, 23);
    assert.equal(mine.count, 3);
  });

  it('a denied decrypt fails as the SDK fails, and a throttled call is retried until it succeeds', async () => {
    const input = { Names: ['/d/locked'], WithDecryption: true };
    const mine = await rejectionOf(() => direct.getParameters(input, never));
    const theirs = await rejectionOf(() => sdk.send(new GetParametersCommand(input)));
    assert.deepEqual(essentials(mine), essentials(theirs));
    assert.doesNotMatch(JSON.stringify(essentials(mine)), /locked-0001/);
    emulator.clearCalls();
    emulator.inject({ fault: 'throttle', times: 2, operation: 'GetParameters' });
    const output = await direct.getParameters({ Names: ['/d/list'], WithDecryption: true }, never);
    assert.equal(output.Parameters?.[0]?.Value, 'a,b');
    assert.equal(emulator.count({ errorCode: 'ThrottlingException' }), 2);
  });
});
