/** Issue 18 (outside audit), risk math: each case below passed silently (NaN, zeros, "no breach") before the fix. */
import {
  assertRiskLimits,
  buildRiskReport,
  checkCorrelationLimit,
  checkNotionalLimits,
  checkPositionLimits,
  checkVaRLimit,
  christoffersenIndependence,
  eulerShares,
  historicalContributions,
  kupiecPOF,
  parametricContributions,
  parametricVaR,
  quantileInPlace,
  quantileSorted,
  valuePositions,
} from '../../../src/risk';
import { riskInput } from './fixtures';

describe('audit 1: covariance checks in parametricContributions / eulerShares', () => {
  it.each([
    [
      [
        [NaN, 0],
        [0, 1],
      ],
      /eulerShares: covariance\[0\]\[0\] is NaN/,
    ],
    [
      [
        [Infinity, 0],
        [0, 1],
      ],
      /eulerShares: covariance\[0\]\[0\] is Infinity/,
    ],
    [
      [
        [-1, 0],
        [0, -1],
      ],
      /eulerShares: covariance\[0\]\[0\] is -1; a variance must be ≥ 0/,
    ],
    [
      [
        [1, 2],
        [2, 1],
      ],
      /eulerShares: covariance is not positive semidefinite/,
    ],
  ])('eulerShares rejects %j', (covariance, message) => {
    expect(() => eulerShares([1, -1], covariance)).toThrow(RangeError);
    expect(() => eulerShares([1, -1], covariance)).toThrow(message);
  });

  it('parametricContributions rejects a NaN covariance instead of returning zeros', () => {
    expect(() =>
      parametricContributions(
        [1, 1],
        [
          [NaN, 0],
          [0, 1],
        ],
        0.99,
      ),
    ).toThrow(/parametricContributions: covariance\[0\]\[0\] is NaN/);
  });

  it('still returns zeros for a genuinely riskless book', () => {
    expect(
      Array.from(
        eulerShares(
          [1, 1],
          [
            [0, 0],
            [0, 0],
          ],
        ),
      ),
    ).toEqual([0, 0]);
  });
});

describe('audit 2: limit checks fail closed', () => {
  const lines = [{ symbol: 'A', notional: 100, tags: [] }];

  it('a NaN VaR or a NaN maxVaR is an error, not "no breach"', () => {
    expect(() => checkVaRLimit(NaN, 1e6)).toThrow(
      /checkVaRLimit: varAmount must be a finite number, got NaN/,
    );
    expect(() => checkVaRLimit(1, NaN)).toThrow(/checkVaRLimit: maxVaR/);
  });

  it('a NaN notional or NaN maxPositionNotional is an error', () => {
    expect(() =>
      checkNotionalLimits([{ symbol: 'A', notional: NaN, tags: [] }], { maxPositionNotional: 1 }),
    ).toThrow(/checkNotionalLimits: notional of A must be a finite number, got NaN/);
    expect(() => checkNotionalLimits(lines, { maxPositionNotional: NaN })).toThrow(
      /checkNotionalLimits: limits.maxPositionNotional must be a finite number ≥ 0, got NaN/,
    );
  });

  it('a NaN correlation or NaN maxAbs is an error', () => {
    expect(() =>
      checkCorrelationLimit(
        [
          [1, NaN],
          [NaN, 1],
        ],
        ['A', 'B'],
        0.5,
      ),
    ).toThrow(/checkCorrelationLimit: corrMatrix\[0\]\[1\] is NaN/);
    expect(() =>
      checkCorrelationLimit(
        [
          [1, 0.99],
          [0.99, 1],
        ],
        ['A', 'B'],
        NaN,
      ),
    ).toThrow(/checkCorrelationLimit: maxAbs/);
  });

  it('checks the older limits too, and rejects unknown limit names', () => {
    expect(() => assertRiskLimits({ maxGrossNotional: -1 })).toThrow(/limits.maxGrossNotional/);
    expect(() => assertRiskLimits({ maxPositionNotionalBySymbol: { A: -5 } })).toThrow(
      /limits.maxPositionNotionalBySymbol.A/,
    );
    expect(() => assertRiskLimits({ maxGross: 10 } as never)).toThrow(/limits.maxGross is not a risk limit/);
  });
});

describe('audit 3: prices must be positive', () => {
  it.each([-100, 0, NaN])('rejects price %p', (price) => {
    expect(() => valuePositions([{ symbol: 'A', quantity: 10 }], { A: price })).toThrow(
      /valuePositions: price of A is .*; must be a positive finite number/,
    );
    expect(() => checkPositionLimits([{ symbol: 'A', quantity: 10 }], { A: price }, {})).toThrow(
      /checkPositionLimits: price of A/,
    );
  });
});

describe('audit 4: unknown methods are rejected', () => {
  it('historicalContributions', () => {
    const r = [0.01, -0.02, 0.03];
    expect(() => historicalContributions([1], [r], { confidence: 0.9, varMethod: 'foo' as never })).toThrow(
      /historicalContributions: varMethod must be one of linear, inverted_cdf, got foo/,
    );
    expect(() => historicalContributions([1], [r], { confidence: 0.9, esMethod: 'foo' as never })).toThrow(
      /historicalContributions: esMethod/,
    );
  });

  it('buildRiskReport with all-zero positions', () => {
    const symbol = Object.keys(riskInput.prices)[0];
    const input = {
      pricesBySymbol: riskInput.prices,
      positions: [{ symbol, quantity: 0 }],
      varMethod: 'foo' as never,
    };
    expect(() => buildRiskReport(input)).toThrow(/buildRiskReport: varMethod must be one of/);
  });
});

describe('audit 5: backtest statistics', () => {
  it('kupiecPOF at x = N·p is exactly 0 (clamped), p-value 1', () => {
    expect(kupiecPOF(130, 13, 0.9)).toEqual({ statistic: 0, pValue: 1 });
  });

  it.each([
    [{ n00: -1, n01: 1, n10: 1, n11: 1 }, /n00/],
    [{ n00: 1, n01: NaN, n10: 1, n11: 1 }, /n01/],
    [{ n00: 1, n01: 1, n10: 0.5, n11: 1 }, /n10/],
  ])('christoffersenIndependence rejects %j', (counts, name) => {
    expect(() => christoffersenIndependence(counts)).toThrow(RangeError);
    expect(() => christoffersenIndependence(counts)).toThrow(name);
  });
});

describe('audit 6: Cornish–Fisher finiteness and quantile arguments', () => {
  it('parametricVaR with Cornish–Fisher names overflowing returns instead of returning NaN', () => {
    const huge = [1e300, -1e300, 5e299, -2e299];
    expect(() => parametricVaR(huge, 0.99, { cornishFisher: true })).toThrow(/^parametricVaR: returns/);
  });

  it('quantileSorted / quantileInPlace reject an empty sample and p < 0', () => {
    expect(() => quantileSorted(new Float64Array(0), 0.5, 'linear')).toThrow(/quantileSorted/);
    expect(() => quantileInPlace(new Float64Array(0), 0.5, 'linear')).toThrow(/quantileInPlace/);
    expect(() => quantileSorted(Float64Array.from([1, 2]), -0.1, 'linear')).toThrow(/quantileSorted: p/);
    expect(() => quantileInPlace(Float64Array.from([1, 2]), -0.1, 'linear')).toThrow(/quantileInPlace: p/);
  });
});
