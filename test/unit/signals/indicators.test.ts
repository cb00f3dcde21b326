/**
 * Indicators on tiny series worked from their definitions (the expected values are written as the arithmetic of
 * the definition, not copied from the implementation). Pandas cross-checks live in reference.test.ts.
 */
import {
  compareWithTolerance,
  drawdown,
  ema,
  momentum,
  realizedVolatility,
  rsi,
  sma,
  smaCrossover,
  trailingMean,
} from '../../../src/signals';
import { expectClose, expectSeriesClose } from './helpers';

describe('sma', () => {
  it('averages each trailing window and is undefined (NaN) before the first full window', () => {
    expectSeriesClose(sma([1, 2, 3, 4, 5], 3), [
      null,
      null,
      (1 + 2 + 3) / 3,
      (2 + 3 + 4) / 3,
      (3 + 4 + 5) / 3,
    ]);
  });

  it('with window 1 returns the input', () => {
    expectSeriesClose(sma([7, 8, 9], 1), [7, 8, 9]);
  });

  it('gives the same result for a Float64Array and a number[]', () => {
    const values = [3, 1, 4, 1, 5, 9, 2, 6];
    expect(Array.from(sma(Float64Array.from(values), 4))).toEqual(Array.from(sma(values, 4)));
  });

  it('matches trailingMean at the last point', () => {
    const values = [10.5, 11.25, 9.75, 12, 13.5];
    expectClose(trailingMean(values, 3), sma(values, 3)[4]);
    expectClose(trailingMean(values, 3), (9.75 + 12 + 13.5) / 3);
  });

  it('throws RangeError on a series shorter than the window or a bad window', () => {
    expect(() => sma([1, 2], 3)).toThrow(new RangeError('sma: values must have at least 3 values, got 2'));
    expect(() => sma([1, 2, 3], 0)).toThrow(RangeError);
    expect(() => sma([1, 2, 3], 1.5)).toThrow(/window must be a positive integer/);
    expect(() => sma([1, 2, 3], Number.NaN)).toThrow(RangeError);
  });

  it('throws RangeError on non-finite values, naming the index', () => {
    expect(() => sma([1, Number.NaN, 3], 2)).toThrow('sma: values[1] is NaN');
    expect(() => sma([1, 2, Infinity], 2)).toThrow(RangeError);
  });
});

describe('ema (alpha = 2 / (span + 1), seeded with the first value)', () => {
  it('follows the recursion y_t = alpha·x_t + (1 − alpha)·y_{t−1} with y_0 = x_0', () => {
    const alpha = 2 / (3 + 1); // span 3 → alpha 0.5
    const x = [10, 12, 11, 15];
    const y0 = x[0];
    const y1 = alpha * x[1] + (1 - alpha) * y0;
    const y2 = alpha * x[2] + (1 - alpha) * y1;
    const y3 = alpha * x[3] + (1 - alpha) * y2;
    expectSeriesClose(ema(x, 3), [y0, y1, y2, y3]);
    // The same numbers by hand for alpha 0.5: 10, 11, 11, 13.
    expectSeriesClose(ema(x, 3), [10, 11, 11, 13]);
  });

  it('equals the closed form (1 − a)^t·x_0 + Σ_{i=1..t} a(1 − a)^{t−i}·x_i', () => {
    const span = 5;
    const a = 2 / (span + 1);
    const x = [100, 101.5, 99.25, 102, 103.75, 101, 104.5];
    const t = x.length - 1;
    let closedForm = (1 - a) ** t * x[0];
    for (let i = 1; i <= t; i++) closedForm += a * (1 - a) ** (t - i) * x[i];
    expectClose(ema(x, span)[t], closedForm, 1e-12);
  });

  it('with span 1 (alpha 1) returns the input, and accepts a one-value series', () => {
    expectSeriesClose(ema([4, 5, 6], 1), [4, 5, 6]);
    expectSeriesClose(ema([42], 10), [42]);
  });

  it('throws RangeError on an empty series or span < 1', () => {
    expect(() => ema([], 3)).toThrow(RangeError);
    expect(() => ema([1, 2], 0.5)).toThrow('ema: span must be a finite number ≥ 1, got 0.5');
    expect(() => ema([1, 2], Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('rsi (Wilder smoothing)', () => {
  it('seeds with the simple mean of the first `period` gains/losses, then smooths with alpha = 1/period', () => {
    // changes: +1, −0.5, +1, +0.5, −1
    const closes = [10, 11, 10.5, 11.5, 12, 11];
    const period = 3;
    let gain = (1 + 0 + 1) / 3;
    let loss = (0 + 0.5 + 0) / 3;
    const rsi3 = 100 - 100 / (1 + gain / loss); // RS 4 → 80
    gain = (gain * 2 + 0.5) / 3;
    loss = (loss * 2 + 0) / 3;
    const rsi4 = 100 - 100 / (1 + gain / loss); // RS 5.5
    gain = (gain * 2 + 0) / 3;
    loss = (loss * 2 + 1) / 3;
    const rsi5 = 100 - 100 / (1 + gain / loss); // gain = loss → 50
    expectSeriesClose(rsi(closes, period), [null, null, null, rsi3, rsi4, rsi5]);
    expectClose(rsi3, 80);
    expectClose(rsi5, 50);
  });

  it('is 100 for a series that never falls and 0 for one that never rises', () => {
    expectSeriesClose(rsi([1, 2, 3, 4, 5], 2), [null, null, 100, 100, 100]);
    expectSeriesClose(rsi([5, 4, 3, 2, 1], 2), [null, null, 0, 0, 0]);
  });

  it('is 50 for a series that never moves (no gains and no losses)', () => {
    expectSeriesClose(rsi([7, 7, 7, 7], 2), [null, null, 50, 50]);
  });

  it('defaults to period 14 and needs period + 1 values', () => {
    const closes = Array.from({ length: 15 }, (_, i) => 100 + (i % 3));
    const values = rsi(closes);
    expect(Number.isNaN(values[13])).toBe(true);
    expect(Number.isNaN(values[14])).toBe(false);
    expect(() => rsi(closes.slice(0, 14))).toThrow('rsi: values must have at least 15 values, got 14');
    expect(() => rsi(closes, 0)).toThrow(RangeError);
  });
});

describe('momentum', () => {
  it('is close_t / close_{t−lookback} − 1', () => {
    expectSeriesClose(momentum([100, 110, 121, 108.9], 1), [
      null,
      110 / 100 - 1,
      121 / 110 - 1,
      108.9 / 121 - 1,
    ]);
    expectSeriesClose(momentum([100, 110, 121, 108.9], 2), [null, null, 121 / 100 - 1, 108.9 / 110 - 1]);
  });

  it('throws RangeError on too-short input, a bad lookback or a non-positive price', () => {
    expect(() => momentum([100, 101], 2)).toThrow('momentum: values must have at least 3 values, got 2');
    expect(() => momentum([100, 101], 0)).toThrow(RangeError);
    expect(() => momentum([100, 0, 101], 1)).toThrow('momentum: values[1] is 0; prices must be positive');
  });
});

describe('realizedVolatility', () => {
  it('is the sample (ddof 1) std of the last `window` log returns × sqrt(annualization)', () => {
    const returns = [0.01, 0.02, -0.01, 0.005];
    const prices = [100];
    for (const r of returns) prices.push(prices[prices.length - 1] * Math.exp(r));
    const sampleStd = (xs: number[]) => {
      const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
      return Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1));
    };
    const vol = realizedVolatility(prices, 3);
    expectSeriesClose(
      vol,
      [
        null,
        null,
        null,
        sampleStd(returns.slice(0, 3)) * Math.sqrt(252),
        sampleStd(returns.slice(1, 4)) * Math.sqrt(252),
      ],
      1e-9,
    );
    // Window 2 with annualization 1: std of {0.01, 0.02} is |0.02 − 0.01| / sqrt(2).
    expectClose(realizedVolatility(prices, 2, 1)[2], 0.01 / Math.SQRT2, 1e-9);
  });

  it('is 0 for a constant growth rate', () => {
    const prices = Array.from({ length: 10 }, (_, i) => 50 * Math.exp(0.01 * i));
    const vol = realizedVolatility(prices, 5);
    expect(vol[9]).toBeLessThan(1e-12);
  });

  it('throws RangeError for window < 2, too-short input, bad annualization or non-positive prices', () => {
    expect(() => realizedVolatility([1, 2, 3], 1)).toThrow(
      'realizedVolatility: window must be an integer ≥ 2, got 1',
    );
    expect(() => realizedVolatility([1, 2, 3], 3)).toThrow(RangeError);
    expect(() => realizedVolatility([1, 2, 3], 2, 0)).toThrow(/annualization/);
    expect(() => realizedVolatility([1, -2, 3], 2)).toThrow(/prices must be positive/);
  });
});

describe('drawdown', () => {
  it('is the close relative to the running peak, minus 1', () => {
    expectSeriesClose(drawdown([100, 120, 90, 108, 130]), [0, 0, 90 / 120 - 1, 108 / 120 - 1, 0]);
  });
});

describe('smaCrossover', () => {
  it('is bullish with crossedToday when the fast SMA moves above the slow SMA on the last close', () => {
    const result = smaCrossover([10, 10, 10, 10, 12], 2, 4);
    expect(result).toEqual({
      fast: (10 + 12) / 2,
      slow: (10 + 10 + 10 + 12) / 4,
      state: 'bullish',
      crossedToday: true,
    });
  });

  it('is bearish without a cross when the fast SMA was already below', () => {
    const result = smaCrossover([20, 19, 18, 17, 16, 15], 2, 4);
    expect(result).toEqual({
      fast: (16 + 15) / 2,
      slow: (18 + 17 + 16 + 15) / 4,
      state: 'bearish',
      crossedToday: false,
    });
  });

  it('reports a cross from bullish to bearish', () => {
    // previous: fast (13+14)/2 = 13.5 > slow (11+12+13+14)/4 = 12.5; today fast (14+8)/2 = 11 < slow 11.75
    const result = smaCrossover([11, 12, 13, 14, 8], 2, 4);
    expect(result.state).toBe('bearish');
    expect(result.crossedToday).toBe(true);
  });

  it('is neutral for a flat series even when float rounding makes the averages differ in the last bit', () => {
    const flat = Array.from({ length: 40 }, () => 100.1);
    expect(smaCrossover(flat)).toMatchObject({ state: 'neutral', crossedToday: false });
  });

  it('cannot report a cross without a previous observation (length == slow)', () => {
    expect(smaCrossover([10, 10, 10, 12], 2, 4)).toMatchObject({ state: 'bullish', crossedToday: false });
  });

  it('defaults to 10/30 and throws RangeError on short input or fast ≥ slow', () => {
    expect(() => smaCrossover(Array.from({ length: 29 }, () => 1))).toThrow(
      'smaCrossover: values must have at least 30 values, got 29',
    );
    expect(() => smaCrossover([1, 2, 3, 4], 4, 4)).toThrow(
      'smaCrossover: fast window (4) must be shorter than slow window (4)',
    );
    expect(() => smaCrossover([1, 2, 3, 4], 0, 4)).toThrow(RangeError);
  });
});

describe('compareWithTolerance', () => {
  it('treats a relative gap up to 1e-9 as equal and anything larger as ordered', () => {
    expect(compareWithTolerance(100, 100 + 1e-8)).toBe(0);
    expect(compareWithTolerance(100, 100 + 1e-6)).toBe(-1);
    expect(compareWithTolerance(100 + 1e-6, 100)).toBe(1);
  });
});
