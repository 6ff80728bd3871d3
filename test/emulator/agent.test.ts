// The stand-in agent answers as aws/aws-secretsmanager-agent's server.rs does: token first, then the query, then the value.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AGENT_OPERATION } from './agent.ts';
import { type Emulator, startEmulator } from './emulator.ts';

const TOKEN = 'agent-token-FAKE-1';

describe('the stand-in Secrets Manager Agent', () => {
  let emulator: Emulator;
  let base: string;
  before(async () => {
    emulator = await startEmulator({ agent: { token: TOKEN } });
    base = emulator.agentUrl ?? assert.fail('no agent');
    emulator.createSecret('ci/db', { user: 'admin', password: 'pw-FAKE-agent' });
    emulator.putSecretValue('ci/db', { user: 'admin', password: 'pw-FAKE-agent-2' });
    emulator.createSecret('ci/bin', new Uint8Array([0, 1, 2, 255]));
    emulator.createSecret('ci/locked', 'locked-FAKE');
    emulator.deny({ accessKeyId: 'test', operation: 'GetSecretValue', secretId: 'ci/locked' });
  });
  after(() => emulator.close());

  const get = async (
    path: string,
    headers: Record<string, string> = { 'X-Aws-Parameters-Secrets-Token': TOKEN },
  ) => {
    const response = await fetch(`${base}${path}`, { headers });
    return { status: response.status, body: await response.text() };
  };

  it('listens apart from the Secrets Manager API, and is not started unless asked', async () => {
    assert.notEqual(base, emulator.url);
    const plain = await startEmulator();
    assert.equal(plain.agentUrl, undefined);
    await plain.close();
  });

  it('answers GetSecretValue JSON, CreatedDate as a string of seconds; versionStage selects', async () => {
    const current = await get('/secretsmanager/get?secretId=ci%2Fdb');
    assert.equal(current.status, 200);
    const value = JSON.parse(current.body) as Record<string, unknown>;
    assert.equal(value.Name, 'ci/db');
    assert.equal(value.SecretString, '{"user":"admin","password":"pw-FAKE-agent-2"}');
    assert.deepEqual(value.VersionStages, ['AWSCURRENT']);
    assert.equal(typeof value.CreatedDate, 'string');
    const previous = await get('/secretsmanager/get?secretId=ci/db&versionStage=AWSPREVIOUS');
    assert.equal(
      (JSON.parse(previous.body) as { SecretString: string }).SecretString.includes('pw-FAKE-agent"'),
      true,
    );
    const binary = JSON.parse((await get('/secretsmanager/get?secretId=ci/bin')).body) as {
      SecretBinary: string;
    };
    assert.equal(binary.SecretBinary, Buffer.from([0, 1, 2, 255]).toString('base64'));
  });

  it("relays Secrets Manager's errors with its status, __type and message", async () => {
    assert.deepEqual(await get('/secretsmanager/get?secretId=nope'), {
      status: 400,
      body: '{"__type":"ResourceNotFoundException", "message":"Secrets Manager can\'t find the specified secret."}',
    });
    const denied = await get('/secretsmanager/get?secretId=ci/locked');
    assert.equal(denied.status, 400);
    assert.match(
      denied.body,
      /^\{"__type":"AccessDeniedException", "message":"User: arn:aws:iam::123456789012:user\/test is not authorized/,
    );
    const stage = await get('/secretsmanager/get?secretId=ci/db&versionStage=NOPE');
    assert.match(stage.body, /secret value for staging label: NOPE/);
  });

  it('refuses a missing or wrong token with 403 Bad Token, before anything else but /ping', async () => {
    assert.deepEqual(await get('/secretsmanager/get?secretId=ci/db', {}), { status: 403, body: 'Bad Token' });
    assert.deepEqual(
      await get('/secretsmanager/get?secretId=ci/db', { 'X-Aws-Parameters-Secrets-Token': 'x' }),
      {
        status: 403,
        body: 'Bad Token',
      },
    );
    assert.deepEqual(await get('/nowhere', {}), { status: 403, body: 'Bad Token' });
    assert.deepEqual(await get('/ping', {}), { status: 200, body: 'healthy' });
    assert.equal((await get('/secretsmanager/get?secretId=ci/db', { 'X-Vault-Token': TOKEN })).status, 200);
  });

  it('refuses forwarding, other methods, other paths and bad queries as the agent does', async () => {
    const headers = { 'X-Aws-Parameters-Secrets-Token': TOKEN };
    assert.deepEqual(
      await get('/secretsmanager/get?secretId=ci/db', { ...headers, 'X-Forwarded-For': '10.0.0.1' }),
      {
        status: 400,
        body: 'Forwarded',
      },
    );
    const posted = await fetch(`${base}/secretsmanager/get?secretId=ci/db`, { method: 'POST', headers });
    assert.deepEqual([posted.status, await posted.text()], [405, 'Not allowed']);
    assert.deepEqual(await get('/v2/x'), { status: 404, body: 'Not found' });
    assert.deepEqual(await get('/secretsmanager/get?secretId=ci/db&abc=1'), {
      status: 400,
      body: 'unknown parameter: abc',
    });
    assert.deepEqual(await get('/secretsmanager/get?versionStage=AWSCURRENT'), {
      status: 400,
      body: 'missing parameter secretId',
    });
  });

  it('logs each request as AgentGetSecretValue, apart from the API calls, and takes faults queued for it', async () => {
    emulator.clearCalls();
    emulator.inject({ fault: 'error500', operation: AGENT_OPERATION });
    const failed = await get('/secretsmanager/get?secretId=ci/db');
    assert.deepEqual([failed.status, JSON.parse(failed.body).__type], [500, 'InternalServiceError']);
    assert.equal((await get('/secretsmanager/get?secretId=ci/db')).status, 200);
    assert.equal(emulator.count({ operation: AGENT_OPERATION }), 2);
    assert.equal(emulator.count({ operation: 'GetSecretValue' }), 0);
    assert.deepEqual(
      emulator.calls.map(({ secretId, status, fault }) => ({ secretId, status, fault })),
      [
        { secretId: 'ci/db', status: 500, fault: 'error500' },
        { secretId: 'ci/db', status: 200, fault: undefined },
      ],
    );
  });
});
