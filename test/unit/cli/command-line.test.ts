// Options and WITHSECRETS_* variables become one typed invocation; bad input is a one-line usage error.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Invocation, parseCommandLine } from '../../../src/cli/command-line.ts';
import { WithsecretsError } from '../../../src/errors.ts';

async function invocationOf(argv: string[], env: Record<string, string> = {}): Promise<Invocation> {
  const parsed = await parseCommandLine(argv, env);
  assert.equal(parsed.kind, 'run');
  return (parsed as { invocation: Invocation }).invocation;
}

async function usageError(argv: string[], env: Record<string, string> = {}): Promise<WithsecretsError> {
  try {
    await parseCommandLine(argv, env);
  } catch (error) {
    assert.ok(error instanceof WithsecretsError);
    assert.equal(error.code, 'USAGE');
    return error;
  }
  assert.fail(`expected a usage error for ${JSON.stringify(argv)}`);
}

describe('parseCommandLine', () => {
  it('takes repeated --secret/-s in order and the command after --', async () => {
    const invocation = await invocationOf(['-s', 'a', '--secret', 'b', '--', 'npm', 'publish', '--tag', 'x']);
    assert.deepEqual(invocation.secrets, ['a', 'b']);
    assert.deepEqual(invocation.command, ['npm', 'publish', '--tag', 'x']);
  });

  it('has the documented defaults', async () => {
    const invocation = await invocationOf(['--', 'true']);
    assert.deepEqual(
      { ...invocation, command: undefined },
      {
        secrets: [],
        files: [],
        fileOnDisk: false,
        params: [],
        fallbackRegions: [],
        nameCase: 'upper',
        override: true,
        dryRun: false,
        resolveEnv: true,
        resolveArns: false,
        mask: 'auto',
        maskMinLength: 4,
        maskExclude: [],
        onChange: { action: 'restart' },
        stopSignal: 'SIGTERM',
        graceMs: 10_000,
        fetchTimeoutMs: 60_000,
        command: undefined,
      },
    );
  });

  it('takes --timeout and WITHSECRETS_TIMEOUT as a duration of at least 1s', async () => {
    assert.equal((await invocationOf(['--timeout', '90s', '--', 'true'])).fetchTimeoutMs, 90_000);
    assert.equal((await invocationOf(['--', 'true'], { WITHSECRETS_TIMEOUT: '2m' })).fetchTimeoutMs, 120_000);
    await assert.rejects(invocationOf(['--timeout', '500ms', '--', 'true']), /--timeout must be at least 1s/);
    await assert.rejects(invocationOf(['--timeout', 'soon', '--', 'true']), /--timeout takes a duration/);
  });

  it('reads every option from the command line', async () => {
    const invocation = await invocationOf([
      '--prefix=APP_',
      '--name-case',
      'keep',
      '--no-override',
      '--version-stage',
      'AWSPREVIOUS',
      '--region',
      'eu-west-1',
      '--profile',
      'ci',
      '--endpoint-url',
      'http://127.0.0.1:4566',
      '--dry-run',
      '--no-resolve-env',
      '--resolve-arns',
      '--mask',
      '--mask-min-length',
      '6',
      '--mask-exclude',
      'DB_USER',
      '--mask-exclude',
      'DB_HOST',
      '--watch',
      '1m30s',
      '--on-change',
      'signal:hup',
      '--stop-signal',
      'INT',
      '--grace',
      '2s',
      '--',
      'x',
    ]);
    assert.equal(invocation.prefix, 'APP_');
    assert.equal(invocation.nameCase, 'keep');
    assert.equal(invocation.override, false);
    assert.equal(invocation.versionStage, 'AWSPREVIOUS');
    assert.equal(invocation.region, 'eu-west-1');
    assert.equal(invocation.profile, 'ci');
    assert.equal(invocation.endpointUrl, 'http://127.0.0.1:4566');
    assert.equal(invocation.dryRun, true);
    assert.equal(invocation.resolveEnv, false);
    assert.equal(invocation.resolveArns, true);
    assert.equal(invocation.mask, 'always');
    assert.equal(invocation.maskMinLength, 6);
    assert.deepEqual(invocation.maskExclude, ['DB_USER', 'DB_HOST']);
    assert.equal(invocation.watchMs, 90_000);
    assert.deepEqual(invocation.onChange, { action: 'signal', signal: 'SIGHUP' });
    assert.equal(invocation.stopSignal, 'SIGINT');
    assert.equal(invocation.graceMs, 2000);
  });

  it('maps --no-mask to never', async () => {
    assert.equal((await invocationOf(['--no-mask', '--', 'x'])).mask, 'never');
  });

  it('reads WITHSECRETS_* variables, splitting lists on commas and newlines', async () => {
    const invocation = await invocationOf(['--', 'x'], {
      WITHSECRETS_SECRET: 'prod/db, NPM_TOKEN=ci/npm#token\napp/*',
      WITHSECRETS_NAME_CASE: 'keep',
      WITHSECRETS_NO_OVERRIDE: 'true',
      WITHSECRETS_MASK: 'false',
      WITHSECRETS_MASK_MIN_LENGTH: '8',
      WITHSECRETS_WATCH: '5m',
      WITHSECRETS_RESOLVE_ARNS: '1',
    });
    assert.deepEqual(invocation.secrets, ['prod/db', 'NPM_TOKEN=ci/npm#token', 'app/*']);
    assert.equal(invocation.nameCase, 'keep');
    assert.equal(invocation.override, false);
    assert.equal(invocation.mask, 'never');
    assert.equal(invocation.maskMinLength, 8);
    assert.equal(invocation.watchMs, 300_000);
    assert.equal(invocation.resolveArns, true);
  });

  it('lets a command-line option replace its WITHSECRETS_ variable', async () => {
    const invocation = await invocationOf(['-s', 'cli', '--region', 'us-east-1', '--', 'x'], {
      WITHSECRETS_SECRET: 'env1,env2',
      WITHSECRETS_REGION: 'eu-west-1',
    });
    assert.deepEqual(invocation.secrets, ['cli']);
    assert.equal(invocation.region, 'us-east-1');
  });

  it('returns help and version without a command', async () => {
    const help = await parseCommandLine(['--help'], {});
    assert.equal(help.kind, 'help');
    assert.match((help as { text: string }).text, /withsecrets \[options\] -- command/);
    assert.match((help as { text: string }).text, /--secret npm-publish -- npm publish/);
    assert.deepEqual(await parseCommandLine(['--version'], {}), { kind: 'version' });
  });

  const usageCases: [string, string[], Record<string, string>, RegExp][] = [
    ['a missing --', ['-s', 'a', 'npm', 'publish'], {}, /unexpected "npm" before "--"/],
    [
      'no command after --',
      ['-s', 'a', '--'],
      {},
      /no command given; the form is: withsecrets \[options\] -- command/,
    ],
    ['nothing at all', [], {}, /no command given/],
    ['an unknown option', ['--bogus', '--', 'x'], {}, /^unknown option --bogus$/],
    ['an unknown short option', ['-x', '--', 'x'], {}, /^unknown option -x$/],
    ['a flag without its value', ['--secret', '--', 'x'], {}, /^--secret needs a value$/],
    [
      'both version selectors',
      ['--version-stage', 'A', '--version-id', 'B', '--', 'x'],
      {},
      /cannot be used together/,
    ],
    [
      'a bad name case',
      ['--name-case', 'lower', '--', 'x'],
      {},
      /--name-case must be upper or keep, not "lower"/,
    ],
    ['a short watch', ['--watch', '500ms', '--', 'x'], {}, /--watch must be at least 1s/],
    ['a bad duration', ['--grace', 'soon', '--', 'x'], {}, /--grace takes a duration such as 30s/],
    [
      'a bad on-change',
      ['--on-change', 'reload', '--', 'x'],
      {},
      /--on-change must be restart, exit or signal:NAME/,
    ],
    ['an unknown signal', ['--stop-signal', 'SIGNOPE', '--', 'x'], {}, /--stop-signal names no known signal/],
    [
      'a zero min length',
      ['--mask-min-length', '0', '--', 'x'],
      {},
      /--mask-min-length must be a whole number >= 1/,
    ],
    [
      'a bad boolean variable',
      ['--', 'x'],
      { WITHSECRETS_DRY_RUN: 'maybe' },
      /WITHSECRETS_DRY_RUN must be true or false/,
    ],
    [
      'a bad negated variable',
      ['--', 'x'],
      { WITHSECRETS_NO_RESOLVE_ENV: 'maybe' },
      /^WITHSECRETS_NO_RESOLVE_ENV must be true or false/,
    ],
    [
      'a prefix that cannot start a name',
      ['--prefix', '9-x', '--', 'x'],
      {},
      /^--prefix "9-x" cannot start a variable name$/,
    ],
  ];
  for (const [name, argv, env, message] of usageCases) {
    it(`rejects ${name} with a usage error and a hint`, async () => {
      const error = await usageError(argv, env);
      assert.match(error.message, message);
      assert.ok(error.hint !== undefined && error.hint.length > 0);
    });
  }
});
