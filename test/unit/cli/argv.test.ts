// yargs-parser alone (the fast path) reads every command line exactly as yargs does, and declines the rest.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fullParse, type ParsedArguments, quickParse } from '../../../src/cli/argv.ts';
import { parseCommandLine } from '../../../src/cli/command-line.ts';
import { OPTION_NAMES } from '../../../src/cli/options.ts';
import { WithsecretsError } from '../../../src/errors.ts';

async function usageError(argv: string[]): Promise<WithsecretsError> {
  try {
    await parseCommandLine(argv, {});
  } catch (error) {
    assert.ok(error instanceof WithsecretsError);
    return error;
  }
  assert.fail(`expected a usage error for ${JSON.stringify(argv)}`);
}

describe('quickParse (yargs-parser alone) against fullParse (yargs)', () => {
  /** What src/cli/command-line.ts reads of a parse: `_` and each option's camelCase key. */
  const read = (parsed: ParsedArguments) => ({
    _: parsed._.map(String),
    ...Object.fromEntries(
      OPTION_NAMES.map((name) => {
        const key = name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
        return [key, parsed[key]];
      }),
    ),
  });
  const accepted: string[][] = [
    [],
    ['-s', 'a', '--secret', 'b', '-s=c', '--secret=d'],
    ['-s', 'A=prod/db#password', '-s', 'prod/*', '--prefix', 'APP_', '--name-case=keep'],
    ['--no-override', '--override', '--dry-run', '--no-resolve-env', '--resolve-arns', '--mask'],
    ['--no-mask', '--mask-min-length', '6', '--mask-exclude', 'A', '--mask-exclude=B'],
    ['--mask-min-length', 'x', '--mask-min-length=2.5'],
    ['--version-stage', 'AWSPREVIOUS', '--version-id', 'v1', '--region', 'eu-west-1', '--profile', 'ci'],
    ['--endpoint-url', 'http://127.0.0.1:4566', '--watch', '5m', '--on-change', 'signal:HUP'],
    ['--stop-signal', 'SIGINT', '--grace', '0', '--prefix', '', '--region'],
    ['--dry-run=false', '--mask=true', '--override', 'false'],
    ['--nameCase', 'keep', '--maskMinLength', '3'],
    ['-s', 'a b', '-s', '', '-s', '  ', '-s', '=x', '-s', 'ünïcödé/名前'],
    ['--no-secret', '--mask-min-length', '--watch'],
    ['--dryRun', '--resolveArns', '--resolveEnv', 'false', '--maskExclude', 'A'],
    ['--dryRun', '--dryRun', '--no-dryRun', '--maskMinLength=3', '--endpointUrl', 'http://x'],
    ['--mask', '--no-mask', '--region=a', '--region=b'],
  ];
  for (const args of accepted) {
    it(`gives what yargs gives for ${JSON.stringify(args)}`, () => {
      const quick = quickParse(args);
      assert.ok(quick !== undefined, 'quickParse accepts it');
      assert.deepEqual(read(quick), read(fullParse(args)));
    });
  }

  const declined: string[][] = [
    ['--unknown'],
    ['--no-unknown'],
    ['-x'],
    ['-sx', 'a'],
    ['--secret'],
    ['-s'],
    ['--mask-exclude'],
    ['--regin', 'eu-west-1'],
    ['-s', '-x'],
    ['--secret=a', '--secret'],
    ['--noOverride'],
  ];
  for (const args of declined) {
    it(`leaves ${JSON.stringify(args)} to yargs, which refuses it`, () => {
      assert.equal(quickParse(args), undefined);
      assert.throws(() => fullParse(args), WithsecretsError);
    });
  }

  for (const args of [
    ['stray', '-s', 'a', 'words'],
    ['--dryRun', 'foo', '-s', 'a'],
    ['1e3', '-s', 'a'],
    ['-s', 'a', '0x10'],
  ]) {
    it(`reports words before -- as yargs’ strict mode does, though quickParse takes them: ${JSON.stringify(args)}`, async () => {
      assert.ok((quickParse(args)?._.length ?? 0) > 0, 'quickParse keeps the stray words');
      const yargsError = (() => {
        try {
          fullParse(args);
        } catch (error) {
          return error as WithsecretsError;
        }
        assert.fail('yargs accepted stray words');
      })();
      const ours = await usageError([...args, '--', 'true']);
      assert.deepEqual([ours.message, ours.hint], [yargsError.message, yargsError.hint]);
    });
  }
});
