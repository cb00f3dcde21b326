import {
  esScenarioWeights,
  eulerShares,
  expectedShortfall,
  gaussianVaR,
  historicalContributions,
  historicalVaR,
  inverseNormalCdf,
  parametricContributions,
  scenarioOrder,
  varScenarioWeights,
} from '../../../src/risk';
import { riskInput } from './fixtures';

const sum = (values: ArrayLike<number>): number => Array.from(values).reduce((a, b) => a + b, 0);

const covariance = [
  [0.0004, 0.00018, -0.00003],
  [0.00018, 0.000225, 0.00001],
  [-0.00003, 0.00001, 0.0001],
];
const weights = [0.5, -0.2, 0.3];
const portfolioSigma = Math.sqrt(
  weights.reduce((s, wi, i) => s + weights.reduce((t, wj, j) => t + wi * covariance[i][j] * wj, 0), 0),
);

describe('Euler (parametric) contributions', () => {
  it('shares w_i·(Σw)_i / wᵀΣw sum to 1, a hedge taking a negative share', () => {
    const shares = eulerShares(weights, covariance);
    expect(sum(shares)).toBeCloseTo(1, 14);
    // w₂ = −0.2 is short an asset positively correlated with the long one: it offsets risk.
    expect(shares[1]).toBeLessThan(0);
    const manual = (0.5 * (0.0004 * 0.5 + 0.00018 * -0.2 - 0.00003 * 0.3)) / portfolioSigma ** 2;
    expect(shares[0]).toBeCloseTo(manual, 14);
  });

  it('contributions sum to −z_p·σ_p·√h, the Gaussian VaR less its mean term', () => {
    for (const h of [1, 10]) {
      const contributions = parametricContributions(weights, covariance, 0.99, h);
      const volatilityTerm = -inverseNormalCdf(0.01) * portfolioSigma * Math.sqrt(h);
      expect(sum(contributions)).toBeCloseTo(volatilityTerm, 14);
      // With mean μ_p the VaR is −μ_p·h + that term, so Σ C_i = VaR + μ_p·h.
      const mu = 0.0003;
      expect(sum(contributions)).toBeCloseTo(
        gaussianVaR(mu * h, portfolioSigma * Math.sqrt(h), 0.99) + mu * h,
        14,
      );
    }
  });

  it('gives zeros when the portfolio has no variance, and checks shapes', () => {
    expect(Array.from(parametricContributions([1], [[0]], 0.99))).toEqual([0]);
    expect(() => eulerShares([1, 2], [[1]])).toThrow(/covariance must be 2×2/);
    expect(() => parametricContributions(weights, covariance, 0.99, 0)).toThrow(/horizonDays/);
  });
});

describe('historical scenario contributions', () => {
  const series = riskInput.series;
  const assets = [series.fatTailed250.slice(0, 200), series.gaussian200];
  const w = [0.7, -0.3];
  const portfolio = assets[0].map((r, t) => w[0] * r + w[1] * assets[1][t]);

  it.each([
    [0.99, 'linear', 'rockafellar_uryasev'],
    [0.975, 'inverted_cdf', 'mean_k_worst'],
    [0.95, 'linear', 'mean_k_worst'],
    [0.9, 'inverted_cdf', 'rockafellar_uryasev'],
  ] as const)(
    'at %s with %s VaR and %s ES they add up to the portfolio figures',
    (c, varMethod, esMethod) => {
      for (const horizonDays of [1, 10]) {
        const result = historicalContributions(w, assets, {
          confidence: c,
          varMethod,
          esMethod,
          horizonDays,
        });
        expect(sum(result.var)).toBeCloseTo(historicalVaR(portfolio, c, varMethod, horizonDays), 14);
        expect(sum(result.es)).toBeCloseTo(expectedShortfall(portfolio, c, esMethod, horizonDays), 14);
        expect(sum(result.varScenarios.weights)).toBeCloseTo(1, 14);
        expect(sum(result.esScenarios.weights)).toBeCloseTo(1, 14);
      }
    },
  );

  it('allocates the inverted_cdf VaR to each position’s P&L on the VaR day', () => {
    const result = historicalContributions(w, assets, { confidence: 0.99, varMethod: 'inverted_cdf' });
    const [day] = result.varScenarios.days;
    expect(result.varScenarios.weights).toEqual([1]);
    expect(result.var[0]).toBe(0 - w[0] * assets[0][day]);
    expect(result.var[1]).toBe(0 - w[1] * assets[1][day]);
    expect(-portfolio[day]).toBeCloseTo(historicalVaR(portfolio, 0.99, 'inverted_cdf'), 15);
  });

  it('puts RU weights 1/(n·p) on the worst scenarios and the remainder on the boundary (n·p = 2.4)', () => {
    const order = scenarioOrder(series.ties20);
    const { days, weights: omega } = esScenarioWeights(order, 0.12, 'rockafellar_uryasev');
    expect(days).toEqual([0, 1, 2]); // −0.031, −0.031, then the first −0.027 by date
    expect(omega[0]).toBeCloseTo(1 / 2.4, 15);
    expect(omega[2]).toBeCloseTo(0.4 / 2.4, 15);
    expect(esScenarioWeights(order, 0.12, 'mean_k_worst').weights).toEqual([1 / 3, 1 / 3, 1 / 3]);
  });

  it('ranks tied scenarios by date and interpolates linear VaR between two of them', () => {
    expect(Array.from(scenarioOrder([0.1, -0.2, 0.1, -0.2, 0]))).toEqual([1, 3, 4, 0, 2]);
    // n = 20, p = 0.12: (n − 1)·p = 2.28 → 0.72 on the third-worst, 0.28 on the fourth-worst.
    const { days, weights: omega } = varScenarioWeights(scenarioOrder(series.ties20), 0.12, 'linear');
    expect(days).toEqual([2, 3]);
    expect(omega[0]).toBeCloseTo(0.72, 14);
    expect(omega[1]).toBeCloseTo(0.28, 14);
  });

  it('validates shapes', () => {
    expect(() => historicalContributions([1, 2], [assets[0]], { confidence: 0.99 })).toThrow(
      /needs one return series per weight \(2\)/,
    );
    expect(() => historicalContributions(w, [assets[0], assets[1].slice(1)], { confidence: 0.99 })).toThrow(
      /returns\[1\] has 199 values but returns\[0\] has 200/,
    );
  });
});
