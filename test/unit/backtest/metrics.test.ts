import {
  annualizedReturn,
  annualizedVolatility,
  dailyReturns,
  downsideDeviation,
  exposure,
  hitRate,
  maxDrawdown,
  sharpeRatio,
  sortinoRatio,
  totalReturn,
  turnover,
} from '../../../src/backtest';
import { backtestInput, backtestReference, rateKey } from './fixtures';
import { expectAllClose, expectClose } from './helpers';

// Hand-worked curve: returns +2 %, −2 %, +5 %, −3 % (100 → 102 → 99.96 → 104.958 → 101.80926).
const equity = [100, 102, 99.96, 104.958, 101.80926];
const dates = ['2026-01-05', '2026-01-06', '2026-01-07', '2026-01-08', '2026-01-09'];

describe('metrics on a hand-worked 5-day curve', () => {
  it('daily returns, total and annualized return', () => {
    expectAllClose(dailyReturns(equity), [0.02, -0.02, 0.05, -0.03]);
    expectClose(totalReturn(equity), 0.0180926);
    // Four returns span 4/252 years: (1.0180926)^(252/4) − 1.
    expectClose(annualizedReturn(equity), 1.0180926 ** 63 - 1);
    expectClose(annualizedReturn(equity, 12), 1.0180926 ** 3 - 1);
  });

  it('volatility, Sharpe and Sortino', () => {
    const r = dailyReturns(equity);
    // mean 0.005; squared deviations 0.015², 0.025², 0.045², 0.035² sum to 0.0041; ddof 1 → variance 0.0041/3.
    const sd = Math.sqrt(0.0041 / 3);
    expectClose(annualizedVolatility(r), sd * Math.sqrt(252));
    expectClose(sharpeRatio(r), (0.005 / sd) * Math.sqrt(252));
    // rf 2.52 % a year is 0.0001 a day: the mean falls by 0.0001, the standard deviation does not change.
    expectClose(sharpeRatio(r, { riskFreeRate: 0.0252 }), (0.0049 / sd) * Math.sqrt(252));
    // Downside deviation vs 0 over all four returns: √((0.02² + 0.03²) / 4) = √0.000325.
    expectClose(downsideDeviation(r), Math.sqrt(0.000325));
    expectClose(sortinoRatio(r), (0.005 / Math.sqrt(0.000325)) * Math.sqrt(252));
    expectClose(sortinoRatio(r, { riskFreeRate: 0.0252 }), (0.0049 / Math.sqrt(0.000325)) * Math.sqrt(252));
  });

  it('max drawdown is the −3 % last day, from the 104.958 peak, not recovered', () => {
    const dd = maxDrawdown(equity, dates);
    expectClose(dd.maxDrawdown, 0.03);
    expect(dd).toMatchObject({
      peakIndex: 3,
      troughIndex: 4,
      recoveryIndex: null,
      peakDate: '2026-01-08',
      troughDate: '2026-01-09',
      recoveryDate: null,
    });
  });

  it('max drawdown with recovery, ties at the peak, and without dates', () => {
    // Peak 120 held on days 1 and 2 (the later one counts), trough 90 on day 4, back to 120 on day 6.
    const dd = maxDrawdown([100, 120, 120, 110, 90, 119, 120, 100]);
    expect(dd).toEqual({
      maxDrawdown: 0.25,
      peakIndex: 2,
      troughIndex: 4,
      recoveryIndex: 6,
      peakDate: null,
      troughDate: null,
      recoveryDate: null,
    });
    // A deeper later fall (80 / 120 − 1 = −1/3) wins, measured from the later visit of the same peak level.
    expect(maxDrawdown([100, 120, 120, 110, 90, 119, 120, 80])).toMatchObject({
      peakIndex: 6,
      troughIndex: 7,
      recoveryIndex: null,
    });
  });

  it('a never-falling curve has no drawdown and null dates', () => {
    expect(maxDrawdown([1, 1, 2, 3], ['a', 'b', 'c', 'd'])).toEqual({
      maxDrawdown: 0,
      peakIndex: null,
      troughIndex: null,
      recoveryIndex: null,
      peakDate: null,
      troughDate: null,
      recoveryDate: null,
    });
  });

  it('flat curves: Sharpe and Sortino are null, not NaN or Infinity', () => {
    const flat = dailyReturns([100, 100, 100]);
    expect(annualizedVolatility(flat)).toBe(0);
    expect(sharpeRatio(flat)).toBeNull();
    expect(sortinoRatio(flat)).toBeNull();
    // Only gains: Sharpe defined, Sortino null (no downside).
    const up = dailyReturns([100, 101, 103]);
    expect(sharpeRatio(up)).not.toBeNull();
    expect(sortinoRatio(up)).toBeNull();
  });

  it('hit rate, turnover and exposure', () => {
    expect(hitRate(3, 4)).toBe(0.75);
    expect(hitRate(0, 0)).toBeNull();
    // 1 400 traded on a constant 1 000 equity over 5 returns: 1.4 in total, 1.4 · 252 / 5 a year.
    const t = turnover([0, 500, 0, -500, 200, 200], [1000, 1000, 1000, 1000, 1000, 1000]);
    expect(t.tradedNotional).toBe(1400);
    expect(t.averageEquity).toBe(1000);
    expectClose(t.total, 1.4);
    expectClose(t.annualized, (1.4 * 252) / 5);
    // Positions after days 0–4 (day 5's is not held over any return in the run): held on 3 of 5.
    expect(exposure([0, 5, 5, 0, -2, 0])).toBe(0.6);
    expect(exposure([0, 0, 7])).toBe(0);
  });
});

describe('metrics against numpy (scripts/reference/backtest_reference.py)', () => {
  for (const [name, curve] of Object.entries(backtestInput.curves)) {
    const ref = backtestReference.curves[name];
    it(`${name}: return, volatility, drawdown`, () => {
      expect(curve.equity).toHaveLength(ref.n);
      expectClose(totalReturn(curve.equity), ref.totalReturn);
      expectClose(annualizedReturn(curve.equity), ref.annualizedReturn);
      const r = dailyReturns(Float64Array.from(curve.equity));
      expectClose(annualizedVolatility(r), ref.annualizedVolatility);
      expectClose(downsideDeviation(r), ref.downsideDeviation);
      const dd = maxDrawdown(curve.equity, curve.dates);
      expectClose(dd.maxDrawdown, ref.drawdown.maxDrawdown);
      expect({ ...dd, maxDrawdown: 0 }).toEqual({ ...ref.drawdown, maxDrawdown: 0 });
    });

    for (const rate of backtestInput.riskFreeRates) {
      it(`${name}: Sharpe and Sortino at rf ${rate}`, () => {
        const r = dailyReturns(curve.equity);
        const want = ref.byRiskFreeRate[rateKey(rate)];
        expectClose(sharpeRatio(r, { riskFreeRate: rate }), want.sharpe);
        expectClose(sortinoRatio(r, { riskFreeRate: rate }), want.sortino);
      });
    }
  }

  it('the committed curves exercise both a recovered and an unrecovered drawdown', () => {
    expect(backtestReference.curves.recovering300.drawdown.recoveryIndex).not.toBeNull();
    expect(backtestReference.curves.falling60.drawdown.recoveryIndex).toBeNull();
    expect(backtestReference.curves.falling60.drawdown.peakIndex).toBe(20);
  });
});

describe('metric input checks', () => {
  it('too-short input is a RangeError naming the function', () => {
    expect(() => dailyReturns([100])).toThrow(
      new RangeError('dailyReturns: equity must have at least 2 values, got 1'),
    );
    expect(() => totalReturn([])).toThrow(/totalReturn: equity must have at least 2 values, got 0/);
    expect(() => annualizedReturn([1])).toThrow(RangeError);
    expect(() => annualizedVolatility([0.01])).toThrow(
      /annualizedVolatility: returns must have at least 2 values/,
    );
    expect(() => sharpeRatio([0.01])).toThrow(/sharpeRatio: returns must have at least 2 values/);
    expect(() => sortinoRatio([0.01])).toThrow(/sortinoRatio: returns must have at least 2 values/);
    expect(() => downsideDeviation([])).toThrow(/downsideDeviation: returns must have at least 1 values/);
    expect(() => maxDrawdown([100])).toThrow(/maxDrawdown: equity must have at least 2 values/);
    expect(() => exposure([1])).toThrow(/exposure: units must have at least 2 values/);
    expect(() => turnover([0], [1])).toThrow(/turnover: equity must have at least 2 values/);
  });

  it('non-finite, non-positive and mismatched input is a RangeError', () => {
    expect(() => dailyReturns([100, NaN])).toThrow(/dailyReturns: equity\[1\] is NaN/);
    expect(() => totalReturn([100, 0])).toThrow(/equity\[1\] is 0; equity must be positive/);
    expect(() => maxDrawdown([100, -5])).toThrow(/equity must be positive/);
    expect(() => sharpeRatio([0.1, Infinity])).toThrow(/returns\[1\] is Infinity/);
    expect(() => sharpeRatio([0.1, 0.2], { periodsPerYear: 0 })).toThrow(/periodsPerYear must be a positive/);
    expect(() => sharpeRatio([0.1, 0.2], { riskFreeRate: NaN })).toThrow(
      /riskFreeRate must be a finite number/,
    );
    expect(() => maxDrawdown([1, 2], ['a'])).toThrow(
      /maxDrawdown: dates must have one entry per equity value/,
    );
    expect(() => turnover([1, 2, 3], [1, 2])).toThrow(/tradedNotional has 3 values but equity has 2/);
    expect(() => hitRate(5, 4)).toThrow(
      /hitRate: winningTrades must be an integer in \[0, closedTrades = 4\]/,
    );
    expect(() => hitRate(0, -1)).toThrow(/hitRate: closedTrades must be a non-negative integer/);
  });
});
