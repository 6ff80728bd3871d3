// Masks bytes that arrive in pieces, holding back only what may still turn out to be part of a secret.

import { type Automaton, nextState } from './automaton.ts';

const MASK = Buffer.from('***');
const NOTHING = new Uint8Array(0);

/**
 * Every byte covered by an occurrence of a pattern is masked; occurrences that overlap or nest become one
 * `***`, occurrences that merely touch get one each. So a value that contains another, or two values
 * that overlap, never leave a piece of either in sight. Bytes are emitted as soon as no pattern can
 * cover them: the held part is the current automaton state's string, shorter than the longest pattern.
 *
 * Positions during a scan count from the start of `#tail`, which the new bytes follow.
 */
export class MaskScanner {
  #automaton: Automaton;
  #state = 0;
  /** The state's string: the last bytes received, which a pattern may still cover. */
  #tail: Uint8Array = NOTHING;
  /** How many bytes at the start of `#tail` are already out (released, or under a `***`). */
  #emitted = 0;
  /** The output ends with a `***` whose occurrence ends exactly at `#emitted`: an overlap extends it. */
  #maskEndsAtEmitted = false;
  /**
   * Occurrences found but not yet emitted because an occurrence that starts earlier may still complete
   * and swallow them: sorted, disjoint, all inside the state's string.
   */
  #pendingStarts: number[] = [];
  #pendingEnds: number[] = [];

  constructor(automaton: Automaton) {
    this.#automaton = automaton;
  }

  /** Bytes received and not yet emitted. */
  get heldLength(): number {
    return this.#tail.length - this.#emitted;
  }

  /** Length of the possible partial match in progress, including any part already released. */
  get partialLength(): number {
    return this.#tail.length;
  }

  /** Scans `chunk`; appends to `out` what is now known to be safe, in order. */
  write(chunk: Uint8Array, out: Uint8Array[]): void {
    const tail = this.#tail;
    const data = tail.length === 0 ? chunk : Buffer.concat([tail, chunk]);
    this.#scan(data, tail.length, out);
  }

  /**
   * Emits everything held as if the input ended here, but keeps the automaton state: later bytes that
   * complete a value then become `***` from where the release stopped.
   */
  release(out: Uint8Array[]): void {
    const tail = this.#tail;
    this.#settlePending(tail, Number.POSITIVE_INFINITY, out);
    if (this.#emitted < tail.length) {
      out.push(tail.subarray(this.#emitted));
      this.#emitted = tail.length;
      this.#maskEndsAtEmitted = false;
    }
  }

  /** Swaps in another automaton and re-examines what is held against it (what is out stays out). */
  setAutomaton(automaton: Automaton, out: Uint8Array[]): void {
    const tail = this.#tail;
    this.#automaton = automaton;
    this.#state = 0;
    this.#pendingStarts = [];
    this.#pendingEnds = [];
    this.#scan(tail, 0, out);
  }

  #scan(data: Uint8Array, from: number, out: Uint8Array[]): void {
    const automaton = this.#automaton;
    const { dense, denseCount, longestMatch, depth } = automaton;
    const length = data.length;
    let state = this.#state;
    let pending = this.#pendingStarts.length !== 0;
    for (let index = from; index < length; index++) {
      const byte = data[index] as number;
      state = state < denseCount ? (dense[(state << 8) | byte] as number) : nextState(automaton, state, byte);
      if (longestMatch[state] !== 0 || pending) {
        pending = this.#onMatchOrPending(data, index + 1, state, out);
      }
    }
    this.#state = state;
    // No pattern can cover a byte before the state's string any more.
    const stateStart = length - (depth[state] as number);
    if (stateStart > this.#emitted) {
      out.push(data.subarray(this.#emitted, stateStart));
      this.#emitted = stateStart;
      this.#maskEndsAtEmitted = false;
    }
    // A copy: the held part is short, and the writer's chunk must not be kept alive or relied upon.
    this.#tail = Uint8Array.prototype.slice.call(data, stateStart);
    this.#emitted -= stateStart;
    if (this.#pendingStarts.length !== 0) {
      this.#pendingStarts = this.#pendingStarts.map((start) => start - stateStart);
      this.#pendingEnds = this.#pendingEnds.map((end) => end - stateStart);
    }
  }

  /** The rare path: an occurrence ends at `end`, or occurrences wait for their start to be certain. */
  #onMatchOrPending(data: Uint8Array, end: number, state: number, out: Uint8Array[]): boolean {
    const matchLength = this.#automaton.longestMatch[state] as number;
    if (matchLength !== 0) this.#addOccurrence(end - matchLength, end, out);
    // Every occurrence still to come starts inside the state's string.
    this.#settlePending(data, end - (this.#automaton.depth[state] as number), out);
    return this.#pendingStarts.length !== 0;
  }

  #addOccurrence(start: number, end: number, out: Uint8Array[]): void {
    if (start < this.#emitted) {
      if (end <= this.#emitted) return;
      // It overlaps what is already out: extend that `***`, or mask the rest after a release.
      if (!this.#maskEndsAtEmitted) out.push(MASK);
      this.#emitted = end;
      this.#maskEndsAtEmitted = true;
      // Any pending occurrence lies between the old `#emitted` and `end`: it is covered now.
      this.#pendingStarts = [];
      this.#pendingEnds = [];
      return;
    }
    const starts = this.#pendingStarts;
    const ends = this.#pendingEnds;
    let mergedStart = start;
    while (ends.length !== 0 && (ends[ends.length - 1] as number) > start) {
      mergedStart = Math.min(mergedStart, starts.pop() as number);
      ends.pop();
    }
    starts.push(mergedStart);
    ends.push(end);
  }

  /** Emits, with the bytes before them, the pending occurrences that no earlier occurrence can swallow. */
  #settlePending(data: Uint8Array, earliestFutureStart: number, out: Uint8Array[]): void {
    const starts = this.#pendingStarts;
    const ends = this.#pendingEnds;
    while (starts.length !== 0 && (starts[0] as number) <= earliestFutureStart) {
      const start = starts.shift() as number;
      const end = ends.shift() as number;
      if (start > this.#emitted) out.push(data.subarray(this.#emitted, start));
      out.push(MASK);
      this.#emitted = end;
      this.#maskEndsAtEmitted = true;
    }
  }

  /** Held bytes may be partial secrets: keep them out of `util.inspect` and console output. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `MaskScanner { heldLength: ${this.heldLength} }`;
  }
}
