/** Shared builders for the signal tests: deterministic price paths and hand-made indicator snapshots. */
import { DEFAULT_INDICATOR_PARAMS, type IndicatorSnapshot } from '../../../src/signals';

/** Small deterministic wiggle (no RNG) so trend series are not perfectly smooth. */
export const wiggle = (i: number) => Math.sin(i * 1.7) * 0.004 + Math.cos(i * 0.9) * 0.003;

/** 100·exp(drift·i + wiggle(i)): rising for drift > 0, falling for drift < 0. */
export function trendingCloses(drift: number, length = 60): number[] {
  return Array.from({ length }, (_, i) => 100 * Math.exp(drift * i + wiggle(i)));
}

/** Same drift with a ±`swing` log-price zigzag on top: very high realized volatility. */
export function wildCloses(drift: number, swing: number, length = 60): number[] {
  return Array.from({ length }, (_, i) => 100 * Math.exp(drift * i + (i % 2 === 1 ? swing : -swing)));
}

/** 100, 101, 100, 101, …: no trend, only noise. */
export function zigzagCloses(length = 60): number[] {
  return Array.from({ length }, (_, i) => (i % 2 === 1 ? 101 : 100));
}

/** A snapshot with every indicator missing; tests fill in the ones a rule needs. */
export function emptySnapshot(overrides: Partial<IndicatorSnapshot> = {}): IndicatorSnapshot {
  return {
    observations: 100,
    lastClose: 100,
    smaFast: null,
    smaSlow: null,
    emaFast: null,
    emaSlow: null,
    crossover: null,
    rsi: null,
    momentum: null,
    realizedVolatility: null,
    drawdown: null,
    params: { ...DEFAULT_INDICATOR_PARAMS },
    ...overrides,
  };
}

/** |actual − expected| within a relative (or, near zero, absolute) tolerance. */
export function expectClose(actual: number, expected: number, tolerance = 1e-10): void {
  const scale = Math.max(1, Math.abs(expected));
  if (!(Math.abs(actual - expected) <= tolerance * scale)) {
    throw new Error(`expected ${actual} to be within ${tolerance} (relative) of ${expected}`);
  }
}

/** Series equality with NaN in `actual` standing for null in `expected` (JSON has no NaN). */
export function expectSeriesClose(
  actual: ArrayLike<number>,
  expected: readonly (number | null)[],
  tolerance = 1e-10,
): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const want = expected[i];
    if (want === null) {
      if (!Number.isNaN(actual[i])) throw new Error(`index ${i}: expected NaN (undefined), got ${actual[i]}`);
    } else {
      try {
        expectClose(actual[i], want, tolerance);
      } catch (error) {
        throw new Error(`index ${i}: ${(error as Error).message}`, { cause: error });
      }
    }
  }
}
