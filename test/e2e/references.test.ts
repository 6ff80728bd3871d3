// References in the inherited environment (the container story): resolved in place, fail closed, ARNs opt-in.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Emulator } from '../emulator/emulator.ts';
import { awsEnv, emulatorWith, fixture, NODE, printedEnv, runBin } from './harness.ts';

const PRINT_ENV = [NODE, fixture('print-env.js')];

describe('references in the inherited environment', () => {
  let emulator: Emulator;
  let dbArn: string;
  let euArn: string;
  before(async () => {
    emulator = await emulatorWith({ 'ci/npm': '{"token":"tok-FAKE-ref"}' });
    dbArn = emulator.createSecret('prod/db', '{"password":"pw-FAKE-current","port":5432}').arn;
    emulator.putSecretValue('prod/db', '{"password":"pw-FAKE-newest","port":5432}');
    euArn = emulator.createSecret('eu/api', 'eu-FAKE-value', { region: 'eu-west-1' }).arn;
  });
  after(() => emulator.close());

  it('replaces secretsmanager:// values by the secret or its key, by name or ARN', async () => {
    const env = awsEnv(emulator, {
      NPM_JSON: 'secretsmanager://ci/npm',
      NPM_TOKEN: 'secretsmanager://ci/npm#token',
      DB_PORT: `secretsmanager://${dbArn}#port`,
      EU_API: `secretsmanager://${euArn}`,
      PLAIN: 'left alone',
    });
    const result = await runBin(
      ['--no-mask', '--', ...PRINT_ENV, 'NPM_JSON', 'NPM_TOKEN', 'DB_PORT', 'EU_API', 'PLAIN'],
      env,
    );
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(printedEnv(result.stdout), {
      NPM_JSON: '{"token":"tok-FAKE-ref"}',
      NPM_TOKEN: 'tok-FAKE-ref',
      DB_PORT: '5432',
      EU_API: 'eu-FAKE-value',
      PLAIN: 'left alone',
    });
  });

  it('leaves a bare ARN alone unless --resolve-arns', async () => {
    const env = awsEnv(emulator, { DB_SECRET_ARN: dbArn });
    const bare = await runBin(['--no-mask', '--', ...PRINT_ENV, 'DB_SECRET_ARN'], env);
    assert.deepEqual(printedEnv(bare.stdout), { DB_SECRET_ARN: dbArn });
    const resolved = await runBin(['--no-mask', '--resolve-arns', '--', ...PRINT_ENV, 'DB_SECRET_ARN'], env);
    assert.deepEqual(printedEnv(resolved.stdout), {
      DB_SECRET_ARN: '{"password":"pw-FAKE-newest","port":5432}',
    });
  });

  it('resolves the ECS valueFrom syntax with key, stage and empty trailing fields', async () => {
    const env = awsEnv(emulator, {
      WITHSECRETS_RESOLVE_ARNS: 'true',
      KEY_ONLY: `${dbArn}:password::`,
      PREVIOUS: `${dbArn}:password:AWSPREVIOUS:`,
      WHOLE: `${euArn}:::`,
    });
    const result = await runBin(['--no-mask', '--', ...PRINT_ENV, 'KEY_ONLY', 'PREVIOUS', 'WHOLE'], env);
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(printedEnv(result.stdout), {
      KEY_ONLY: 'pw-FAKE-newest',
      PREVIOUS: 'pw-FAKE-current',
      WHOLE: 'eu-FAKE-value',
    });
  });

  it('mixes references with --secret in one fetch', async () => {
    emulator.clearCalls();
    const env = awsEnv(emulator, { TOKEN: 'secretsmanager://ci/npm#token' });
    const result = await runBin(
      ['--no-mask', '-s', 'DB=prod/db', '--', ...PRINT_ENV, 'TOKEN', 'DB_PASSWORD'],
      env,
    );
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(printedEnv(result.stdout), { TOKEN: 'tok-FAKE-ref', DB_PASSWORD: 'pw-FAKE-newest' });
    assert.equal(emulator.count({ operation: 'GetSecretValue' }), 2);
  });

  it('fails closed on a reference to a missing secret or key, naming the variable', async () => {
    const env = awsEnv(emulator, {
      GONE: 'secretsmanager://no/such',
      BADKEY: 'secretsmanager://ci/npm#nokey',
    });
    const result = await runBin(['--', NODE, '-e', 'console.log("RAN")'], env);
    assert.equal(result.status, 125);
    assert.equal(result.stdout, '');
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 2, result.stderr);
    assert.ok(
      lines.some((line) =>
        /^withsecrets: \[SECRET_NOT_FOUND\] secret "no\/such" not found in us-east-1 \(referenced by GONE\)/.test(
          line,
        ),
      ),
    );
    assert.ok(
      lines.some((line) => /^withsecrets: \[KEY_NOT_FOUND\] .*BADKEY.* has no key "nokey"/.test(line)),
    );
  });

  it('rejects a malformed reference before any call, naming the variable', async () => {
    emulator.clearCalls();
    const result = await runBin(['--', 'true'], awsEnv(emulator, { BROKEN: 'secretsmanager://' }));
    assert.equal(result.status, 125);
    assert.match(result.stderr, /^withsecrets: \[BAD_REFERENCE\] .*BROKEN/);
    assert.equal(emulator.calls.length, 0);
  });

  it('turns resolution off with --no-resolve-env', async () => {
    const env = awsEnv(emulator, { TOKEN: 'secretsmanager://ci/npm#token' });
    const result = await runBin(['--no-resolve-env', '--', ...PRINT_ENV, 'TOKEN'], env);
    assert.deepEqual(printedEnv(result.stdout), { TOKEN: 'secretsmanager://ci/npm#token' });
  });

  it('runs the command untouched with no --secret and no references, without calling AWS', async () => {
    emulator.clearCalls();
    const result = await runBin(['--', ...PRINT_ENV, 'PLAIN'], awsEnv(emulator, { PLAIN: 'x' }));
    assert.equal(result.status, 0);
    assert.deepEqual(printedEnv(result.stdout), { PLAIN: 'x' });
    assert.equal(emulator.calls.length, 0);
  });
});
