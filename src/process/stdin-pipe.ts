// --stdin: the child's standard input is a pipe that withsecrets writes the value into and then closes.

import type { ChildProcess, StdioOptions } from 'node:child_process';

/** The child's standard input, decided before the child starts (a restart may not wait on I/O once it begins). */
export interface ChildInput {
  /** For the child's stdio slot 0. */
  readonly slot: 'pipe';
  /** Once the child runs: writes the value and closes the pipe. A child that exits without reading it is fine. */
  deliver(child: ChildProcess): void;
}

/**
 * Node's `stdio: 'pipe'`, a Unix socket pair, which every program that reads its standard input reads as it reads a
 * pipe. A FIFO, as the output uses (src/mask/output-pipes.ts), would be worse here: a program that reopens
 * /dev/stdin after withsecrets closed its end would wait for a writer forever, where the socket pair fails at
 * once (ENXIO). No file is made, so nothing of the value can reach the disk.
 */
export function childInput(bytes: Uint8Array): ChildInput {
  const value = Buffer.from(bytes);
  return {
    slot: 'pipe',
    deliver: (child) => {
      // EPIPE: the child ended, or closed its input, without reading it all. That is its choice, not an error.
      child.stdin?.on('error', () => child.stdin?.destroy());
      child.stdin?.end(value);
    },
  };
}

/** The child's stdio with `input` in slot 0 (its output slots as they were); unchanged without an input. */
export function stdioWithInput(stdio: StdioOptions, input: ChildInput | undefined): StdioOptions {
  if (input === undefined) return stdio;
  const slots = Array.isArray(stdio) ? [...stdio] : [stdio, stdio, stdio];
  slots[0] = input.slot;
  return slots as StdioOptions;
}
