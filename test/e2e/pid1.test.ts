// withsecrets as a container's PID 1: signals still reach the child, and a signal death becomes 128+N.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fixture, NODE } from './harness.ts';
import {
  childrenOf,
  ended,
  PLAIN_ENV,
  startWrapper,
  trappedSignals,
  type Wrapper,
  waitUntil,
} from './process-helpers.ts';

const UNSHARE = ['unshare', '--pid', '--fork', '--mount-proc'];

/** Why these tests cannot run here, or undefined when they can. */
function whyNoPidNamespace(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root to create a pid namespace (unshare --pid)';
  const probe = spawnSync(UNSHARE[0] ?? 'unshare', [...UNSHARE.slice(1), 'true'], { env: PLAIN_ENV });
  if (probe.error !== undefined) return `unshare is not available: ${probe.error.message}`;
  if (probe.status !== 0)
    return `unshare --pid --fork --mount-proc failed: ${probe.stderr.toString().trim()}`;
  return undefined;
}

const skip = whyNoPidNamespace();

/** withsecrets as PID 1 of a new pid namespace; the returned pid is unshare's, outside the namespace. */
function startAsPid1(command: readonly string[]): Wrapper {
  return startWrapper(['--', ...command], { command: [...UNSHARE, NODE] });
}

/** withsecrets' pid outside the namespace: the one child of unshare. */
async function wrapperPidOf(unshare: Wrapper): Promise<number> {
  await waitUntil(() => childrenOf(unshare.pid).length === 1, 'unshare to fork withsecrets');
  const [pid] = childrenOf(unshare.pid);
  assert.ok(pid !== undefined);
  return pid;
}

describe('withsecrets as PID 1', { skip: skip ?? false }, () => {
  it('is PID 1 in its namespace (its child sees parent pid 1) and exits with the child status', async () => {
    const unshare = startAsPid1([NODE, fixture('parent-pid.js')]);
    try {
      const result = await ended(unshare);
      assert.deepEqual(
        { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr },
        { status: 0, signal: null, stdout: 'PPID 1\n', stderr: '' },
      );
    } finally {
      unshare.kill();
    }
  });

  it('relays signals sent from outside the namespace, and exits 0 when the child does', async () => {
    const unshare = startAsPid1([NODE, fixture('trap.js'), 'SIGTERM']);
    try {
      await unshare.waitForLine(/^READY$/);
      const pid = await wrapperPidOf(unshare);
      // The kernel drops signals to a PID 1 that has no handler: each must be handled to reach the child.
      for (const signal of ['SIGHUP', 'SIGINT', 'SIGUSR1'] as const) {
        process.kill(pid, signal);
        await waitUntil(
          () => trappedSignals(unshare.stdout()).includes(signal),
          `the child to log GOT ${signal}`,
        );
      }
      process.kill(pid, 'SIGTERM');
      const result = await ended(unshare);
      assert.deepEqual(
        { status: result.status, signal: result.signal, got: trappedSignals(result.stdout) },
        { status: 0, signal: null, got: ['SIGHUP', 'SIGINT', 'SIGUSR1', 'SIGTERM'] },
      );
    } finally {
      unshare.kill();
    }
  });

  it('exits 128+N when the child dies of a signal (PID 1 cannot die of it)', async () => {
    const relayed = async () => {
      const unshare = startAsPid1([NODE, fixture('ready-pid.js')]);
      try {
        await unshare.waitForLine(/^READY \d+$/);
        process.kill(await wrapperPidOf(unshare), 'SIGTERM');
        return await ended(unshare);
      } finally {
        unshare.kill();
      }
    };
    const killedSelf = async (signal: NodeJS.Signals) => {
      const unshare = startAsPid1([NODE, fixture('kill-self.js'), signal]);
      try {
        return await ended(unshare);
      } finally {
        unshare.kill();
      }
    };
    const [term, selfTerm, selfKill] = await Promise.all([
      relayed(),
      killedSelf('SIGTERM'),
      killedSelf('SIGKILL'),
    ]);
    // unshare passes an exit status on, and re-raises a signal death: status 143 means withsecrets exited 143.
    assert.deepEqual([term.status, term.signal, term.stderr], [143, null, ''], 'relayed SIGTERM');
    assert.deepEqual([selfTerm.status, selfTerm.signal, selfTerm.stderr], [143, null, ''], 'child SIGTERM');
    assert.deepEqual([selfKill.status, selfKill.signal, selfKill.stderr], [137, null, ''], 'child SIGKILL');
  });
});
