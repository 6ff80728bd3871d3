// --fallback-region end to end: an outage of the configured region (5xx, throttling, no network, silence) is
// served by the replicas of the fallback region, on both routes; an answer (denied, not found) is never.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Emulator } from '../emulator/emulator.ts';
import type { FaultKind } from '../emulator/faults.ts';
import { awsEnv, EMPTY_AWS_CONFIG, emulatorWith, fixture, NODE, printedEnv, runBin } from './harness.ts';

const PRINT_ENV = [NODE, fixture('print-env.js')];
const PRIMARY = 'us-east-1';
const FALLBACK = 'eu-west-1';
const ROUTES = { direct: {}, SDK: { AWS_CONFIG_FILE: EMPTY_AWS_CONFIG } } as const;

describe('--fallback-region', { concurrency: false }, () => {
  let emulator: Emulator;
  let dbArn: string;
  before(async () => {
    emulator = await emulatorWith({
      'app/db': JSON.stringify({ password: 'FAKE-fb-db-pw' }),
      'app/token': 'FAKE-fb-token-1',
    });
    dbArn = emulator.replicateSecret('app/db', FALLBACK).arn.replace(`:${FALLBACK}:`, `:${PRIMARY}:`);
    emulator.replicateSecret('app/token', FALLBACK);
    emulator.createSecret('only/primary', 'FAKE-fb-only-primary');
    emulator.createSecret('only/fallback', 'FAKE-fb-only-fallback', { region: FALLBACK });
  });
  after(() => emulator.close());

  /** Runs with the primary region out in the way `fault` says, and returns what withsecrets did. */
  async function runDuringOutage(
    fault: FaultKind,
    args: readonly string[],
    extra: Record<string, string> = {},
  ) {
    emulator.clearFaults();
    emulator.clearCalls();
    emulator.inject({ fault, region: PRIMARY, times: 1000 });
    try {
      return await runBin(['--no-mask', '--fallback-region', FALLBACK, ...args], awsEnv(emulator, extra));
    } finally {
      emulator.clearFaults();
    }
  }
  const callsIn = (region: string) => emulator.calls.filter((call) => call.region === region).length;

  for (const [route, extra] of Object.entries(ROUTES)) {
    for (const fault of ['error503', 'error500', 'throttle', 'reset', 'hang'] as const) {
      it(`${route} route, ${fault} in ${PRIMARY}: the replicas serve, and one line names what came from where`, async () => {
        const result = await runDuringOutage(
          fault,
          ['-s', 'DB=app/db#password', '-s', 'TOKEN=app/token', '--', ...PRINT_ENV, 'DB', 'TOKEN'],
          extra,
        );
        assert.equal(result.status, 0, result.stderr);
        assert.deepEqual(printedEnv(result.stdout), { DB: 'FAKE-fb-db-pw', TOKEN: 'FAKE-fb-token-1' });
        assert.equal(
          result.stderr,
          `withsecrets: Secrets Manager in ${PRIMARY} did not answer; fetched from the fallback region ${FALLBACK}: app/db, app/token\n`,
        );
        assert.ok(callsIn(FALLBACK) >= 1, 'the fallback region was asked');
      });
    }
  }

  it('asks the replica of a full ARN: the same ARN but for the region', async () => {
    const result = await runDuringOutage('error503', [
      '-s',
      `DB=${dbArn}#password`,
      '--',
      ...PRINT_ENV,
      'DB',
    ]);
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(printedEnv(result.stdout), { DB: 'FAKE-fb-db-pw' });
    const asked = emulator.calls.filter((call) => call.region === FALLBACK).map((call) => call.secretId);
    assert.deepEqual(asked, [dbArn.replace(`:${PRIMARY}:`, `:${FALLBACK}:`)]);
    assert.match(result.stderr, new RegExp(`fetched from the fallback region ${FALLBACK}: ${dbArn}\\n$`));
  });

  it('lists a wildcard in the fallback region when the configured one cannot list it', async () => {
    const result = await runDuringOutage('error503', [
      '-s',
      'app/*',
      '--',
      ...PRINT_ENV,
      'PASSWORD',
      'APP_TOKEN',
    ]);
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(printedEnv(result.stdout), { PASSWORD: 'FAKE-fb-db-pw', APP_TOKEN: 'FAKE-fb-token-1' });
    assert.equal(
      result.stderr,
      `withsecrets: Secrets Manager in ${PRIMARY} did not answer; fetched from the fallback region ${FALLBACK}: app/*\n`,
    );
  });

  it('never falls back on an answer: not found, access denied, a decryption failure', async () => {
    emulator.clearCalls();
    const missing = await runBin(
      ['--fallback-region', FALLBACK, '-s', 'only/fallback', '--', 'true'],
      awsEnv(emulator),
    );
    assert.equal(missing.status, 125);
    assert.match(missing.stderr, /^withsecrets: \[SECRET_NOT_FOUND\] /);
    emulator.deny({ accessKeyId: 'test', secretId: 'app/token' });
    const denied = await runBin(
      ['--fallback-region', FALLBACK, '-s', 'app/token', '--', 'true'],
      awsEnv(emulator),
    );
    emulator.clearDenies();
    assert.equal(denied.status, 125);
    assert.match(denied.stderr, /^withsecrets: \[ACCESS_DENIED\] /);
    emulator.failDecryption('only/primary');
    const undecryptable = await runBin(
      ['--fallback-region', FALLBACK, '-s', 'only/primary', '--', 'true'],
      awsEnv(emulator),
    );
    assert.equal(undecryptable.status, 125);
    assert.match(undecryptable.stderr, /^withsecrets: \[DECRYPTION_FAILED\] /);
    assert.equal(callsIn(FALLBACK), 0, 'the fallback region was never asked');
  });

  it("reports the configured region's error when the fallback region is out too", async () => {
    emulator.clearFaults();
    emulator.inject({ fault: 'error503', times: 1000 });
    try {
      const result = await runBin(
        ['--fallback-region', FALLBACK, '-s', 'app/token', '--', 'true'],
        awsEnv(emulator),
      );
      assert.equal(result.status, 125);
      assert.match(result.stderr, /^withsecrets: \[AWS_ERROR\] .*ServiceUnavailable/);
      assert.equal(result.stderr.split('\n').length, 2, result.stderr);
      assert.ok(!result.stderr.includes(FALLBACK), 'no fallback line when nothing was served');
    } finally {
      emulator.clearFaults();
    }
  });

  it('refuses a fallback region that is no region name, before any call', async () => {
    emulator.clearCalls();
    const result = await runBin(
      ['--fallback-region', 'europe', '-s', 'app/token', '--', 'true'],
      awsEnv(emulator),
    );
    assert.equal(result.status, 125);
    assert.equal(
      result.stderr,
      'withsecrets: [USAGE] --fallback-region "europe" is not an AWS region name (fix: give a region that holds replicas of the secrets, e.g. --fallback-region eu-west-1)\n',
    );
    assert.equal(emulator.calls.length, 0);
  });
});
