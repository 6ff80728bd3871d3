// One route of the child's output, source -> masker -> target, and the wait for every route to drain at the end.
import type { Readable, Writable } from 'node:stream';
import type { CompiledMask } from './masker.ts';
import { createMaskStream, type MaskStream, NON_TERMINAL_LONG_HOLD_MS } from './stream.ts';

/**
 * Waits for every route's source to end, or for `timeoutMs` (a background grandchild may hold a pipe). Time
 * spent waiting on a slow reader of withsecrets' output does not count: what the child wrote before it exited
 * may still be in the pipe behind it, and must not be dropped.
 */
export function untilEndedOrTimedOut(routes: readonly MaskedRoute[], timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    let waited = 0;
    let last = monotonicMs();
    const timer = setInterval(() => {
      const now = monotonicMs();
      if (!routes.some((route) => route.blocked)) waited += now - last;
      last = now;
      if (waited >= timeoutMs) done();
    }, DRAIN_POLL_MS);
    const done = () => {
      clearInterval(timer);
      resolve();
    };
    void Promise.all(routes.map((route) => route.ended)).then(done);
  });
}

const DRAIN_POLL_MS = 20;

/** Like performance.now(), without loading perf_hooks (half a millisecond) at the end of every run. */
function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
const FLUSH = Buffer.alloc(0);

/** source -> masker -> target, with backpressure; if the target fails (its reader left), the child's pipe closes. */
export class MaskedRoute {
  readonly #source: Readable;
  readonly #masker: MaskStream;
  readonly #target: Writable;
  #broken = false;
  /** Settles when the source reaches its end (every writer closed it) or closes. */
  readonly ended: Promise<void>;

  constructor(source: Readable, mask: CompiledMask, target: Writable) {
    this.#source = source;
    this.#masker = createMaskStream(mask, { longHoldMs: longHoldFor(target) });
    this.#target = target;
    this.ended = new Promise((resolve) => source.once('end', resolve).once('close', resolve));
    // A read error ends the route like EOF ('close' follows); it must not end withsecrets.
    source.on('error', () => {});
    target.on('error', this.#onTargetError);
    source.pipe(this.#masker).pipe(target, { end: false });
    if (target.destroyed) this.#onTargetError();
  }

  setMask(mask: CompiledMask): void {
    this.#masker.setMask(mask);
  }

  /** The target's reader is behind: the whole route waits for it. */
  get blocked(): boolean {
    return !this.#broken && this.#target.writableNeedDrain;
  }

  /**
   * Like a plain pipe whose reader went away: stop reading, so the child's next write fails (SIGPIPE or EPIPE)
   * and it ends as it would without withsecrets in between.
   */
  readonly #onTargetError = (): void => {
    this.#broken = true;
    this.#masker.unpipe(this.#target);
    this.#source.unpipe(this.#masker);
    this.#source.destroy();
    this.#masker.destroy();
  };

  /** Stops reading (a grandchild may hold the pipe) and writes out everything received, held bytes included. */
  async finish(): Promise<void> {
    const source = this.#source;
    const masker = this.#masker;
    source.unpipe(masker);
    // What the source already read but the masker had no room for yet: read() with no size returns all of it.
    const buffered = this.#broken || masker.writableEnded ? null : (source.read() as Buffer | null);
    if (buffered !== null) masker.write(buffered);
    source.destroy();
    if (!masker.destroyed && !masker.readableEnded) {
      await new Promise((resolve) => {
        masker.once('end', resolve).once('close', resolve);
        if (!masker.writableEnded) masker.end();
      });
    }
    // withsecrets exits next, and process.exit() drops whatever a pipe to a slow reader still buffers.
    if (!this.#broken && !this.#target.destroyed && this.#target.writableLength > 0) {
      await new Promise((resolve) => this.#target.write(FLUSH, resolve));
    }
    this.#target.off('error', this.#onTargetError);
  }
}

/**
 * How long a possible partial match of `--mask-min-length` bytes or more may wait for the rest of the value:
 * 1 s on a terminal (`--mask`), where a prompt must show, else 5 s (see NON_TERMINAL_LONG_HOLD_MS).
 */
export function longHoldFor(target: Writable): number {
  return (target as Writable & { isTTY?: boolean }).isTTY === true ? 1000 : NON_TERMINAL_LONG_HOLD_MS;
}
