// Masks a child's stdout or stderr on its way out, and decides how long a possible partial secret may wait.

import { Transform, type TransformCallback } from 'node:stream';
import type { CompiledMask } from './masker.ts';
import { MaskScanner } from './scanner.ts';

export interface MaskStreamOptions {
  /** Quiet time after which a held part shorter than the mask's minLength is released. */
  readonly shortHoldMs?: number;
  /** Quiet time after which a longer held part is released: a longer prefix tells more of a secret. */
  readonly longHoldMs?: number;
}

const DEFAULT_SHORT_HOLD_MS = 50;
const DEFAULT_LONG_HOLD_MS = 1000;
/**
 * The long hold where no terminal shows the output (a pipe, a file, a CI log): nobody types an answer to a
 * prompt there, so a value whose rest comes after a pause of up to 5 s is still masked whole, at the cost
 * of at most 5 s of delay for output that ends, without a newline, in 4 or more bytes that begin a value.
 */
export const NON_TERMINAL_LONG_HOLD_MS = 5000;

/**
 * A byte-in, byte-out Transform: bytes are never decoded, reordered, dropped or duplicated, only runs
 * that hold a secret become `***`. A possible partial match at the end of what has arrived waits for
 * more bytes, for at most `shortHoldMs` or `longHoldMs` of quiet; after such a release the automaton
 * keeps its place, so the rest of the secret, when it comes, is still masked. The Transform contract
 * gives backpressure: a reader that does not read stops the transform, and the writer sees `false`.
 */
export class MaskStream extends Transform {
  #mask: CompiledMask;
  /** Made with the first bytes that need masking, so that the mask is compiled only then. */
  #scanner: MaskScanner | undefined;
  #releaseTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #shortHoldMs: number;
  readonly #longHoldMs: number;

  constructor(mask: CompiledMask, options: MaskStreamOptions = {}) {
    super();
    this.#mask = mask;
    this.#shortHoldMs = options.shortHoldMs ?? DEFAULT_SHORT_HOLD_MS;
    this.#longHoldMs = options.longHoldMs ?? DEFAULT_LONG_HOLD_MS;
  }

  /** Bytes received and not yet emitted: never more than the longest pattern minus one. */
  get heldLength(): number {
    return this.#scanner?.heldLength ?? 0;
  }

  /**
   * Masks with `mask` from now on (for rotation, compile the union of old and new values). What is held
   * is re-examined at once; what is already out stays as it was.
   */
  setMask(mask: CompiledMask): void {
    this.#mask = mask;
    if (this.#scanner === undefined) return;
    const out: Uint8Array[] = [];
    this.#scanner.setAutomaton(mask.automaton, out);
    if (this.destroyed) return;
    this.#pushAll(out);
    this.#scheduleRelease();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.#mask.isEmpty && (this.#scanner?.partialLength ?? 0) === 0) {
      callback(null, chunk);
      return;
    }
    this.#scanner ??= new MaskScanner(this.#mask.automaton);
    const out: Uint8Array[] = [];
    this.#scanner.write(chunk, out);
    this.#pushAll(out);
    this.#scheduleRelease();
    callback();
  }

  override _flush(callback: TransformCallback): void {
    this.#cancelRelease();
    const out: Uint8Array[] = [];
    this.#scanner?.release(out);
    this.#pushAll(out);
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#cancelRelease();
    callback(error);
  }

  /** One push per call, so the readable side counts whole chunks against its high-water mark. */
  #pushAll(out: readonly Uint8Array[]): void {
    if (out.length === 0) return;
    this.push(out.length === 1 ? out[0] : Buffer.concat(out));
  }

  /** Restarts the quiet period; every new chunk, and every swap of masks, calls it. */
  #scheduleRelease(): void {
    this.#cancelRelease();
    const scanner = this.#scanner;
    if (scanner === undefined || scanner.heldLength === 0) return;
    const delay = scanner.partialLength < this.#mask.minLength ? this.#shortHoldMs : this.#longHoldMs;
    this.#releaseTimer = setTimeout(() => {
      this.#releaseTimer = undefined;
      if (this.destroyed || this.writableFinished) return;
      const out: Uint8Array[] = [];
      scanner.release(out);
      this.#pushAll(out);
    }, delay);
  }

  /** Its buffers hold unmasked input: never print them. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `MaskStream { heldLength: ${this.heldLength} }`;
  }

  #cancelRelease(): void {
    if (this.#releaseTimer === undefined) return;
    clearTimeout(this.#releaseTimer);
    this.#releaseTimer = undefined;
  }
}

/** A masking stream for `mask`; hold times default to 50 ms and 1 s (see MaskStreamOptions). */
export function createMaskStream(mask: CompiledMask, options: MaskStreamOptions = {}): MaskStream {
  return new MaskStream(mask, options);
}
