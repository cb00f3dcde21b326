/**
 * Sample moments, covariance and Pearson correlation over Float64Array-friendly inputs. The moments read each
 * series twice (sum, then centred sum of squares: numpy's two-pass order) with the unrolled kernels of
 * ./summation; the covariance matrix is the centred Gram product of ./gram.
 */
import { centredGram } from './gram';
import { centredSumOfSquares, sumOf } from './summation';
import {
  assertFiniteResult,
  assertFiniteSum,
  assertLength,
  assertSeries,
  assertSquareMatrix,
} from './validation';

/** The mean of a non-empty series of finite values; the finiteness check rides on the sum. */
function checkedMean(fn: string, name: string, values: ArrayLike<number>): number {
  const n = assertLength(fn, name, values, 1);
  const total = sumOf(values);
  assertFiniteSum(fn, name, values, total);
  return total / n;
}

export function mean(values: ArrayLike<number>): number {
  return checkedMean('mean', 'values', values);
}

function checkDdof(fn: string, ddof: number, n: number): void {
  if (!Number.isInteger(ddof) || ddof < 0 || ddof >= n) {
    throw new RangeError(`${fn}: ddof must be an integer in [0, ${n - 1}] for ${n} values, got ${ddof}`);
  }
}

export interface MeanAndVariance {
  mean: number;
  /** Σ(x − x̄)² / (n − ddof). */
  variance: number;
}

/**
 * Mean and variance in two passes over the series (the parametric VaR kernel): validation rides on the first.
 * `fn` names the caller in error messages.
 */
export function meanAndVariance(
  values: ArrayLike<number>,
  ddof = 1,
  fn = 'meanAndVariance',
  name = 'values',
): MeanAndVariance {
  const m = checkedMean(fn, name, values);
  checkDdof(fn, ddof, values.length);
  const v = centredSumOfSquares(values, m) / (values.length - ddof);
  return { mean: m, variance: assertFiniteResult(fn, name, v) };
}

/** Σ(x − x̄)² / (n − ddof); ddof = 1 (the unbiased sample variance) unless stated. */
export function variance(values: ArrayLike<number>, ddof = 1): number {
  return meanAndVariance(values, ddof, 'variance').variance;
}

export function std(values: ArrayLike<number>, ddof = 1): number {
  return Math.sqrt(meanAndVariance(values, ddof, 'std').variance);
}

/**
 * Deviations between these bounds have normal (neither underflowing nor overflowing) fourth powers, so the moments
 * keep their precision; a sample whose largest deviation lies outside is rescaled first (see centralMoments).
 */
const MOMENT_SAFE_MIN = 2 ** -240;
const MOMENT_SAFE_MAX = 2 ** 240;

/**
 * Central moments m_k = Σ(x − x̄)^k / n for k = 2, 3, 4. Skewness and kurtosis are ratios that do not depend on
 * the scale, so when the largest |x − x̄| is below 2⁻²⁴⁰ (returns of 1e-162 have d⁴ below the smallest double:
 * 0/0) or above 2²⁴⁰ (d⁴ overflows), the moments are those of (x − x̄)/max|x − x̄| instead; in between, where
 * every sample of sensible returns lies, they are computed as they always were, bit for bit.
 */
function centralMoments(
  fn: string,
  name: string,
  values: ArrayLike<number>,
): { m2: number; m3: number; m4: number } {
  const n = values.length;
  const m = checkedMean(fn, name, values);
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  let largest = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i] - m;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
    const size = Math.abs(d);
    if (size > largest) largest = size;
  }
  if (largest === 0 || (largest >= MOMENT_SAFE_MIN && largest <= MOMENT_SAFE_MAX)) {
    return { m2: m2 / n, m3: m3 / n, m4: m4 / n };
  }
  m2 = 0;
  m3 = 0;
  m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = (values[i] - m) / largest;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  return { m2: m2 / n, m3: m3 / n, m4: m4 / n };
}

/** Moment skewness g1 = m3 / m2^{3/2} (biased; scipy.stats.skew's default). `fn` names the caller in errors. */
export function skewness(values: ArrayLike<number>, fn = 'skewness', name = 'values'): number {
  assertSeries(fn, name, values);
  const { m2, m3 } = centralMoments(fn, name, values);
  return assertFiniteResult(fn, name, m2 === 0 ? 0 : m3 / m2 ** 1.5);
}

/** Moment excess kurtosis g2 = m4 / m2² − 3 (biased; scipy.stats.kurtosis's default). `fn` as for skewness. */
export function excessKurtosis(values: ArrayLike<number>, fn = 'excessKurtosis', name = 'values'): number {
  assertSeries(fn, name, values);
  const { m2, m4 } = centralMoments(fn, name, values);
  return assertFiniteResult(fn, name, m2 === 0 ? 0 : m4 / (m2 * m2) - 3);
}

/**
 * Checks k ≥ 1 series of one length n ≥ 2 and returns n. Values of a Float64Array are checked for finiteness
 * after the Gram product instead (`assertFiniteGram`); any other array-like is checked value by value here.
 */
function assertSameLengthSeries(fn: string, series: ArrayLike<number>[]): number {
  if (!Array.isArray(series) || series.length === 0)
    throw new RangeError(`${fn}: series must be a non-empty array`);
  const n = assertLength(fn, 'series[0]', series[0]);
  series.forEach((s, k) => {
    if (!(s instanceof Float64Array)) assertSeries(fn, `series[${k}]`, s);
    if (assertLength(fn, `series[${k}]`, s) !== n) {
      throw new RangeError(`${fn}: series[${k}] has ${s.length} values but series[0] has ${n}`);
    }
  });
  return n;
}

/**
 * A NaN or ±Infinity in a series makes its centred sum of squares (the Gram diagonal) non-finite; only then are
 * the series scanned, to name the value.
 */
function assertFiniteGram(fn: string, series: ArrayLike<number>[], gram: Float64Array): void {
  const k = series.length;
  for (let i = 0; i < k; i++) {
    if (!Number.isFinite(gram[i * k + i])) {
      series.forEach((s, j) => assertSeries(fn, `series[${j}]`, s));
      // Every value finite: their centred squares overflowed.
      assertFiniteResult(fn, `series[${i}]`, gram[i * k + i]);
    }
  }
}

/** The centred Gram matrix of validated series and the divisor n − ddof that turns it into covariances. */
function sampleGram(
  series: ArrayLike<number>[],
  ddof: number,
  fn: string,
): { gram: Float64Array; divisor: number } {
  const n = assertSameLengthSeries(fn, series);
  checkDdof(fn, ddof, n);
  const gram = centredGram(series, n);
  assertFiniteGram(fn, series, gram);
  return { gram, divisor: n - ddof };
}

/** Sample covariance matrix of k equally long series (np.cov(series, ddof=ddof)). */
export function covarianceMatrix(series: ArrayLike<number>[], ddof = 1): number[][] {
  const { gram, divisor } = sampleGram(series, ddof, 'covarianceMatrix');
  const k = series.length;
  const cov = new Array<number[]>(k);
  for (let i = 0; i < k; i++) {
    const row = new Array<number>(k);
    for (let j = 0; j < k; j++) row[j] = gram[i * k + j] / divisor;
    cov[i] = row;
  }
  return cov;
}

/** ρ = c / (σ_i σ_j) clamped to [−1, 1]; 0 when either series is constant (σ = 0). */
function pearson(c: number, sdI: number, sdJ: number): number {
  const scale = sdI * sdJ;
  // A product that underflows to 0 (σ ≈ 1e-170 each) would give 0/0; such series are as good as constant.
  if (scale === 0) return 0;
  // Rounding can push |ρ| a hair past 1 for perfectly correlated series.
  return Math.max(-1, Math.min(1, c / scale));
}

/**
 * Pearson correlation ρ_ij = cov_ij / (σ_i σ_j) (np.corrcoef). A constant series has no defined correlation;
 * it is reported as 0 with every other series (and 1 with itself) so limits and JSON stay well defined.
 */
export function correlationFromCovariance(cov: number[][]): number[][] {
  const fn = 'correlationFromCovariance';
  const k = assertSquareMatrix(fn, 'cov', cov);
  const sd = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    if (cov[i][i] < 0) throw new RangeError(`${fn}: cov[${i}][${i}] is ${cov[i][i]}; a variance must be ≥ 0`);
    sd[i] = Math.sqrt(cov[i][i]);
  }
  const rho = new Array<number[]>(k);
  for (let i = 0; i < k; i++) {
    const row = new Array<number>(k);
    for (let j = 0; j < k; j++) row[j] = i === j ? 1 : pearson(cov[i][j], sd[i], sd[j]);
    rho[i] = row;
  }
  return rho;
}

/**
 * correlationFromCovariance(covarianceMatrix(series)) without building the covariance rows: the same
 * operations on the same numbers, so the same bits.
 */
export function correlationMatrix(series: ArrayLike<number>[]): number[][] {
  const { gram, divisor } = sampleGram(series, 1, 'correlationMatrix');
  const k = series.length;
  const sd = new Float64Array(k);
  for (let i = 0; i < k; i++) sd[i] = Math.sqrt(gram[i * k + i] / divisor);
  const rho = new Array<number[]>(k);
  for (let i = 0; i < k; i++) {
    const row = new Array<number>(k);
    for (let j = 0; j < k; j++) row[j] = i === j ? 1 : pearson(gram[i * k + j] / divisor, sd[i], sd[j]);
    rho[i] = row;
  }
  return rho;
}
