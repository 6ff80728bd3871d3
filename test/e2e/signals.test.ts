// Signals sent to withsecrets reach its child exactly once, stop or abort it as an init would, and never leak.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Emulator } from '../emulator/emulator.ts';
import { awsEnv, emulatorWith, fixture, NODE } from './harness.ts';
import {
  childrenOf,
  ended,
  hasEnded,
  processState,
  startWrapper,
  trappedSignals,
  type Wrapper,
  waitUntil,
} from './process-helpers.ts';

/** Every signal withsecrets relays as is (the job-control stops are tested on their own). */
const RELAYED: readonly NodeJS.Signals[] = [
  'SIGHUP',
  'SIGINT',
  'SIGQUIT',
  'SIGTERM',
  'SIGUSR1',
  'SIGUSR2',
  'SIGWINCH',
  'SIGALRM',
  'SIGCONT',
  'SIGVTALRM',
  'SIGURG',
  'SIGIO',
  'SIGPWR',
  'SIGSTKFLT',
];

/** withsecrets running test/fixtures/trap.js, which exits 0 on `exitOn`; resolves once the child is READY. */
async function startTrap(exitOn: NodeJS.Signals = 'SIGTERM'): Promise<Wrapper> {
  const wrapper = startWrapper(['--', NODE, fixture('trap.js'), exitOn]);
  try {
    await wrapper.waitForLine(/^READY$/);
  } catch (error) {
    wrapper.kill();
    throw error;
  }
  return wrapper;
}

/** Sends `signal` to withsecrets and waits until the child has logged it `count` times in all. */
async function relayAndWait(wrapper: Wrapper, signal: NodeJS.Signals, count = 1): Promise<void> {
  process.kill(wrapper.pid, signal);
  await waitUntil(
    () => trappedSignals(wrapper.stdout()).filter((name) => name === signal).length >= count,
    `the child to log GOT ${signal}`,
  );
}

/** Inodes of the sockets listening on `port` (any address), from /proc/net/tcp and tcp6. */
function listeningInodes(port: number): Set<string> {
  const hexPort = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const rows = existsSync(table) ? readFileSync(table, 'latin1').split('\n').slice(1) : [];
    for (const row of rows) {
      const fields = row.trim().split(/\s+/);
      if (fields[1]?.endsWith(hexPort) && fields[3] === '0A' && fields[9] !== undefined)
        inodes.add(fields[9]);
    }
  }
  return inodes;
}

/** Whether process `pid` holds a socket listening on `port`. */
function listensOn(pid: number, port: number): boolean {
  const inodes = listeningInodes(port);
  return readdirSync(`/proc/${pid}/fd`).some((fd) => {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      return inodes.has(target.replace(/^socket:\[(\d+)\]$/, '$1'));
    } catch {
      return false;
    }
  });
}

describe('signals sent to withsecrets while the child runs', () => {
  it('relays each signal to the child exactly once and nothing with it; exits with the child status', async () => {
    await Promise.all(
      RELAYED.map(async (signal) => {
        // The child exits on a second signal, so anything else delivered with the first is logged before it.
        const end = signal === 'SIGTERM' ? 'SIGUSR2' : 'SIGTERM';
        const wrapper = await startTrap(end);
        try {
          await relayAndWait(wrapper, signal);
          process.kill(wrapper.pid, end);
          const result = await ended(wrapper);
          assert.deepEqual(
            {
              status: result.status,
              signal: result.signal,
              got: trappedSignals(result.stdout),
              stderr: result.stderr,
            },
            { status: 0, signal: null, got: [signal, end], stderr: '' },
            `${signal} sent to withsecrets`,
          );
        } finally {
          wrapper.kill();
        }
      }),
    );
  });

  it('keeps running after a signal; only the child exiting ends it', async () => {
    const wrapper = await startTrap('SIGTERM');
    try {
      await relayAndWait(wrapper, 'SIGUSR2');
      // Still alive and relaying: a second signal reaches the child too.
      await relayAndWait(wrapper, 'SIGHUP');
      await relayAndWait(wrapper, 'SIGUSR2', 2);
      process.kill(wrapper.pid, 'SIGTERM');
      const result = await ended(wrapper);
      assert.deepEqual(
        { status: result.status, signal: result.signal, got: trappedSignals(result.stdout) },
        { status: 0, signal: null, got: ['SIGUSR2', 'SIGHUP', 'SIGUSR2', 'SIGTERM'] },
      );
    } finally {
      wrapper.kill();
    }
  });

  it('keeps ignoring SIGXFSZ, as Node does, instead of dying of it and leaving the child', async () => {
    const wrapper = await startTrap('SIGTERM');
    try {
      process.kill(wrapper.pid, 'SIGXFSZ');
      // A relayed round trip after it proves withsecrets is still there and the child still runs.
      await relayAndWait(wrapper, 'SIGHUP');
      process.kill(wrapper.pid, 'SIGTERM');
      const result = await ended(wrapper);
      assert.deepEqual(
        { status: result.status, signal: result.signal, got: trappedSignals(result.stdout) },
        { status: 0, signal: null, got: ['SIGHUP', 'SIGTERM'] },
      );
    } finally {
      wrapper.kill();
    }
  });

  it("does not open Node's inspector on SIGUSR1 (a debugger port in a process holding secrets)", async () => {
    const wrapper = await startTrap('SIGTERM');
    try {
      await relayAndWait(wrapper, 'SIGUSR1');
      // One more round trip through withsecrets' event loop, where an inspector would have started.
      await relayAndWait(wrapper, 'SIGHUP');
      assert.equal(listensOn(wrapper.pid, 9229), false, 'withsecrets listens on port 9229');
      process.kill(wrapper.pid, 'SIGTERM');
      const result = await ended(wrapper);
      assert.equal(result.status, 0);
      assert.doesNotMatch(result.stderr, /Debugger listening|inspector/i);
      assert.equal(result.stderr, '');
    } finally {
      wrapper.kill();
    }
  });

  it('on SIGTSTP, SIGTTIN, SIGTTOU: relays it once, then stops itself; SIGCONT resumes both', async () => {
    const stops: NodeJS.Signals[] = ['SIGTSTP', 'SIGTTIN', 'SIGTTOU'];
    await Promise.all(
      stops.map(async (signal) => {
        const wrapper = await startTrap('SIGTERM');
        try {
          await relayAndWait(wrapper, signal);
          await waitUntil(() => processState(wrapper.pid) === 'T', `withsecrets to stop after ${signal}`);
          const [child] = childrenOf(wrapper.pid);
          assert.ok(child !== undefined, 'the child of withsecrets');
          assert.notEqual(processState(child), 'T', 'the child traps the signal, so it runs on');

          await relayAndWait(wrapper, 'SIGCONT');
          assert.notEqual(processState(wrapper.pid), 'T', 'withsecrets resumed');
          process.kill(wrapper.pid, 'SIGTERM');
          const result = await ended(wrapper);
          assert.deepEqual(
            { status: result.status, signal: result.signal, got: trappedSignals(result.stdout) },
            { status: 0, signal: null, got: [signal, 'SIGCONT', 'SIGTERM'] },
            signal,
          );
        } finally {
          wrapper.kill();
        }
      }),
    );
  });

  it('stops the child, then exits 128+N, on a signal that ends withsecrets itself (SIGABRT, SIGTRAP)', async () => {
    // ignore-term.js ignores SIGTERM: only the SIGKILL 5 s later ends it. ready-pid.js ends on the SIGTERM.
    const cases: [NodeJS.Signals, string, number][] = [
      ['SIGABRT', 'ready-pid.js', 134],
      ['SIGTRAP', 'ready-pid.js', 133],
      ['SIGABRT', 'ignore-term.js', 134],
    ];
    await Promise.all(
      cases.map(async ([signal, child, status]) => {
        const wrapper = startWrapper(['--', NODE, fixture(child)]);
        let childPid: number | undefined;
        try {
          const ready = await wrapper.waitForLine(/^READY \d+$/);
          childPid = Number(ready.split(' ')[1]);
          const sent = Date.now();
          process.kill(wrapper.pid, signal);
          const result = await ended(wrapper, 10_000);
          // No signal death: dying of SIGABRT would dump a core, holding the secrets, to disk.
          assert.deepEqual([result.status, result.signal], [status, null], `withsecrets after ${signal}`);
          assert.equal(hasEnded(childPid), true, `the child of ${child} is gone when withsecrets ends`);
          if (child === 'ignore-term.js')
            assert.ok(Date.now() - sent >= 4500, 'SIGKILL came after the 5 s grace');
        } finally {
          wrapper.kill();
          if (childPid !== undefined && !hasEnded(childPid)) process.kill(childPid, 'SIGKILL');
        }
      }),
    );
  });
});

describe('signals sent to withsecrets while it fetches', () => {
  let emulator: Emulator;
  let scratch: string;
  before(async () => {
    emulator = await emulatorWith({ x: 'value-FAKE-x' });
    scratch = mkdtempSync(join(tmpdir(), 'withsecrets-signals-'));
  });
  after(async () => {
    rmSync(scratch, { recursive: true, force: true });
    await emulator.close();
  });

  /** withsecrets -s x running a command that leaves a marker file if it ever runs. */
  function startFetching(name: string): { wrapper: Wrapper; ran: () => boolean } {
    const marker = join(scratch, name);
    const wrapper = startWrapper(
      ['-s', 'x', '--', NODE, '-e', "require('fs').writeFileSync(process.argv[1], 'ran')", marker],
      { env: awsEnv(emulator, { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }) },
    );
    return { wrapper, ran: () => existsSync(marker) };
  }

  it('runs the command when nothing interrupts the fetch (the control)', async () => {
    emulator.clearFaults();
    const { wrapper, ran } = startFetching('control');
    try {
      const result = await ended(wrapper);
      assert.equal(result.status, 0, result.stderr);
      assert.equal(ran(), true);
    } finally {
      wrapper.kill();
    }
  });

  it('lets SIGWINCH, SIGCONT and SIGURG pass during a hung fetch: the command still runs', async () => {
    emulator.clearFaults();
    emulator.clearCalls();
    // The first attempt hangs until its request timeout; the retry answers.
    emulator.inject({ fault: 'hang', times: 1 });
    const { wrapper, ran } = startFetching('harmless');
    try {
      await waitUntil(() => emulator.calls.length >= 1, 'the first call to the emulator', 10_000);
      for (const signal of ['SIGWINCH', 'SIGCONT', 'SIGURG'] as const) process.kill(wrapper.pid, signal);
      const result = await ended(wrapper);
      assert.deepEqual(
        { status: result.status, signal: result.signal },
        { status: 0, signal: null },
        result.stderr,
      );
      assert.equal(ran(), true);
    } finally {
      wrapper.kill();
      emulator.clearFaults();
    }
  });

  it('aborts the fetch, runs nothing, and dies of the signal (exits 128+N for SIGQUIT and SIGABRT)', async () => {
    const cases: [NodeJS.Signals, { status: number | null; signal: NodeJS.Signals | null }][] = [
      ['SIGTERM', { status: null, signal: 'SIGTERM' }],
      ['SIGINT', { status: null, signal: 'SIGINT' }],
      ['SIGHUP', { status: null, signal: 'SIGHUP' }],
      ['SIGQUIT', { status: 131, signal: null }],
      ['SIGABRT', { status: 134, signal: null }],
    ];
    // One at a time: the emulator's call log tells when this wrapper has made its first call.
    for (const [signal, expected] of cases) {
      emulator.clearFaults();
      emulator.clearCalls();
      emulator.inject({ fault: 'hang', times: 5 });
      const { wrapper, ran } = startFetching(`aborted-${signal}`);
      try {
        await waitUntil(() => emulator.calls.length >= 1, 'the first call to the emulator', 10_000);
        const sentAt = Date.now();
        process.kill(wrapper.pid, signal);
        const result = await ended(wrapper);
        const elapsed = Date.now() - sentAt;
        assert.deepEqual(
          { status: result.status, signal: result.signal, stderr: result.stderr },
          { ...expected, stderr: '' },
          `${signal} during the fetch`,
        );
        // Each request times out after 3 s; dying well before that proves the signal ended it.
        assert.ok(elapsed < 1500, `withsecrets took ${elapsed} ms to die of ${signal}`);
        assert.equal(ran(), false, `the command ran after ${signal}`);
      } finally {
        wrapper.kill();
      }
    }
    emulator.clearFaults();
  });
});
