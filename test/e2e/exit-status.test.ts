// The exit-status table of the SPEC, seen by withsecrets' parent: the child's status, its signal death, 125/126/127.
import assert from 'node:assert/strict';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CORE_DUMP_SIGNALS } from '../../src/process/signals.ts';
import { BIN, fixture, NODE } from './harness.ts';
import { ended, startDetached, startWrapper } from './process-helpers.ts';

/** stderr is exactly one line, `withsecrets: [CODE] ...`. */
function assertOneErrorLine(stderr: string, code: string): void {
  const lines = stderr.split('\n');
  assert.equal(lines.pop(), '', `stderr must end with a newline: ${JSON.stringify(stderr)}`);
  assert.equal(lines.length, 1, `stderr must be one line: ${JSON.stringify(stderr)}`);
  assert.ok(lines[0]?.startsWith(`withsecrets: [${code}] `), `stderr: ${JSON.stringify(stderr)}`);
}

function signalNumber(signal: NodeJS.Signals): number {
  return constants.signals[signal];
}

describe('exit status', () => {
  let scratch: string;
  before(() => {
    scratch = mkdtempSync(join(tmpdir(), 'withsecrets-exit-'));
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  /** Runs withsecrets to the end and returns what its parent sees. */
  async function runWrapper(args: readonly string[], command?: readonly string[]) {
    const wrapper = startWrapper(args, command === undefined ? {} : { command });
    try {
      return await ended(wrapper);
    } finally {
      wrapper.kill();
    }
  }

  it("exits with the child's status, 0 included", async () => {
    await Promise.all(
      [0, 7, 255].map(async (status) => {
        const result = await runWrapper(['--', NODE, fixture('exit.js'), String(status)]);
        assert.deepEqual(
          { status: result.status, signal: result.signal, stderr: result.stderr },
          { status, signal: null, stderr: '' },
          `child exit ${status}`,
        );
      }),
    );
  });

  it('dies of the signal that killed the child (re-raised, so the parent sees the same death)', async () => {
    // SIGIO is also SIGPOLL on Linux: a listener left under either name would keep withsecrets alive.
    const signals: NodeJS.Signals[] = [
      'SIGTERM',
      'SIGINT',
      'SIGKILL',
      'SIGHUP',
      'SIGUSR2',
      'SIGALRM',
      'SIGIO',
    ];
    await Promise.all(
      signals.map(async (signal) => {
        const result = await runWrapper(['--', NODE, fixture('kill-self.js'), signal]);
        assert.deepEqual(
          { status: result.status, signal: result.signal, stderr: result.stderr },
          { status: null, signal, stderr: '' },
          `child killed by ${signal}`,
        );
      }),
    );
  });

  it('exits 128+N for a core-dumping signal, and never dumps core itself', async (t) => {
    // Cores are allowed (ulimit -c unlimited); the child dumps in its own directory, the wrapper runs in another.
    const pattern = readFileSync('/proc/sys/kernel/core_pattern', 'latin1').trim();
    const coresInCwd = !pattern.startsWith('|') && !pattern.startsWith('/');
    // Every signal whose default action dumps core (signal(7)), not a sample: one left out would be re-raised.
    const signals: NodeJS.Signals[] = [
      'SIGQUIT',
      'SIGILL',
      'SIGTRAP',
      'SIGABRT',
      'SIGBUS',
      'SIGFPE',
      'SIGSEGV',
      'SIGXCPU',
      'SIGXFSZ',
      'SIGSYS',
    ];
    assert.deepEqual(
      new Set(signals),
      CORE_DUMP_SIGNALS,
      "the list above is signal(7)'s, and withsecrets' own",
    );
    await Promise.all(
      signals.map(async (signal) => {
        const wrapperDir = join(scratch, `wrapper-${signal}`);
        const childDir = join(scratch, `child-${signal}`);
        mkdirSync(wrapperDir);
        mkdirSync(childDir);
        const wrapper = startWrapper(
          ['--', 'sh', '-c', `cd "$0" && kill -s ${signal.slice(3)} $$`, childDir],
          {
            command: ['bash', '-c', 'ulimit -c unlimited 2>/dev/null; exec "$@"', 'bash', NODE],
            cwd: wrapperDir,
          },
        );
        const result = await ended(wrapper).finally(wrapper.kill);
        assert.deepEqual(
          { status: result.status, signal: result.signal, stderr: result.stderr },
          { status: 128 + signalNumber(signal), signal: null, stderr: '' },
          `child killed by ${signal}`,
        );
        const cores = (dir: string) => readdirSync(dir).filter((name) => name.startsWith('core'));
        if (coresInCwd && cores(childDir).length > 0) {
          assert.deepEqual(cores(wrapperDir), [], `withsecrets dumped core after the child's ${signal}`);
        } else {
          t.diagnostic(
            `${signal}: cores are not written as files here (core_pattern ${pattern}); status checked only`,
          );
        }
      }),
    );
  });

  it('exits 128+10 when the child dies of SIGUSR1 (Node cannot die of it: the inspector owns it)', async () => {
    const result = await runWrapper(['--', 'sh', '-c', 'kill -s USR1 $$']);
    assert.deepEqual(
      { status: result.status, signal: result.signal, stderr: result.stderr },
      { status: 128 + signalNumber('SIGUSR1'), signal: null, stderr: '' },
    );
  });

  it('exits 127 when the command is not found, on PATH or by path', async () => {
    for (const command of ['withsecrets-no-such-command', join(scratch, 'no-such-file')]) {
      const result = await runWrapper(['--', command]);
      assert.equal(result.status, 127, command);
      assert.equal(result.signal, null);
      assertOneErrorLine(result.stderr, 'COMMAND_NOT_FOUND');
      assert.ok(result.stderr.includes(command), result.stderr);
    }
  });

  it('exits 126 when the command is a file without execute permission, or a directory', async () => {
    const script = join(scratch, 'not-executable.sh');
    writeFileSync(script, '#!/bin/sh\nexit 0\n');
    chmodSync(script, 0o644);
    for (const command of [script, scratch]) {
      const result = await runWrapper(['--', command]);
      assert.equal(result.status, 126, command);
      assert.equal(result.signal, null);
      assertOneErrorLine(result.stderr, 'COMMAND_NOT_EXECUTABLE');
    }
  });

  it('exits 125 on a usage error and runs nothing', async () => {
    const marker = join(scratch, 'usage-ran');
    const writeMarker = [NODE, '-e', "require('fs').writeFileSync(process.argv[1], 'ran')", marker];
    const bad = await runWrapper(['--no-such-option', '--', ...writeMarker]);
    assert.equal(bad.status, 125);
    assert.equal(bad.signal, null);
    assertOneErrorLine(bad.stderr, 'USAGE');
    assert.equal(existsSync(marker), false, 'the command ran despite the usage error');

    const noCommand = await runWrapper([]);
    assert.equal(noCommand.status, 125);
    assertOneErrorLine(noCommand.stderr, 'USAGE');

    // The control: the same command line, valid, does run.
    const good = await runWrapper(['--', ...writeMarker]);
    assert.equal(good.status, 0);
    assert.equal(existsSync(marker), true);
  });

  it('gives a shell $? = 143 when the child dies of SIGTERM', async () => {
    const shell = startDetached('bash', [
      '-c',
      '"$0" "$1" -- "$0" "$2" SIGTERM; echo "status=$?"',
      NODE,
      BIN,
      fixture('kill-self.js'),
    ]);
    const result = await ended(shell).finally(shell.kill);
    assert.equal(result.stdout, 'status=143\n');
    // bash reports a signal death (not an exit 143) of a foreground command this way.
    assert.match(result.stderr, /Terminated/);
    assert.equal(result.status, 0);
  });
});
