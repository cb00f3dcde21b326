/**
 * Monte Carlo VaR/ES of a portfolio whose asset returns are jointly Gaussian N(μ, Σ): correlated shocks L·z
 * (Σ = L·Lᵀ by Cholesky) from a seeded generator, then the empirical quantile of the simulated portfolio returns.
 */
import { assertSemidefiniteTolerance, choleskyFactor } from './cholesky';
import { QUANTILE_METHODS, type QuantileMethod } from './quantile';
import { createRandom } from './random';
import {
  assertConfidence,
  assertFiniteResult,
  assertHorizon,
  assertPositiveInteger,
  assertRecord,
  assertSeries,
  tailProbability,
} from './validation';
import {
  EXPECTED_SHORTFALL_METHODS,
  esFromSorted,
  orderTailInPlace,
  varInPlace,
  type ExpectedShortfallMethod,
} from './var';

export interface PortfolioSimulationInput {
  /** Per-asset mean return per period (daily in the report). */
  mean: number[];
  /** Per-asset return covariance per period (symmetric, positive semidefinite). */
  covariance: number[][];
  /**
   * Periods h to simulate (default 1): each path is one h-period return drawn from N(μ·h, Σ·h), i.e. the sum of
   * h i.i.d. daily returns — simulated as wᵀμ·h + √h·(Lᵀw)ᵀz, one normal vector per path.
   */
  horizonDays?: number;
  /** Portfolio weights (fractions of the value VaR is expressed in; may be negative for shorts). */
  weights: number[];
  paths: number;
  seed: number;
  /**
   * Pivots below this × the largest variance count as zero, so a singular sample covariance (lockstep series,
   * a constant price, fewer returns than assets) still simulates. Default 1e-12; must be in [0, 1).
   */
  semidefiniteTolerance?: number;
}

export interface MonteCarloInput extends PortfolioSimulationInput {
  confidence: number;
  /** Quantile method for VaR on the simulated sample; default `linear`. */
  varMethod?: QuantileMethod;
  /** ES form on the simulated sample; default `rockafellar_uryasev`. */
  esMethod?: ExpectedShortfallMethod;
}

export interface MonteCarloResult {
  /** Positive loss fraction of portfolio value over the horizon. */
  var: number;
  es: number;
  paths: number;
  seed: number;
  horizonDays: number;
}

/** Checks the simulation input for `fn` (the public function called); returns the number of assets. */
function assertDimensions(fn: string, input: PortfolioSimulationInput): number {
  assertRecord(fn, 'input', input);
  const k = assertSeries(fn, 'mean', input.mean, 1);
  if (assertSeries(fn, 'weights', input.weights, 1) !== k) {
    throw new RangeError(`${fn}: weights has ${input.weights.length} entries but mean has ${k}`);
  }
  if (!Array.isArray(input.covariance) || input.covariance.length !== k) {
    throw new RangeError(`${fn}: covariance must be a ${k}×${k} matrix to match mean`);
  }
  input.covariance.forEach((row, i) => {
    if (assertSeries(fn, `covariance[${i}]`, row, 1) !== k) {
      throw new RangeError(`${fn}: covariance row ${i} has ${row.length} entries, expected ${k}`);
    }
  });
  assertPositiveInteger(fn, 'paths', input.paths);
  if (input.paths < 2) throw new RangeError(`${fn}: paths must be at least 2, got ${input.paths}`);
  if (!Number.isSafeInteger(input.seed)) {
    throw new RangeError(`${fn}: seed must be a safe integer, got ${String(input.seed)}`);
  }
  assertHorizon(fn, input.horizonDays ?? 1);
  if (input.semidefiniteTolerance !== undefined) {
    assertSemidefiniteTolerance(fn, 'semidefiniteTolerance', input.semidefiniteTolerance);
  }
  return k;
}

/** Paths whose normals are drawn in one call (256 × 50 assets = 100 kB of normals). */
const PATHS_PER_CHUNK = 256;

/** Σ_j loadings[j]·normals[offset + j], four accumulators so the additions overlap. */
function dotAt(loadings: Float64Array, normals: Float64Array, offset: number): number {
  const k = loadings.length;
  const tail = k & 3;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let j = 0; j < k - tail; j += 4) {
    s0 += loadings[j] * normals[offset + j];
    s1 += loadings[j + 1] * normals[offset + j + 1];
    s2 += loadings[j + 2] * normals[offset + j + 2];
    s3 += loadings[j + 3] * normals[offset + j + 3];
  }
  for (let j = k - tail; j < k; j++) s0 += loadings[j] * normals[offset + j];
  return s0 + s1 + (s2 + s3);
}

/** One simulated portfolio return wᵀ(μ·h + √h·L·z) per path (h = horizonDays, default 1). */
export function simulatePortfolioReturns(input: PortfolioSimulationInput): Float64Array {
  return simulate('simulatePortfolioReturns', input);
}

/**
 * A bound on |z| with room to spare: the ziggurat's normals are below 10 in magnitude (its tail method returns at
 * most TAIL_START + ln 2³³ / TAIL_START ≈ 9.9, the uniforms being at least 2⁻³³).
 */
const NORMAL_BOUND = 16;

function simulate(fn: string, input: PortfolioSimulationInput): Float64Array {
  const k = assertDimensions(fn, input);
  const horizon = input.horizonDays ?? 1;
  const rootH = Math.sqrt(horizon);
  const lower = choleskyFactor(input.covariance, input.semidefiniteTolerance ?? 1e-12, fn, 'covariance');
  // wᵀ(μ + L·z) = wᵀμ + (Lᵀw)ᵀz: the same draws as simulating every asset then aggregating, at O(k) per path.
  // Σ·h = (√h·L)(√h·L)ᵀ, so the h-day shock is the 1-day loading times √h (h = 1 multiplies by exactly 1).
  let drift = 0;
  for (let i = 0; i < k; i++) drift += input.weights[i] * input.mean[i];
  drift *= horizon;
  assertFiniteResult(fn, 'weights and mean', drift);
  const loadings = new Float64Array(k);
  // |drift| + NORMAL_BOUND·Σ|loading| bounds every path's return (with room for rounding).
  let bound = Math.abs(drift);
  for (let j = 0; j < k; j++) {
    let sum = 0;
    for (let i = j; i < k; i++) sum += lower[i][j] * input.weights[i];
    loadings[j] = assertFiniteResult(fn, 'weights and covariance', sum * rootH);
    bound += NORMAL_BOUND * Math.abs(loadings[j]);
  }

  const random = createRandom(input.seed);
  const simulated = new Float64Array(input.paths);
  // Normals for a chunk of paths at a time, path by path (path p of the chunk reads normals[p·k … p·k + k − 1]).
  const normals = new Float64Array(Math.min(PATHS_PER_CHUNK, input.paths) * k);
  for (let first = 0; first < input.paths; first += PATHS_PER_CHUNK) {
    const count = Math.min(PATHS_PER_CHUNK, input.paths - first);
    random.fillNormals(count * k === normals.length ? normals : normals.subarray(0, count * k));
    for (let p = 0; p < count; p++) simulated[first + p] = drift + dotAt(loadings, normals, p * k);
  }
  // Only a bound past the largest double (finite inputs near ±1.8e308) can let a path overflow: check them then.
  if (!Number.isFinite(bound)) {
    for (let p = 0; p < simulated.length; p++) {
      assertFiniteResult(fn, 'mean, covariance and weights', simulated[p]);
    }
  }
  return simulated;
}

export function monteCarloVaR(input: MonteCarloInput): MonteCarloResult {
  assertRecord('monteCarloVaR', 'input', input);
  const { confidence, varMethod = 'linear', esMethod = 'rockafellar_uryasev' } = input;
  assertConfidence('monteCarloVaR', confidence);
  if (!QUANTILE_METHODS.includes(varMethod)) {
    throw new RangeError(`monteCarloVaR: varMethod must be one of ${QUANTILE_METHODS.join(', ')}`);
  }
  if (!EXPECTED_SHORTFALL_METHODS.includes(esMethod)) {
    throw new RangeError(`monteCarloVaR: esMethod must be one of ${EXPECTED_SHORTFALL_METHODS.join(', ')}`);
  }
  // A fresh array, reordered in place: no full sort. The ES tail (≈ n·p smallest paths) is selected and ordered
  // first; the VaR order statistics lie in or just past it, so the VaR needs at most a selection in the rest.
  const simulated = simulate('monteCarloVaR', input);
  const p = tailProbability(confidence);
  const ordered = orderTailInPlace(simulated, p, esMethod);
  const es = esFromSorted(simulated, p, esMethod);
  return {
    var: assertFiniteResult(
      'monteCarloVaR',
      'mean, covariance and weights',
      varInPlace(simulated, p, varMethod, ordered),
    ),
    es: assertFiniteResult('monteCarloVaR', 'mean, covariance and weights', es),
    paths: input.paths,
    seed: input.seed,
    horizonDays: input.horizonDays ?? 1,
  };
}
