// Bad and extreme input: each malformed reference or name gets a clear error and no child; each large input works as documented.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MAX_JSON_DEPTH } from '../../src/environment/json.ts';
import type { Emulator } from '../emulator/emulator.ts';
import { emulatorWith, fixture, awsEnv as harnessAwsEnv, NODE, printedEnv, runBin } from './harness.ts';

const sha256 = (value: string): string => createHash('sha256').update(value, 'utf8').digest('hex');
const digests = (env: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(env).map(([name, value]) => [name, sha256(value)]));

/** `{"a":{"a":...{"a":"leaf"}}}` with `depth` objects. */
const nested = (depth: number, leaf: string): string =>
  `${'{"a":'.repeat(depth)}${JSON.stringify(leaf)}${'}'.repeat(depth)}`;

const VALUE_64K = `FAKE-64k-${'0123456789abcdef'.repeat(4096)}`.slice(0, 65_536);
const BINARY_64K = Buffer.from(Array.from({ length: 65_536 }, (_, index) => (index * 7919) % 256));
const THOUSAND_KEYS = Object.fromEntries(
  Array.from({ length: 1000 }, (_, index) => {
    const key = `k${String(index).padStart(4, '0')}`;
    return [key, `FAKE-key-${key}`];
  }),
);
const AT_DEPTH_LIMIT = nested(MAX_JSON_DEPTH, 'FAKE-deep-leaf');
const BEYOND_DEPTH_LIMIT = nested(MAX_JSON_DEPTH + 1, 'FAKE-deeper-leaf');
const DEEP_ARRAY = `{"k":${'['.repeat(30_000)}${']'.repeat(30_000)}}`;
/** Not UTF-8 at all: lone continuation bytes, a cut sequence, an overlong form, a NUL. */
const INVALID_UTF8 = Buffer.from([
  0xff, 0xfe, 0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1, 0xf0, 0x28, 0x8c, 0xc0, 0xaf, 0x00,
]);

describe('bad input', () => {
  let emulator: Emulator;
  let scratch: string;
  before(async () => {
    emulator = await emulatorWith({
      'bad/plain': 'FAKE-bad-plain-Qw3',
      'big/64k': VALUE_64K,
      'big/binary': BINARY_64K,
      'big/keys': JSON.stringify(THOUSAND_KEYS),
      'deep/limit': AT_DEPTH_LIMIT,
      'deep/over': BEYOND_DEPTH_LIMIT,
      'deep/array': DEEP_ARRAY,
      'same/name': JSON.stringify({ 'db-host': 'FAKE-a', 'db.host': 'FAKE-b', DB_HOST: 'FAKE-c', port: 1 }),
      'same/case': JSON.stringify({ Host: 'FAKE-upper', host: 'FAKE-lower' }),
      'bin/invalid-utf8': INVALID_UTF8,
      'big/too-long': `FAKE-${'x'.repeat(140_000)}`,
    });
    scratch = mkdtempSync(join(tmpdir(), 'withsecrets-bad-input-'));
  });
  after(async () => {
    rmSync(scratch, { recursive: true, force: true });
    await emulator.close();
  });

  const awsEnv = (extra: Record<string, string> = {}) => harnessAwsEnv(emulator, extra);

  /** A command that leaves a marker file if it ever runs. */
  function markerCommand(name: string): { command: string[]; ran: () => boolean } {
    const path = join(scratch, name);
    return {
      command: [NODE, '-e', `require('fs').writeFileSync(${JSON.stringify(path)}, '')`],
      ran: () => existsSync(path),
    };
  }

  /** Runs and expects a failure before any AWS call: 125, each stderr line one of `expected`, nothing run. */
  async function expectRejected(
    name: string,
    args: readonly string[],
    expected: readonly RegExp[],
    env: Record<string, string> = {},
  ): Promise<void> {
    const marker = markerCommand(name);
    const before = emulator.count();
    const result = await runBin([...args, '--', ...marker.command], awsEnv(env));
    assert.equal(result.status, 125, result.stderr);
    assert.equal(result.stdout, '');
    const lines = result.stderr.split('\n');
    assert.equal(lines.pop(), '');
    assert.equal(lines.length, expected.length, result.stderr);
    for (const [index, pattern] of expected.entries()) assert.match(lines[index] ?? '', pattern);
    for (const line of lines) assert.match(line, /\(fix: .+\)$/, 'no hint');
    assert.equal(marker.ran(), false, 'the command ran');
    assert.equal(emulator.count(), before, 'AWS was called');
  }

  const MALFORMED: readonly (readonly [string, readonly string[], readonly RegExp[]])[] = [
    [
      '# alone',
      ['-s', '#'],
      [/^withsecrets: \[BAD_REFERENCE\] bad secret reference "#": no secret id before # /],
    ],
    [
      '=id',
      ['-s', '=id'],
      [/^withsecrets: \[BAD_REFERENCE\] bad secret reference "=id": empty variable name/],
    ],
    ['empty', ['-s', ''], [/^withsecrets: \[BAD_REFERENCE\] bad secret reference "": it is empty /]],
    ['blank', ['-s', '  '], [/^withsecrets: \[BAD_REFERENCE\] bad secret reference " {2}": it is empty /]],
    [
      'VAR= alone',
      ['-s', 'VAR='],
      [/\[BAD_REFERENCE\] bad secret reference "VAR=": no secret id after VAR=/],
    ],
    ['# without a key', ['-s', 'bad/plain#'], [/\[BAD_REFERENCE\] .*: empty key after '#' /]],
    [
      '* alone',
      ['-s', '*'],
      [/\[BAD_REFERENCE\] bad secret reference "\*": '\*' alone would match every secret/],
    ],
    ['* inside', ['-s', 'a*b'], [/\[BAD_REFERENCE\] .*'\*' may only end a wildcard/]],
    ['wildcard with a key', ['-s', 'bad/*#k'], [/\[BAD_REFERENCE\] .*a wildcard takes no #KEY/]],
    [
      'two at once, both reported',
      ['-s', '#', '-s', '=id'],
      [/\[BAD_REFERENCE\] bad secret reference "#"/, /\[BAD_REFERENCE\] bad secret reference "=id"/],
    ],
    ['unknown long option', ['--bogus'], [/^withsecrets: \[USAGE\] unknown option --bogus /]],
    [
      'unknown option with a value',
      ['--bogus=1', '-s', 'bad/plain'],
      [/^withsecrets: \[USAGE\] unknown option --bogus /],
    ],
    ['unknown short option', ['-x'], [/^withsecrets: \[USAGE\] unknown option -x /]],
    [
      'a typo of an option, with the one meant',
      ['--secrte', 'bad/plain'],
      [/^withsecrets: \[USAGE\] unknown option --secrte \(did you mean --secret\?\) \(fix: /],
    ],
    [
      'a typo of a negated option, with the one meant',
      ['--no-mazk', '-s', 'bad/plain'],
      [/^withsecrets: \[USAGE\] unknown option --no-mazk \(did you mean --no-mask\?\) \(fix: /],
    ],
    ['--secret without a value', ['--secret'], [/^withsecrets: \[USAGE\] --secret needs a value /]],
    // The user typed -s: the message must name -s (or --secret), not a flag that does not exist.
    ['-s without a value', ['-s'], [/^withsecrets: \[USAGE\] (-s|--secret) needs a value /]],
  ];

  it('warns of a WITHSECRETS_ variable that is no setting, naming the closest, never its value; then runs', async () => {
    const result = await runBin(
      ['-s', 'PLAIN=bad/plain', '--', NODE, '-e', 'process.stdout.write(process.env.PLAIN.length + "")'],
      awsEnv({ WITHSECRETS_SECERT: 'FAKE-typo-value-7', WITHSECRETS_ZZZ: 'FAKE-other-value-8' }),
    );
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, String('FAKE-bad-plain-Qw3'.length));
    assert.equal(
      result.stderr,
      'withsecrets: WITHSECRETS_SECERT is not a setting of withsecrets and is ignored (did you mean WITHSECRETS_SECRET?)\n' +
        'withsecrets: WITHSECRETS_ZZZ is not a setting of withsecrets and is ignored\n',
    );
  });

  describe('malformed references and options: a clear error, no AWS call, no child', {
    concurrency: 4,
  }, () => {
    for (const [name, args, expected] of MALFORMED) {
      it(name, () => expectRejected(`malformed-${name}`, args, expected));
    }
    it('from WITHSECRETS_SECRET too', () =>
      expectRejected('malformed-env', [], [/\[BAD_REFERENCE\] bad secret reference "#"/], {
        WITHSECRETS_SECRET: 'bad/plain,#',
      }));
  });

  const REJECTED_NAMES: readonly (readonly [string, RegExp])[] = [
    ['with space', /holds U\+0020/],
    ['tab\there', /holds U\+0009/],
    ['new\nline', /holds U\+000A/],
    ['semi;colon', /holds ";"/],
    ['quote"d', /holds "\\""/],
    ['emoji😀', /holds "😀"/],
    ['x'.repeat(513), /secret name longer than 512 characters/],
    ['arn:aws:secretsmanager:us-east-1:12345:secret:x', /"12345" is not a 12-digit account id/],
    ['arn:aws:s3:::bucket', /not a Secrets Manager secret ARN/],
  ];

  describe('secret names AWS rejects: BAD_REFERENCE before any AWS call, on one line', {
    concurrency: 4,
  }, () => {
    for (const [index, [id, problem]] of REJECTED_NAMES.entries()) {
      it(JSON.stringify(id.length > 40 ? `${id.slice(0, 20)}...` : id), () =>
        expectRejected(
          `name-${index}`,
          ['-s', id],
          [new RegExp(`^withsecrets: \\[BAD_REFERENCE\\] bad secret reference .*${problem.source}`)],
        ),
      );
    }
    it('in a secretsmanager:// reference, naming the variable', () =>
      expectRejected(
        'name-ref',
        [],
        [
          /^withsecrets: \[BAD_REFERENCE\] variable DB holds a malformed secret reference: secret name holds U\+0020/,
        ],
        {
          DB: 'secretsmanager://with space',
        },
      ));
  });

  describe('large and odd values', () => {
    it('passes a 64 KiB SecretString and a 64 KiB SecretBinary whole', async () => {
      const result = await runBin(
        [
          '-s',
          'big/64k',
          '-s',
          'big/binary',
          '--',
          NODE,
          fixture('hygiene-expect.js'),
          `BIG_64K=${sha256(VALUE_64K)}`,
          `BIG_BINARY=${sha256(BINARY_64K.toString('base64'))}`,
        ],
        awsEnv(),
      );
      assert.equal(result.stderr, '');
      assert.equal(result.status, 0, 'the child did not get both values whole');
    });

    it('turns a JSON secret with 1,000 keys into 1,000 variables', async () => {
      const env = awsEnv();
      const result = await runBin(['-s', 'big/keys', '--', NODE, fixture('hygiene-env-digest.js')], env);
      assert.equal(result.status, 0, result.stderr);
      const injected = Object.fromEntries(
        Object.entries(THOUSAND_KEYS).map(([key, value]) => [key.toUpperCase(), value]),
      );
      assert.deepEqual(printedEnv(result.stdout), digests({ ...env, ...injected }));
    });

    it(`flattens nesting up to the parser's depth limit (${MAX_JSON_DEPTH}), and keeps deeper JSON as one value`, async () => {
      const env = awsEnv();
      const result = await runBin(
        [
          '-s',
          'deep/limit',
          '-s',
          'deep/over',
          '-s',
          'deep/array',
          '--',
          NODE,
          fixture('hygiene-env-digest.js'),
        ],
        env,
      );
      assert.equal(result.status, 0, result.stderr);
      assert.deepEqual(
        printedEnv(result.stdout),
        digests({
          ...env,
          [Array.from({ length: MAX_JSON_DEPTH }, () => 'A').join('_')]: 'FAKE-deep-leaf',
          DEEP_OVER: BEYOND_DEPTH_LIMIT,
          DEEP_ARRAY: DEEP_ARRAY,
        }),
      );
    });

    it('rejects keys that sanitise to one name with INVALID_NAME naming the keys, and runs nothing', async () => {
      const marker = markerCommand('same-name');
      const result = await runBin(['-s', 'same/name', '--', ...marker.command], awsEnv());
      assert.equal(result.status, 125);
      assert.deepEqual(result.stderr.trim().split('\n'), [
        'withsecrets: [INVALID_NAME] secret "same/name": keys "db-host" and "db.host" both give the variable DB_HOST (fix: select each key with VAR=ID#KEY, or use --name-case keep if they differ only in case)',
        'withsecrets: [INVALID_NAME] secret "same/name": keys "db-host" and "DB_HOST" both give the variable DB_HOST (fix: select each key with VAR=ID#KEY, or use --name-case keep if they differ only in case)',
      ]);
      assert.equal(marker.ran(), false);
    });

    it('rejects keys that differ only in case, and takes both with --name-case keep', async () => {
      const marker = markerCommand('same-case');
      const upper = await runBin(['-s', 'same/case', '--', ...marker.command], awsEnv());
      assert.equal(upper.status, 125);
      assert.match(
        upper.stderr,
        /^withsecrets: \[INVALID_NAME\] secret "same\/case": keys "Host" and "host" both give the variable HOST /,
      );
      assert.equal(marker.ran(), false);
      const kept = await runBin(
        [
          '--name-case',
          'keep',
          '-s',
          'same/case',
          '--',
          NODE,
          fixture('hygiene-expect.js'),
          `Host=${sha256('FAKE-upper')}`,
          `host=${sha256('FAKE-lower')}`,
        ],
        awsEnv(),
      );
      assert.equal(kept.status, 0, kept.stderr);
    });

    it('passes a SecretBinary that is not UTF-8 as its exact base64', async () => {
      const result = await runBin(
        [
          '-s',
          'bin/invalid-utf8',
          '--',
          NODE,
          fixture('hygiene-expect.js'),
          `BIN_INVALID_UTF8=${sha256(INVALID_UTF8.toString('base64'))}`,
        ],
        awsEnv(),
      );
      assert.equal(result.stderr, '');
      assert.equal(result.status, 0);
    });
  });

  describe('large environments', () => {
    it('passes 20,000 inherited variables and the secrets to the child', async () => {
      const inherited: Record<string, string> = {};
      for (let index = 0; index < 20_000; index += 1)
        inherited[`INHERITED_${index}`] = `value ${index} = "x"`;
      const env = awsEnv(inherited);
      const result = await runBin(['-s', 'bad/plain', '--', NODE, fixture('hygiene-env-digest.js')], env);
      assert.equal(result.status, 0, result.stderr);
      assert.deepEqual(printedEnv(result.stdout), digests({ ...env, BAD_PLAIN: 'FAKE-bad-plain-Qw3' }));
    });

    it('says so clearly when the environment with the secrets is too big to exec', async () => {
      /*
       * In real use this is a large inherited environment plus secrets over the kernel's total (ARG_MAX, a
       * quarter of the stack limit). That total moves with `ulimit -s`, so the test uses the fixed limit on
       * one string instead: Linux refuses any environment entry over 128 KiB (MAX_ARG_STRLEN) with E2BIG.
       * AWS caps a value at 64 KiB; the emulator does not.
       */
      const marker = markerCommand('e2big');
      const result = await runBin(['-s', 'big/too-long', '--', ...marker.command], awsEnv());
      assert.equal(marker.ran(), false);
      assert.equal(result.status, 126, result.stderr);
      assert.match(result.stderr, /^withsecrets: \[COMMAND_NOT_EXECUTABLE\] .*E2BIG.*\n$/);
      assert.doesNotMatch(result.stderr, /INTERNAL|chmod/);
    });
  });
});
