/**
 * Rolling historical-VaR backtest of one return series: for each tested day t, the 1-day VaR forecast is the
 * historical VaR (named quantile method) of the `lookback` returns before t — or of all earlier returns when
 * fewer exist, as long as there are at least `minLookback` — and day t's realised loss −r_t is compared with it,
 * I_t = 1{−r_t > VaR_t}. The last `window` days that have a forecast are tested; the exception series then goes
 * through Kupiec POF, Christoffersen independence and conditional coverage (backtest.ts), and through the Basel
 * traffic light when it is 250 observations of a 99 % VaR.
 */
import {
  baselTrafficLight,
  christoffersenIndependence,
  conditionalCoverage,
  kupiecPOF,
  transitionCounts,
  type TestStatistic,
  type TrafficLightZone,
  type TransitionCounts,
} from './backtest';
import { QUANTILE_METHODS, type QuantileMethod } from './quantile';
import {
  assertConfidence,
  assertFiniteResult,
  assertOneOf,
  assertPositiveInteger,
  assertRecord,
  assertSeries,
  tailProbability,
} from './validation';
import { varFromSorted } from './var';

export const DEFAULT_BACKTEST_WINDOW = 250;
export const DEFAULT_BACKTEST_LOOKBACK = 250;
export const DEFAULT_BACKTEST_MIN_LOOKBACK = 60;

export interface RollingBacktestSettings {
  /** Days to test (the most recent ones that have a forecast); default 250. */
  window?: number;
  /** Returns behind each forecast; default 250. */
  lookback?: number;
  /** Fewest earlier returns a forecast may use when the history is short; default min(60, lookback). */
  minLookback?: number;
}

export interface RollingBacktestOptions extends RollingBacktestSettings {
  confidence: number;
  /** Quantile method of each forecast; default `linear`. */
  varMethod?: QuantileMethod;
  /** Labels of the returns (dates[t] is the day of returns[t]); used in the exception list and notes. */
  dates?: string[];
}

export interface BacktestException {
  /** Index into the return series. */
  index: number;
  date: string | null;
  /** Realised loss −r_t (fraction). */
  loss: number;
  /** The forecast it exceeded (fraction). */
  var: number;
}

export interface RollingVaRBacktest {
  /** `insufficient_history` when fewer than two days have a forecast; the statistics are then null. */
  status: 'ok' | 'insufficient_history';
  confidence: number;
  varMethod: QuantileMethod;
  window: number;
  lookback: number;
  minLookback: number;
  /** Days tested: min(window, n − minLookback) for n returns (0 when negative). */
  observations: number;
  firstDate: string | null;
  lastDate: string | null;
  /** Fewest and most earlier returns behind a forecast. */
  shortestLookback: number | null;
  longestLookback: number | null;
  /** observations × p. */
  expectedExceptions: number;
  exceptions: number;
  exceptionDays: BacktestException[];
  transitions: TransitionCounts | null;
  kupiec: TestStatistic | null;
  christoffersen: TestStatistic | null;
  conditionalCoverage: TestStatistic | null;
  basel: { zone: TrafficLightZone; plusFactor: number; multiplier: number } | null;
  /** Plain-language caveats: a shorter test than requested, short lookbacks, why Basel is missing. */
  notes: string[];
}

/** First index of a value ≥ x in sorted[0, count). */
function lowerBound(sorted: Float64Array, count: number, x: number): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The settings with their defaults, checked for `fn`; `prefix` qualifies the names in messages (the report passes
 * `backtest.`, the name of its input field).
 */
export function resolveSettings(
  fn: string,
  settings: RollingBacktestSettings,
  prefix = '',
): Required<RollingBacktestSettings> {
  const window = settings.window ?? DEFAULT_BACKTEST_WINDOW;
  const lookback = settings.lookback ?? DEFAULT_BACKTEST_LOOKBACK;
  assertPositiveInteger(fn, `${prefix}window`, window);
  assertPositiveInteger(fn, `${prefix}lookback`, lookback);
  const minLookback = settings.minLookback ?? Math.min(DEFAULT_BACKTEST_MIN_LOOKBACK, lookback);
  assertPositiveInteger(fn, `${prefix}minLookback`, minLookback);
  if (minLookback > lookback) {
    throw new RangeError(
      `${fn}: ${prefix}minLookback (${minLookback}) must not exceed ${prefix}lookback (${lookback})`,
    );
  }
  return { window, lookback, minLookback };
}

/**
 * VaR forecasts for days start … n − 1 (start ≥ minLookback): forecast t is the historical VaR of
 * returns[max(0, t − lookback), t). A sorted window is kept up to date by one removal and one insertion per day.
 */
export function rollingHistoricalVaR(
  returns: ArrayLike<number>,
  options: { confidence: number; varMethod?: QuantileMethod; lookback: number; start: number },
): Float64Array {
  const fn = 'rollingHistoricalVaR';
  const n = assertSeries(fn, 'returns', returns, 1);
  assertRecord(fn, 'options', options);
  assertConfidence(fn, options.confidence);
  assertPositiveInteger(fn, 'lookback', options.lookback);
  const { lookback, start } = options;
  const method = options.varMethod ?? 'linear';
  assertOneOf(fn, 'varMethod', method, QUANTILE_METHODS);
  if (!Number.isSafeInteger(start) || start < 1 || start > n) {
    throw new RangeError(`${fn}: start must be an integer in [1, ${n}], got ${String(start)}`);
  }
  const p = tailProbability(options.confidence);
  // The window never holds more than the n returns there are (a huge lookback must not allocate lookback doubles).
  const sorted = new Float64Array(Math.min(lookback, n));
  let count = Math.min(start, lookback);
  for (let i = 0; i < count; i++) sorted[i] = returns[start - count + i];
  sorted.subarray(0, count).sort();

  const forecasts = new Float64Array(n - start);
  for (let t = start; t < n; t++) {
    if (t > start) {
      // Slide: drop returns[t − 1 − lookback] once the window is full, then add returns[t − 1].
      if (count === lookback) {
        const at = lowerBound(sorted, count, returns[t - 1 - lookback]);
        sorted.copyWithin(at, at + 1, count);
        count -= 1;
      }
      const incoming = returns[t - 1];
      const at = lowerBound(sorted, count, incoming);
      sorted.copyWithin(at + 1, at, count);
      sorted[at] = incoming;
      count += 1;
    }
    forecasts[t - start] = varFromSorted(count === lookback ? sorted : sorted.subarray(0, count), p, method);
  }
  // Finite returns give finite forecasts unless interpolating between order statistics near ±1.8e308 overflowed.
  for (let i = 0; i < forecasts.length; i++) assertFiniteResult(fn, 'returns', forecasts[i]);
  return forecasts;
}

/** The rolling 1-day historical VaR backtest described in the module comment. */
export function backtestHistoricalVaR(
  returns: ArrayLike<number>,
  options: RollingBacktestOptions,
): RollingVaRBacktest {
  const fn = 'backtestHistoricalVaR';
  const n = assertSeries(fn, 'returns', returns, 1);
  assertRecord(fn, 'options', options);
  const { confidence, dates } = options;
  assertConfidence(fn, confidence);
  const varMethod = options.varMethod ?? 'linear';
  // Checked even when the history is too short to test, so a typo is never echoed back as the method used.
  assertOneOf(fn, 'varMethod', varMethod, QUANTILE_METHODS);
  const { window, lookback, minLookback } = resolveSettings(fn, options);
  if (
    dates !== undefined &&
    (!Array.isArray(dates) || dates.length !== n || dates.some((date) => typeof date !== 'string'))
  ) {
    throw new RangeError(`${fn}: dates must have one entry per return (${n}), each a string`);
  }
  const label = (t: number): string => (dates ? dates[t] : `return ${t}`);
  const p = tailProbability(confidence);

  const start = Math.max(minLookback, n - window);
  const observations = Math.max(0, n - start);
  const notes: string[] = [];
  const base: RollingVaRBacktest = {
    status: 'insufficient_history',
    confidence,
    varMethod,
    window,
    lookback,
    minLookback,
    observations,
    firstDate: null,
    lastDate: null,
    shortestLookback: null,
    longestLookback: null,
    expectedExceptions: observations * p,
    exceptions: 0,
    exceptionDays: [],
    transitions: null,
    kupiec: null,
    christoffersen: null,
    conditionalCoverage: null,
    basel: null,
    notes,
  };
  if (observations < 2) {
    notes.push(
      `${n} returns leave ${observations} day(s) with at least ${minLookback} earlier returns; ` +
        'the tests need at least 2',
    );
    return base;
  }

  const forecasts = rollingHistoricalVaR(returns, { confidence, varMethod, lookback, start });
  const hits = new Uint8Array(observations);
  const exceptionDays: BacktestException[] = [];
  for (let i = 0; i < observations; i++) {
    const t = start + i;
    const loss = 0 - returns[t];
    if (loss > forecasts[i]) {
      hits[i] = 1;
      exceptionDays.push({ index: t, date: dates ? dates[t] : null, loss, var: forecasts[i] });
    }
  }
  const exceptions = exceptionDays.length;
  const transitions = transitionCounts(hits);
  const kupiec = kupiecPOF(observations, exceptions, confidence);
  const christoffersen = christoffersenIndependence(transitions);
  const shortestLookback = Math.min(start, lookback);
  const longestLookback = Math.min(n - 1, lookback);

  if (observations < window) {
    notes.push(
      `tested ${observations} of the requested ${window} days: the history has ${n} returns and a forecast ` +
        `needs at least ${minLookback} earlier returns`,
    );
  }
  if (shortestLookback < lookback) {
    const lastShort = Math.min(lookback, n) - 1; // the last day whose forecast had fewer than `lookback` returns
    notes.push(
      `forecasts through ${label(lastShort)} had fewer than ${lookback} earlier returns (as few as ` +
        `${shortestLookback}) and used all of them`,
    );
  }
  const baselApplies = observations === 250 && p === 0.01;
  if (!baselApplies) {
    notes.push(
      `Basel traffic light not computed: it is defined for 250 observations of a 99% VaR, ` +
        `not ${observations} at ${+(confidence * 100).toPrecision(10)}%`,
    );
  }
  return {
    ...base,
    status: 'ok',
    firstDate: dates ? dates[start] : null,
    lastDate: dates ? dates[n - 1] : null,
    shortestLookback,
    longestLookback,
    exceptions,
    exceptionDays,
    transitions,
    kupiec,
    christoffersen,
    conditionalCoverage: conditionalCoverage(kupiec, christoffersen),
    basel: baselApplies ? baselTrafficLight(exceptions) : null,
  };
}
