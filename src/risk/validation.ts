/**
 * Argument checks shared by the risk kernels. Every failure is a RangeError whose message names the function
 * and the argument, so a bad series surfaces as "historicalVaR: returns[12] is NaN" rather than a NaN VaR.
 */

/** Fewest observations any estimator here accepts: a sample standard deviation needs two. */
export const MIN_OBSERVATIONS = 2;

export function assertConfidence(fn: string, confidence: number): void {
  if (typeof confidence !== 'number' || !(confidence > 0 && confidence < 1)) {
    throw new RangeError(`${fn}: confidence must be a number in (0, 1), got ${String(confidence)}`);
  }
}

/** Checks that `values` is array-like with at least `minLength` entries; returns the length. */
export function assertLength(
  fn: string,
  name: string,
  values: ArrayLike<number>,
  minLength = MIN_OBSERVATIONS,
): number {
  if (values == null || typeof values.length !== 'number') {
    throw new RangeError(`${fn}: ${name} must be an array of numbers`);
  }
  if (values.length < minLength) {
    throw new RangeError(`${fn}: ${name} must have at least ${minLength} values, got ${values.length}`);
  }
  return values.length;
}

/** Checks length and that every value is finite; returns the length for convenience. */
export function assertSeries(
  fn: string,
  name: string,
  values: ArrayLike<number>,
  minLength = MIN_OBSERVATIONS,
): number {
  assertLength(fn, name, values, minLength);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new RangeError(`${fn}: ${name}[${i}] is ${String(v)}; all values must be finite numbers`);
    }
  }
  return values.length;
}

/**
 * The finiteness half of `assertSeries` for a kernel that has just summed `values` (length already checked):
 * a Float64Array holds only numbers, and a NaN or ±Infinity among them makes the sum non-finite, so a finite sum
 * of a Float64Array proves every value finite without a second pass. Anything else gets the full check, which
 * also names the offending index.
 */
export function assertFiniteSum(fn: string, name: string, values: ArrayLike<number>, sum: number): void {
  if (values instanceof Float64Array && Number.isFinite(sum)) return;
  assertSeries(fn, name, values, 0);
}

export function assertPositiveInteger(fn: string, name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`${fn}: ${name} must be a positive integer, got ${String(value)}`);
  }
}

/** A VaR horizon in trading days: a positive integer (1 = daily, 10 = the regulatory 10-day). */
export function assertHorizon(fn: string, horizonDays: number): void {
  if (!Number.isSafeInteger(horizonDays) || horizonDays < 1) {
    throw new RangeError(`${fn}: horizonDays must be a positive integer, got ${String(horizonDays)}`);
  }
}

/** Tail probability p = 1 − c. */
export function tailProbability(confidence: number): number {
  // 1 − 0.99 is 0.010000000000000009 in binary; rounding to 12 significant digits restores 0.01 so that n·p is
  // an integer when it should be (that picks the order statistic). The reference script rounds the same way.
  return Number((1 - confidence).toPrecision(12));
}

/** Negates a return into a loss without producing −0 (which jest and Object.is tell apart from 0). */
export function toLoss(returnValue: number): number {
  return 0 - returnValue;
}
