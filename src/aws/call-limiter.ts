// The one limit on calls to AWS in flight, however a fetch splits its work (names, wildcard pages, fallbacks).

/** A counting semaphore: `run` waits for a free slot, holds it for the call (its retries included), then frees it. */
export class CallLimiter {
  /** How many calls may be in flight at once. */
  readonly slots: number;
  #free: number;
  readonly #waiting: (() => void)[] = [];

  constructor(slots: number) {
    this.slots = slots;
    this.#free = slots;
  }

  async run<T>(call: () => Promise<T>): Promise<T> {
    if (this.#free > 0) this.#free--;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    try {
      return await call();
    } finally {
      const next = this.#waiting.shift();
      if (next === undefined) this.#free++;
      else next();
    }
  }
}
