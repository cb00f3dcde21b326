/**
 * Provider-level rate limiting. No network is involved (Yahoo is unreachable from tests): the limited provider is
 * a stand-in, and time is either an injected clock that records requested sleeps or Jest's fake timers.
 */
import type { Bar, FetchBarsRequest, MarketDataProvider } from '../../../src/market-data/bar';
import { type RateLimitClock, TokenBucket, withRateLimit } from '../../../src/market-data/rate-limit';

const request: FetchBarsRequest = { symbol: 'AAPL', from: '2025-01-06', to: '2025-01-06', interval: '1d' };

/** A provider that returns one bar per call, numbered in call order, and records when each call arrived. */
function countingProvider(now: () => number) {
  const calledAt: number[] = [];
  const provider: MarketDataProvider = {
    name: 'yahoo',
    fetchBars: () => {
      calledAt.push(now());
      const bar: Bar = {
        symbol: 'AAPL',
        interval: '1d',
        date: '2025-01-06',
        open: 1,
        high: 1,
        low: 1,
        close: calledAt.length,
        adjClose: calledAt.length,
        volume: 1,
        source: 'yahoo',
      };
      return Promise.resolve([bar]);
    },
  };
  return { provider, calledAt };
}

/** A clock that stands still unless the test moves it; sleeps are recorded and return at once. */
function manualClock() {
  let time = 1_000_000;
  const sleeps: number[] = [];
  const clock: RateLimitClock = {
    now: () => time,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
  };
  return { clock, sleeps, advance: (ms: number) => (time += ms) };
}

describe('TokenBucket', () => {
  it('lets a burst through, then spaces further calls at the rate', () => {
    const { clock } = manualClock();
    const bucket = new TokenBucket(2, 3, clock.now);
    expect([1, 2, 3, 4, 5].map(() => bucket.reserve())).toEqual([0, 0, 0, 500, 1000]);
  });

  it('refills with time, but never beyond the burst', () => {
    const { clock, advance } = manualClock();
    const bucket = new TokenBucket(1, 2, clock.now);
    bucket.reserve();
    bucket.reserve();
    expect(bucket.reserve()).toBe(1000);
    advance(60_000); // a long quiet spell refills only up to 2
    expect([1, 2, 3].map(() => bucket.reserve())).toEqual([0, 0, 1000]);
  });

  it('allows fractional rates (0.5 per second is one call every two seconds)', () => {
    const { clock, advance } = manualClock();
    const bucket = new TokenBucket(0.5, 1, clock.now);
    expect(bucket.reserve()).toBe(0);
    advance(500);
    expect(bucket.reserve()).toBe(1500);
  });

  it.each([
    [0, 1],
    [-1, 1],
    [Number.NaN, 1],
    [Number.POSITIVE_INFINITY, 1],
    [1, 0],
    [1, 1.5],
  ])('refuses requestsPerSecond %p with burst %p', (rps, burst) => {
    expect(() => new TokenBucket(rps, burst, Date.now)).toThrow(RangeError);
  });
});

describe('withRateLimit', () => {
  it('makes calls beyond the rate wait in arrival order instead of failing', async () => {
    const { clock, sleeps } = manualClock();
    const { provider } = countingProvider(clock.now);
    const limited = withRateLimit(provider, { requestsPerSecond: 4, burst: 2, clock });
    const answers = await Promise.all([1, 2, 3, 4, 5].map(() => limited.fetchBars(request)));
    expect(answers.map(([bar]) => bar.close)).toEqual([1, 2, 3, 4, 5]);
    expect(sleeps).toEqual([250, 500, 750]);
  });

  it('keeps the provider’s name and bars', async () => {
    const { clock } = manualClock();
    const { provider } = countingProvider(clock.now);
    const limited = withRateLimit(provider, { requestsPerSecond: 10, clock });
    expect(limited.name).toBe('yahoo');
    expect(await limited.fetchBars(request)).toEqual([
      expect.objectContaining({ source: 'yahoo', close: 1 }),
    ]);
  });

  describe('with the real clock under fake timers', () => {
    beforeEach(() => jest.useFakeTimers({ now: new Date('2025-01-06T14:30:00Z') }));
    afterEach(() => jest.useRealTimers());

    it('holds each extra call back until its turn comes', async () => {
      const start = Date.now();
      const { provider, calledAt } = countingProvider(() => Date.now() - start);
      const limited = withRateLimit(provider, { requestsPerSecond: 2 });
      const settled: number[] = [];
      const calls = [1, 2, 3].map((n) => limited.fetchBars(request).then(() => settled.push(n)));

      await jest.advanceTimersByTimeAsync(0);
      expect(settled).toEqual([1]);
      await jest.advanceTimersByTimeAsync(499);
      expect(settled).toEqual([1]);
      await jest.advanceTimersByTimeAsync(1);
      expect(settled).toEqual([1, 2]);
      await jest.advanceTimersByTimeAsync(500);
      await Promise.all(calls);
      expect(calledAt).toEqual([0, 500, 1000]);
    });
  });
});
