/**
 * Value at Risk and Expected Shortfall of a return series. Conventions (docs/risk.md):
 * losses are positive fractions of portfolio value, c is the confidence (0.99), p = 1 − c the tail probability.
 * A VaR below zero means even the tail quantile is a gain; it is reported as such, not clamped.
 */
import { inverseNormalCdf, normalPdf } from './normal';
import {
  invertedCdfIndex,
  QUANTILE_METHODS,
  quantileInPlaceUnchecked,
  quantileSortedUnchecked,
  selectUnchecked,
  type QuantileMethod,
} from './quantile';
import { excessKurtosis, meanAndVariance, skewness, type MeanAndVariance } from './stats';
import {
  assertConfidence,
  assertFinite,
  assertFiniteResult,
  assertHorizon,
  assertLength,
  assertSeries,
  tailProbability,
  toLoss,
} from './validation';

const { floor, sqrt } = Math;

/**
 * Square-root-of-time scaling of a 1-day figure to h days: X_h = X_1·√h. Exact for i.i.d. zero-mean Gaussian
 * returns; for historical VaR/ES it is the usual convention (overlapping h-day windows would leave too few
 * independent scenarios). h = 1 returns the value unchanged.
 */
export function scaleToHorizon(oneDay: number, horizonDays: number): number {
  assertFinite('scaleToHorizon', 'oneDay', oneDay);
  assertHorizon('scaleToHorizon', horizonDays);
  return scaledToHorizon('scaleToHorizon', 'oneDay', oneDay, horizonDays);
}

/** oneDay·√h for checked arguments; an overflow names `fn` and the argument `name` the figure came from. */
function scaledToHorizon(fn: string, name: string, oneDay: number, horizonDays: number): number {
  return horizonDays === 1 ? oneDay : assertFiniteResult(fn, name, oneDay * sqrt(horizonDays));
}

/**
 * - `rockafellar_uryasev` (Riskfolio-Lib's CVaR_Hist): ES = VaR + Σ max(L_i − VaR, 0) / (n·p) with VaR the
 *   inverted-CDF loss quantile. Equivalently the n·p worst losses averaged with a fractional weight
 *   n·p − ⌈n·p⌉ + 1 on the boundary observation; it is the minimum over t of t + Σ(L_i − t)₊ / (n·p).
 * - `mean_k_worst` (empyrical's conditional_value_at_risk): the plain mean of the k = ⌊(n − 1)·p⌋ + 1 worst
 *   returns, i.e. of the returns at or below the lower order statistic of numpy's linear-quantile cut-off.
 */
export type ExpectedShortfallMethod = 'rockafellar_uryasev' | 'mean_k_worst';

export const EXPECTED_SHORTFALL_METHODS: readonly ExpectedShortfallMethod[] = [
  'rockafellar_uryasev',
  'mean_k_worst',
];

function assertQuantileMethod(fn: string, method: QuantileMethod): void {
  if (!QUANTILE_METHODS.includes(method)) {
    throw new RangeError(
      `${fn}: method must be one of ${QUANTILE_METHODS.join(', ')}, got ${String(method)}`,
    );
  }
}

function assertEsMethod(fn: string, method: ExpectedShortfallMethod): void {
  if (!EXPECTED_SHORTFALL_METHODS.includes(method)) {
    const names = EXPECTED_SHORTFALL_METHODS.join(', ');
    throw new RangeError(`${fn}: method must be one of ${names}, got ${String(method)}`);
  }
}

/** VaR from an ascending sample (the kernel behind the rolling backtest's sorted windows). */
export function varFromSorted(sorted: Float64Array, p: number, method: QuantileMethod): number {
  return toLoss(quantileSortedUnchecked(sorted, p, method));
}

/**
 * VaR of a sample in any order by selection (historical and Monte Carlo VaR), equal to `varFromSorted` of its
 * ascending copy; reorders `scratch` in place. `ordered` as for `quantileInPlace`.
 */
export function varInPlace(scratch: Float64Array, p: number, method: QuantileMethod, ordered = 0): number {
  return toLoss(quantileInPlaceUnchecked(scratch, p, method, ordered));
}

/** How many of the smallest returns the ES form reads: the boundary observation and all below it. */
function tailLength(n: number, p: number, method: ExpectedShortfallMethod): number {
  return method === 'mean_k_worst' ? floor((n - 1) * p) + 1 : invertedCdfIndex(n, p) + 1;
}

/**
 * ES from a sample whose ES tail (the `tailLength` smallest values) leads it in ascending order — an ascending
 * sample, or one arranged by `orderTailInPlace`. The tail is summed smallest first either way, so both give the
 * same bits.
 */
export function esFromSorted(sorted: Float64Array, p: number, method: ExpectedShortfallMethod): number {
  const n = sorted.length;
  if (method === 'mean_k_worst') {
    const k = floor((n - 1) * p) + 1;
    let sum = 0;
    for (let i = 0; i < k; i++) sum += sorted[i];
    return toLoss(sum / k);
  }
  const boundary = invertedCdfIndex(n, p);
  const cutoff = sorted[boundary];
  let excess = 0; // Σ (L_i − VaR)₊ = Σ (cutoff − r_i) over the returns below the cut-off
  for (let i = 0; i < boundary; i++) excess += cutoff - sorted[i];
  return toLoss(cutoff) + excess / (n * p);
}

/**
 * Moves the ES tail of `scratch` (its `tailLength` smallest values) to the front in ascending order, without
 * sorting the rest: select the boundary observation, then sort only the values below it (≈ n·p of them). Returns
 * the tail length, i.e. how many leading values are now ascending and ≤ every later one.
 */
export function orderTailInPlace(scratch: Float64Array, p: number, method: ExpectedShortfallMethod): number {
  const length = tailLength(scratch.length, p, method);
  const boundary = length - 1;
  selectUnchecked(scratch, boundary);
  // Sorting the tail keeps the summation order (and so the result) bit for bit that of the full sort.
  if (boundary > 1) scratch.subarray(0, boundary).sort();
  return length;
}

/** ES of a sample in any order, equal to `esFromSorted` of its ascending copy; reorders `scratch` in place. */
export function esInPlace(scratch: Float64Array, p: number, method: ExpectedShortfallMethod): number {
  orderTailInPlace(scratch, p, method);
  return esFromSorted(scratch, p, method);
}

/**
 * Historical VaR: minus the p-quantile of the (daily) returns, by the named quantile method (numpy's `linear`
 * default); for `horizonDays` h > 1 the 1-day figure times √h.
 */
export function historicalVaR(
  returns: ArrayLike<number>,
  confidence: number,
  method: QuantileMethod = 'linear',
  horizonDays = 1,
): number {
  assertSeries('historicalVaR', 'returns', returns);
  assertConfidence('historicalVaR', confidence);
  assertQuantileMethod('historicalVaR', method);
  assertHorizon('historicalVaR', horizonDays);
  // One scratch copy per call: the selection reorders it, the caller's array is untouched.
  const oneDay = varInPlace(Float64Array.from(returns), tailProbability(confidence), method);
  // Interpolating between finite values near ±1.8e308 can overflow.
  const checked = assertFiniteResult('historicalVaR', 'returns', oneDay);
  return scaledToHorizon('historicalVaR', 'returns', checked, horizonDays);
}

/** Historical Expected Shortfall by the named method (Rockafellar–Uryasev by default); ×√h for h days. */
export function expectedShortfall(
  returns: ArrayLike<number>,
  confidence: number,
  method: ExpectedShortfallMethod = 'rockafellar_uryasev',
  horizonDays = 1,
): number {
  assertSeries('expectedShortfall', 'returns', returns);
  assertConfidence('expectedShortfall', confidence);
  assertEsMethod('expectedShortfall', method);
  assertHorizon('expectedShortfall', horizonDays);
  const oneDay = esInPlace(Float64Array.from(returns), tailProbability(confidence), method);
  const checked = assertFiniteResult('expectedShortfall', 'returns', oneDay);
  return scaledToHorizon('expectedShortfall', 'returns', checked, horizonDays);
}

function assertMoments(fn: string, mu: number, sigma: number): void {
  if (!Number.isFinite(mu)) throw new RangeError(`${fn}: mu must be a finite number, got ${String(mu)}`);
  if (!(Number.isFinite(sigma) && sigma >= 0)) {
    throw new RangeError(`${fn}: sigma must be a finite number ≥ 0, got ${String(sigma)}`);
  }
}

/** Gaussian VaR of N(μ, σ²) returns: −μ − z_p·σ, z_p = Φ⁻¹(p) < 0. */
export function gaussianVaR(mu: number, sigma: number, confidence: number): number {
  assertMoments('gaussianVaR', mu, sigma);
  assertConfidence('gaussianVaR', confidence);
  return assertFiniteResult('gaussianVaR', 'mu and sigma', gaussianVaRUnchecked(mu, sigma, confidence));
}

/** Gaussian ES of N(μ, σ²) returns: −μ + σ·φ(z_p)/p. */
export function gaussianES(mu: number, sigma: number, confidence: number): number {
  assertMoments('gaussianES', mu, sigma);
  assertConfidence('gaussianES', confidence);
  return assertFiniteResult('gaussianES', 'mu and sigma', gaussianESUnchecked(mu, sigma, confidence));
}

// The formulas for checked arguments: the parametric estimators name their own argument when these overflow.
function gaussianVaRUnchecked(mu: number, sigma: number, confidence: number): number {
  return -mu - inverseNormalCdf(tailProbability(confidence)) * sigma;
}

function gaussianESUnchecked(mu: number, sigma: number, confidence: number): number {
  const p = tailProbability(confidence);
  return -mu + (sigma * normalPdf(inverseNormalCdf(p))) / p;
}

export interface ParametricOptions {
  /** Delta degrees of freedom of σ; 1 (sample standard deviation) unless stated. */
  ddof?: number;
  /**
   * Cornish–Fisher expansion: z_p is replaced by
   * z + (z² − 1)·S/6 + (z³ − 3z)·K/24 − (2z³ − 5z)·S²/36, with S the moment skewness and K the moment excess
   * kurtosis (both biased, as scipy.stats' defaults).
   */
  cornishFisher?: boolean;
  /**
   * Horizon h in trading days (default 1): the daily μ and σ become μ·h and σ·√h. With Cornish–Fisher the
   * h-day sum of i.i.d. daily returns has skewness S/√h and excess kurtosis K/h, and those enter the expansion.
   */
  horizonDays?: number;
}

/** z + (z² − 1)·S/6 + (z³ − 3z)·K/24 − (2z³ − 5z)·S²/36: the Cornish–Fisher quantile of a standardised variable. */
export function cornishFisherZ(z: number, skew: number, exKurtosis: number): number {
  const fn = 'cornishFisherZ';
  assertFinite(fn, 'z', z);
  assertFinite(fn, 'skew', skew);
  assertFinite(fn, 'exKurtosis', exKurtosis);
  return assertFiniteResult(fn, 'z, skew and exKurtosis', cornishFisherZCore(z, skew, exKurtosis));
}

function cornishFisherZCore(z: number, skew: number, exKurtosis: number): number {
  return (
    z +
    ((z * z - 1) * skew) / 6 +
    ((z ** 3 - 3 * z) * exKurtosis) / 24 -
    ((2 * z ** 3 - 5 * z) * skew * skew) / 36
  );
}

/** The daily mean and ddof-variance of a return series, validated for a parametric estimator named `fn`. */
function dailyMoments(fn: string, returns: ArrayLike<number>, ddof: number): MeanAndVariance {
  assertLength(fn, 'returns', returns);
  const moments = meanAndVariance(returns, ddof, fn, 'returns');
  // Finite returns whose squares overflow give an infinite variance: bad input, named here, not in gaussianVaR.
  assertFiniteResult(fn, 'returns', moments.variance);
  return moments;
}

/**
 * Parametric VaR: −μ·h − z_p·σ·√h with μ, σ estimated from the daily returns (Gaussian, or Cornish–Fisher
 * adjusted with the h-day moments S/√h, K/h). μ and σ come from one two-pass moment kernel.
 */
export function parametricVaR(
  returns: ArrayLike<number>,
  confidence: number,
  { ddof = 1, cornishFisher = false, horizonDays = 1 }: ParametricOptions = {},
): number {
  const daily = dailyMoments('parametricVaR', returns, ddof);
  assertConfidence('parametricVaR', confidence);
  assertHorizon('parametricVaR', horizonDays);
  const fn = 'parametricVaR';
  const rootH = sqrt(horizonDays);
  const mu = assertFiniteResult(fn, 'returns', daily.mean * horizonDays);
  const sigma = assertFiniteResult(fn, 'returns', sqrt(daily.variance) * rootH);
  if (!cornishFisher) return assertFiniteResult(fn, 'returns', gaussianVaRUnchecked(mu, sigma, confidence));
  const z = inverseNormalCdf(tailProbability(confidence));
  // The same finiteness checks as the Gaussian path: the higher moments overflow before the variance does.
  const skew = assertFiniteResult(fn, 'returns', skewness(returns, fn, 'returns') / rootH);
  const kurtosis = assertFiniteResult(fn, 'returns', excessKurtosis(returns, fn, 'returns') / horizonDays);
  const zcf = assertFiniteResult(fn, 'returns', cornishFisherZCore(z, skew, kurtosis));
  return assertFiniteResult(fn, 'returns', -mu - zcf * sigma);
}

/** Gaussian parametric ES −μ·h + σ·√h·φ(z_p)/p with μ, σ estimated from the daily returns. */
export function parametricES(
  returns: ArrayLike<number>,
  confidence: number,
  { ddof = 1, horizonDays = 1 }: Pick<ParametricOptions, 'ddof' | 'horizonDays'> = {},
): number {
  const daily = dailyMoments('parametricES', returns, ddof);
  assertConfidence('parametricES', confidence);
  assertHorizon('parametricES', horizonDays);
  const fn = 'parametricES';
  const mu = assertFiniteResult(fn, 'returns', daily.mean * horizonDays);
  const sigma = assertFiniteResult(fn, 'returns', sqrt(daily.variance) * sqrt(horizonDays));
  return assertFiniteResult(fn, 'returns', gaussianESUnchecked(mu, sigma, confidence));
}
