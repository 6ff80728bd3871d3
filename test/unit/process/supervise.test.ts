// The supervisor's phases with real child processes: who ends the run, and which signal reaches which child.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChildOutput } from '../../../src/mask/child-output.ts';
import { type ChildLaunch, Supervisor } from '../../../src/process/supervise.ts';

/** A child that runs until a signal ends it, and says READY once it does. */
const FOREVER = [process.execPath, '-e', "console.log('READY'); setInterval(() => {}, 1000)"];
/** A child that exits 3 on SIGTERM, so a test can tell "stopped by TERM" from "killed". */
const EXITS_3_ON_TERM = [
  process.execPath,
  '-e',
  "process.on('SIGTERM', () => process.exit(3)); console.log('READY'); setInterval(() => {}, 1000)",
];

/** The launch of one child, and a promise of its READY line: signals sent earlier would meet node's defaults. */
function launchWithReady(): ChildLaunch & { ready: Promise<void> } {
  let onReady = () => {};
  const ready = new Promise<void>((resolve) => {
    onReady = resolve;
  });
  const output: ChildOutput = {
    stdio: ['ignore', 'pipe', 'inherit'],
    attach: (child) => {
      let seen = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        if (seen.includes('READY')) onReady();
      });
    },
    drain: async () => {},
    closeIfUnused: () => {},
  };
  return { env: { PATH: process.env.PATH ?? '' }, output, ready };
}

/** Starts the first child and waits until it is READY. */
async function started(command: string[]): Promise<Supervisor> {
  const supervisor = new Supervisor(command);
  const first = launchWithReady();
  await supervisor.start(first);
  await first.ready;
  return supervisor;
}

describe('Supervisor', { timeout: 20_000 }, () => {
  it('ends the run with the status of the child that ends it', async () => {
    const supervisor = new Supervisor([process.execPath, '-e', 'process.exit(7)']);
    await supervisor.start(launchWithReady());
    assert.deepEqual(await supervisor.finished, { status: 7 });
  });

  it('restarts: the old child is stopped, the next one runs and its exit ends the run', async () => {
    const supervisor = await started(EXITS_3_ON_TERM);
    const next = launchWithReady();
    assert.equal(await supervisor.restart('SIGTERM', 5000, async () => next), true);
    assert.equal(supervisor.ending, false);
    await next.ready;
    supervisor.relay('SIGTERM');
    assert.equal(supervisor.ending, true);
    assert.deepEqual(await supervisor.finished, { status: 3 });
  });

  it('starts no next child when a signal asks to end while the old one is being stopped', async () => {
    const supervisor = await started(EXITS_3_ON_TERM);
    let nextAsked = false;
    const restarting = supervisor.restart('SIGTERM', 5000, async () => {
      nextAsked = true;
      return launchWithReady();
    });
    supervisor.relay('SIGHUP');
    assert.equal(await restarting, false);
    assert.equal(nextAsked, false);
    // The stop signal went first, so the old child exits 3 (or dies of the HUP, node's default for it).
    const exit = await supervisor.finished;
    assert.ok('signal' in exit ? exit.signal === 'SIGHUP' : exit.status === 3, JSON.stringify(exit));
  });

  it('gives the next child a TERM that arrived while it was being started, and ends with its death', async () => {
    const supervisor = await started(FOREVER);
    const restarted = await supervisor.restart('SIGTERM', 5000, async () => {
      // The old child is gone and the next not yet spawned: nobody could take the signal now.
      supervisor.relay('SIGTERM');
      return launchWithReady();
    });
    assert.equal(restarted, true);
    assert.equal(supervisor.ending, true);
    assert.deepEqual(await supervisor.finished, { signal: 'SIGTERM' });
  });

  it('ends --on-change exit with its status, or with the child status when a TERM came meanwhile', async () => {
    const plain = await started(EXITS_3_ON_TERM);
    await plain.stopAndEnd('SIGTERM', 5000, 125);
    assert.deepEqual(await plain.finished, { status: 125 });

    const asked = await started(EXITS_3_ON_TERM);
    const stopping = asked.stopAndEnd('SIGTERM', 5000, 125);
    asked.relay('SIGTERM');
    await stopping;
    assert.deepEqual(await asked.finished, { status: 3 });
  });

  it('ends with withsecrets own signal after stopping the child for a fatal signal', async () => {
    const supervisor = await started(EXITS_3_ON_TERM);
    supervisor.endBecauseOf('SIGABRT');
    assert.deepEqual(await supervisor.finished, { signal: 'SIGABRT' });
    assert.equal(await supervisor.restart('SIGTERM', 5000, async () => launchWithReady()), false);
  });
});
