/**
 * The indicator summary a signal is decided on: each indicator's value at the last close, null where the series
 * is too short for it. Plain JSON (no NaN, no typed arrays) so it can be stored and returned by activities.
 */
import {
  drawdown,
  ema,
  momentum,
  realizedVolatility,
  rsi,
  smaCrossover,
  trailingMean,
  type SmaCrossover,
} from './indicators';
import { assertPositiveInteger, assertPositiveNumber, assertPriceSeries, withDefaults } from './validation';

export interface IndicatorParams {
  smaFastWindow: number;
  smaSlowWindow: number;
  emaFastSpan: number;
  emaSlowSpan: number;
  rsiPeriod: number;
  momentumLookback: number;
  volatilityWindow: number;
  /** Periods per year for realized volatility (252 trading days for daily closes). */
  annualization: number;
}

export const DEFAULT_INDICATOR_PARAMS: Readonly<IndicatorParams> = Object.freeze({
  smaFastWindow: 10,
  smaSlowWindow: 30,
  emaFastSpan: 12,
  emaSlowSpan: 26,
  rsiPeriod: 14,
  momentumLookback: 20,
  volatilityWindow: 20,
  annualization: 252,
});

export interface IndicatorSnapshot {
  /** Number of closes the snapshot was computed from. */
  observations: number;
  lastClose: number | null;
  smaFast: number | null;
  smaSlow: number | null;
  /** Null until the series is at least one span long (before that the seed dominates). */
  emaFast: number | null;
  emaSlow: number | null;
  crossover: SmaCrossover | null;
  rsi: number | null;
  momentum: number | null;
  /** Annualized, as a fraction (0.2 = 20 %). */
  realizedVolatility: number | null;
  /** Last close relative to the highest close in the series, minus 1 (≤ 0). */
  drawdown: number | null;
  /** The parameters used, so a stored snapshot says what "fast" and "slow" meant. */
  params: IndicatorParams;
}

/** Fills defaults and checks windows, whatever the series length (bad params must not hide behind short input). */
export function resolveIndicatorParams(overrides?: Partial<IndicatorParams>): IndicatorParams {
  const fn = 'computeIndicators';
  const params = withDefaults(fn, DEFAULT_INDICATOR_PARAMS, overrides);
  assertPositiveInteger(fn, 'smaFastWindow', params.smaFastWindow);
  assertPositiveInteger(fn, 'smaSlowWindow', params.smaSlowWindow);
  if (params.smaFastWindow >= params.smaSlowWindow) {
    throw new RangeError(
      `${fn}: smaFastWindow (${params.smaFastWindow}) must be shorter than smaSlowWindow (${params.smaSlowWindow})`,
    );
  }
  assertPositiveInteger(fn, 'emaFastSpan', params.emaFastSpan);
  assertPositiveInteger(fn, 'emaSlowSpan', params.emaSlowSpan);
  if (params.emaFastSpan >= params.emaSlowSpan) {
    throw new RangeError(
      `${fn}: emaFastSpan (${params.emaFastSpan}) must be shorter than emaSlowSpan (${params.emaSlowSpan})`,
    );
  }
  assertPositiveInteger(fn, 'rsiPeriod', params.rsiPeriod);
  assertPositiveInteger(fn, 'momentumLookback', params.momentumLookback);
  assertPositiveInteger(fn, 'volatilityWindow', params.volatilityWindow, 2);
  assertPositiveNumber(fn, 'annualization', params.annualization);
  return params;
}

function lastOf(series: Float64Array): number {
  return series[series.length - 1];
}

/** Indicators at the last close. Throws RangeError on non-finite or non-positive closes, or bad params. */
export function computeIndicators(
  closes: readonly number[] | Float64Array,
  overrides?: Partial<IndicatorParams>,
): IndicatorSnapshot {
  const params = resolveIndicatorParams(overrides);
  assertPriceSeries('computeIndicators', 'closes', closes, 0);
  const n = closes.length;
  const crossover =
    n >= params.smaSlowWindow ? smaCrossover(closes, params.smaFastWindow, params.smaSlowWindow) : null;
  const smaFast =
    crossover?.fast ?? (n >= params.smaFastWindow ? trailingMean(closes, params.smaFastWindow) : null);
  return {
    observations: n,
    lastClose: n > 0 ? closes[n - 1] : null,
    smaFast,
    smaSlow: crossover?.slow ?? null,
    emaFast: n >= params.emaFastSpan ? lastOf(ema(closes, params.emaFastSpan)) : null,
    emaSlow: n >= params.emaSlowSpan ? lastOf(ema(closes, params.emaSlowSpan)) : null,
    crossover,
    rsi: n >= params.rsiPeriod + 1 ? lastOf(rsi(closes, params.rsiPeriod)) : null,
    momentum: n >= params.momentumLookback + 1 ? lastOf(momentum(closes, params.momentumLookback)) : null,
    realizedVolatility:
      n >= params.volatilityWindow + 1
        ? lastOf(realizedVolatility(closes, params.volatilityWindow, params.annualization))
        : null,
    drawdown: n > 0 ? lastOf(drawdown(closes)) : null,
    params,
  };
}
