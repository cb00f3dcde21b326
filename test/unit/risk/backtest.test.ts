import {
  backtestVaR,
  baselTrafficLight,
  christoffersenIndependence,
  conditionalCoverage,
  historicalVaR,
  kupiecPOF,
  transitionCounts,
  varExceptions,
} from '../../../src/risk';
import { riskInput, riskReference } from './fixtures';

describe('published test vector (N = 1043, x = 57, 95 % VaR)', () => {
  const { observations, exceptions, confidence, ...counts } = riskInput.backtest.published;
  const expected = riskReference.backtest.published;
  const pof = kupiecPOF(observations, exceptions, confidence);
  const independence = christoffersenIndependence(counts);
  const cc = conditionalCoverage(pof, independence);

  it('matches scipy to 10 decimals', () => {
    expect(pof.statistic).toBeCloseTo(expected.lrPof, 10);
    expect(pof.pValue).toBeCloseTo(expected.pPof, 10);
    expect(independence.statistic).toBeCloseTo(expected.lrInd, 10);
    expect(independence.pValue).toBeCloseTo(expected.pInd, 10);
    expect(cc.statistic).toBeCloseTo(expected.lrCc, 10);
    expect(cc.pValue).toBeCloseTo(expected.pCc, 10);
  });

  it('matches the published figures (docs: LR_POF 0.46147, LR_ind 0.25866, LR_cc 0.72013)', () => {
    expect(pof.statistic).toBeCloseTo(0.46147, 5);
    expect(pof.pValue).toBeCloseTo(0.49694, 5);
    expect(independence.statistic).toBeCloseTo(0.25866, 5);
    expect(independence.pValue).toBeCloseTo(0.61104, 5);
    expect(cc.statistic).toBeCloseTo(0.72013, 5);
    expect(cc.pValue).toBeCloseTo(0.69763, 5);
  });
});

describe('backtestVaR on a series', () => {
  it('counts exceptions and transitions and tests them as scipy does', () => {
    const returns = riskInput.series.fatTailed250;
    const expected = riskReference.backtest.series;
    const forecast = historicalVaR(returns.slice(0, 100), 0.95);
    expect(forecast).toBeCloseTo(expected.var, 12);

    const result = backtestVaR(
      returns.map((r) => -r),
      returns.map(() => forecast),
      0.95,
    );
    expect(result.observations).toBe(expected.observations);
    expect(result.exceptions).toBe(expected.exceptions);
    expect(result.transitions).toEqual({
      n00: expected.n00,
      n01: expected.n01,
      n10: expected.n10,
      n11: expected.n11,
    });
    expect(result.pof.statistic).toBeCloseTo(expected.lrPof, 10);
    expect(result.pof.pValue).toBeCloseTo(expected.pPof, 10);
    expect(result.independence.statistic).toBeCloseTo(expected.lrInd, 10);
    expect(result.independence.pValue).toBeCloseTo(expected.pInd, 10);
    expect(result.conditionalCoverage.statistic).toBeCloseTo(expected.lrCc, 10);
    expect(result.conditionalCoverage.pValue).toBeCloseTo(expected.pCc, 10);
  });

  it('counts a loss equal to VaR as no exception', () => {
    expect(Array.from(varExceptions([0.01, 0.02, 0.03], [0.02, 0.02, 0.02]))).toEqual([0, 0, 1]);
    expect(transitionCounts([0, 1, 1, 0, 0])).toEqual({ n00: 1, n01: 1, n10: 1, n11: 1 });
  });

  it('stays finite with no exceptions at all', () => {
    const none = kupiecPOF(250, 0, 0.99);
    // LR = −2·250·ln(0.99) when nothing is exceeded.
    expect(none.statistic).toBeCloseTo(-500 * Math.log(0.99), 12);
    expect(christoffersenIndependence({ n00: 249, n01: 0, n10: 0, n11: 0 })).toEqual({
      statistic: 0,
      pValue: 1,
    });
  });

  it('rejects impossible counts', () => {
    expect(() => kupiecPOF(10, 11, 0.99)).toThrow(/exceptions must be an integer in \[0, 10\]/);
    expect(() => varExceptions([0.1, 0.2], [0.1])).toThrow(/vars has 1 values but losses has 2/);
  });
});

describe('Basel traffic light (250 days, 99 %)', () => {
  const zones = riskReference.backtest.basel.zones;

  it.each(riskInput.backtest.baselExceptions)(
    'zone for %i exceptions follows the binomial(250, 1 %) CDF',
    (x) => {
      expect(baselTrafficLight(x).zone).toBe(zones[x]);
    },
  );

  it('applies the plus factors of the yellow and red zones', () => {
    expect([5, 6, 7, 8, 9].map((x) => baselTrafficLight(x).plusFactor)).toEqual([0.4, 0.5, 0.65, 0.75, 0.85]);
    expect(baselTrafficLight(4)).toEqual({ zone: 'green', plusFactor: 0, multiplier: 3 });
    expect(baselTrafficLight(12)).toEqual({ zone: 'red', plusFactor: 1, multiplier: 4 });
    expect(() => baselTrafficLight(-1)).toThrow(RangeError);
  });
});
