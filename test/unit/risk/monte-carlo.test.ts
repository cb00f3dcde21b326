import {
  createRandom,
  gaussianES,
  gaussianVaR,
  historicalVaR,
  monteCarloVaR,
  normalCdf,
  simulatePortfolioReturns,
  mean,
  std,
} from '../../../src/risk';
import { createRandomFromState } from '../../../src/risk/random';
import { riskInput, riskReference } from './fixtures';

// A correlated three-asset book with a short leg, daily horizon.
const book = {
  mean: [0.0004, 0.0001, -0.0002],
  covariance: [
    [0.0004, 0.00018, -0.00003],
    [0.00018, 0.000225, 0.00001],
    [-0.00003, 0.00001, 0.0001],
  ],
  weights: [0.5, -0.2, 0.3],
};

function portfolioMoments(input: typeof book): { mu: number; sigma: number } {
  const { mean: mu, covariance: cov, weights: w } = input;
  let variance = 0;
  for (let i = 0; i < w.length; i++) for (let j = 0; j < w.length; j++) variance += w[i] * cov[i][j] * w[j];
  return { mu: w.reduce((sum, wi, i) => sum + wi * mu[i], 0), sigma: Math.sqrt(variance) };
}

describe('seeded generator', () => {
  it('is xoshiro128**: the reference algorithm’s outputs from state {1, 2, 3, 4}', () => {
    const random = createRandomFromState(riskInput.xoshiroState);
    const outputs = riskReference.xoshiro128ss.map(() => random.nextUint32());
    expect(outputs).toEqual(riskReference.xoshiro128ss);
  });

  it('repeats a stream for the same seed and not for another', () => {
    const draw = (seed: number) => {
      const random = createRandom(seed);
      return Array.from({ length: 8 }, () => random.nextNormal());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    expect(draw(-42)).not.toEqual(draw(42));
    expect(draw(2 ** 40 + 42)).not.toEqual(draw(42));
  });

  it('draws uniforms in (0, 1) and standard normals with the right moments and tail', () => {
    const random = createRandom(7);
    const n = 200_000;
    const uniforms = new Float64Array(n);
    const normals = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      uniforms[i] = random.nextUniform();
      normals[i] = random.nextNormal();
    }
    expect(uniforms.reduce((a, b) => Math.min(a, b))).toBeGreaterThan(0);
    expect(uniforms.reduce((a, b) => Math.max(a, b))).toBeLessThan(1);
    expect(mean(uniforms)).toBeCloseTo(0.5, 2);
    // Standard errors: 1/√n ≈ 0.0022 for the mean, ≈ 0.003 for the variance, ≈ 0.0002 for the 1 % tail.
    expect(Math.abs(mean(normals))).toBeLessThan(0.01);
    expect(Math.abs(std(normals) - 1)).toBeLessThan(0.01);
    const below = normals.filter((z) => z < -2.3263478740408408).length / n;
    expect(Math.abs(below - 0.01)).toBeLessThan(0.001);
  });

  it('fills arrays with exactly the normals nextNormal draws, continuing the same stream', () => {
    const filled = createRandom(5);
    const drawn = createRandom(5);
    const target = new Float64Array(50_000);
    filled.fillNormals(target.subarray(0, 20_001));
    filled.fillNormals(target.subarray(20_001));
    for (let i = 0; i < target.length; i++) {
      if (target[i] !== drawn.nextNormal()) throw new Error(`normal ${i} differs`);
    }
    expect(filled.nextUint32()).toBe(drawn.nextUint32());
  });

  it('draws standard normals: Kolmogorov–Smirnov against Φ, and the ziggurat tail beyond 3.654', () => {
    const n = 400_000;
    const z = new Float64Array(n);
    createRandom(2026).fillNormals(z);
    const sorted = Float64Array.from(z).sort();
    let distance = 0;
    for (let i = 0; i < n; i++) {
      const cdf = normalCdf(sorted[i]);
      distance = Math.max(distance, cdf - i / n, (i + 1) / n - cdf);
    }
    // 1.63/√n is the 1 % critical value of the KS statistic.
    expect(distance).toBeLessThan(1.63 / Math.sqrt(n));
    // P(|Z| > 3.654) = 2.58e-4: about 103 of 400,000 (σ ≈ 10) come from the tail method.
    const tail = z.filter((x) => Math.abs(x) > 3.6541528853610088).length;
    expect(Math.abs(tail - n * 2 * normalCdf(-3.6541528853610088))).toBeLessThan(40);
  });

  it('rejects a seed that is not a safe integer', () => {
    expect(() => createRandom(1.5)).toThrow(/seed must be a safe integer, got 1.5/);
  });
});

describe('monteCarloVaR', () => {
  const { mu, sigma } = portfolioMoments(book);

  it('converges to the Gaussian VaR and ES of wᵀμ, √(wᵀΣw) with 200k paths', () => {
    for (const confidence of [0.95, 0.99]) {
      const result = monteCarloVaR({ ...book, confidence, paths: 200_000, seed: 42 });
      expect(Math.abs(result.var / gaussianVaR(mu, sigma, confidence) - 1)).toBeLessThan(0.02);
      expect(Math.abs(result.es / gaussianES(mu, sigma, confidence) - 1)).toBeLessThan(0.02);
      expect(result.es).toBeGreaterThan(result.var);
      expect(result).toMatchObject({ paths: 200_000, seed: 42 });
    }
  });

  it('uses the covariance: the simulated P&L has the portfolio’s mean and σ', () => {
    const simulated = simulatePortfolioReturns({ ...book, paths: 200_000, seed: 3 });
    expect(Math.abs(mean(simulated) - mu)).toBeLessThan((4 * sigma) / Math.sqrt(200_000));
    expect(Math.abs(std(simulated) / sigma - 1)).toBeLessThan(0.01);
    // Ignoring correlation would give a visibly different σ, so this is a real check of the Cholesky step.
    const independent = Math.sqrt(book.weights.reduce((s, w, i) => s + w * w * book.covariance[i][i], 0));
    expect(Math.abs(independent / sigma - 1)).toBeGreaterThan(0.05);
  });

  it('is the named empirical quantile of the simulated returns', () => {
    const input = { ...book, paths: 5_000, seed: 11 };
    const simulated = simulatePortfolioReturns(input);
    for (const method of ['linear', 'inverted_cdf'] as const) {
      expect(monteCarloVaR({ ...input, confidence: 0.99, varMethod: method }).var).toBe(
        historicalVaR(simulated, 0.99, method),
      );
    }
  });

  it('gives the identical result for the same seed and a different one for another seed', () => {
    const run = (seed: number) => monteCarloVaR({ ...book, confidence: 0.99, paths: 20_000, seed });
    expect(run(42)).toEqual(run(42));
    expect(run(43).var).not.toBe(run(42).var);
  });

  it('simulates h-day returns N(μ·h, Σ·h) from the same draws: h·drift + √h·shock', () => {
    const input = { ...book, paths: 2_000, seed: 9 };
    const daily = simulatePortfolioReturns(input);
    const tenDay = simulatePortfolioReturns({ ...input, horizonDays: 10 });
    expect(simulatePortfolioReturns({ ...input, horizonDays: 1 })).toEqual(daily);
    for (let i = 0; i < daily.length; i++) {
      expect(tenDay[i]).toBeCloseTo(10 * mu + Math.sqrt(10) * (daily[i] - mu), 14);
    }
  });

  it('converges to the Gaussian h-day VaR and ES −μ·h − z·σ·√h with 200k paths', () => {
    const h = 10;
    const result = monteCarloVaR({ ...book, confidence: 0.99, paths: 200_000, seed: 42, horizonDays: h });
    expect(result.horizonDays).toBe(h);
    expect(Math.abs(result.var / gaussianVaR(mu * h, sigma * Math.sqrt(h), 0.99) - 1)).toBeLessThan(0.02);
    expect(Math.abs(result.es / gaussianES(mu * h, sigma * Math.sqrt(h), 0.99) - 1)).toBeLessThan(0.02);
    expect(() => monteCarloVaR({ ...book, confidence: 0.99, paths: 10, seed: 1, horizonDays: 0 })).toThrow(
      /monteCarloVaR: horizonDays must be a positive integer, got 0/,
    );
  });

  it('handles a singular covariance (two assets in lockstep)', () => {
    const twin = {
      mean: [0.0003, 0.0003],
      covariance: [
        [0.0004, 0.0004],
        [0.0004, 0.0004],
      ],
      weights: [0.5, 0.5],
    };
    const result = monteCarloVaR({ ...twin, confidence: 0.99, paths: 200_000, seed: 5 });
    expect(Math.abs(result.var / gaussianVaR(0.0003, 0.02, 0.99) - 1)).toBeLessThan(0.02);
  });

  it('is exactly −μ for a riskless asset', () => {
    const result = monteCarloVaR({
      mean: [0.001],
      covariance: [[0]],
      weights: [1],
      confidence: 0.99,
      paths: 100,
      seed: 1,
    });
    expect(result.var).toBe(-0.001);
    expect(result.es).toBe(-0.001);
  });

  it('validates its input, naming the argument', () => {
    const base = { ...book, confidence: 0.99, paths: 1000, seed: 1 };
    expect(() => monteCarloVaR({ ...base, weights: [1, 0] })).toThrow(/weights has 2 entries but mean has 3/);
    expect(() => monteCarloVaR({ ...base, covariance: book.covariance.slice(1) })).toThrow(
      /covariance must be a 3×3/,
    );
    expect(() => monteCarloVaR({ ...base, paths: 0 })).toThrow(/paths must be a positive integer, got 0/);
    expect(() => monteCarloVaR({ ...base, seed: NaN })).toThrow(/seed must be a safe integer/);
    expect(() => monteCarloVaR({ ...base, confidence: 1 })).toThrow(
      /confidence must be a number in \(0, 1\)/,
    );
    expect(() => monteCarloVaR({ ...base, mean: [0, NaN, 0] })).toThrow(/mean\[1\] is NaN/);
    const indefinite = [
      [1, 2, 0],
      [2, 1, 0],
      [0, 0, 1],
    ];
    expect(() => monteCarloVaR({ ...base, covariance: indefinite })).toThrow(/not positive definite/);
  });
});
