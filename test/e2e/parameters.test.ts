// What a user sees when withsecrets reads Parameter Store (alone, or beside Secrets Manager) from the emulator, on both routes.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Emulator } from '../emulator/emulator.ts';
import {
  awsEnv,
  emulatorWith,
  fixture,
  NODE,
  printedEnv,
  ROUTES,
  runBin,
  sendersOf,
  startBin,
} from './harness.ts';

const PRINT_ENV = [NODE, fixture('print-env.js')];

describe('reading Parameter Store parameters', () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await emulatorWith({
      'prod/db': '{"password":"sm-pass-0001","user":"app"}',
      'ci/token': 'sm-token-0002',
    });
    emulator.putParameter('/prod/app/db-url', 'postgres://db.internal/app');
    emulator.putParameter('/prod/app/db/url', 'nested-url-0003');
    emulator.putParameter('/prod/app/hosts', 'a.internal,b.internal', { type: 'StringList' });
    emulator.putParameter('/prod/app/mode', 'plain-mode', { type: 'String' });
    emulator.putParameter('/prod/json', '{"user":"svc","password":"json-pass-0004","port":5432}');
    emulator.putParameter('/prod/rotating', 'rotating-v1');
    emulator.putParameter('/prod/rotating', 'rotating-v2');
    emulator.labelParameterVersion('/prod/rotating', 1, ['stable']);
    for (let index = 0; index < 250; index++) {
      emulator.putParameter(`/many/p${String(index).padStart(3, '0')}`, `many-value-${index}`);
    }
    for (let index = 0; index < 25; index++)
      emulator.putParameter(`/batch/n${index}`, `batch-value-${index}`);
  });
  after(() => emulator.close());
  beforeEach(() => {
    emulator.clearCalls();
    emulator.clearFaults();
    emulator.clearDenies();
  });

  for (const route of ROUTES) {
    describe(`on the ${route.name} route`, () => {
      it('injects one SecureString under the name of its last level, decrypted, in one call', async () => {
        const result = await runBin(
          ['--no-mask', '--param', '/prod/app/db-url', '--', ...PRINT_ENV, 'DB_URL'],
          awsEnv(emulator, route.env),
        );
        assert.equal(result.stderr, '');
        assert.equal(result.status, 0);
        assert.deepEqual(printedEnv(result.stdout), { DB_URL: 'postgres://db.internal/app' });
        assert.equal(emulator.count({ operation: 'GetParameters' }), 1);
        assert.deepEqual(sendersOf(emulator), [route.name], 'both services go the same route');
      });

      it('takes VAR=, keeps JSON whole unless #KEY, keeps StringList text, and passes selectors through', async () => {
        const result = await runBin(
          [
            '--no-mask',
            '--param',
            'URL=/prod/app/db-url',
            '--param',
            '/prod/json',
            '--param',
            'PW=/prod/json#password',
            '--param',
            '/prod/app/hosts',
            '--param',
            'OLD=/prod/rotating:1',
            '--param',
            'STABLE=/prod/rotating:stable',
            '--param',
            'NOW=/prod/rotating',
            '--',
            ...PRINT_ENV,
            'URL',
            'JSON',
            'PW',
            'HOSTS',
            'OLD',
            'STABLE',
            'NOW',
          ],
          awsEnv(emulator, route.env),
        );
        assert.equal(result.status, 0, result.stderr);
        assert.deepEqual(printedEnv(result.stdout), {
          URL: 'postgres://db.internal/app',
          JSON: '{"user":"svc","password":"json-pass-0004","port":5432}',
          PW: 'json-pass-0004',
          HOSTS: 'a.internal,b.internal',
          OLD: 'rotating-v1',
          STABLE: 'rotating-v1',
          NOW: 'rotating-v2',
        });
      });

      it('reads 25 names in 3 GetParameters calls of at most 10', async () => {
        const args = Array.from({ length: 25 }, (_, index) => ['--param', `/batch/n${index}`]).flat();
        const result = await runBin(
          ['--no-mask', ...args, '--', ...PRINT_ENV, 'N0', 'N24'],
          awsEnv(emulator, route.env),
        );
        assert.equal(result.status, 0, result.stderr);
        assert.deepEqual(printedEnv(result.stdout), { N0: 'batch-value-0', N24: 'batch-value-24' });
        assert.deepEqual(emulator.calls.map((call) => call.names).sort(), [10, 10, 5]);
      });

      it('reads a path of 250 parameters over 25 pages, and names nested ones from below the path', async () => {
        const many = await runBin(
          ['--no-mask', '--param', '/many/*', '--', ...PRINT_ENV, 'P000', 'P249'],
          awsEnv(emulator, route.env),
        );
        assert.equal(many.status, 0, many.stderr);
        assert.deepEqual(printedEnv(many.stdout), { P000: 'many-value-0', P249: 'many-value-249' });
        assert.equal(emulator.count({ operation: 'GetParametersByPath' }), 25);
        const nested = await runBin(
          [
            '--no-mask',
            '--param',
            'APP=/prod/app/db/*',
            '--param',
            '/prod/app/db/*',
            '--',
            ...PRINT_ENV,
            'APP_URL',
            'URL',
          ],
          awsEnv(emulator, route.env),
        );
        assert.equal(nested.status, 0, nested.stderr);
        assert.deepEqual(printedEnv(nested.stdout), { APP_URL: 'nested-url-0003', URL: 'nested-url-0003' });
      });

      it('reads a Secrets Manager secret through /aws/reference/secretsmanager/, whole or by #KEY', async () => {
        const result = await runBin(
          [
            '--no-mask',
            '--param',
            'PW=/aws/reference/secretsmanager/prod/db#password',
            '--param',
            '/aws/reference/secretsmanager/ci/token',
            '--',
            ...PRINT_ENV,
            'PW',
            'TOKEN',
          ],
          awsEnv(emulator, route.env),
        );
        assert.equal(result.status, 0, result.stderr);
        assert.deepEqual(printedEnv(result.stdout), { PW: 'sm-pass-0001', TOKEN: 'sm-token-0002' });
      });

      it('reads both sources in one run, at the same time', async () => {
        emulator.inject({ fault: 'delay', delayMs: 300, operation: 'GetSecretValue' });
        emulator.inject({ fault: 'delay', delayMs: 300, operation: 'GetParameters' });
        const started = Date.now();
        const result = await runBin(
          [
            '--no-mask',
            '-s',
            'ci/token',
            '--param',
            '/prod/app/mode',
            '--',
            ...PRINT_ENV,
            'CI_TOKEN',
            'MODE',
          ],
          awsEnv(emulator, route.env),
        );
        assert.equal(result.status, 0, result.stderr);
        assert.deepEqual(printedEnv(result.stdout), { CI_TOKEN: 'sm-token-0002', MODE: 'plain-mode' });
        assert.equal(emulator.peakInFlight() >= 2, true, 'both calls were in flight together');
        assert.ok(Date.now() - started < 3000);
      });

      it('resolves ssm:// and, with --resolve-arns, ECS parameter ARNs in the environment', async () => {
        const arn = 'arn:aws:ssm:us-east-1:123456789012:parameter/prod/app/mode';
        const env = awsEnv(emulator, {
          ...route.env,
          A: 'ssm:///prod/app/db-url',
          B: 'ssm://prod/json#user',
          C: arn,
          D: 'secretsmanager://prod/db#user',
        });
        const without = await runBin(['--no-mask', '--', ...PRINT_ENV, 'A', 'B', 'C', 'D'], env);
        assert.equal(without.status, 0, without.stderr);
        assert.deepEqual(printedEnv(without.stdout), {
          A: 'postgres://db.internal/app',
          B: 'svc',
          C: arn,
          D: 'app',
        });
        const withArns = await runBin(['--no-mask', '--resolve-arns', '--', ...PRINT_ENV, 'C'], env);
        assert.equal(withArns.status, 0, withArns.stderr);
        assert.deepEqual(printedEnv(withArns.stdout), { C: 'plain-mode' });
      });
      it('masks parameter values in the output, and --dry-run lists names and sources only', async () => {
        const masked = await runBin(
          ['--param', '/prod/json', '--', NODE, '-e', 'console.log(process.env.JSON, "json-pass-0004")'],
          awsEnv(emulator, route.env),
        );
        assert.equal(masked.status, 0, masked.stderr);
        assert.equal(masked.stdout, '*** ***\n');
        const dry = await runBin(
          ['--dry-run', '--param', '/prod/app/db/*', '--param', 'PW=/prod/json#password', '--', 'true'],
          awsEnv(emulator, route.env),
        );
        assert.equal(dry.status, 0, dry.stderr);
        assert.equal(dry.stdout, 'URL <- /prod/app/db/* (/prod/app/db/url)\nPW <- /prod/json#password\n');
      });

      it("--watch sees a parameter's new version and restarts the command with it, printing no value", async (t) => {
        emulator.putParameter('/watch/token', 'watch-old-0007');
        const run = startBin(
          [
            '--watch',
            '1s',
            '--grace',
            '1s',
            '--no-mask',
            '--param',
            '/watch/token',
            '--',
            NODE,
            fixture('watch-server.js'),
            'TOKEN',
          ],
          awsEnv(emulator, route.env),
        );
        t.after(() => run.child.kill('SIGKILL'));
        await run.waitForLine(/^READY \d+ TOKEN=watch-old-0007$/);
        emulator.putParameter('/watch/token', 'watch-new-0008');
        await run.waitForLine(/^READY \d+ TOKEN=watch-new-0008$/);
        run.child.kill('SIGTERM');
        const result = await run.finished;
        assert.match(
          result.stderr,
          /^withsecrets: secrets changed \(\/watch\/token\): restarting the command$/m,
        );
        assert.doesNotMatch(result.stderr, /watch-old|watch-new/);
      });
    });
  }
});
