import {
  backtestHistoricalVaR,
  baselTrafficLight,
  christoffersenIndependence,
  historicalVaR,
  kupiecPOF,
  rollingHistoricalVaR,
  simpleReturns,
} from '../../../src/risk';
import { riskInput, riskReference } from './fixtures';

const spec = riskInput.constructedBacktest;
const returns = simpleReturns(spec.prices.map((p) => p.price));
const returnDates = spec.prices.slice(1).map((p) => p.date);

describe('rolling historical VaR backtest on a constructed series with known exceptions', () => {
  // Ordinary days alternate 100 → 101 → 100; each planted loss is larger than every earlier loss, so exactly
  // the planted days inside the tested window are exceptions (an ordinary down day's loss equals the VaR at
  // most, and equal is not an exception).
  it.each(spec.cases.map((settings, i) => ({ ...settings, i })))(
    'window $window, lookback $lookback: the planted days in the window and nothing else',
    ({ window, lookback, minLookback, i }) => {
      const result = backtestHistoricalVaR(returns, {
        confidence: spec.confidence,
        varMethod: spec.varMethod,
        window,
        lookback,
        minLookback,
        dates: returnDates,
      });
      const start = Math.max(minLookback, returns.length - window);
      const planted = spec.plantedReturnIndices.filter((t) => t >= start);
      expect(result.status).toBe('ok');
      expect(result.observations).toBe(returns.length - start);
      expect(result.exceptionDays.map((d) => d.index)).toEqual(planted);
      expect(result.exceptionDays.map((d) => d.date)).toEqual(planted.map((t) => returnDates[t]));
      expect(result.exceptions).toBe(planted.length);
      for (const day of result.exceptionDays) expect(day.loss).toBeGreaterThan(day.var);

      // The tests are backtest.ts's on those counts, and agree with scipy.
      expect(result.kupiec).toEqual(kupiecPOF(result.observations, planted.length, spec.confidence));
      expect(result.christoffersen).toEqual(christoffersenIndependence(result.transitions!));
      const expected = riskReference.constructedBacktest[i];
      expect(result.transitions).toEqual({
        n00: expected.n00,
        n01: expected.n01,
        n10: expected.n10,
        n11: expected.n11,
      });
      expect(result.kupiec!.statistic).toBeCloseTo(expected.lrPof, 10);
      expect(result.kupiec!.pValue).toBeCloseTo(expected.pPof, 10);
      expect(result.christoffersen!.statistic).toBeCloseTo(expected.lrInd, 10);
      expect(result.christoffersen!.pValue).toBeCloseTo(expected.pInd, 10);
      expect(result.conditionalCoverage!.statistic).toBeCloseTo(expected.lrCc, 10);
      expect(result.conditionalCoverage!.pValue).toBeCloseTo(expected.pCc, 10);
      expect(result.basel?.zone ?? null).toBe(expected.baselZone);
    },
  );

  it('puts 250 days at 99 % with 5 exceptions (two in a row) in the Basel yellow zone', () => {
    const result = backtestHistoricalVaR(returns, { confidence: 0.99, dates: returnDates });
    expect(result).toMatchObject({ window: 250, lookback: 250, minLookback: 60, observations: 250 });
    expect(result.exceptions).toBe(5);
    expect(result.transitions).toEqual({ n00: 240, n01: 4, n10: 4, n11: 1 });
    expect(result.basel).toEqual(baselTrafficLight(5));
    expect(result.basel).toMatchObject({ zone: 'yellow', plusFactor: 0.4 });
    expect(result.expectedExceptions).toBeCloseTo(2.5, 12);
    // 400 returns: the first tested day has only 150 earlier returns, and the report says so.
    expect(result.shortestLookback).toBe(150);
    expect(result.notes).toEqual([
      `forecasts through ${returnDates[249]} had fewer than 250 earlier returns (as few as 150) and used all of them`,
    ]);
  });

  it('says so when the history is shorter than window + lookback', () => {
    const result = backtestHistoricalVaR(returns, { confidence: 0.99, window: 400, dates: returnDates });
    expect(result.observations).toBe(340);
    expect(result.shortestLookback).toBe(60);
    expect(result.longestLookback).toBe(250);
    expect(result.basel).toBeNull();
    expect(result.notes).toEqual([
      'tested 340 of the requested 400 days: the history has 400 returns and a forecast needs at least 60 ' +
        'earlier returns',
      `forecasts through ${returnDates[249]} had fewer than 250 earlier returns (as few as 60) and used all of them`,
      'Basel traffic light not computed: it is defined for 250 observations of a 99% VaR, not 340 at 99%',
    ]);
  });
});

describe('rollingHistoricalVaR', () => {
  it('equals historicalVaR of each day’s preceding lookback returns (sorted window kept incrementally)', () => {
    const r = riskInput.series.fatTailed250;
    for (const [lookback, start, method] of [
      [100, 100, 'linear'],
      [100, 60, 'inverted_cdf'],
      [30, 2, 'linear'],
    ] as const) {
      const forecasts = rollingHistoricalVaR(r, { confidence: 0.95, varMethod: method, lookback, start });
      expect(forecasts).toHaveLength(r.length - start);
      forecasts.forEach((v, i) => {
        const t = start + i;
        expect(v).toBe(historicalVaR(r.slice(Math.max(0, t - lookback), t), 0.95, method));
      });
    }
  });

  it('reproduces the reference forecasts of every portfolio case', () => {
    for (const expected of riskReference.constructedBacktest) {
      const start = returns.length - expected.observations;
      const forecasts = rollingHistoricalVaR(returns, { confidence: 0.99, lookback: 250, start });
      forecasts.forEach((v, i) => expect(v).toBeCloseTo(expected.varForecasts[i], 12));
    }
  });

  it('rejects a start outside the series', () => {
    expect(() => rollingHistoricalVaR([0.1, 0.2], { confidence: 0.9, lookback: 5, start: 3 })).toThrow(
      /start must be an integer in \[1, 2\]/,
    );
  });
});

describe('backtestHistoricalVaR edge cases', () => {
  it('reports insufficient history instead of failing', () => {
    const result = backtestHistoricalVaR(returns.slice(0, 61), { confidence: 0.99 });
    expect(result).toMatchObject({
      status: 'insufficient_history',
      observations: 1,
      kupiec: null,
      basel: null,
    });
    expect(result.notes[0]).toMatch(/61 returns leave 1 day\(s\) with at least 60 earlier returns/);
  });

  it('defaults minLookback to the lookback when that is shorter than 60 and validates settings', () => {
    const result = backtestHistoricalVaR(returns.slice(0, 100), {
      confidence: 0.99,
      lookback: 20,
      window: 10,
    });
    expect(result).toMatchObject({ minLookback: 20, observations: 10, shortestLookback: 20 });
    expect(result.firstDate).toBeNull();
    expect(() => backtestHistoricalVaR(returns, { confidence: 0.99, lookback: 50, minLookback: 60 })).toThrow(
      /minLookback \(60\) must not exceed lookback \(50\)/,
    );
    expect(() => backtestHistoricalVaR(returns, { confidence: 0.99, window: 0 })).toThrow(
      /window must be a positive integer, got 0/,
    );
    expect(() => backtestHistoricalVaR(returns, { confidence: 0.99, dates: ['2024-01-02'] })).toThrow(
      /dates must have one entry per return \(400\)/,
    );
  });
});
