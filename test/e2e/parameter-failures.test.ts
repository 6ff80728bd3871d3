// What a user sees when Parameter Store refuses, fails or loops, and when a parameter reference is bad, on both routes.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Emulator } from '../emulator/emulator.ts';
import { awsEnv, emulatorWith, fixture, NODE, printedEnv, ROUTES, runBin, sendersOf } from './harness.ts';

const PRINT_ENV = [NODE, fixture('print-env.js')];

describe('Parameter Store failures', () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await emulatorWith();
    emulator.putParameter('/prod/app/db-url', 'postgres://db.internal/app');
    emulator.putParameter('/prod/app/db/url', 'nested-url-0003');
    emulator.putParameter('/prod/app/mode', 'plain-mode', { type: 'String' });
    emulator.putParameter('/prod/rotating', 'rotating-v1');
    emulator.putParameter('/prod/rotating', 'rotating-v2');
    emulator.putParameter('/kms/locked', 'locked-value-0005', { keyId: 'key/locked' });
    emulator.denyParameterDecrypt('/kms/locked');
    emulator.putParameter('/iam/denied', 'denied-value-0006');
  });
  after(() => emulator.close());
  beforeEach(() => {
    emulator.clearCalls();
    emulator.clearFaults();
    emulator.clearDenies();
  });

  it('refuses a bad parameter reference before any call, exit 125', async () => {
    const result = await runBin(['--param', 'prod/db', '--param', '/a/b*', '--', 'true'], awsEnv(emulator));
    assert.equal(result.status, 125);
    assert.match(
      result.stderr,
      /\[BAD_REFERENCE\] bad parameter reference "prod\/db": a parameter name with \/ must start with \//,
    );
    assert.match(
      result.stderr,
      /\[BAD_REFERENCE\] bad parameter reference "\/a\/b\*": '\*' may only end a path/,
    );
    assert.equal(emulator.calls.length, 0);
  });

  for (const route of ROUTES) {
    describe(`on the ${route.name} route`, () => {
      it('refuses a path whose parameters give one name (db-url and db/url), naming both', async () => {
        const result = await runBin(
          ['--no-mask', '--param', '/prod/app/*', '--', NODE, '-e', 'process.exit(3)'],
          awsEnv(emulator, route.env),
        );
        assert.equal(result.status, 125);
        assert.match(
          result.stderr,
          /^withsecrets: \[INVALID_NAME\] parameters "\/prod\/app\/db-url" and "\/prod\/app\/db\/url" under \/prod\/app\/\* both give the variable DB_URL \(fix: name one of them with its own --param VAR=NAME/m,
        );
      });

      it('reports every missing and denied parameter at once, told apart, and runs nothing', async () => {
        emulator.deny({ accessKeyId: 'test', operation: 'GetParameters', parameter: '/iam/denied' });
        const result = await runBin(
          [
            '--param',
            '/prod/app/mode',
            '--param',
            '/nope/missing',
            '--param',
            '/prod/rotating:9',
            '--param',
            '/kms/locked',
            '--param',
            '/iam/denied',
            '--',
            NODE,
            '-e',
            'console.log("RAN")',
          ],
          awsEnv(emulator, route.env),
        );
        assert.equal(result.status, 125);
        assert.equal(result.stdout, '');
        const lines = result.stderr
          .split('\n')
          .filter((line) => line.startsWith('withsecrets: '))
          .map((line) => line.replace(/ \(fix: .*$/, ''));
        assert.deepEqual(lines.sort(), [
          'withsecrets: [ACCESS_DENIED] access denied to parameter "/iam/denied" in us-east-1',
          'withsecrets: [DECRYPTION_FAILED] parameter "/kms/locked" cannot be decrypted: kms:Decrypt was denied',
          'withsecrets: [SECRET_NOT_FOUND] parameter "/nope/missing" not found in us-east-1',
          'withsecrets: [SECRET_NOT_FOUND] parameter "/prod/rotating:9" not found in us-east-1',
        ]);
        assert.doesNotMatch(result.stderr, /locked-value|denied-value|plain-mode/);
        assert.deepEqual(sendersOf(emulator), [route.name]);
      });

      it('retries a throttled GetParameters and GetParametersByPath, then succeeds', async () => {
        emulator.inject({ fault: 'throttle', operation: 'GetParameters' });
        emulator.inject({ fault: 'throttle', operation: 'GetParametersByPath' });
        const result = await runBin(
          [
            '--no-mask',
            '--param',
            '/prod/app/mode',
            '--param',
            '/prod/app/db/*',
            '--',
            ...PRINT_ENV,
            'MODE',
            'URL',
          ],
          awsEnv(emulator, route.env),
        );
        assert.equal(result.status, 0, result.stderr);
        assert.deepEqual(printedEnv(result.stdout), { MODE: 'plain-mode', URL: 'nested-url-0003' });
        assert.equal(emulator.count({ errorCode: 'ThrottlingException' }), 2);
      });

      it('stops a GetParametersByPath that answers the same NextToken again, with one clear line', async () => {
        emulator.clearFaults();
        emulator.inject({ fault: 'sameNextToken', times: 1000, operation: 'GetParametersByPath' });
        try {
          const result = await runBin(
            ['--param', '/prod/app/db/*', '--', 'true'],
            awsEnv(emulator, route.env),
          );
          assert.equal(result.status, 125);
          assert.equal(
            result.stderr,
            'withsecrets: [AWS_ERROR] GetParametersByPath for "/prod/app/db/*" answered the same NextToken again (fix: the endpoint is looping: check --endpoint-url and the proxy, or retry later)\n',
          );
        } finally {
          emulator.clearFaults();
        }
      });
    });
  }
});
