// Authentication as the SDK meets it (bad keys, skewed clocks, session tokens) and the raw wire shape of answers.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DescribeSecretCommand, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { fromHttp } from '@aws-sdk/credential-provider-http';
import { CONTAINER_CREDENTIAL } from './container-credentials.ts';
import { type Emulator, startEmulator } from './emulator.ts';
import { clientFor, rawRequest, rejectionOf, signedRawRequest } from './helpers.ts';

const MINUTE = 60_000;
const AMZ_DATE = /\d{8}T\d{6}Z/.source;

let emulator: Emulator;

before(async () => {
  emulator = await startEmulator({
    credentials: [
      { accessKeyId: 'test', secretAccessKey: 'test' },
      {
        accessKeyId: 'fake-temporary-key',
        secretAccessKey: 'temp-secret',
        sessionToken: 'the-session-token',
      },
    ],
  });
  emulator.createSecret('auth/secret', 'value');
});
after(() => emulator.close());

const attemptsOf = (error: Record<string, unknown>): number | undefined =>
  (error.$metadata as { attempts?: number } | undefined)?.attempts;

describe('SigV4 failures through the SDK', () => {
  test('a wrong secret key: InvalidSignatureException, not retried', async () => {
    const client = clientFor(emulator, { credentials: { accessKeyId: 'test', secretAccessKey: 'wrong' } });
    try {
      const error = await rejectionOf(() =>
        client.send(new GetSecretValueCommand({ SecretId: 'auth/secret' })),
      );
      assert.equal(error.name, 'InvalidSignatureException');
      assert.ok(
        error.message.startsWith(
          'The request signature we calculated does not match the signature you provided. Check your AWS Secret ' +
            'Access Key and signing method. Consult the service documentation for details.',
        ),
      );
      assert.equal(attemptsOf(error), 1);
    } finally {
      client.destroy();
    }
  });

  test('an unknown access key id: UnrecognizedClientException', async () => {
    const client = clientFor(emulator, {
      credentials: { accessKeyId: 'fake-unknown-key', secretAccessKey: 'test' },
    });
    try {
      const error = await rejectionOf(() =>
        client.send(new GetSecretValueCommand({ SecretId: 'auth/secret' })),
      );
      assert.deepEqual(
        [error.name, error.message],
        ['UnrecognizedClientException', 'The security token included in the request is invalid.'],
      );
      assert.equal((error.$metadata as { httpStatusCode: number }).httpStatusCode, 400);
    } finally {
      client.destroy();
    }
  });

  test('a clock 10 minutes slow: "Signature expired" when the SDK may not retry', async () => {
    const client = clientFor(emulator, { systemClockOffset: -10 * MINUTE, maxAttempts: 1 });
    try {
      const error = await rejectionOf(() =>
        client.send(new GetSecretValueCommand({ SecretId: 'auth/secret' })),
      );
      assert.equal(error.name, 'InvalidSignatureException');
      assert.match(
        error.message,
        new RegExp(
          `^Signature expired: ${AMZ_DATE} is now earlier than ${AMZ_DATE} \\(${AMZ_DATE} - 5 min\\.\\)$`,
        ),
      );
    } finally {
      client.destroy();
    }
  });

  test('a clock 10 minutes fast: "Signature not yet current"', async () => {
    const client = clientFor(emulator, { systemClockOffset: 10 * MINUTE, maxAttempts: 1 });
    try {
      const error = await rejectionOf(() =>
        client.send(new GetSecretValueCommand({ SecretId: 'auth/secret' })),
      );
      assert.match(
        error.message,
        new RegExp(
          `^Signature not yet current: ${AMZ_DATE} is still later than ${AMZ_DATE} \\(${AMZ_DATE} \\+ 5 min\\.\\)$`,
        ),
      );
    } finally {
      client.destroy();
    }
  });

  test('with its default retries the SDK corrects its clock from the Date header and succeeds', async () => {
    const client = clientFor(emulator, { systemClockOffset: -10 * MINUTE });
    try {
      const result = await client.send(new GetSecretValueCommand({ SecretId: 'auth/secret' }));
      assert.deepEqual([result.SecretString, result.$metadata.attempts], ['value', 2]);
    } finally {
      client.destroy();
    }
  });

  test('session credentials: accepted with their token, refused without it or with another', async () => {
    const temporary = { accessKeyId: 'fake-temporary-key', secretAccessKey: 'temp-secret' };
    const good = clientFor(emulator, { credentials: { ...temporary, sessionToken: 'the-session-token' } });
    const missing = clientFor(emulator, { credentials: temporary });
    const wrong = clientFor(emulator, { credentials: { ...temporary, sessionToken: 'expired-token' } });
    try {
      const result = await good.send(new GetSecretValueCommand({ SecretId: 'auth/secret' }));
      assert.equal(result.SecretString, 'value');
      for (const client of [missing, wrong]) {
        const error = await rejectionOf(() =>
          client.send(new GetSecretValueCommand({ SecretId: 'auth/secret' })),
        );
        assert.equal(error.name, 'UnrecognizedClientException');
      }
    } finally {
      for (const client of [good, missing, wrong]) client.destroy();
    }
  });
});

describe('credentials added while running', () => {
  test('addCredentials: a new key pair is accepted at once, with its own principal in denials', async () => {
    emulator.addCredentials({
      accessKeyId: 'fake-late-key',
      secretAccessKey: 'late',
      principalArn: 'arn:aws:iam::123456789012:user/late',
    });
    emulator.deny({ accessKeyId: 'fake-late-key', operation: 'DescribeSecret' });
    const client = clientFor(emulator, {
      credentials: { accessKeyId: 'fake-late-key', secretAccessKey: 'late' },
    });
    try {
      assert.equal(
        (await client.send(new GetSecretValueCommand({ SecretId: 'auth/secret' }))).SecretString,
        'value',
      );
      const error = await rejectionOf(() =>
        client.send(new DescribeSecretCommand({ SecretId: 'auth/secret' })),
      );
      assert.match(
        error.message,
        /^User: arn:aws:iam::123456789012:user\/late is not authorized to perform: secretsmanager:DescribeSecret/,
      );
    } finally {
      client.destroy();
      emulator.clearDenies();
    }
  });
});

describe('raw requests', () => {
  test('no Authorization header: 400 MissingAuthenticationTokenException', async () => {
    const response = await rawRequest(emulator.url, {
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'secretsmanager.GetSecretValue',
      },
      body: '{"SecretId":"auth/secret"}',
    });
    assert.equal(response.status, 400);
    assert.equal(response.headers['x-amzn-errortype'], 'MissingAuthenticationTokenException');
    assert.deepEqual(JSON.parse(response.body), {
      __type: 'MissingAuthenticationTokenException',
      message: 'Missing Authentication Token',
    });
  });

  test('signed with a date 10 minutes off: 400 InvalidSignatureException "Signature expired"', async () => {
    const response = await signedRawRequest(emulator.url, {
      target: 'GetSecretValue',
      body: '{"SecretId":"auth/secret"}',
      signedAt: Date.now() - 10 * MINUTE,
    });
    assert.equal(response.status, 400);
    const body = JSON.parse(response.body) as { __type: string; message: string };
    assert.equal(body.__type, 'InvalidSignatureException');
    assert.match(body.message, /^Signature expired: /);
  });

  test('a service error: 400, JSON 1.1, __type and Message in the body, x-amzn-ErrorType and RequestId headers', async () => {
    const response = await signedRawRequest(emulator.url, {
      target: 'GetSecretValue',
      body: '{"SecretId":"auth/none"}',
    });
    assert.equal(response.status, 400);
    assert.equal(response.headers['content-type'], 'application/x-amz-json-1.1');
    assert.equal(response.headers['x-amzn-errortype'], 'ResourceNotFoundException');
    assert.match(String(response.headers['x-amzn-requestid']), /^[0-9a-f-]{36}$/);
    assert.deepEqual(JSON.parse(response.body), {
      __type: 'ResourceNotFoundException',
      Message: "Secrets Manager can't find the specified secret.",
    });
  });

  test('dates are epoch seconds and binary values base64 on the wire', async () => {
    emulator.createSecret('auth/binary', new Uint8Array([0xde, 0xad, 0xbe, 0xef]));
    const response = await signedRawRequest(emulator.url, {
      target: 'GetSecretValue',
      body: '{"SecretId":"auth/binary"}',
    });
    const body = JSON.parse(response.body) as { CreatedDate: unknown; SecretBinary: unknown };
    assert.equal(response.status, 200);
    assert.equal(typeof body.CreatedDate, 'number');
    assert.ok(Math.abs((body.CreatedDate as number) - Date.now() / 1000) < 60);
    assert.equal(body.SecretBinary, '3q2+7w==');
  });

  test('an unknown operation and a body that is not JSON', async () => {
    const unknown = await signedRawRequest(emulator.url, { target: 'RotateEverything', body: '{}' });
    assert.deepEqual(
      [unknown.status, JSON.parse(unknown.body)],
      [400, { __type: 'UnknownOperationException' }],
    );
    const notJson = await signedRawRequest(emulator.url, { target: 'GetSecretValue', body: '{"SecretId":' });
    assert.equal(notJson.status, 400);
    assert.equal((JSON.parse(notJson.body) as { __type: string }).__type, 'SerializationException');
  });
});

describe('container credentials endpoint', () => {
  test("the SDK's container provider takes its temporary keys, and the emulator accepts them", async () => {
    const credentials = await fromHttp({
      awsContainerCredentialsFullUri: emulator.containerCredentialsUrl,
    })();
    assert.equal(credentials.accessKeyId, CONTAINER_CREDENTIAL.accessKeyId);
    assert.equal(credentials.sessionToken, CONTAINER_CREDENTIAL.sessionToken);
    assert.ok((credentials.expiration?.getTime() ?? 0) > Date.now());
    emulator.clearCalls();
    const client = clientFor(emulator, { credentials });
    const answer = await client.send(new GetSecretValueCommand({ SecretId: 'auth/secret' }));
    assert.equal(answer.SecretString, 'value');
    assert.equal(emulator.count({ accessKeyId: CONTAINER_CREDENTIAL.accessKeyId }), 1);
    client.destroy();
  });

  test('only a GET of its own path: anything else is a Secrets Manager request', async () => {
    const post = await rawRequest(emulator.url, {
      method: 'POST',
      path: '/container-credentials',
      body: '{}',
    });
    assert.notEqual(post.status, 200);
    const other = await rawRequest(emulator.url, { method: 'GET', path: '/other' });
    assert.notEqual(other.status, 200);
  });
});
