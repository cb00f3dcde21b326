/** Sample moments, covariance and Pearson correlation over Float64Array-friendly inputs. */
import { assertSeries } from './validation';

export function mean(values: ArrayLike<number>): number {
  const n = assertSeries('mean', 'values', values, 1);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i];
  return sum / n;
}

function checkDdof(fn: string, ddof: number, n: number): void {
  if (!Number.isInteger(ddof) || ddof < 0 || ddof >= n) {
    throw new RangeError(`${fn}: ddof must be an integer in [0, ${n - 1}] for ${n} values, got ${ddof}`);
  }
}

/** Σ(x − x̄)² / (n − ddof); ddof = 1 (the unbiased sample variance) unless stated. */
export function variance(values: ArrayLike<number>, ddof = 1): number {
  const n = assertSeries('variance', 'values', values, 1);
  checkDdof('variance', ddof, n);
  const m = mean(values);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += (values[i] - m) ** 2;
  return sum / (n - ddof);
}

export function std(values: ArrayLike<number>, ddof = 1): number {
  return Math.sqrt(variance(values, ddof));
}

/** Central moments m_k = Σ(x − x̄)^k / n for k = 2, 3, 4. */
function centralMoments(values: ArrayLike<number>): { m2: number; m3: number; m4: number } {
  const n = values.length;
  const m = mean(values);
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i] - m;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  return { m2: m2 / n, m3: m3 / n, m4: m4 / n };
}

/** Moment skewness g1 = m3 / m2^{3/2} (biased; scipy.stats.skew's default). */
export function skewness(values: ArrayLike<number>): number {
  assertSeries('skewness', 'values', values);
  const { m2, m3 } = centralMoments(values);
  return m2 === 0 ? 0 : m3 / m2 ** 1.5;
}

/** Moment excess kurtosis g2 = m4 / m2² − 3 (biased; scipy.stats.kurtosis's default). */
export function excessKurtosis(values: ArrayLike<number>): number {
  assertSeries('excessKurtosis', 'values', values);
  const { m2, m4 } = centralMoments(values);
  return m2 === 0 ? 0 : m4 / (m2 * m2) - 3;
}

function assertSameLengthSeries(fn: string, series: ArrayLike<number>[]): number {
  if (!Array.isArray(series) || series.length === 0)
    throw new RangeError(`${fn}: series must be a non-empty array`);
  const n = assertSeries(fn, 'series[0]', series[0]);
  series.forEach((s, k) => {
    if (assertSeries(fn, `series[${k}]`, s) !== n) {
      throw new RangeError(`${fn}: series[${k}] has ${s.length} values but series[0] has ${n}`);
    }
  });
  return n;
}

/** Sample covariance matrix of k equally long series (np.cov(series, ddof=ddof)). */
export function covarianceMatrix(series: ArrayLike<number>[], ddof = 1): number[][] {
  const n = assertSameLengthSeries('covarianceMatrix', series);
  checkDdof('covarianceMatrix', ddof, n);
  const centred = series.map((s) => {
    const m = mean(s);
    const c = new Float64Array(n);
    for (let t = 0; t < n; t++) c[t] = s[t] - m;
    return c;
  });
  const k = series.length;
  const cov = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < k; i++) {
    for (let j = i; j < k; j++) {
      const a = centred[i];
      const b = centred[j];
      let sum = 0;
      for (let t = 0; t < n; t++) sum += a[t] * b[t];
      cov[i][j] = cov[j][i] = sum / (n - ddof);
    }
  }
  return cov;
}

/**
 * Pearson correlation ρ_ij = cov_ij / (σ_i σ_j) (np.corrcoef). A constant series has no defined correlation;
 * it is reported as 0 with every other series (and 1 with itself) so limits and JSON stay well defined.
 */
export function correlationFromCovariance(cov: number[][]): number[][] {
  const sd = cov.map((row, i) => Math.sqrt(row[i]));
  return cov.map((row, i) =>
    row.map((c, j) => {
      if (i === j) return 1;
      if (sd[i] === 0 || sd[j] === 0) return 0;
      // Rounding can push |ρ| a hair past 1 for perfectly correlated series.
      return Math.max(-1, Math.min(1, c / (sd[i] * sd[j])));
    }),
  );
}

export function correlationMatrix(series: ArrayLike<number>[]): number[][] {
  return correlationFromCovariance(covarianceMatrix(series, 1));
}
