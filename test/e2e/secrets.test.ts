// What a user sees when withsecrets fetches secrets from the emulator and hands them to a command.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Emulator } from '../emulator/emulator.ts';
import { awsEnv, emulatorWith, fixture, NODE, printedEnv, runBin } from './harness.ts';

const PRINT_ENV = [NODE, fixture('print-env.js')];

describe('fetching secrets into the environment', () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await emulatorWith({
      'npm-publish': 'npm_FAKE_token_0001',
      'prod/db':
        '{"host":"db.internal","port":5432.0,"password":"p w\\"x\'$y","opts":{"ssl":true,"pool":{"max":12345678901234567890}},"none":null,"tags":[1, "a"]}',
      'ci/npm': '{"token":"tok-FAKE-abc","user":"ci"}',
      'app/prod/a': 'value-a',
      'app/prod/b': '{"B_KEY":"value-b"}',
      'app/production': 'not-matched-by-app/prod/',
      'App/prod/c': 'other-case',
      pin: '12345',
    });
  });
  after(() => emulator.close());

  it('injects a plain secret under its sanitised name, and prints nothing of its own', async () => {
    const result = await runBin(
      ['--no-mask', '--secret', 'npm-publish', '--', ...PRINT_ENV, 'NPM_PUBLISH'],
      awsEnv(emulator),
    );
    assert.equal(result.stderr, '');
    assert.equal(result.status, 0);
    assert.deepEqual(printedEnv(result.stdout), { NPM_PUBLISH: 'npm_FAKE_token_0001' });
  });

  it('expands a JSON secret, keeping number text and flattening nested keys', async () => {
    const result = await runBin(
      [
        '--no-mask',
        '-s',
        'prod/db',
        '--',
        ...PRINT_ENV,
        'HOST',
        'PORT',
        'PASSWORD',
        'OPTS_SSL',
        'OPTS_POOL_MAX',
        'NONE',
        'TAGS',
      ],
      awsEnv(emulator),
    );
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(printedEnv(result.stdout), {
      HOST: 'db.internal',
      PORT: '5432.0',
      PASSWORD: 'p w"x\'$y',
      OPTS_SSL: 'true',
      OPTS_POOL_MAX: '12345678901234567890',
      NONE: '',
      TAGS: '[1, "a"]',
    });
  });

  it('selects one key under an alias, and uses an alias as a prefix for a JSON secret', async () => {
    const result = await runBin(
      [
        '--no-mask',
        '-s',
        'NPM_TOKEN=ci/npm#token',
        '-s',
        'DB=prod/db',
        '--',
        ...PRINT_ENV,
        'NPM_TOKEN',
        'DB_HOST',
        'USER',
      ],
      awsEnv(emulator),
    );
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(printedEnv(result.stdout), {
      NPM_TOKEN: 'tok-FAKE-abc',
      DB_HOST: 'db.internal',
      USER: null,
    });
  });

  it('keeps a JSON number that is the whole secret as one value', async () => {
    const result = await runBin(['--no-mask', '-s', 'pin', '--', ...PRINT_ENV, 'PIN'], awsEnv(emulator));
    assert.deepEqual(printedEnv(result.stdout), { PIN: '12345' });
  });

  it('applies a wildcard to every name with that exact, case-sensitive prefix, in name order', async () => {
    const result = await runBin(
      [
        '--no-mask',
        '-s',
        'app/prod/*',
        '--',
        ...PRINT_ENV,
        'APP_PROD_A',
        'B_KEY',
        'APP_PRODUCTION',
        'APP_PROD_C',
      ],
      awsEnv(emulator),
    );
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(printedEnv(result.stdout), {
      APP_PROD_A: 'value-a',
      B_KEY: 'value-b',
      APP_PRODUCTION: null,
      APP_PROD_C: null,
    });
  });

  it('lets a later --secret win, and --no-override keep inherited variables', async () => {
    const env = awsEnv(emulator, { HOST: 'inherited-host' });
    const later = await runBin(
      ['--no-mask', '-s', 'prod/db', '-s', 'HOST=ci/npm#user', '--', ...PRINT_ENV, 'HOST'],
      env,
    );
    assert.deepEqual(printedEnv(later.stdout), { HOST: 'ci' });
    const kept = await runBin(
      ['--no-mask', '--no-override', '-s', 'prod/db', '--', ...PRINT_ENV, 'HOST', 'PORT'],
      env,
    );
    assert.deepEqual(printedEnv(kept.stdout), { HOST: 'inherited-host', PORT: '5432.0' });
  });

  it('fetches a version by stage and by id', async () => {
    const first = emulator.createSecret('rotating', 'version-one');
    emulator.putSecretValue('rotating', 'version-two');
    const previous = await runBin(
      ['--no-mask', '--version-stage', 'AWSPREVIOUS', '-s', 'rotating', '--', ...PRINT_ENV, 'ROTATING'],
      awsEnv(emulator),
    );
    assert.deepEqual(printedEnv(previous.stdout), { ROTATING: 'version-one' });
    const byId = await runBin(
      ['--no-mask', '--version-id', first.versionId, '-s', 'rotating', '--', ...PRINT_ENV, 'ROTATING'],
      awsEnv(emulator),
    );
    assert.deepEqual(printedEnv(byId.stdout), { ROTATING: 'version-one' });
  });

  it('fetches one secret at two versions side by side: ~STAGE and ~id: per reference, over the global flag', async () => {
    const first = emulator.createSecret('paired', '{"password":"FAKE-pw-one"}');
    emulator.putSecretValue('paired', '{"password":"FAKE-pw-two"}');
    emulator.clearCalls();
    const result = await runBin(
      [
        '--no-mask',
        '--version-stage',
        'AWSCURRENT',
        '-s',
        'DB_PASSWORD=paired#password',
        '-s',
        'DB_PASSWORD_OLD=paired~AWSPREVIOUS#password',
        '-s',
        `PINNED=paired~id:${first.versionId}#password`,
        '--',
        ...PRINT_ENV,
        'DB_PASSWORD',
        'DB_PASSWORD_OLD',
        'PINNED',
      ],
      awsEnv(emulator),
    );
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(printedEnv(result.stdout), {
      DB_PASSWORD: 'FAKE-pw-two',
      DB_PASSWORD_OLD: 'FAKE-pw-one',
      PINNED: 'FAKE-pw-one',
    });
    assert.equal(emulator.count({ operation: 'GetSecretValue' }), 3, 'one call per version asked for');
    const listed = await runBin(
      [
        '--dry-run',
        '-s',
        'DB_PASSWORD=paired#password',
        '-s',
        'DB_PASSWORD_OLD=paired~AWSPREVIOUS#password',
        '--',
        'true',
      ],
      awsEnv(emulator),
    );
    assert.equal(
      listed.stdout,
      'DB_PASSWORD <- paired#password\nDB_PASSWORD_OLD <- paired~AWSPREVIOUS#password\n',
    );
    const refused = await runBin(
      ['-s', `paired~AWSPREVIOUS~id:${first.versionId}`, '--', 'true'],
      awsEnv(emulator),
    );
    assert.equal(refused.status, 125);
    assert.match(
      refused.stderr,
      /^withsecrets: \[BAD_REFERENCE\] bad secret reference "paired~AWSPREVIOUS~id:[^"]+": more than one ~version \(fix: /,
    );
  });

  it('fetches a full ARN from its own region, whatever the configured region', async () => {
    const remote = emulator.createSecret('eu/only', 'from-eu-west-1', { region: 'eu-west-1' });
    const result = await runBin(
      ['--no-mask', '-s', `EU=${remote.arn}`, '--', ...PRINT_ENV, 'EU'],
      awsEnv(emulator),
    );
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(printedEnv(result.stdout), { EU: 'from-eu-west-1' });
    const byName = await runBin(['-s', 'eu/only', '--', 'true'], awsEnv(emulator));
    assert.equal(byName.status, 125);
    assert.match(byName.stderr, /\[SECRET_NOT_FOUND\] secret "eu\/only" not found in us-east-1/);
  });

  it('takes credentials and region from --profile, and the endpoint from --endpoint-url', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'withsecrets-profile-'));
    try {
      writeFileSync(join(dir, 'config'), '[profile ci]\nregion = us-east-1\n');
      writeFileSync(
        join(dir, 'credentials'),
        '[ci]\naws_access_key_id = test\naws_secret_access_key = test\n',
      );
      const {
        AWS_ACCESS_KEY_ID: _,
        AWS_SECRET_ACCESS_KEY: __,
        AWS_REGION: ___,
        AWS_ENDPOINT_URL_SECRETS_MANAGER: url,
        ...env
      } = awsEnv(emulator);
      const result = await runBin(
        [
          '--no-mask',
          '--profile',
          'ci',
          '--endpoint-url',
          url ?? '',
          '-s',
          'npm-publish',
          '--',
          ...PRINT_ENV,
          'NPM_PUBLISH',
        ],
        {
          ...env,
          AWS_CONFIG_FILE: join(dir, 'config'),
          AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
          // Were --endpoint-url ignored, the call would fail here, on this machine, not go to AWS.
          AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
        },
      );
      assert.equal(result.status, 0, result.stderr);
      assert.deepEqual(printedEnv(result.stdout), { NPM_PUBLISH: 'npm_FAKE_token_0001' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('injects a SecretBinary base64-encoded', async () => {
    emulator.createSecret('blob', new Uint8Array([0, 1, 2, 250, 255]));
    const result = await runBin(['--no-mask', '-s', 'blob', '--', ...PRINT_ENV, 'BLOB'], awsEnv(emulator));
    assert.deepEqual(printedEnv(result.stdout), { BLOB: 'AAEC+v8=' });
  });

  it('lists variables and sources with --dry-run, never values, and runs nothing', async () => {
    const result = await runBin(
      ['--dry-run', '-s', 'NPM_TOKEN=ci/npm#token', '-s', 'npm-publish', '--', 'false'],
      awsEnv(emulator),
    );
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, 'NPM_TOKEN <- ci/npm#token\nNPM_PUBLISH <- npm-publish\n');
    assert.doesNotMatch(result.stdout + result.stderr, /tok-FAKE|npm_FAKE/);
  });

  it('prints the --dry-run listing as it is, though a secret value is a word of its names', async () => {
    emulator.createSecret('prod/app/session-key', 'prod');
    const result = await runBin(['--dry-run', '-s', 'prod/app/*', '--', 'false'], awsEnv(emulator));
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, 'PROD_APP_SESSION_KEY <- prod/app/* (prod/app/session-key)\n');
  });

  // GetSecretValue's quota is 100 times BatchGetSecretValue's; as many names as calls in flight (10) take one
  // round trip either way, so only more are batched.
  for (const [count, batches, gets] of [
    [1, 0, 1],
    [10, 0, 10],
    [11, 1, 0],
  ] as const) {
    it(`fetches ${count} named secret(s) with ${gets} GetSecretValue and ${batches} BatchGetSecretValue calls`, async () => {
      const names = Array.from(
        { length: count },
        (_, index) => `handful${count}/s${String(index).padStart(2, '0')}`,
      );
      for (const name of names) emulator.createSecret(name, `value-${name}`);
      emulator.clearCalls();
      const last = `HANDFUL${count}_S${String(count - 1).padStart(2, '0')}`;
      const result = await runBin(
        ['--no-mask', ...names.flatMap((name) => ['-s', name]), '--', ...PRINT_ENV, last],
        awsEnv(emulator),
      );
      assert.equal(result.status, 0, result.stderr);
      assert.deepEqual(printedEnv(result.stdout), { [last]: `value-${names.at(-1)}` });
      assert.deepEqual(
        [
          emulator.count({ operation: 'GetSecretValue' }),
          emulator.count({ operation: 'BatchGetSecretValue' }),
        ],
        [gets, batches],
      );
    });
  }

  it('uses BatchGetSecretValue in chunks of 20 and fetches each secret once', async () => {
    const names = Array.from({ length: 45 }, (_, index) => `bulk/s${String(index).padStart(2, '0')}`);
    for (const name of names) emulator.createSecret(name, `value-${name}`);
    emulator.clearCalls();
    const args = [...names, names[0] as string].flatMap((name) => ['-s', name]);
    const result = await runBin(
      ['--no-mask', ...args, '--', ...PRINT_ENV, 'BULK_S00', 'BULK_S44'],
      awsEnv(emulator),
    );
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(printedEnv(result.stdout), { BULK_S00: 'value-bulk/s00', BULK_S44: 'value-bulk/s44' });
    assert.equal(emulator.count({ operation: 'BatchGetSecretValue' }), 3);
    assert.equal(emulator.count({ operation: 'GetSecretValue' }), 0);
  });

  it('sends 40 named secrets in exactly 2 BatchGetSecretValue calls of 20', async () => {
    const names = Array.from({ length: 40 }, (_, index) => `forty/s${String(index).padStart(2, '0')}`);
    for (const name of names) emulator.createSecret(name, `value-${name}`);
    emulator.clearCalls();
    const result = await runBin(
      ['--no-mask', ...names.flatMap((name) => ['-s', name]), '--', ...PRINT_ENV, 'FORTY_S39'],
      awsEnv(emulator),
    );
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(printedEnv(result.stdout), { FORTY_S39: 'value-forty/s39' });
    assert.equal(emulator.count({ operation: 'BatchGetSecretValue' }), 2);
    assert.equal(emulator.count({ operation: 'GetSecretValue' }), 0);
  });

  it('keeps at most 10 calls in flight: 30 secrets of one version stage, each answered slowly', async () => {
    const names = Array.from({ length: 30 }, (_, index) => `slow/s${String(index).padStart(2, '0')}`);
    for (const name of names) emulator.createSecret(name, `value-${name}`);
    emulator.clearCalls();
    // A version stage makes each secret its own GetSecretValue; the delay keeps every slot busy while others wait.
    emulator.inject({ fault: 'delay', delayMs: 400, times: 30, operation: 'GetSecretValue' });
    const result = await runBin(
      [
        '--no-mask',
        '--version-stage',
        'AWSCURRENT',
        ...names.flatMap((name) => ['-s', name]),
        '--',
        ...PRINT_ENV,
        'SLOW_S29',
      ],
      awsEnv(emulator),
    );
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(printedEnv(result.stdout), { SLOW_S29: 'value-slow/s29' });
    assert.equal(emulator.count({ operation: 'GetSecretValue' }), 30);
    assert.equal(emulator.peakInFlight(), 10);
  });

  it('matches a partial ARN (no -XXXXXX suffix) in a batch to its secret', async () => {
    const { arn } = emulator.createSecret('partial/db', '{"password":"pw-FAKE-partial"}');
    const partial = arn.replace(/-[A-Za-z0-9]{6}$/, '');
    assert.notEqual(partial, arn);
    const result = await runBin(
      ['--no-mask', '-s', `DB=${partial}#password`, '-s', 'npm-publish', '--', ...PRINT_ENV, 'DB'],
      awsEnv(emulator),
    );
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(printedEnv(result.stdout), { DB: 'pw-FAKE-partial' });
  });

  it('prints the exact "kept" line for --dry-run --no-override, never a value', async () => {
    const result = await runBin(
      ['--dry-run', '--no-override', '-s', 'NPM_TOKEN=ci/npm#token', '--', 'false'],
      awsEnv(emulator, { NPM_TOKEN: 'inherited-FAKE-value' }),
    );
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, 'NPM_TOKEN <- inherited (--no-override kept it over ci/npm#token)\n');
  });

  it('leaves a plain-string secret in clear with --mask-exclude, raw SecretString included', async () => {
    const result = await runBin(
      ['--mask', '--mask-exclude', 'NPM_PUBLISH', '-s', 'npm-publish', '--', ...PRINT_ENV, 'NPM_PUBLISH'],
      awsEnv(emulator),
    );
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(printedEnv(result.stdout), { NPM_PUBLISH: 'npm_FAKE_token_0001' });
  });
});
