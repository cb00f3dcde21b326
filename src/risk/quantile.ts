/**
 * Empirical quantiles of a sorted sample, index for index as numpy.quantile computes them, so the reference
 * numbers of scripts/reference/risk_reference.py reproduce exactly.
 */

/**
 * - `linear`: numpy's default (Hyndman–Fan 7), interpolating between order statistics at (n − 1)·p; used by
 *   empyrical and QuantStats.
 * - `inverted_cdf`: the lower empirical quantile (Hyndman–Fan 1), the smallest x with F̂(x) ≥ p; used by
 *   Riskfolio-Lib. Always an observed value.
 */
export type QuantileMethod = 'linear' | 'inverted_cdf';

export const QUANTILE_METHODS: readonly QuantileMethod[] = ['linear', 'inverted_cdf'];

export function sortedCopy(values: ArrayLike<number>): Float64Array {
  // Float64Array.prototype.sort orders numerically (not as strings), in place on the copy.
  return Float64Array.from(values).sort();
}

/** 0-based index of the inverted-CDF quantile: ⌈n·p⌉ − 1, computed as numpy does (from n·p − 1). */
export function invertedCdfIndex(n: number, p: number): number {
  const virtual = n * p - 1;
  const previous = Math.floor(virtual);
  const index = virtual - previous === 0 ? previous : previous + 1;
  return Math.min(Math.max(index, 0), n - 1);
}

function linearQuantileSorted(sorted: Float64Array, p: number): number {
  const n = sorted.length;
  const virtual = (n - 1) * p;
  const previous = Math.floor(virtual);
  if (previous >= n - 1) return sorted[n - 1];
  const gamma = virtual - previous;
  const a = sorted[previous];
  const b = sorted[previous + 1];
  const diff = b - a;
  // numpy interpolates from the nearer end, which keeps the result monotone in p.
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}

/** Quantile at probability p of an ascending sample (no validation: callers check their inputs). */
export function quantileSorted(sorted: Float64Array, p: number, method: QuantileMethod): number {
  switch (method) {
    case 'linear':
      return linearQuantileSorted(sorted, p);
    case 'inverted_cdf':
      return sorted[invertedCdfIndex(sorted.length, p)];
    default:
      throw new RangeError(
        `quantile: method must be one of ${QUANTILE_METHODS.join(', ')}, got ${String(method)}`,
      );
  }
}
