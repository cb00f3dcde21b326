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
  // A confidence within 1e-12 of 0 rounds to a tail probability of 1 (see tailProbability): z would be +Infinity.
  const p = tailProbability(confidence);
  if (!(p > 0 && p < 1)) {
    throw new RangeError(`${fn}: confidence ${confidence} leaves no tail probability in (0, 1) (p = ${p})`);
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
 * also names the offending index, and a sum that overflowed although every value is finite is an error too.
 */
export function assertFiniteSum(fn: string, name: string, values: ArrayLike<number>, sum: number): void {
  if (values instanceof Float64Array && Number.isFinite(sum)) return;
  assertSeries(fn, name, values, 0);
  // Every value finite and the sum not: the values overflow when added.
  assertFiniteResult(fn, name, sum);
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

/** A finite number (any sign). */
export function assertFinite(fn: string, name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new RangeError(`${fn}: ${name} must be a finite number, got ${String(value)}`);
  }
}

/** A finite number in [min, max] (either end may be ±Infinity to leave that side open). */
export function assertFiniteInRange(fn: string, name: string, value: number, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || !(value >= min && value <= max)) {
    const range =
      max === Infinity
        ? `a finite number ≥ ${min}`
        : min === -Infinity
          ? `a finite number ≤ ${max}`
          : `a number in [${min}, ${max}]`;
    throw new RangeError(`${fn}: ${name} must be ${range}, got ${String(value)}`);
  }
}

/** A safe integer ≥ 0 (a count). */
export function assertCount(fn: string, name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${fn}: ${name} must be a non-negative integer, got ${String(value)}`);
  }
}

/** One of the named methods (a typo must not fall back silently to another definition). */
export function assertOneOf<T extends string>(
  fn: string,
  name: string,
  value: T,
  allowed: readonly T[],
): void {
  if (!allowed.includes(value)) {
    throw new RangeError(`${fn}: ${name} must be one of ${allowed.join(', ')}, got ${String(value)}`);
  }
}

/** A non-null object that is not an array (an options or limits record). */
export function assertRecord(fn: string, name: string, value: unknown): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RangeError(`${fn}: ${name} must be an object`);
  }
}

/** Checks a k×k matrix of finite numbers (k from the matrix when not given); returns k. */
export function assertSquareMatrix(
  fn: string,
  name: string,
  matrix: ArrayLike<number>[],
  k?: number,
): number {
  if (!Array.isArray(matrix)) throw new RangeError(`${fn}: ${name} must be an array of rows`);
  const size = k ?? matrix.length;
  if (matrix.length !== size)
    throw new RangeError(`${fn}: ${name} must be ${size}×${size}, got ${matrix.length} rows`);
  for (let i = 0; i < size; i++) {
    const row = matrix[i];
    if (row == null || typeof row.length !== 'number' || row.length !== size) {
      throw new RangeError(`${fn}: ${name} must be ${size}×${size}; row ${i} does not have ${size} entries`);
    }
    for (let j = 0; j < size; j++) {
      const v = row[j];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new RangeError(`${fn}: ${name}[${i}][${j}] is ${String(v)}; all values must be finite numbers`);
      }
    }
  }
  return size;
}

/**
 * The last check of a kernel whose inputs were all finite: a result that still came out non-finite overflowed
 * double precision (values near ±1.8e308), and is reported as bad input rather than returned.
 */
export function assertFiniteResult(fn: string, name: string, result: number): number {
  if (!Number.isFinite(result)) {
    throw new RangeError(`${fn}: ${name} too large in magnitude; the result overflows (${String(result)})`);
  }
  return result;
}
