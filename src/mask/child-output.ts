// Decides what is masked and wires the child's stdout and stderr: inherited, or piped through the masker.
import type { ChildProcess, StdioOptions } from 'node:child_process';
import { fstatSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { isatty } from 'node:tty';
import type { Invocation } from '../cli/command-line.ts';
import { MaskedRoute, untilEndedOrTimedOut } from './masked-route.ts';
import { connectSharedOutput, type OutputPipe, openOutputPipes } from './output-pipes.ts';
import type { RunMask } from './run-mask.ts';

/** How one child's stdout and stderr are wired (inherited, or piped through the masker). */
export interface ChildOutput {
  readonly stdio: StdioOptions;
  /** Takes the child's own pipes (used where no pipe of ours was given to it). */
  attach(child: Pick<ChildProcess, 'stdout' | 'stderr'>): void;
  /** Writes out what the child wrote, waiting at most `timeoutMs` for its pipes to close. */
  drain(timeoutMs: number): Promise<void>;
  /** Closes the pipes of an output that no child was given (a restart that did not happen). */
  closeIfUnused(): void;
}

type OutputOptions = Pick<Invocation, 'mask'>;

/** Which of the child's stdout and stderr are masked, with their pipes: decided and made before the values are known. */
export interface PreparedOutput {
  readonly channels: readonly Channel[];
  readonly stdio: ChildOutput['stdio'];
  /** Closes the pipes when the output turns out to need no masking. */
  close(): void;
}

/**
 * Decides where masking applies and makes its pipes. It needs no secret, so main.ts starts it while the
 * fetch is in flight: making the pipes starts `mkfifo`, a few milliseconds of every masked run.
 */
export async function prepareChildOutput(options: OutputOptions): Promise<PreparedOutput | undefined> {
  const maskStdout = shouldMask(1, options);
  const maskStderr = shouldMask(2, options);
  if (!maskStdout && !maskStderr) return undefined;
  if (maskStdout && maskStderr && isSameFile(1, 2)) {
    // `>log 2>&1`: one pipe for both keeps the child's interleaving of the two.
    const shared = await connectSharedOutput();
    if (shared !== undefined) {
      return prepared(
        ['inherit', shared.childEnd, shared.childEnd],
        [{ pipe: shared, target: process.stdout }],
      );
    }
  }
  const pipes = await openOutputPipes(Number(maskStdout) + Number(maskStderr));
  const channel = (fd: 1 | 2, masked: boolean): Channel | undefined => {
    if (!masked) return undefined;
    const pipe = pipes?.shift();
    return {
      fd,
      target: fd === 1 ? process.stdout : process.stderr,
      ...(pipe === undefined ? {} : { pipe }),
    };
  };
  const channels = [channel(1, maskStdout), channel(2, maskStderr)];
  const slot = (entry: Channel | undefined) =>
    entry === undefined ? 'inherit' : (entry.pipe?.childEnd ?? 'pipe');
  return prepared(
    ['inherit', slot(channels[0]), slot(channels[1])],
    channels.filter((entry) => entry !== undefined),
  );
}

/** The child's output: through the masker on the prepared channels, or inherited when nothing is to be masked. */
export function wireChildOutput(mask: RunMask, output: PreparedOutput | undefined): ChildOutput {
  if (output === undefined || mask.compiled.isEmpty) {
    output?.close();
    return inheritedOutput();
  }
  return maskedOutput(output, mask);
}

function prepared(stdio: ChildOutput['stdio'], channels: readonly Channel[]): PreparedOutput {
  return {
    stdio,
    channels,
    close() {
      for (const { pipe } of channels) {
        pipe?.closeChildEnd();
        pipe?.parentEnd.destroy();
      }
    },
  };
}

/** Where one masked stream of the child's goes: through `pipe`, else Node's own stdio pipe for `fd`. */
interface Channel {
  readonly pipe?: OutputPipe;
  readonly fd?: 1 | 2;
  readonly target: Writable;
}

function inheritedOutput(): ChildOutput {
  return {
    stdio: 'inherit',
    attach: () => {},
    drain: async () => {},
    closeIfUnused: () => {},
  };
}

function maskedOutput(output: PreparedOutput, mask: RunMask): ChildOutput {
  const { stdio, channels } = output;
  const routes: MaskedRoute[] = [];
  let attached = false;
  let unfollow = (): unknown => undefined;
  let drained: Promise<void> | undefined;
  return {
    stdio,
    closeIfUnused() {
      if (!attached) output.close();
    },
    attach(child) {
      attached = true;
      for (const channel of channels) {
        channel.pipe?.closeChildEnd();
        const source = channel.pipe?.parentEnd ?? (channel.fd === 1 ? child.stdout : child.stderr);
        if (source !== null && source !== undefined)
          routes.push(new MaskedRoute(source, mask.compiled, channel.target));
      }
      // A child told by signal to re-read its secrets may print the new ones.
      unfollow = mask.follow((next) => {
        for (const route of routes) route.setMask(next);
      });
    },
    drain(timeoutMs) {
      drained ??= untilEndedOrTimedOut(routes, timeoutMs).then(async () => {
        await Promise.all(routes.map((route) => route.finish()));
        unfollow();
      });
      return drained;
    },
  };
}

function shouldMask(fd: number, options: OutputOptions): boolean {
  if (options.mask === 'never') return false;
  return options.mask === 'always' || !isatty(fd);
}

function isSameFile(a: number, b: number): boolean {
  try {
    const first = fstatSync(a);
    const second = fstatSync(b);
    return first.dev === second.dev && first.ino === second.ino;
  } catch {
    return false;
  }
}
