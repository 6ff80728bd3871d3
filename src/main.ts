// The pipeline: options -> references -> fetch -> environment -> run; and the one place errors are caught.

import { withDeadline } from './aws/deadline.ts';
import { parseCommandLine } from './cli/command-line.ts';
import { refuseExposingNodeSettings } from './cli/node-settings.ts';
import { versionText } from './cli/version.ts';
import type { Round } from './environment/round.ts';
import { exitStatusFor, toWithsecretsErrors } from './errors.ts';
import { FileStore } from './files/file-store.ts';
import { chooseFilePlace } from './files/memory-place.ts';
import { prepareChildOutput, wireChildOutput } from './mask/child-output.ts';
import { RunMask } from './mask/run-mask.ts';
import { type ChildExit, exitLike, flushStdio } from './process/exit.ts';
import { onWithsecretsExit } from './process/exit-hook.ts';
import { SignalRouter } from './process/signal-router.ts';
import { FATAL_TO_WITHSECRETS } from './process/signals.ts';
import { childInput } from './process/stdin-pipe.ts';
import { type ChildLaunch, Supervisor } from './process/supervise.ts';
import { watchForChanges } from './process/watch.ts';
import { needsAws, planFetch, selectSecrets } from './references/select.ts';
import { createReporter, type Reporter } from './report.ts';
import { createFetcher, fetchRound, watchRounds } from './rounds.ts';
import { stackFrames, wantsStackFrames } from './stack-frames.ts';

export interface Io {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

/** What main() must stop or remove when the run ends: the child, the rotation that could start another, the files. */
interface RunState {
  supervisor?: Supervisor;
  watcher?: { stop(): void };
  files?: FileStore;
}

/** Runs withsecrets and ends the process like its child (the bin's only call). */
export function run(argv: readonly string[]): void {
  // Taken first: the child gets exactly this environment plus the secrets, nothing withsecrets sets itself.
  const io: Io = { env: { ...process.env }, stdout: process.stdout, stderr: process.stderr };
  // A reader that went away (--dry-run | head -1) must not turn withsecrets' own lines into a crash.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
  main(argv, io)
    .catch((): ChildExit => ({ status: 125 }))
    .then(async (exit) => {
      // Past main(), nothing is left to stop: a late failure only must not print its message (it may quote data).
      const quietly = () => exitLike({ status: 125 });
      process.on('uncaughtException', quietly).on('unhandledRejection', quietly);
      await flushStdio();
      exitLike(exit);
    });
}

export async function main(argv: readonly string[], io: Io): Promise<ChildExit> {
  const reporter = createReporter(io.stdout, io.stderr);
  const signals = new SignalRouter();
  const run: RunState = {};
  const failure = internalFailure();
  try {
    return await Promise.race([pipeline(argv, io, reporter, signals, run), failure.failed]);
  } catch (thrown) {
    const errors = toWithsecretsErrors(thrown);
    for (const error of errors) {
      reporter.error(error);
      if (error.code === 'INTERNAL' && wantsStackFrames(io.env)) {
        for (const frame of stackFrames(error.cause)) reporter.errorNotice(`  ${frame}`);
      }
    }
    run.watcher?.stop();
    await run.supervisor?.terminate();
    return { status: Math.max(...errors.map((error) => exitStatusFor(error.code))) };
  } finally {
    // Every way out of a run passes here, after the child is gone: its files go with it.
    run.files?.remove();
    failure.release();
  }
}

async function pipeline(
  argv: readonly string[],
  io: Io,
  reporter: Reporter,
  signals: SignalRouter,
  run: RunState,
): Promise<ChildExit> {
  refuseExposingNodeSettings(io.env, process.execArgv);
  const parsed = await parseCommandLine(argv, io.env);
  if (parsed.kind === 'completion') {
    io.stdout.write(parsed.script);
    return { status: 0 };
  }
  if (parsed.kind !== 'run') {
    io.stdout.write(`${parsed.kind === 'help' ? parsed.text : versionText()}\n`);
    return { status: 0 };
  }
  for (const warning of parsed.warnings) reporter.notice(warning);
  const invocation = parsed.invocation;
  const selection = selectSecrets(invocation, io.env);
  const fetches = needsAws(selection);
  // Checked before the fetch: a run with nowhere safe to put its files fetches nothing. --dry-run makes no file.
  if (selection.files.length > 0) {
    if (invocation.dryRun) chooseFilePlace(invocation, io.env);
    else {
      const files = FileStore.open(invocation, io.env);
      run.files = files;
      // On process exit and on a signal no one handles; main's finally removes them sooner.
      onWithsecretsExit(() => files.remove());
    }
  }
  const files = run.files;
  // The output's pipes need no secret: the process that makes them starts first and runs while the fetch is in
  // flight, so that they are ready when the values come back.
  let earlyOutput = fetches && !invocation.dryRun ? prepareChildOutput(invocation) : undefined;
  const fetcher = fetches ? await createFetcher(invocation, io.env, reporter) : undefined;
  const filePath = (fileName: string) => files?.pathOf(fileName) ?? '';
  const mask = new RunMask(invocation);
  // Each round's files are written before anything acts on the round: a rotation replaces them before the restart.
  // The mask learns the values first: the running command may read a new file and print it at once.
  const fetchAll = async (abort: AbortSignal) => {
    const round = await withDeadline(invocation.fetchTimeoutMs, abort, (bounded) =>
      fetchRound(selection, invocation, io.env, fetcher, bounded, filePath),
    );
    if (files !== undefined) {
      mask.add(round.resolved);
      files.write(round.resolved.files);
    }
    return round;
  };
  let first: Round;
  try {
    first = await fetchAll(signals.abortSignal);
  } catch (error) {
    if (signals.pending !== undefined) return { signal: signals.pending };
    throw error;
  }
  if (signals.pending !== undefined) return { signal: signals.pending };
  reporter.maskWith(mask);
  const launch = async (round: Round): Promise<ChildLaunch> => {
    const output = earlyOutput ?? (mask.compiled.isEmpty ? undefined : prepareChildOutput(invocation));
    earlyOutput = undefined;
    const stdin = round.resolved.stdin;
    const input = stdin === undefined ? undefined : childInput(stdin.bytes);
    return {
      env: round.env,
      output: wireChildOutput(mask, await output),
      ...(input === undefined ? {} : { input }),
    };
  };
  // The listing is built from names only, so it needs no mask (src/report.ts).
  if (invocation.dryRun) return listVariables(first, reporter);
  mask.add(first.resolved);
  const firstLaunch = await launch(first);
  if (signals.pending !== undefined) return { signal: signals.pending };

  const supervisor = new Supervisor(invocation.command);
  run.supervisor = supervisor;
  await supervisor.start(firstLaunch);
  signals.relayTo((signal) =>
    FATAL_TO_WITHSECRETS.includes(signal) ? supervisor.endBecauseOf(signal) : supervisor.relay(signal),
  );
  if (invocation.watchMs !== undefined && fetcher !== undefined) {
    const refetch = watchRounds(first, fetchAll, (abort, last) =>
      withDeadline(invocation.fetchTimeoutMs, abort, (bounded) =>
        fetcher.changedSince(planFetch(selection), last.fetched, bounded),
      ),
    );
    run.watcher = watchForChanges({ invocation, first, supervisor, reporter, launch, refetch, mask });
  }
  try {
    return await supervisor.finished;
  } finally {
    run.watcher?.stop();
  }
}

/**
 * Rejects on an uncaught exception or rejection, so that an internal failure is reported (without the
 * error's message, which might quote data) and the child is stopped instead of left behind.
 */
function internalFailure(): { failed: Promise<never>; release(): void } {
  let reject: (reason: unknown) => void = () => {};
  const failed = new Promise<never>((_, rejectWith) => {
    reject = rejectWith;
  });
  // `on`, not `once`: a second failure while the child is being stopped must not reach Node's own
  // handler, which would print its message and exit without stopping the child.
  process.on('uncaughtException', reject);
  process.on('unhandledRejection', reject);
  return {
    failed,
    release: () => {
      process.off('uncaughtException', reject);
      process.off('unhandledRejection', reject);
    },
  };
}

function listVariables(round: Round, reporter: Reporter): ChildExit {
  for (const variable of round.applied) reporter.listing(`${variable.name} <- ${variable.source}`);
  for (const variable of round.kept) {
    reporter.listing(`${variable.name} <- inherited (--no-override kept it over ${variable.source})`);
  }
  if (round.resolved.stdin !== undefined)
    reporter.listing(`standard input <- ${round.resolved.stdin.source}`);
  return { status: 0 };
}
