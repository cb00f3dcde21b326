import { type Bar, UnknownSymbolError } from '../../../src/market-data/bar';
import {
  createSyntheticProvider,
  SYNTHETIC_EPOCH,
  type SyntheticProviderOptions,
} from '../../../src/market-data/providers/synthetic';
import { checkBarQuality } from '../../../src/market-data/quality';
import { previousSession, tradingSessions } from '../../../src/market-data/sessions';

const fetch = (
  provider: ReturnType<typeof createSyntheticProvider>,
  symbol: string,
  from: string,
  to: string,
) => provider.fetchBars({ symbol, from, to, interval: '1d' });

const logReturns = (bars: Bar[]) => bars.slice(1).map((bar, i) => Math.log(bar.close / bars[i].close));
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const stdev = (xs: number[]) => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
};
const correlation = (a: number[], b: number[]) => {
  const ma = mean(a);
  const mb = mean(b);
  const cov = a.reduce((s, x, i) => s + (x - ma) * (b[i] - mb), 0) / (a.length - 1);
  return cov / (stdev(a) * stdev(b));
};

describe('synthetic provider: determinism', () => {
  it('gives the same bar for a date whatever range was requested (the price never depends on `from`)', async () => {
    const provider = createSyntheticProvider({ seed: 7 });
    const long = await fetch(provider, 'AAPL', '2024-01-01', '2024-12-31');
    const short = await fetch(createSyntheticProvider({ seed: 7 }), 'AAPL', '2024-06-03', '2024-06-14');
    expect(short).toEqual(long.filter((bar) => bar.date >= '2024-06-03' && bar.date <= '2024-06-14'));

    // Chunked like the ingest activity (63 sessions per call), in reverse order, on a fresh instance.
    const chunked = createSyntheticProvider({ seed: 7 });
    const sessions = tradingSessions('2024-01-01', '2024-12-31');
    const chunks: Bar[][] = [];
    for (let i = sessions.length - 1; i >= 0; i -= 63) {
      const first = sessions[Math.max(0, i - 62)];
      chunks.unshift(await fetch(chunked, 'AAPL', first, sessions[i]));
    }
    expect(chunks.flat()).toEqual(long);
  });

  it('does not depend on which other symbols were fetched before (correlated universe included)', async () => {
    const options: SyntheticProviderOptions = {
      seed: 3,
      correlation: {
        symbols: ['AAPL', 'MSFT'],
        matrix: [
          [1, 0.7],
          [0.7, 1],
        ],
      },
    };
    const first = createSyntheticProvider(options);
    await fetch(first, 'AAPL', '2025-01-01', '2025-03-31');
    await fetch(first, 'SPY', '2025-01-01', '2025-03-31');
    const msftAfterOthers = await fetch(first, 'MSFT', '2025-02-03', '2025-02-07');
    const msftAlone = await fetch(createSyntheticProvider(options), 'MSFT', '2025-02-03', '2025-02-07');
    expect(msftAfterOthers).toEqual(msftAlone);
  });

  it('changes with the seed and differs between symbols', async () => {
    const [a, b] = await Promise.all([
      fetch(createSyntheticProvider({ seed: 1 }), 'AAPL', '2025-01-06', '2025-01-10'),
      fetch(createSyntheticProvider({ seed: 2 }), 'AAPL', '2025-01-06', '2025-01-10'),
    ]);
    expect(a.map((bar) => bar.close)).not.toEqual(b.map((bar) => bar.close));
    const other = await fetch(createSyntheticProvider({ seed: 1 }), 'MSFT', '2025-01-06', '2025-01-10');
    expect(other.map((bar) => bar.close)).not.toEqual(a.map((bar) => bar.close));
  });

  it('defaults to seed 42', async () => {
    const [implicit, explicit] = await Promise.all([
      fetch(createSyntheticProvider(), 'QQQ', '2026-09-01', '2026-09-15'),
      fetch(createSyntheticProvider({ seed: 42 }), 'QQQ', '2026-09-01', '2026-09-15'),
    ]);
    expect(implicit).toEqual(explicit);
  });
});

describe('synthetic provider: bar shape', () => {
  it('serves one bar per session, and none on weekends or NYSE holidays', async () => {
    const bars = await fetch(createSyntheticProvider(), 'SPY', '2025-12-20', '2026-01-12');
    expect(bars.map((bar) => bar.date)).toEqual(tradingSessions('2025-12-20', '2026-01-12'));
    const dates = new Set(bars.map((bar) => bar.date));
    expect(['2025-12-25', '2026-01-01'].filter((holiday) => dates.has(holiday))).toEqual([]);
    expect(dates.has('2025-12-24')).toBe(true); // an early close still has a daily bar
    expect(await fetch(createSyntheticProvider(), 'SPY', '2025-01-04', '2025-01-05')).toEqual([]);
    expect(await fetch(createSyntheticProvider(), 'SPY', '2001-09-11', '2001-09-14')).toEqual([]);
    expect(await fetch(createSyntheticProvider(), 'SPY', '2024-01-01', '2024-12-31')).toHaveLength(252);
  });

  it('produces consistent OHLCV bars that pass the quality check, even at high volatility', async () => {
    const provider = createSyntheticProvider({ volatilityBySymbol: { MEME: 1.5 } });
    for (const symbol of ['AAPL', 'MEME', 'BRK.B', 'EURUSD=X']) {
      const bars = await fetch(provider, symbol, '2023-01-01', '2026-12-31');
      const quality = checkBarQuality(bars, { from: '2023-01-01', to: '2026-12-31' });
      expect(quality.rejected).toEqual([]);
      expect(quality.missingSessions).toEqual([]);
      // Collected rather than asserted bar by bar: thousands of expect() calls would dominate the run time.
      const violations = bars.flatMap((bar) => {
        const problems: string[] = [];
        if (bar.high < Math.max(bar.open, bar.close)) problems.push(`${bar.date} high below open/close`);
        if (bar.low > Math.min(bar.open, bar.close)) problems.push(`${bar.date} low above open/close`);
        if (!(bar.low > 0)) problems.push(`${bar.date} low not positive`);
        if (bar.adjClose !== bar.close) problems.push(`${bar.date} adjClose differs from close`);
        if (!Number.isInteger(bar.volume) || bar.volume < 0)
          problems.push(`${bar.date} bad volume ${bar.volume}`);
        if (bar.symbol !== symbol || bar.interval !== '1d' || bar.source !== 'synthetic') {
          problems.push(`${bar.date} wrong labels`);
        }
        return problems;
      });
      expect(violations).toEqual([]);
    }
  });

  it('has no bars before its epoch and starts exactly there', async () => {
    const provider = createSyntheticProvider();
    expect(await fetch(provider, 'AAPL', '1999-11-01', '1999-12-31')).toEqual([]);
    const straddling = await fetch(provider, 'AAPL', '1999-12-20', '2000-01-07');
    expect(straddling[0].date).toBe(SYNTHETIC_EPOCH);
    expect(straddling).toHaveLength(tradingSessions(SYNTHETIC_EPOCH, '2000-01-07').length);
  });
});

describe('synthetic provider: dynamics', () => {
  const years = ['2021-01-01', '2026-12-31'] as const;

  it('realises the configured volatility, per symbol when overridden', async () => {
    const provider = createSyntheticProvider({ annualVolatility: 0.2, volatilityBySymbol: { TSLA: 0.6 } });
    const spy = logReturns(await fetch(provider, 'SPY', ...years));
    const tsla = logReturns(await fetch(provider, 'TSLA', ...years));
    expect(stdev(spy) * Math.sqrt(252)).toBeGreaterThan(0.18);
    expect(stdev(spy) * Math.sqrt(252)).toBeLessThan(0.22);
    expect(stdev(tsla) * Math.sqrt(252)).toBeGreaterThan(0.54);
    expect(stdev(tsla) * Math.sqrt(252)).toBeLessThan(0.66);
  });

  it('takes one step per session, so a holiday adds no extra return', async () => {
    const drift = 0.1;
    const provider = createSyntheticProvider({ annualDrift: drift, annualVolatility: 0 });
    // Wednesday before Thanksgiving 2025 to the Friday after, and the Friday before Memorial Day to the Tuesday.
    for (const [before, after] of [
      ['2025-11-26', '2025-11-28'],
      ['2025-05-23', '2025-05-27'],
    ]) {
      const [first, second] = await fetch(provider, 'BOND', before, after);
      expect(second.date).toBe(after);
      expect(Math.log(second.close / first.close)).toBeCloseTo(drift / 252, 5);
    }
  });

  it('grows at exactly the drift when volatility is zero', async () => {
    const drift = 0.1;
    const bars = await fetch(
      createSyntheticProvider({ annualDrift: drift, annualVolatility: 0 }),
      'BOND',
      ...years,
    );
    const returns = logReturns(bars);
    expect(Math.max(...returns.map((r) => Math.abs(r - drift / 252)))).toBeLessThan(1e-5);
    // No randomness left: the open is the previous close and the range is exactly open..close.
    expect(bars.slice(1).filter((bar, i) => bar.open !== bars[i].close || bar.high !== bar.close)).toEqual(
      [],
    );
    expect(bars.filter((bar) => bar.low !== bar.open)).toEqual([]);
  });

  it('correlates shocks inside the configured universe and not outside it', async () => {
    const provider = createSyntheticProvider({
      seed: 11,
      correlation: {
        symbols: ['AAPL', 'MSFT', 'GLD'],
        matrix: [
          [1, 0.8, -0.4],
          [0.8, 1, -0.2],
          [-0.4, -0.2, 1],
        ],
      },
    });
    const [aapl, msft, gld, outsider] = await Promise.all(
      ['AAPL', 'MSFT', 'GLD', 'XOM'].map(async (symbol) =>
        logReturns(await fetch(provider, symbol, ...years)),
      ),
    );
    expect(correlation(aapl, msft)).toBeCloseTo(0.8, 1);
    expect(correlation(aapl, gld)).toBeCloseTo(-0.4, 1);
    expect(correlation(msft, gld)).toBeCloseTo(-0.2, 1);
    expect(Math.abs(correlation(aapl, outsider))).toBeLessThan(0.07);
  });

  it('moves perfectly correlated symbols with the same log returns', async () => {
    const provider = createSyntheticProvider({
      correlation: {
        symbols: ['GOOG', 'GOOGL'],
        matrix: [
          [1, 1],
          [1, 1],
        ],
      },
    });
    const goog = logReturns(await fetch(provider, 'GOOG', '2025-01-01', '2025-06-30'));
    const googl = logReturns(await fetch(provider, 'GOOGL', '2025-01-01', '2025-06-30'));
    goog.forEach((r, i) => expect(googl[i]).toBeCloseTo(r, 5));
  });
});

describe('synthetic provider: errors and latency', () => {
  it.each(['aapl', '1ABC', 'A B', '', 'ABCDEFGHIJKLMNOP', '../X'])('does not know %j', async (symbol) => {
    const attempt = fetch(createSyntheticProvider(), symbol, '2025-01-06', '2025-01-10');
    await expect(attempt).rejects.toBeInstanceOf(UnknownSymbolError);
    await expect(attempt).rejects.toMatchObject({ symbol, provider: 'synthetic' });
  });

  it('refuses bad dates with a RangeError naming them', async () => {
    await expect(fetch(createSyntheticProvider(), 'AAPL', '2025-01-06', '2025-02-30')).rejects.toThrow(
      /"2025-02-30"/,
    );
  });

  it.each<[string, SyntheticProviderOptions, RegExp]>([
    ['a fractional seed', { seed: 1.5 }, /seed/],
    ['a negative volatility', { annualVolatility: -0.1 }, /annualVolatility/],
    ['a NaN per-symbol volatility', { volatilityBySymbol: { AAPL: Number.NaN } }, /AAPL/],
    ['an infinite drift', { annualDrift: Infinity }, /annualDrift/],
    ['a negative latency', { latencyMs: -1 }, /latencyMs/],
    [
      'a duplicated universe symbol',
      {
        correlation: {
          symbols: ['A', 'A'],
          matrix: [
            [1, 0],
            [0, 1],
          ],
        },
      },
      /twice/,
    ],
    ['a matrix of the wrong size', { correlation: { symbols: ['A', 'B'], matrix: [[1]] } }, /1 rows for 2/],
    [
      'a non-PSD matrix',
      {
        correlation: {
          symbols: ['A', 'B'],
          matrix: [
            [1, 2],
            [2, 1],
          ],
        },
      },
      /not in \[-1, 1\]/,
    ],
  ])('refuses %s', (_label, options, message) => {
    expect(() => createSyntheticProvider(options)).toThrow(message);
  });

  describe('with simulated vendor latency', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('waits latencyMs before answering', async () => {
      const provider = createSyntheticProvider({ latencyMs: 400 });
      let settled = false;
      const pending = fetch(provider, 'AAPL', '2025-01-06', '2025-01-10').then((bars) => {
        settled = true;
        return bars;
      });
      await jest.advanceTimersByTimeAsync(399);
      expect(settled).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      expect(settled).toBe(true);
      expect((await pending).map((bar) => bar.date)).toEqual(tradingSessions('2025-01-06', '2025-01-10'));
    });
  });

  it('answers the last session before a weekend like any other', async () => {
    const friday = previousSession('2025-01-06');
    const bars = await fetch(createSyntheticProvider(), 'AAPL', friday, '2025-01-05');
    expect(bars.map((bar) => bar.date)).toEqual([friday]);
  });
});
