// Fail closed: every AWS failure is one clear line per secret, exit 125, and the command never runs.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Emulator } from '../emulator/emulator.ts';
import { awsEnv, emulatorWith, fixture, NODE, printedEnv, ROUTES, runBin } from './harness.ts';

/** More names than calls in flight: only they are sent as a BatchGetSecretValue (src/aws/secret-values.ts). */
const MANY = Array.from({ length: 12 }, (_, index) => `ok/many/${String(index).padStart(2, '0')}`);

for (const route of ROUTES)
  describe(`failures while fetching (${route.name})`, () => {
    let emulator: Emulator;
    let scratch: string;
    before(async () => {
      emulator = await emulatorWith({
        'ok/one': 'value-FAKE-one',
        'ok/two': 'value-FAKE-two',
        'locked/db': 'value-FAKE-locked',
      });
      for (const name of MANY) emulator.createSecret(name, `value-FAKE-${name}`);
      emulator.addCredentials({ accessKeyId: 'nobatch', secretAccessKey: 'nobatch-secret' });
      emulator.deny({ accessKeyId: 'nobatch', operation: 'BatchGetSecretValue' });
      emulator.deny({ accessKeyId: 'test', operation: 'GetSecretValue', secretId: 'locked/db' });
      scratch = mkdtempSync(join(tmpdir(), 'withsecrets-failures-'));
    });
    after(async () => {
      rmSync(scratch, { recursive: true, force: true });
      await emulator.close();
    });

    /** A command that leaves a file behind if it ever runs. */
    function markerCommand(name: string): { command: string[]; ran: () => boolean } {
      const path = join(scratch, name);
      return {
        command: [NODE, '-e', `require('fs').writeFileSync(${JSON.stringify(path)}, 'ran')`],
        ran: () => existsSync(path),
      };
    }

    it('reports every failed secret, telling not-found from access-denied, and runs nothing', async () => {
      const marker = markerCommand('denied');
      const result = await runBin(
        ['-s', 'ok/one', '-s', 'missing/x', '-s', 'locked/db', '--', ...marker.command],
        awsEnv(emulator, route.env),
      );
      assert.equal(result.status, 125);
      assert.equal(result.stdout, '');
      assert.deepEqual(result.stderr.trim().split('\n').sort(), [
        'withsecrets: [ACCESS_DENIED] access denied to secret "locked/db" in us-east-1 (fix: allow secretsmanager:GetSecretValue on it for this identity (and kms:Decrypt on its key))',
        'withsecrets: [SECRET_NOT_FOUND] secret "missing/x" not found in us-east-1 (fix: check the name and the region (--region, or use the full ARN))',
      ]);
      assert.equal(marker.ran(), false);
    });

    it('names a secret matched by a wildcard as the wildcard and its name, not its ARN', async () => {
      const result = await runBin(['-s', 'locked/*', '--', 'true'], awsEnv(emulator, route.env));
      assert.equal(result.status, 125);
      assert.match(
        result.stderr,
        /^withsecrets: \[ACCESS_DENIED\] access denied to secret "locked\/\* \(locked\/db\)" in us-east-1/,
      );
    });

    it('falls back to GetSecretValue when BatchGetSecretValue is denied, and remembers it', async () => {
      emulator.clearCalls();
      const env = awsEnv(emulator, {
        ...route.env,
        AWS_ACCESS_KEY_ID: 'nobatch',
        AWS_SECRET_ACCESS_KEY: 'nobatch-secret',
      });
      const result = await runBin(
        [
          '--no-mask',
          ...MANY.flatMap((name) => ['-s', name]),
          '--',
          NODE,
          fixture('print-env.js'),
          'OK_MANY_00',
          'OK_MANY_11',
        ],
        env,
      );
      assert.equal(result.status, 0, result.stderr);
      assert.deepEqual(printedEnv(result.stdout), {
        OK_MANY_00: 'value-FAKE-ok/many/00',
        OK_MANY_11: 'value-FAKE-ok/many/11',
      });
      assert.equal(emulator.count({ operation: 'BatchGetSecretValue', accessKeyId: 'nobatch' }), 1);
      assert.equal(emulator.count({ operation: 'GetSecretValue', accessKeyId: 'nobatch' }), MANY.length);
    });

    it('retries a throttled GetSecretValue and succeeds', async () => {
      emulator.clearCalls();
      emulator.inject({ fault: 'throttle', times: 1, operation: 'GetSecretValue' });
      const result = await runBin(
        ['--no-mask', '-s', 'ok/one', '--', NODE, fixture('print-env.js'), 'OK_ONE'],
        awsEnv(emulator, route.env),
      );
      assert.equal(result.status, 0, result.stderr);
      assert.deepEqual(printedEnv(result.stdout), { OK_ONE: 'value-FAKE-one' });
      assert.equal(emulator.count({ operation: 'GetSecretValue', errorCode: 'ThrottlingException' }), 1);
      assert.equal(emulator.count({ operation: 'GetSecretValue' }), 2);
    });

    it('gives up on throttling after the retries with one THROTTLED line', async () => {
      emulator.inject({ fault: 'throttle', times: 10 });
      const marker = markerCommand('throttled');
      const result = await runBin(['-s', 'ok/one', '--', ...marker.command], awsEnv(emulator, route.env));
      emulator.clearFaults();
      assert.equal(result.status, 125);
      assert.match(
        result.stderr,
        /^withsecrets: \[THROTTLED\] Secrets Manager throttled the requests for secret "ok\/one" after retries \(fix: .*\)\n$/,
      );
      assert.equal(marker.ran(), false);
    });

    it('ends a call to an endpoint that never answers with TIMEOUT, within about 10 seconds', async () => {
      emulator.inject({ fault: 'hang', times: 10 });
      const started = Date.now();
      const result = await runBin(['-s', 'ok/one', '--', 'true'], awsEnv(emulator, route.env));
      const elapsed = Date.now() - started;
      emulator.clearFaults();
      assert.equal(result.status, 125);
      assert.match(
        result.stderr,
        /^withsecrets: \[TIMEOUT\] http:\/\/127\.0\.0\.1:\d+ did not answer in time for secret "ok\/one"/,
      );
      assert.ok(elapsed < 15_000, `took ${elapsed} ms`);
    });

    it('says when no region is set', async () => {
      const env = awsEnv(emulator, route.env);
      delete env.AWS_REGION;
      const result = await runBin(['-s', 'ok/one', '--', 'true'], env);
      assert.equal(result.status, 125);
      assert.match(
        result.stderr,
        /^withsecrets: \[NO_REGION\] no AWS region set \(fix: pass --region, set AWS_REGION/,
      );
    });

    it('honours AWS_DEFAULT_REGION like the AWS CLI', async () => {
      const env = awsEnv(emulator, route.env);
      delete env.AWS_REGION;
      const result = await runBin(['-s', 'ok/one', '--', 'true'], {
        ...env,
        AWS_DEFAULT_REGION: 'us-east-1',
      });
      assert.equal(result.status, 0, result.stderr);
    });

    it('says when there are no credentials', async () => {
      const { AWS_ACCESS_KEY_ID: _, AWS_SECRET_ACCESS_KEY: __, ...env } = awsEnv(emulator, route.env);
      const result = await runBin(['-s', 'ok/one', '--', 'true'], env);
      assert.equal(result.status, 125);
      assert.match(result.stderr, /^withsecrets: \[NO_CREDENTIALS\] no AWS credentials found \(fix: /);
    });

    it('says when AWS rejects the credentials', async () => {
      const result = await runBin(
        ['-s', 'ok/one', '--', 'true'],
        awsEnv(emulator, { ...route.env, AWS_SECRET_ACCESS_KEY: 'wrong' }),
      );
      assert.equal(result.status, 125);
      assert.match(
        result.stderr,
        /^withsecrets: \[BAD_CREDENTIALS\] AWS rejected the credentials \(InvalidSignatureException\)/,
      );
    });

    it('says when the endpoint refuses connections', async () => {
      const closed = await emulatorWith();
      const url = closed.url;
      await closed.close();
      const result = await runBin(
        ['-s', 'ok/one', '--', 'true'],
        awsEnv(emulator, { ...route.env, AWS_ENDPOINT_URL_SECRETS_MANAGER: url }),
      );
      assert.equal(result.status, 125);
      assert.match(
        result.stderr,
        /^withsecrets: \[NETWORK\] cannot reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/,
      );
    });

    it('reports a deleted secret as unavailable', async () => {
      emulator.createSecret('gone/soon', 'value-FAKE-gone');
      emulator.deleteSecret('gone/soon');
      const result = await runBin(['-s', 'gone/soon', '--', 'true'], awsEnv(emulator, route.env));
      assert.equal(result.status, 125);
      assert.match(
        result.stderr,
        /^withsecrets: \[SECRET_UNAVAILABLE\] secret "gone\/soon" cannot be read: .*marked for deletion/,
      );
    });
  });
