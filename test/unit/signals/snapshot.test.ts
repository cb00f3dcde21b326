import {
  computeIndicators,
  DEFAULT_INDICATOR_PARAMS,
  ema,
  momentum,
  rsi,
  trailingMean,
} from '../../../src/signals';
import { expectClose, trendingCloses } from './helpers';

const last = (xs: Float64Array) => xs[xs.length - 1];

describe('computeIndicators', () => {
  it('reports each indicator at the last close, consistent with the series functions', () => {
    const closes = trendingCloses(0.003, 45);
    const s = computeIndicators(closes);
    expect(s.observations).toBe(45);
    expect(s.lastClose).toBe(closes[44]);
    expectClose(s.smaFast!, trailingMean(closes, 10));
    expectClose(s.smaSlow!, trailingMean(closes, 30));
    expectClose(s.emaFast!, last(ema(closes, 12)));
    expectClose(s.emaSlow!, last(ema(closes, 26)));
    expectClose(s.rsi!, last(rsi(closes, 14)));
    expectClose(s.momentum!, closes[44] / closes[24] - 1);
    expectClose(s.momentum!, last(momentum(closes, 20)));
    expect(s.crossover).toMatchObject({ fast: s.smaFast, slow: s.smaSlow });
    expect(s.params).toEqual(DEFAULT_INDICATOR_PARAMS);
  });

  it('returns nulls exactly until each indicator has enough closes', () => {
    // Needed closes with defaults: SMA 10 / 30, EMA 12 / 26, RSI 15, momentum 21, volatility 21.
    const needs: [keyof ReturnType<typeof computeIndicators>, number][] = [
      ['smaFast', 10],
      ['smaSlow', 30],
      ['crossover', 30],
      ['emaFast', 12],
      ['emaSlow', 26],
      ['rsi', 15],
      ['momentum', 21],
      ['realizedVolatility', 21],
    ];
    const closes = trendingCloses(0.002, 40);
    for (const [key, needed] of needs) {
      expect([key, computeIndicators(closes.slice(0, needed - 1))[key]]).toEqual([key, null]);
      expect([key, computeIndicators(closes.slice(0, needed))[key]]).not.toEqual([key, null]);
    }
  });

  it('handles an empty series: everything null, zero observations', () => {
    const s = computeIndicators([]);
    expect(s.observations).toBe(0);
    expect(s.lastClose).toBeNull();
    expect(s.drawdown).toBeNull();
    expect(s.crossover).toBeNull();
  });

  it('is plain JSON: a round trip gives the same object (no NaN, no typed arrays)', () => {
    for (const length of [0, 5, 20, 60]) {
      const s = computeIndicators(trendingCloses(0.001, length));
      expect(JSON.parse(JSON.stringify(s))).toEqual(s);
    }
  });

  it('accepts a Float64Array', () => {
    const closes = trendingCloses(0.002, 35);
    expect(computeIndicators(Float64Array.from(closes))).toEqual(computeIndicators(closes));
  });

  it('applies parameter overrides', () => {
    const closes = trendingCloses(0.002, 12);
    const s = computeIndicators(closes, { smaFastWindow: 3, smaSlowWindow: 6, rsiPeriod: 5 });
    expectClose(s.smaFast!, trailingMean(closes, 3));
    expectClose(s.smaSlow!, trailingMean(closes, 6));
    expectClose(s.rsi!, last(rsi(closes, 5)));
    expect(s.params.smaSlowWindow).toBe(6);
  });

  it('rejects bad parameters even when the series is too short to use them', () => {
    expect(() => computeIndicators([], { smaFastWindow: 30, smaSlowWindow: 10 })).toThrow(
      'computeIndicators: smaFastWindow (30) must be shorter than smaSlowWindow (10)',
    );
    expect(() => computeIndicators([], { rsiPeriod: 0 })).toThrow(RangeError);
    expect(() => computeIndicators([], { volatilityWindow: 1 })).toThrow(RangeError);
    expect(() => computeIndicators([], { rsiPeriodd: 14 } as never)).toThrow(
      'computeIndicators: unknown parameter "rsiPeriodd"',
    );
  });

  it('rejects non-finite or non-positive closes', () => {
    expect(() => computeIndicators([100, Number.NaN])).toThrow('computeIndicators: closes[1] is NaN');
    expect(() => computeIndicators([100, -1])).toThrow(/prices must be positive/);
  });
});
