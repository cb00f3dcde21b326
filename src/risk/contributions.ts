/**
 * Risk contributions: how much of a portfolio VaR/ES each position carries, so a breach can name its drivers.
 * Everything is in loss fractions of the weight base (gross notional in the report); multiply by it for currency.
 *
 * - Parametric (Euler allocation of the Gaussian volatility term). With σ_p = √(wᵀΣw),
 *     C_i = −z_p·√h · w_i·(Σw)_i / σ_p,     Σ_i C_i = −z_p·σ_p·√h = VaR_param + μ_p·h,
 *   i.e. the contributions add up to the parametric VaR *less its mean term* (−μ_p·h is not allocated).
 * - Historical (scenario allocation). Portfolio scenarios are ranked by return, ties by date (earlier first);
 *   the VaR or ES is a weighted sum of the ranked scenarios' losses, Σ_d ω_d·(−r_{p,d}), and position i gets the
 *   same weighted sum of its own P&L, C_i = −√h · Σ_d ω_d·w_i·r_{i,d}. These add up to the historical VaR / ES
 *   exactly (they are linear in the weights). The ω_d are those of the quantile / ES definition in use:
 *   `linear` VaR: 1 − γ and γ on the order statistics j = ⌊(n − 1)p⌋ and j + 1 (γ = (n − 1)p − j);
 *   `inverted_cdf` VaR: 1 on order statistic ⌈np⌉ − 1 (0-based);
 *   `rockafellar_uryasev` ES: 1/(np) on the ⌈np⌉ − 1 worst and 1 − (⌈np⌉ − 1)/(np) on the next;
 *   `mean_k_worst` ES: 1/k on the k = ⌊(n − 1)p⌋ + 1 worst.
 */
import { inverseNormalCdf } from './normal';
import { invertedCdfIndex, QUANTILE_METHODS, type QuantileMethod } from './quantile';
import {
  assertConfidence,
  assertFiniteResult,
  assertHorizon,
  assertLength,
  assertOneOf,
  assertSeries,
  assertSquareMatrix,
  tailProbability,
} from './validation';
import { EXPECTED_SHORTFALL_METHODS, type ExpectedShortfallMethod } from './var';

// Module-level reference: `Math.sqrt` inside jest's vm context is a global lookup per call.
const { sqrt } = Math;

/** One pass over a kernel's output (one value per position): finite inputs whose products overflowed. */
function checkedOutput(fn: string, inputs: string, values: Float64Array): Float64Array {
  for (let i = 0; i < values.length; i++) assertFiniteResult(fn, inputs, values[i]);
  return values;
}

function assertWeightsAndSeries(fn: string, weights: ArrayLike<number>, series: ArrayLike<number>[]): number {
  const k = assertSeries(fn, 'weights', weights, 1);
  if (!Array.isArray(series) || series.length !== k) {
    throw new RangeError(`${fn}: needs one return series per weight (${k})`);
  }
  const n = assertSeries(fn, 'returns[0]', series[0]);
  series.forEach((s, i) => {
    if (assertSeries(fn, `returns[${i}]`, s) !== n) {
      throw new RangeError(`${fn}: returns[${i}] has ${s.length} values but returns[0] has ${n}`);
    }
  });
  return n;
}

/**
 * (Σw)_i and wᵀΣw, with Σ checked once per call rather than per entry inside the product: a NaN or ±Infinity
 * anywhere in Σ makes some (Σw)_i non-finite (0·∞ is NaN too), and so wᵀΣw, so a finite wᵀΣw proves every entry
 * finite; only otherwise is Σ scanned, to name the entry. A negative variance on the diagonal, or wᵀΣw below
 * zero by more than rounding (Σ not positive semidefinite), is an error rather than "no risk".
 */
function marginalAndVariance(
  fn: string,
  weights: ArrayLike<number>,
  covariance: number[][],
): { marginal: Float64Array; variance: number } {
  const k = assertSeries(fn, 'weights', weights, 1);
  if (
    !Array.isArray(covariance) ||
    covariance.length !== k ||
    covariance.some((row) => row == null || row.length !== k)
  ) {
    throw new RangeError(`${fn}: covariance must be ${k}×${k} to match weights`);
  }
  const marginal = new Float64Array(k);
  let variance = 0;
  for (let i = 0; i < k; i++) {
    const row = covariance[i];
    let sum = 0;
    for (let j = 0; j < k; j++) sum += row[j] * weights[j];
    marginal[i] = sum;
    variance += weights[i] * sum;
  }
  if (!Number.isFinite(variance)) {
    assertSquareMatrix(fn, 'covariance', covariance, k);
    assertFiniteResult(fn, 'weights and covariance', variance);
  }
  // For a positive semidefinite Σ, |Σ_ij| ≤ √(Σ_ii·Σ_jj), so (Σ|w_i|·√Σ_ii)² bounds every term and the rounding
  // error of wᵀΣw is at most a few k·ε of it.
  let bound = 0;
  for (let i = 0; i < k; i++) {
    const v = covariance[i][i];
    if (v < 0) throw new RangeError(`${fn}: covariance[${i}][${i}] is ${v}; a variance must be ≥ 0`);
    bound += Math.abs(weights[i]) * sqrt(v);
  }
  if (variance < -8 * k * Number.EPSILON * bound * bound) {
    throw new RangeError(
      `${fn}: covariance is not positive semidefinite (wᵀΣw = ${variance} for these weights)`,
    );
  }
  return { marginal, variance };
}

/**
 * Euler shares w_i·(Σw)_i / (wᵀΣw): they sum to 1 (a hedge has a negative share); all 0 when wᵀΣw is 0 (to
 * rounding).
 */
export function eulerShares(weights: ArrayLike<number>, covariance: number[][]): Float64Array {
  const { marginal, variance } = marginalAndVariance('eulerShares', weights, covariance);
  const shares = new Float64Array(marginal.length);
  if (!(variance > 0)) return shares;
  for (let i = 0; i < shares.length; i++) shares[i] = (weights[i] * marginal[i]) / variance;
  return checkedOutput('eulerShares', 'weights and covariance', shares);
}

/**
 * Euler contributions to the Gaussian VaR's volatility term: C_i = −z_p·√h·w_i·(Σw)_i/σ_p with σ_p = √(wᵀΣw)
 * of the daily covariance Σ. They sum to −z_p·σ_p·√h, the parametric VaR plus the mean term μ_p·h.
 */
export function parametricContributions(
  weights: ArrayLike<number>,
  covariance: number[][],
  confidence: number,
  horizonDays = 1,
): Float64Array {
  const fn = 'parametricContributions';
  assertConfidence(fn, confidence);
  assertHorizon(fn, horizonDays);
  const { marginal, variance } = marginalAndVariance(fn, weights, covariance);
  const out = new Float64Array(marginal.length);
  if (!(variance > 0)) return out;
  const scale = (-inverseNormalCdf(tailProbability(confidence)) * sqrt(horizonDays)) / sqrt(variance);
  for (let i = 0; i < out.length; i++) out[i] = scale * weights[i] * marginal[i];
  return checkedOutput(fn, 'weights and covariance', out);
}

/** Scenario indexes ordered by portfolio return, ascending, ties by index (date) so the order is reproducible. */
export function scenarioOrder(portfolioReturns: ArrayLike<number>): Uint32Array {
  // A NaN would make the comparator inconsistent and the order (so the scenario picked) arbitrary.
  const n = assertSeries('scenarioOrder', 'portfolioReturns', portfolioReturns, 1);
  const order = new Uint32Array(n);
  for (let t = 0; t < n; t++) order[t] = t;
  return order.sort((a, b) => portfolioReturns[a] - portfolioReturns[b] || a - b);
}

/** The ranked scenarios (as indexes into the series) and weights ω whose Σ ω·loss is the VaR or ES. */
export interface ScenarioWeights {
  days: number[];
  weights: number[];
}

/** A non-empty scenario order (indexes) and a tail probability p in (0, 1); returns the number of scenarios. */
function assertScenarioArgs(fn: string, order: ArrayLike<number>, p: number): number {
  const n = assertLength(fn, 'order', order, 1);
  for (let i = 0; i < n; i++) {
    const day = order[i];
    if (!Number.isSafeInteger(day) || day < 0 || day >= n) {
      throw new RangeError(
        `${fn}: order[${i}] is ${String(day)}; scenario indexes must be integers in [0, ${n - 1}]`,
      );
    }
  }
  if (typeof p !== 'number' || !(p > 0 && p < 1)) {
    throw new RangeError(`${fn}: p must be a tail probability in (0, 1), got ${String(p)}`);
  }
  return n;
}

/** VaR as Σ ω_d·loss_d over at most two ranked scenarios (see the module comment). */
export function varScenarioWeights(order: Uint32Array, p: number, method: QuantileMethod): ScenarioWeights {
  const n = assertScenarioArgs('varScenarioWeights', order, p);
  assertOneOf('varScenarioWeights', 'method', method, QUANTILE_METHODS);
  if (method === 'inverted_cdf') return { days: [order[invertedCdfIndex(n, p)]], weights: [1] };
  const virtual = (n - 1) * p;
  const j = Math.floor(virtual);
  if (j >= n - 1) return { days: [order[n - 1]], weights: [1] };
  const gamma = virtual - j;
  return gamma === 0
    ? { days: [order[j]], weights: [1] }
    : { days: [order[j], order[j + 1]], weights: [1 - gamma, gamma] };
}

/** ES as Σ ω_d·loss_d over the ranked tail scenarios (see the module comment). */
export function esScenarioWeights(
  order: Uint32Array,
  p: number,
  method: ExpectedShortfallMethod,
): ScenarioWeights {
  const n = assertScenarioArgs('esScenarioWeights', order, p);
  assertOneOf('esScenarioWeights', 'method', method, EXPECTED_SHORTFALL_METHODS);
  const days: number[] = [];
  const weights: number[] = [];
  if (method === 'mean_k_worst') {
    const k = Math.floor((n - 1) * p) + 1;
    for (let i = 0; i < k; i++) {
      days.push(order[i]);
      weights.push(1 / k);
    }
    return { days, weights };
  }
  const boundary = invertedCdfIndex(n, p);
  const np = n * p;
  for (let i = 0; i < boundary; i++) {
    days.push(order[i]);
    weights.push(1 / np);
  }
  days.push(order[boundary]);
  weights.push(1 - boundary / np);
  return { days, weights };
}

/** C_i = −scale·Σ_d ω_d·w_i·r_{i,d} for each position i. */
function allocate(
  scenario: ScenarioWeights,
  weights: ArrayLike<number>,
  returns: ArrayLike<number>[],
  scale: number,
): Float64Array {
  const out = new Float64Array(weights.length);
  for (let i = 0; i < weights.length; i++) {
    const r = returns[i];
    let sum = 0;
    for (let d = 0; d < scenario.days.length; d++) sum += scenario.weights[d] * r[scenario.days[d]];
    out[i] = 0 - scale * weights[i] * sum;
  }
  return out;
}

export interface HistoricalContributionOptions {
  confidence: number;
  varMethod?: QuantileMethod;
  esMethod?: ExpectedShortfallMethod;
  horizonDays?: number;
}

export interface HistoricalContributions {
  /** Per position, the share of the historical VaR carried on the VaR scenario(s); sums to the VaR. */
  var: Float64Array;
  /** Per position, its weighted loss over the ES tail scenarios; sums to the ES. */
  es: Float64Array;
  varScenarios: ScenarioWeights;
  esScenarios: ScenarioWeights;
}

/**
 * Scenario contributions of positions with weights w_i and daily returns r_i (the portfolio is Σ w_i r_i) to the
 * historical VaR and ES, √h-scaled like the totals.
 */
export function historicalContributions(
  weights: ArrayLike<number>,
  returns: ArrayLike<number>[],
  {
    confidence,
    varMethod = 'linear',
    esMethod = 'rockafellar_uryasev',
    horizonDays = 1,
  }: HistoricalContributionOptions,
): HistoricalContributions {
  const fn = 'historicalContributions';
  const n = assertWeightsAndSeries(fn, weights, returns);
  assertConfidence(fn, confidence);
  assertHorizon(fn, horizonDays);
  // An unknown name must not fall back to the default definitions.
  assertOneOf(fn, 'varMethod', varMethod, QUANTILE_METHODS);
  assertOneOf(fn, 'esMethod', esMethod, EXPECTED_SHORTFALL_METHODS);
  const portfolio = new Float64Array(n);
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i];
    const r = returns[i];
    for (let t = 0; t < n; t++) portfolio[t] += w * r[t];
  }
  // Finite weights and returns whose products overflow: named here, not as a bad scenarioOrder argument.
  for (let t = 0; t < n; t++) assertFiniteResult(fn, 'weights and returns', portfolio[t]);
  const order = scenarioOrder(portfolio);
  const p = tailProbability(confidence);
  const scale = horizonDays === 1 ? 1 : sqrt(horizonDays);
  const varScenarios = varScenarioWeights(order, p, varMethod);
  const esScenarios = esScenarioWeights(order, p, esMethod);
  return {
    var: checkedOutput(fn, 'weights and returns', allocate(varScenarios, weights, returns, scale)),
    es: checkedOutput(fn, 'weights and returns', allocate(esScenarios, weights, returns, scale)),
    varScenarios,
    esScenarios,
  };
}
