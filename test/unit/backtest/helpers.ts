/** Shared builders for the backtest tests: scripted decisions, toy series and a relative-tolerance check. */
import type { SignalAction } from '../../../src/signals/decision';
import type { DecisionFunction } from '../../../src/backtest';

/** Decides `actions[t]` at the close of day t (HOLD where missing), t being the last index of the history. */
export function scripted(
  actions: readonly (SignalAction | undefined)[] | Record<number, SignalAction>,
): DecisionFunction {
  return (closes) => (actions as Record<number, SignalAction | undefined>)[closes.length - 1] ?? 'HOLD';
}

/** Business-day-like ISO dates from 2026-01-05 on (weekends skipped). */
export function isoDates(count: number, start = '2026-01-05'): string[] {
  const out: string[] = [];
  const d = new Date(`${start}T00:00:00Z`);
  while (out.length < count) {
    const day = d.getUTCDay();
    if (day !== 0 && day !== 6) out.push(d.toISOString().slice(0, 10));
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return out;
}

/**
 * Deterministic closes with alternating up and down trends (period ~`cycle` days) and a small wiggle, so the
 * default signal logic produces BUYs, SELLs and HOLDs.
 */
export function cyclingCloses(length: number, cycle = 90, amplitude = 0.25): number[] {
  return Array.from(
    { length },
    (_, i) =>
      100 *
      Math.exp(
        amplitude * Math.sin((2 * Math.PI * i) / cycle) +
          0.006 * Math.sin(i * 1.7) +
          0.004 * Math.cos(i * 0.9),
      ),
  );
}

/** |actual − expected| ≤ tolerance · max(1, |expected|). */
export function expectClose(actual: number | null, expected: number | null, tolerance = 1e-9): void {
  if (expected === null || actual === null) {
    expect(actual).toBe(expected);
    return;
  }
  const scale = Math.max(1, Math.abs(expected));
  if (!(Math.abs(actual - expected) <= tolerance * scale)) {
    throw new Error(`expected ${actual} to be within ${tolerance} (relative) of ${expected}`);
  }
}

export function expectAllClose(
  actual: ArrayLike<number>,
  expected: readonly number[],
  tolerance = 1e-9,
): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    try {
      expectClose(actual[i], expected[i], tolerance);
    } catch (error) {
      throw new Error(`index ${i}: ${(error as Error).message}`, { cause: error });
    }
  }
}
