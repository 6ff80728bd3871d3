// On a real terminal, Ctrl-C and Ctrl-Z reach the whole foreground group: the child must get each only once.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { BIN, fixture, NODE } from './harness.ts';
import {
  childrenOf,
  ended,
  killGroup,
  PLAIN_ENV,
  processState,
  startDetached,
  trappedSignals,
  type Wrapper,
  waitUntil,
} from './process-helpers.ts';

const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

function whyNoPty(): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import pty, termios, select'], { env: PLAIN_ENV });
  if (probe.error !== undefined || probe.status !== 0)
    return 'needs python3 with the pty module to drive a terminal';
  return undefined;
}

const skip = whyNoPty();

interface OnTerminal {
  readonly driver: Wrapper;
  /** withsecrets' pid; it leads the terminal's session and foreground process group. */
  readonly pid: number;
  type(keys: string): void;
  /** Everything the terminal showed, and how withsecrets ended (`EXIT n`, negative for a signal). */
  finished(): Promise<{ shown: string; exit: string | undefined }>;
  kill(): void;
}

/** withsecrets running test/fixtures/trap.js (exits 0 on SIGTERM) on a new terminal; resolves at READY. */
async function startOnTerminal(): Promise<OnTerminal> {
  const driver = startDetached(
    PYTHON,
    [fixture('pty-driver.py'), NODE, BIN, '--', NODE, fixture('trap.js'), 'SIGTERM'],
    { stdin: 'pipe' },
  );
  let pid: number | undefined;
  const kill = () => {
    if (pid !== undefined) killGroup(pid);
    driver.kill();
  };
  try {
    pid = Number((await driver.waitForLine(/^PID \d+/)).split(' ')[1]);
    await driver.waitForLine(/^READY\r?$/);
  } catch (error) {
    kill();
    throw error;
  }
  return {
    driver,
    pid,
    type: (keys) => driver.child.stdin?.write(keys),
    finished: async () => {
      const result = await ended(driver);
      const exit = /\nEXIT (-?\d+)\n$/.exec(result.stdout)?.[1];
      return { shown: result.stdout, exit };
    },
    kill,
  };
}

describe('on a terminal', { skip: skip ?? false }, () => {
  it('Ctrl-C reaches the child once: from the terminal, not again from withsecrets', async () => {
    const terminal = await startOnTerminal();
    try {
      terminal.type('\x03');
      await terminal.driver.waitForLine(/^GOT SIGINT\r?$/);
      // A relayed second SIGINT would be sent before this SIGTERM is handled, so it would be logged first.
      process.kill(terminal.pid, 'SIGTERM');
      const { shown, exit } = await terminal.finished();
      assert.equal(exit, '0', shown);
      assert.deepEqual(trappedSignals(shown), ['SIGINT', 'SIGTERM']);
    } finally {
      terminal.kill();
    }
  });

  it('Ctrl-Z reaches the child once and stops withsecrets; SIGCONT resumes both', async () => {
    const terminal = await startOnTerminal();
    try {
      terminal.type('\x1a');
      await terminal.driver.waitForLine(/^GOT SIGTSTP\r?$/);
      await waitUntil(() => processState(terminal.pid) === 'T', 'withsecrets to stop on Ctrl-Z');
      const [child] = childrenOf(terminal.pid);
      assert.ok(child !== undefined, 'the child of withsecrets');
      assert.notEqual(processState(child), 'T', 'the child traps SIGTSTP, so it runs on');

      process.kill(terminal.pid, 'SIGCONT');
      await terminal.driver.waitForLine(/^GOT SIGCONT\r?$/);
      assert.notEqual(processState(terminal.pid), 'T', 'withsecrets resumed');
      process.kill(terminal.pid, 'SIGTERM');
      const { shown, exit } = await terminal.finished();
      assert.equal(exit, '0', shown);
      assert.deepEqual(trappedSignals(shown), ['SIGTSTP', 'SIGCONT', 'SIGTERM']);
    } finally {
      terminal.kill();
    }
  });
});
