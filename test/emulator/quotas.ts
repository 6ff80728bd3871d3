// AWS's published per-region request rates for Secrets Manager as token buckets: the emulator's quota mode.
import type { Operation } from './access.ts';

/**
 * Requests per second per account and region ("AWS Secrets Manager quotas"): BatchGetSecretValue and ListSecrets
 * are capped at 100 and cannot be raised; GetSecretValue has 10,000; DescribeSecret 40,000 (shared with
 * GetResourcePolicy); the writes 50.
 */
export const AWS_RATES: Readonly<Record<Operation, number>> = {
  GetSecretValue: 10_000,
  BatchGetSecretValue: 100,
  ListSecrets: 100,
  DescribeSecret: 40_000,
  CreateSecret: 50,
  PutSecretValue: 50,
  DeleteSecret: 50,
  // Parameter Store's standard throughput: 40/s for its Get calls together (higher throughput raises it to 10,000);
  // the emulator keeps one bucket per operation, so it allows a little more than AWS when calls are mixed.
  GetParameter: 40,
  GetParameters: 40,
  GetParametersByPath: 40,
};

export interface QuotaOptions {
  /** Multiplies every rate, so that a test or a bench meets the caps with few processes: 0.05 is AWS's / 20. */
  readonly scale: number;
  /** Seconds of a rate a bucket holds when full: how large a burst an idle account is allowed (1 when not given). */
  readonly burstSeconds?: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** One bucket per operation and region, full at the start and refilled continuously at the operation's rate. */
export class Quotas {
  readonly #scale: number;
  readonly #burstSeconds: number;
  readonly #now: () => number;
  readonly #buckets = new Map<string, Bucket>();

  constructor(options: QuotaOptions, now: () => number = performance.now.bind(performance)) {
    if (!(options.scale > 0)) throw new Error(`quota scale must be above 0: ${options.scale}`);
    this.#scale = options.scale;
    this.#burstSeconds = options.burstSeconds ?? 1;
    this.#now = now;
  }

  /** The rate an operation gets, scaled (requests per second). */
  rateOf(operation: Operation): number {
    return AWS_RATES[operation] * this.#scale;
  }

  /** Takes a request's token: false when the operation has used up its rate in the region, so it is throttled. */
  take(operation: Operation, region: string): boolean {
    const rate = this.rateOf(operation);
    // At least one request fits, however small the scale: AWS never caps an operation at zero.
    const capacity = Math.max(1, rate * this.#burstSeconds);
    const key = `${region} ${operation}`;
    const now = this.#now();
    const bucket = this.#buckets.get(key) ?? { tokens: capacity, at: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) / 1000) * rate);
    bucket.at = now;
    this.#buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
