/**
 * Provider-level rate limiting: a token bucket in front of `fetchBars`. Calls beyond the rate wait their turn (in
 * arrival order) instead of failing, so a burst of ingest activities slows down rather than earning HTTP 429s.
 *
 * The limit is per provider object, i.e. per worker process. For a limit across all workers of a task queue, see
 * Temporal's worker option `maxTaskQueueActivitiesPerSecond`.
 */
import type { Bar, FetchBarsRequest, MarketDataProvider } from './bar';

export interface RateLimitOptions {
  /** Sustained calls per second; fractions allowed (0.5 = one call every two seconds). */
  requestsPerSecond: number;
  /** Calls allowed back to back after a quiet spell (default 1: calls are evenly spaced). */
  burst?: number;
  /** Time source and sleep, injectable so tests run without real waiting (default: Date.now and setTimeout). */
  clock?: RateLimitClock;
}

export interface RateLimitClock {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

const realClock: RateLimitClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Hands out the time each caller may go. Tokens refill continuously up to `burst`; a caller that finds none
 * reserves a future one (the balance goes negative), so waits queue up in arrival order without a queue.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly requestsPerSecond: number,
    private readonly burst: number,
    private readonly now: () => number,
  ) {
    if (!Number.isFinite(requestsPerSecond) || requestsPerSecond <= 0) {
      throw new RangeError(`requestsPerSecond must be a positive number, got ${requestsPerSecond}`);
    }
    if (!Number.isInteger(burst) || burst < 1) {
      throw new RangeError(`burst must be a whole number of calls, at least 1, got ${burst}`);
    }
    this.tokens = burst;
    this.updatedAt = now();
  }

  /** Takes one token and returns how many milliseconds the caller must wait before using it. */
  reserve(): number {
    const now = this.now();
    const refilled = ((now - this.updatedAt) * this.requestsPerSecond) / 1000;
    this.tokens = Math.min(this.burst, this.tokens + refilled) - 1;
    this.updatedAt = now;
    return this.tokens >= 0 ? 0 : (-this.tokens * 1000) / this.requestsPerSecond;
  }
}

/** The same provider (same name, same bars), with calls spaced to the given rate. */
export function withRateLimit(provider: MarketDataProvider, options: RateLimitOptions): MarketDataProvider {
  const clock = options.clock ?? realClock;
  const bucket = new TokenBucket(options.requestsPerSecond, options.burst ?? 1, clock.now);
  const turn = async () => {
    const wait = bucket.reserve();
    if (wait > 0) await clock.sleep(wait);
  };
  const withEvents = provider.fetchBarsWithEvents?.bind(provider);
  return {
    name: provider.name,
    async fetchBars(request: FetchBarsRequest): Promise<Bar[]> {
      await turn();
      return provider.fetchBars(request);
    },
    ...(withEvents
      ? {
          async fetchBarsWithEvents(request: FetchBarsRequest) {
            await turn();
            return withEvents(request);
          },
        }
      : {}),
  };
}
