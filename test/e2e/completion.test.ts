// `withsecrets completion bash|zsh|fish` on the built bin: each script loads in its shell and completes options,
// their fixed values and, after `--`, the command.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { NODE, runBin } from './harness.ts';

function has(shell: string): boolean {
  return spawnSync(shell, ['-c', 'exit 0']).status === 0;
}

/** Runs `script` in `shell` and returns its stdout; fails the test on a non-zero status. */
function inShell(shell: string, args: string[]): string {
  const result = spawnSync(shell, args, {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
  });
  assert.equal(result.status, 0, `${shell}: ${result.stderr}`);
  return result.stdout;
}

describe('completion', () => {
  let dir: string;
  const scripts: Record<string, string> = {};
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'withsecrets-completion-'));
    for (const shell of ['bash', 'zsh', 'fish']) {
      const result = await runBin(['completion', shell], {});
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stderr, '');
      scripts[shell] = join(dir, `withsecrets.${shell}`);
      writeFileSync(scripts[shell], result.stdout);
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('bash: completes an option, its fixed values, nothing for a value to type, and the command after --', () => {
    const complete = (...words: string[]) =>
      inShell('bash', [
        '-c',
        `source ${scripts.bash}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _withsecrets; printf '%s\\n' "\${COMPREPLY[@]}"`,
      ]).trim();
    assert.equal(complete('withsecrets', '--sec'), '--secret');
    assert.equal(complete('withsecrets', '--no-ma'), '--no-mask');
    assert.equal(complete('withsecrets', '--name-case', ''), 'upper\nkeep');
    assert.equal(complete('withsecrets', '--stop-signal', 'SIGH'), 'SIGHUP');
    assert.equal(complete('withsecrets', '-s', ''), '');
    assert.ok(complete('withsecrets', '-s', 'x', '--', 'bas').split('\n').includes('bash'));
    assert.equal(
      complete('withsecrets', '-s', 'x', '--', 'bash', '--sec'),
      '',
      'no withsecrets option after --',
    );
  });

  it('fish: completes options with their descriptions, fixed values, and the command after --', (t: TestContext) => {
    if (!has('fish')) return t.skip('fish is not installed');
    const complete = (line: string) =>
      inShell('fish', ['-c', `source ${scripts.fish}; complete -C '${line}'`])
        .trim()
        .split('\n');
    assert.deepEqual(complete('withsecrets --sec'), [
      '--secret\tsecret to inject: [VAR=]ID[~STAGE|~id:VERSION][#KEY] or [VAR=]PREFIX* (repeatable)',
    ]);
    assert.deepEqual(
      complete('withsecrets --name-case ').map((line) => line.split('\t')[0]),
      ['keep', 'upper'],
    );
    assert.ok(complete('withsecrets -s x -- bas').some((line) => line.startsWith('bash')));
  });

  it('zsh: the script parses and registers _withsecrets for withsecrets', (t: TestContext) => {
    if (!has('zsh')) return t.skip('zsh is not installed');
    assert.equal(
      inShell('zsh', [
        '-fc',
        `autoload -U compinit; compinit -u -D; source ${scripts.zsh}; print -r -- $_comps[withsecrets]`,
      ]),
      '_withsecrets\n',
    );
  });

  it('refuses a shell it has no script for, and a missing shell, with usage errors', async () => {
    const unknown = await runBin(['completion', 'tcsh'], {});
    assert.equal(unknown.status, 125);
    assert.equal(
      unknown.stderr,
      'withsecrets: [USAGE] no completion for the shell "tcsh" (fix: use withsecrets completion bash|zsh|fish)\n',
    );
    const missing = await runBin(['completion'], {});
    assert.equal(missing.status, 125);
    assert.match(missing.stderr, /^withsecrets: \[USAGE\] completion takes one shell: bash, zsh, fish /);
  });

  it('is a word like any other after --: `withsecrets -s x -- completion bash` would run a command', async () => {
    const result = await runBin(
      ['--', NODE, '-e', 'process.stdout.write(process.argv.slice(1).join(" "))', 'completion', 'bash'],
      {},
    );
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, 'completion bash');
  });
});
