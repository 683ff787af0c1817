/** Requests per second and the burst a budget allows before it paces. */
export interface RateLimit {
  rps: number;
  burst: number;
}

const DECREASE_INTERVAL_MS = 1000;

/**
 * One token bucket with additive-increase / multiplicative-decrease: every throttled answer halves the
 * rate (down to a floor), every success wins a little of it back, up to the configured rate. Tokens
 * are reserved, so concurrent callers queue in order instead of all waking at once.
 */
export class AdaptiveBucket {
  private tokens: number;
  private last: number;
  private rate: number;
  private readonly floor: number;
  private lastDecrease = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = limit.burst;
    this.last = now();
    this.rate = limit.rps;
    this.floor = Math.max(limit.rps / 64, 0.05);
  }

  /** Reserves one token and returns how many milliseconds to wait before using it. */
  reserve(): number {
    const t = this.now();
    this.tokens = Math.min(this.limit.burst, this.tokens + ((t - this.last) / 1000) * this.rate);
    this.last = t;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.rate) * 1000);
  }

  /**
   * A throttled answer: drop the burst, so the next requests are paced, and halve the rate, at most
   * once a second: many requests in flight are throttled together, and that is one signal, not many.
   */
  throttled(): void {
    this.tokens = Math.min(this.tokens, 0);
    const t = this.now();
    if (t - this.lastDecrease < DECREASE_INTERVAL_MS) return;
    this.lastDecrease = t;
    this.rate = Math.max(this.floor, this.rate / 2);
  }

  /** A successful answer: recover a twentieth of the configured rate. */
  succeeded(): void {
    if (this.rate < this.limit.rps) this.rate = Math.min(this.limit.rps, this.rate + this.limit.rps / 20);
  }

  /** The current rate, in requests per second. */
  get currentRps(): number {
    return this.rate;
  }
}

/** Budgets keyed by provider, service and scope (account and region, project, subscription), made on first use. */
export class RateBudget {
  private readonly buckets = new Map<string, AdaptiveBucket>();

  constructor(
    private readonly limitFor: (service: string) => RateLimit,
    private readonly now: () => number = Date.now,
  ) {}

  /** The bucket of one service in one scope. */
  bucket(service: string, scope: string): AdaptiveBucket {
    const key = `${service}\u0000${scope}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new AdaptiveBucket(this.limitFor(service), this.now);
      this.buckets.set(key, bucket);
    }
    return bucket;
  }
}
