import {
  alignedReturnMatrix,
  cholesky,
  correlationFromCovariance,
  correlationMatrix,
  covarianceMatrix,
  erfc,
  excessKurtosis,
  inverseNormalCdf,
  mean,
  meanAndVariance,
  normalCdf,
  normalPdf,
  skewness,
  std,
  variance,
} from '../../../src/risk';
import { riskInput, riskReference } from './fixtures';

const seriesNames = Object.keys(riskReference.series);
const portfolio = riskReference.portfolio;
const aligned = alignedReturnMatrix(riskInput.prices);

function expectMatrixClose(actual: number[][], expected: number[][], digits = 10): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((row, i) => {
    expect(row).toHaveLength(expected[i].length);
    row.forEach((value, j) => expect(value).toBeCloseTo(expected[i][j], digits));
  });
}

function relativeError(actual: number, expected: number): number {
  return expected === 0 ? Math.abs(actual) : Math.abs(actual / expected - 1);
}

describe('moments against numpy/scipy', () => {
  it.each(seriesNames)('%s: mean, std (ddof 1 and 0), skewness, excess kurtosis', (name) => {
    const returns = riskInput.series[name];
    const expected = riskReference.series[name];
    expect(mean(returns)).toBeCloseTo(expected.mean, 12);
    expect(std(returns)).toBeCloseTo(expected.std, 12);
    expect(std(returns, 0)).toBeCloseTo(expected.stdDdof0, 12);
    expect(variance(returns)).toBeCloseTo(expected.std ** 2, 12);
    expect(skewness(returns)).toBeCloseTo(expected.skewness, 10);
    expect(excessKurtosis(returns)).toBeCloseTo(expected.excessKurtosis, 10);
  });

  it('works on Float64Array input as on arrays', () => {
    const returns = riskInput.series.gaussian200;
    expect(std(Float64Array.from(returns))).toBe(std(returns));
  });

  it('rejects an empty series and a NaN', () => {
    expect(() => mean([])).toThrow(/mean: values must have at least 1 values, got 0/);
    expect(() => std([1, NaN, 2])).toThrow(/values\[1\] is NaN/);
  });

  it('names a NaN or infinite value in a Float64Array too (found through the sum)', () => {
    expect(() => mean(Float64Array.from([1, 2, NaN, 4, 5]))).toThrow(/mean: values\[2\] is NaN/);
    expect(() => variance(Float64Array.from([1, -Infinity, 2]))).toThrow(
      /variance: values\[1\] is -Infinity/,
    );
    expect(() => meanAndVariance(Float64Array.from([Infinity, -Infinity]))).toThrow(
      /values\[0\] is Infinity/,
    );
  });

  it('meanAndVariance gives mean and variance in one call, for every length mod 4', () => {
    const returns = riskInput.series.gaussian200;
    for (let n = 1; n <= 9; n++) {
      const values = Float64Array.from(returns.slice(0, n + 1));
      const { mean: m, variance: v } = meanAndVariance(values);
      const expectedMean = Array.from(values).reduce((a, b) => a + b, 0) / values.length;
      const expectedVariance =
        Array.from(values).reduce((a, b) => a + (b - expectedMean) ** 2, 0) / (values.length - 1);
      expect(m).toBeCloseTo(expectedMean, 15);
      expect(Math.abs(v / expectedVariance - 1)).toBeLessThan(1e-13);
      expect(m).toBe(mean(values));
      expect(v).toBe(variance(values));
    }
    expect(meanAndVariance(returns, 0).variance).toBeCloseTo(
      riskReference.series.gaussian200.stdDdof0 ** 2,
      14,
    );
  });
});

describe('covariance and correlation against np.cov / np.corrcoef', () => {
  it('matches the aligned return matrix of the fixture prices', () => {
    expectMatrixClose(covarianceMatrix(aligned.returns), portfolio.covariance, 14);
    expectMatrixClose(correlationMatrix(aligned.returns), portfolio.correlation, 12);
  });

  it('correlationMatrix is bit for bit the correlation of covarianceMatrix', () => {
    const series = Array.from({ length: 9 }, (_, i) =>
      Float64Array.from(
        aligned.returns[i % aligned.returns.length],
        (r, t) => r * (1 + i) + 1e-4 * Math.sin(t * i),
      ),
    );
    expect(correlationMatrix(series)).toEqual(correlationFromCovariance(covarianceMatrix(series)));
  });

  it('is symmetric with a unit diagonal and |ρ| ≤ 1', () => {
    const rho = correlationMatrix(aligned.returns);
    rho.forEach((row, i) => {
      expect(row[i]).toBe(1);
      row.forEach((value, j) => {
        expect(value).toBe(rho[j][i]);
        expect(Math.abs(value)).toBeLessThanOrEqual(1);
      });
    });
  });

  it('gives ±1 for exactly linear series and 0 for a constant one', () => {
    const x = [0.01, -0.02, 0.015, 0.003];
    const rho = correlationMatrix([x, x.map((v) => -2 * v + 0.001), [0.5, 0.5, 0.5, 0.5]]);
    expect(rho[0][1]).toBeCloseTo(-1, 14);
    expect(rho[0][2]).toBe(0);
    expect(rho[2][2]).toBe(1);
  });

  it('rejects series of different lengths', () => {
    expect(() =>
      covarianceMatrix([
        [1, 2, 3],
        [1, 2],
      ]),
    ).toThrow(/series\[1\] has 2 values but series\[0\] has 3/);
  });
});

describe('cholesky', () => {
  it('matches np.linalg.cholesky and reproduces the matrix', () => {
    const lower = cholesky(portfolio.covariance);
    expectMatrixClose(lower, portfolio.cholesky, 14);
    const k = lower.length;
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        let sum = 0;
        for (let m = 0; m < k; m++) sum += lower[i][m] * lower[j][m];
        expect(sum).toBeCloseTo(portfolio.covariance[i][j], 16);
        if (j > i) expect(lower[i][j]).toBe(0);
      }
    }
  });

  it('throws a clear error on a matrix that is not positive definite', () => {
    const indefinite = [
      [1, 2],
      [2, 1],
    ];
    expect(() => cholesky(indefinite)).toThrow(RangeError);
    expect(() => cholesky(indefinite)).toThrow(/not positive definite \(pivot 1 is -3\)/);
    // Singular (rank 1) is not definite either, unless semidefinite input is allowed.
    const singular = [
      [4, 2],
      [2, 1],
    ];
    expect(() => cholesky(singular)).toThrow(/not positive definite/);
    expect(cholesky(singular, { semidefiniteTolerance: 1e-12 })).toEqual([
      [2, 0],
      [1, 0],
    ]);
    expect(() => cholesky(indefinite, { semidefiniteTolerance: 1e-12 })).toThrow(/not positive definite/);
  });

  it('rejects non-square and asymmetric input', () => {
    expect(() => cholesky([[1, 0]])).toThrow(/square/);
    expect(() =>
      cholesky([
        [1, 0.5],
        [0.4, 1],
      ]),
    ).toThrow(/not symmetric at \[0\]\[1\]/);
  });
});

describe('standard normal against scipy.stats.norm', () => {
  const { cdfPoints, ppfProbabilities } = riskInput.normal;

  it.each(cdfPoints.map((x, i) => [x, i]))('Φ, φ and erfc at %p', (x, i) => {
    expect(normalCdf(x)).toBeCloseTo(riskReference.normal.cdf[i], 14);
    expect(relativeError(normalCdf(x), riskReference.normal.cdf[i])).toBeLessThan(1e-12);
    expect(normalPdf(x)).toBeCloseTo(riskReference.normal.pdf[i], 14);
    expect(relativeError(erfc(x), riskReference.normal.erfc[i])).toBeLessThan(1e-12);
  });

  it.each(ppfProbabilities.map((p, i) => [p, i]))('Φ⁻¹(%p)', (p, i) => {
    expect(inverseNormalCdf(p)).toBeCloseTo(riskReference.normal.ppf[i], 12);
    expect(relativeError(inverseNormalCdf(p), riskReference.normal.ppf[i])).toBeLessThan(1e-12);
  });

  it('inverts Φ to full precision where Φ(x) itself is precise (x ≤ 1; above, 1 − Φ loses digits)', () => {
    for (let x = -8; x <= 1; x += 0.37) expect(inverseNormalCdf(normalCdf(x))).toBeCloseTo(x, 12);
    for (let x = 0.5; x <= 8; x += 0.37) expect(inverseNormalCdf(normalCdf(-x))).toBeCloseTo(-x, 12);
  });

  it('is symmetric: Φ⁻¹(1 − p) = −Φ⁻¹(p)', () => {
    for (const p of [0.001, 0.01, 0.2, 0.4])
      expect(inverseNormalCdf(1 - p)).toBeCloseTo(-inverseNormalCdf(p), 12);
  });

  it('maps 0 and 1 to infinities and rejects non-probabilities', () => {
    expect(inverseNormalCdf(0)).toBe(-Infinity);
    expect(inverseNormalCdf(1)).toBe(Infinity);
    expect(() => inverseNormalCdf(1.2)).toThrow(/p must be a probability in \[0, 1\], got 1.2/);
    expect(() => inverseNormalCdf(NaN)).toThrow(RangeError);
  });
});
