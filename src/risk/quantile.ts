/**
 * Empirical quantiles as numpy.quantile computes them, index for index, so the reference numbers of
 * scripts/reference/risk_reference.py reproduce exactly: from an ascending sample (`quantileSorted`), or by
 * selection in place (`quantileInPlace`), which finds the one or two order statistics needed in expected O(n)
 * instead of sorting the whole sample — numpy's own quantile selects (introselect) rather than sorts too.
 */

import { assertFiniteResult } from './validation';

// Module-level references: `Math.*` inside jest's vm context is a global lookup per call.
const { ceil, exp, floor, log, log2, max, min, sqrt } = Math;

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
  const sorted = Float64Array.from(values).sort();
  // Ascending: a −Infinity comes first, a NaN or +Infinity last (non-numbers became NaN in the copy).
  const n = sorted.length;
  if (n > 0 && !(Number.isFinite(sorted[0]) && Number.isFinite(sorted[n - 1]))) {
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i])) {
        throw new RangeError(
          `sortedCopy: values[${i}] is ${String(values[i])}; all values must be finite numbers`,
        );
      }
    }
  }
  return sorted;
}

/** 0-based index of the inverted-CDF quantile: ⌈n·p⌉ − 1, computed as numpy does (from n·p − 1). */
export function invertedCdfIndex(n: number, p: number): number {
  const virtual = n * p - 1;
  const previous = Math.floor(virtual);
  const index = virtual - previous === 0 ? previous : previous + 1;
  return Math.min(Math.max(index, 0), n - 1);
}

/** numpy's linear interpolation between neighbouring order statistics a ≤ b at fraction gamma of the way. */
function interpolate(a: number, b: number, gamma: number): number {
  const diff = b - a;
  // numpy interpolates from the nearer end, which keeps the result monotone in p.
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}

function linearQuantileSorted(sorted: Float64Array, p: number): number {
  const n = sorted.length;
  const virtual = (n - 1) * p;
  const previous = Math.floor(virtual);
  if (previous >= n - 1) return sorted[n - 1];
  return interpolate(sorted[previous], sorted[previous + 1], virtual - previous);
}

function unknownMethod(method: never): never {
  throw new RangeError(
    `quantile: method must be one of ${QUANTILE_METHODS.join(', ')}, got ${String(method)}`,
  );
}

/**
 * The O(1) checks of the public quantile functions: a non-empty sample, p in [0, 1], a known method (an empty
 * sample would read `undefined`, and p < 0 a NaN).
 */
function assertQuantileArgs(
  fn: string,
  name: string,
  values: Float64Array,
  p: number,
  method: QuantileMethod,
): void {
  if (!(values instanceof Float64Array)) throw new RangeError(`${fn}: ${name} must be a Float64Array`);
  if (values.length === 0) throw new RangeError(`${fn}: ${name} must have at least 1 value, got 0`);
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
    throw new RangeError(`${fn}: p must be a probability in [0, 1], got ${String(p)}`);
  }
  if (!QUANTILE_METHODS.includes(method)) {
    throw new RangeError(
      `${fn}: method must be one of ${QUANTILE_METHODS.join(', ')}, got ${String(method)}`,
    );
  }
}

/**
 * Quantile at probability p of an ascending sample of finite values. Checks its sample in one pass (the caller
 * paid O(n log n) to sort it): two finite ends, and every value ≥ the one before — a NaN compares false, so a NaN
 * anywhere fails, and a sample that is not ascending would otherwise give a wrong order statistic silently.
 * Interpolating between finite values near ±1.8e308 can overflow; that is an error too, not ±Infinity.
 */
export function quantileSorted(sorted: Float64Array, p: number, method: QuantileMethod): number {
  const fn = 'quantileSorted';
  assertQuantileArgs(fn, 'sorted', sorted, p, method);
  const n = sorted.length;
  for (const i of [0, n - 1]) {
    if (!Number.isFinite(sorted[i])) {
      throw new RangeError(`${fn}: sorted[${i}] is ${sorted[i]}; all values must be finite numbers`);
    }
  }
  for (let i = 1; i < n; i++) {
    if (!(sorted[i - 1] <= sorted[i])) {
      // Name the non-finite value of the pair when there is one (a +Infinity breaks the order after itself).
      const bad = Number.isFinite(sorted[i]) ? i - 1 : i;
      if (!Number.isFinite(sorted[bad])) {
        throw new RangeError(`${fn}: sorted[${bad}] is ${sorted[bad]}; all values must be finite numbers`);
      }
      throw new RangeError(
        `${fn}: sorted[${i}] is ${sorted[i]} after ${sorted[i - 1]}; sorted must be ascending`,
      );
    }
  }
  return assertFiniteResult(fn, 'sorted', quantileSortedUnchecked(sorted, p, method));
}

/** quantileSorted without the checks, for kernels that validated their sample once (the rolling backtest). */
export function quantileSortedUnchecked(sorted: Float64Array, p: number, method: QuantileMethod): number {
  switch (method) {
    case 'linear':
      return linearQuantileSorted(sorted, p);
    case 'inverted_cdf':
      return sorted[invertedCdfIndex(sorted.length, p)];
    default:
      return unknownMethod(method);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Selection
// ---------------------------------------------------------------------------------------------------------------

/** Windows of at most this many values are finished by insertion sort. */
const INSERTION_SORT_MAX = 16;
/**
 * Windows longer than this take their pivot from a strided sample of about size^(2/3)/2 values, at the rank that
 * puts the target just inside the smaller side (Floyd and Rivest's idea); shorter ones use a median of three.
 */
const SAMPLE_MIN = 600;

function insertionSort(a: Float64Array, from: number, to: number): void {
  for (let i = from + 1; i <= to; i++) {
    const v = a[i];
    let j = i - 1;
    while (j >= from && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

/** Index of the median of a[x], a[y], a[z]. */
function medianOfThree(a: Float64Array, x: number, y: number, z: number): number {
  const ax = a[x];
  const ay = a[y];
  const az = a[z];
  if (ax < ay) {
    if (ay < az) return y;
    return ax < az ? z : x;
  }
  if (ax < az) return x;
  return ay < az ? z : y;
}

/**
 * Hoare partition of a[from..to] (from < to) around the value at `pivot`: returns j, from ≤ j < to, with every
 * value of a[from..j] ≤ that value ≤ every value of a[j+1..to]. Both scans stop on values equal to the pivot, so
 * runs of ties are split down the middle rather than all sent to one side.
 */
function partition(a: Float64Array, from: number, to: number, pivot: number): number {
  const t = a[pivot];
  a[pivot] = a[from];
  a[from] = t;
  let i = from - 1;
  let j = to + 1;
  for (;;) {
    i++;
    while (a[i] < t) i++;
    j--;
    while (a[j] > t) j--;
    if (i >= j) return j;
    const v = a[i];
    a[i] = a[j];
    a[j] = v;
  }
}

/**
 * Pivot index for selecting rank k of a long window: gathers every (size/s)-th value of a[from..to] into
 * a[from..from+s−1] (so sorted, reverse-sorted and random inputs all give a representative sample), selects in
 * the sample the rank that estimates k pushed a few standard deviations towards the far side, and returns its
 * index. The pivot then lands just past k with high probability, leaving k in the smaller side.
 */
function sampledPivot(a: Float64Array, k: number, from: number, to: number): number {
  const size = to - from + 1;
  const lnSize = log(size);
  const s = floor(0.5 * exp((2 * lnSize) / 3));
  for (let i = 1; i < s; i++) {
    // Strided positions are increasing and at or after from + i, so no gathered value is moved again.
    const at = from + floor((i * size) / s);
    const v = a[from + i];
    a[from + i] = a[at];
    a[at] = v;
  }
  const q = (k - from) / (size - 1);
  const expected = q * (s - 1);
  const margin = sqrt(2 * lnSize * s * q * (1 - q)) + 1;
  const rank = q < 0.5 ? min(s - 1, floor(expected + margin)) : max(0, ceil(expected - margin));
  select(a, from + rank, from, from + s - 1);
  return from + rank;
}

/** Introselect: sampled or median-of-three pivots, with a full sort of the window as the worst-case fallback. */
function select(a: Float64Array, k: number, from: number, to: number): void {
  // Each round costs O(window); past ~2·log2(n) rounds the pivots are being defeated, so sort what is left.
  let rounds = 2 * floor(log2(to - from + 1)) + 4;
  while (to - from >= INSERTION_SORT_MAX) {
    if (rounds-- === 0) {
      a.subarray(from, to + 1).sort();
      return;
    }
    const pivot =
      to - from >= SAMPLE_MIN
        ? sampledPivot(a, k, from, to)
        : medianOfThree(a, from, from + ((to - from) >>> 1), to);
    const j = partition(a, from, to, pivot);
    if (k <= j) to = j;
    else from = j + 1;
  }
  insertionSort(a, from, to);
}

/**
 * Reorders values[from..to] in place (finite values; from ≤ k ≤ to) so that values[k] is the value a sort of
 * that range would put there, with nothing larger before it and nothing smaller after it. Expected O(to − from),
 * O(n log n) at worst (adversarial orders fall back to sorting the remaining window).
 */
export function selectInPlace(values: Float64Array, k: number, from = 0, to = values.length - 1): void {
  if (!(Number.isSafeInteger(from) && Number.isSafeInteger(to) && Number.isSafeInteger(k))) {
    throw new RangeError(`selectInPlace: k, from and to must be integers, got ${k}, ${from}, ${to}`);
  }
  if (from < 0 || to >= values.length || k < from || k > to) {
    throw new RangeError(
      `selectInPlace: need 0 ≤ from ≤ k ≤ to < ${values.length}, got ${from}, ${k}, ${to}`,
    );
  }
  // A NaN would make the partition's comparisons meaningless (and the result arbitrary).
  for (let i = from; i <= to; i++) {
    if (!Number.isFinite(values[i])) {
      throw new RangeError(`selectInPlace: values[${i}] is ${values[i]}; all values must be finite numbers`);
    }
  }
  select(values, k, from, to);
}

/** selectInPlace without the checks, for kernels whose sample is already validated (the ES tail). */
export function selectUnchecked(values: Float64Array, k: number): void {
  select(values, k, 0, values.length - 1);
}

/** values[k] as a sort would place it, given values[0, ordered) already ascending and ≤ every later value. */
function orderStatistic(values: Float64Array, k: number, ordered: number): number {
  if (k >= ordered) select(values, k, ordered, values.length - 1);
  return values[k];
}

/**
 * Quantile at probability p of a sample in any order, equal (===) to `quantileSorted` of its ascending copy, found
 * by selection: the sample is reordered in place (pass a scratch copy to keep the original). `ordered` (default 0)
 * declares values[0, ordered) already ascending and no larger than any later value, e.g. after an ES tail was
 * ordered; statistics inside it are read, the others selected in the rest only.
 */
export function quantileInPlace(
  values: Float64Array,
  p: number,
  method: QuantileMethod,
  ordered = 0,
): number {
  const fn = 'quantileInPlace';
  assertQuantileArgs(fn, 'values', values, p, method);
  if (!Number.isSafeInteger(ordered) || ordered < 0 || ordered > values.length) {
    throw new RangeError(
      `${fn}: ordered must be an integer in [0, ${values.length}], got ${String(ordered)}`,
    );
  }
  // One pass (selection reads every value anyway): a NaN would make the partition's comparisons meaningless.
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new RangeError(`${fn}: values[${i}] is ${values[i]}; all values must be finite numbers`);
    }
  }
  // Interpolating between finite values near ±1.8e308 can overflow.
  return assertFiniteResult(fn, 'values', quantileInPlaceUnchecked(values, p, method, ordered));
}

/** quantileInPlace without the checks, for kernels that validated their sample (historical and Monte Carlo VaR). */
export function quantileInPlaceUnchecked(
  values: Float64Array,
  p: number,
  method: QuantileMethod,
  ordered = 0,
): number {
  const n = values.length;
  switch (method) {
    case 'linear': {
      const virtual = (n - 1) * p;
      const previous = floor(virtual);
      if (previous >= n - 1) return orderStatistic(values, n - 1, ordered);
      const a = orderStatistic(values, previous, ordered);
      // Outside the ordered prefix, values[previous + 1 ..] are all ≥ a: the next order statistic is their minimum.
      let b = values[previous + 1];
      if (previous + 1 >= ordered) {
        for (let i = previous + 2; i < n; i++) if (values[i] < b) b = values[i];
      }
      return interpolate(a, b, virtual - previous);
    }
    case 'inverted_cdf':
      return orderStatistic(values, invertedCdfIndex(n, p), ordered);
    default:
      return unknownMethod(method);
  }
}
