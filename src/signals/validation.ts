/**
 * Argument checks for the signal code. Every failure is a RangeError naming the function and the argument, so a
 * bad series or window surfaces as "rsi: period must be a positive integer, got 0" instead of a NaN indicator.
 */

export type Series = ArrayLike<number>;

function assertArrayLike(fn: string, name: string, values: Series): void {
  if (values == null || typeof values.length !== 'number') {
    throw new RangeError(`${fn}: ${name} must be an array of numbers`);
  }
}

/** Every value finite, at least `minLength` of them. */
export function assertFiniteSeries(fn: string, name: string, values: Series, minLength: number): void {
  assertArrayLike(fn, name, values);
  if (values.length < minLength) {
    throw new RangeError(`${fn}: ${name} must have at least ${minLength} values, got ${values.length}`);
  }
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new RangeError(`${fn}: ${name}[${i}] is ${String(v)}; all values must be finite numbers`);
    }
  }
}

/** Prices: finite and strictly positive (returns divide by them, logs need positive arguments). */
export function assertPriceSeries(fn: string, name: string, values: Series, minLength: number): void {
  assertFiniteSeries(fn, name, values, minLength);
  for (let i = 0; i < values.length; i++) {
    if (values[i] <= 0) throw new RangeError(`${fn}: ${name}[${i}] is ${values[i]}; prices must be positive`);
  }
}

export function assertPositiveInteger(fn: string, name: string, value: number, min = 1): void {
  if (!Number.isSafeInteger(value) || value < min) {
    const what = min === 1 ? 'a positive integer' : `an integer ≥ ${min}`;
    throw new RangeError(`${fn}: ${name} must be ${what}, got ${String(value)}`);
  }
}

export function assertFiniteInRange(fn: string, name: string, value: number, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new RangeError(`${fn}: ${name} must be a number in [${min}, ${max}], got ${String(value)}`);
  }
}

export function assertPositiveNumber(fn: string, name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${fn}: ${name} must be a positive finite number, got ${String(value)}`);
  }
}

/** Overlays the caller's overrides on defaults, rejecting unknown keys (a typo must not silently use a default). */
export function withDefaults<T extends object>(
  fn: string,
  defaults: T,
  overrides: Partial<T> | undefined,
): T {
  if (overrides == null) return { ...defaults };
  if (typeof overrides !== 'object') throw new RangeError(`${fn}: params must be an object`);
  for (const key of Object.keys(overrides)) {
    if (!(key in defaults)) throw new RangeError(`${fn}: unknown parameter "${key}"`);
  }
  const merged = { ...defaults };
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
  }
  return merged;
}
