/**
 * Technical indicators over a close-price series (oldest first). Each series function returns a Float64Array as
 * long as its input, NaN where the indicator is not yet defined (the pandas convention), so outputs line up with
 * the input by index. Inputs may be number[] or Float64Array; loops allocate nothing per element.
 */
import {
  assertFiniteSeries,
  assertPositiveInteger,
  assertPositiveNumber,
  assertPriceSeries,
  type Series,
} from './validation';

export type { Series } from './validation';

export type TrendState = 'bullish' | 'bearish' | 'neutral';

export interface SmaCrossover {
  fast: number;
  slow: number;
  state: TrendState;
  /** The state became bullish or bearish on the last observation (it was different the observation before). */
  crossedToday: boolean;
}

/**
 * Relative gap under which two averages count as equal. The same constant series averaged over windows of 10 and
 * 30 can differ in the last bit, and that rounding must not read as a trend.
 */
export const TIE_TOLERANCE = 1e-9;

/** −1, 0 or 1 as a is below, equal to (within TIE_TOLERANCE relative) or above b. */
export function compareWithTolerance(a: number, b: number): -1 | 0 | 1 {
  if (Math.abs(a - b) <= TIE_TOLERANCE * Math.max(Math.abs(a), Math.abs(b))) return 0;
  return a > b ? 1 : -1;
}

/** Simple moving average over `window` values; defined from index window − 1. */
export function sma(values: Series, window: number): Float64Array {
  assertPositiveInteger('sma', 'window', window);
  assertFiniteSeries('sma', 'values', values, window);
  const out = new Float64Array(values.length).fill(NaN);
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i];
    if (i >= window) sum -= values[i - window];
    if (i >= window - 1) out[i] = sum / window;
  }
  return out;
}

/**
 * Exponential moving average with alpha = 2 / (span + 1), seeded with the first value:
 * y_0 = x_0, y_t = alpha·x_t + (1 − alpha)·y_{t−1}. This is pandas `ewm(span=span, adjust=False).mean()`;
 * every index is defined, but the seed dominates for roughly the first `span` values.
 */
export function ema(values: Series, span: number): Float64Array {
  if (typeof span !== 'number' || !Number.isFinite(span) || span < 1) {
    throw new RangeError(`ema: span must be a finite number ≥ 1, got ${String(span)}`);
  }
  assertFiniteSeries('ema', 'values', values, 1);
  const alpha = 2 / (span + 1);
  const out = new Float64Array(values.length);
  let level = values[0];
  out[0] = level;
  for (let i = 1; i < values.length; i++) {
    level = alpha * values[i] + (1 - alpha) * level;
    out[i] = level;
  }
  return out;
}

/** RSI from average gain and loss; a series that never fell is 100, one that never moved is 50. */
function rsiFromAverages(averageGain: number, averageLoss: number): number {
  if (averageLoss === 0) return averageGain === 0 ? 50 : 100;
  return 100 - 100 / (1 + averageGain / averageLoss);
}

/**
 * Relative Strength Index with Wilder's smoothing (Wilder 1978, as TA-Lib computes it). With changes
 * d_t = x_t − x_{t−1}, gains max(d, 0) and losses max(−d, 0): the first average gain/loss is the simple mean of
 * the first `period` changes (defined at index `period`); after that avg_t = (avg_{t−1}·(period − 1) + g_t) / period,
 * i.e. an EMA with alpha = 1/period. RSI = 100 − 100 / (1 + avgGain / avgLoss); 100 when avgLoss is 0 (50 when
 * avgGain is 0 too). Defined from index `period`, so it needs period + 1 values.
 */
export function rsi(values: Series, period = 14): Float64Array {
  assertPositiveInteger('rsi', 'period', period);
  assertFiniteSeries('rsi', 'values', values, period + 1);
  const out = new Float64Array(values.length).fill(NaN);
  let averageGain = 0;
  let averageLoss = 0;
  for (let i = 1; i <= period; i++) {
    const change = values[i] - values[i - 1];
    if (change > 0) averageGain += change;
    else averageLoss -= change;
  }
  averageGain /= period;
  averageLoss /= period;
  out[period] = rsiFromAverages(averageGain, averageLoss);
  for (let i = period + 1; i < values.length; i++) {
    const change = values[i] - values[i - 1];
    averageGain = (averageGain * (period - 1) + (change > 0 ? change : 0)) / period;
    averageLoss = (averageLoss * (period - 1) + (change < 0 ? -change : 0)) / period;
    out[i] = rsiFromAverages(averageGain, averageLoss);
  }
  return out;
}

/** Momentum m_t = x_t / x_{t−lookback} − 1 (a simple return over `lookback` steps); defined from index lookback. */
export function momentum(values: Series, lookback: number): Float64Array {
  assertPositiveInteger('momentum', 'lookback', lookback);
  assertPriceSeries('momentum', 'values', values, lookback + 1);
  const out = new Float64Array(values.length).fill(NaN);
  for (let i = lookback; i < values.length; i++) out[i] = values[i] / values[i - lookback] - 1;
  return out;
}

/**
 * Annualized realized volatility: the sample standard deviation (ddof = 1) of the last `window` log returns
 * r_t = ln(x_t / x_{t−1}), times sqrt(annualization). Defined from index `window` (window returns need
 * window + 1 prices). Equals pandas `np.log(s).diff().rolling(window).std() * sqrt(annualization)`.
 */
export function realizedVolatility(values: Series, window: number, annualization = 252): Float64Array {
  assertPositiveInteger('realizedVolatility', 'window', window, 2);
  assertPositiveNumber('realizedVolatility', 'annualization', annualization);
  assertPriceSeries('realizedVolatility', 'values', values, window + 1);
  const returns = new Float64Array(values.length); // returns[t] is the log return into t; returns[0] unused
  for (let t = 1; t < values.length; t++) returns[t] = Math.log(values[t] / values[t - 1]);
  const out = new Float64Array(values.length).fill(NaN);
  const scale = Math.sqrt(annualization);
  for (let t = window; t < values.length; t++) {
    // Two passes per window (mean, then squared deviations): O(n·window) but free of the cancellation a running
    // sum of squares suffers when returns are tiny and nearly equal.
    let mean = 0;
    for (let j = t - window + 1; j <= t; j++) mean += returns[j];
    mean /= window;
    let squares = 0;
    for (let j = t - window + 1; j <= t; j++) squares += (returns[j] - mean) ** 2;
    out[t] = Math.sqrt(squares / (window - 1)) * scale;
  }
  return out;
}

/** Drawdown d_t = x_t / max(x_0..x_t) − 1: 0 at a running peak, −0.2 when 20 % below it. */
export function drawdown(values: Series): Float64Array {
  assertPriceSeries('drawdown', 'values', values, 1);
  const out = new Float64Array(values.length);
  let peak = values[0];
  for (let i = 0; i < values.length; i++) {
    if (values[i] > peak) peak = values[i];
    out[i] = values[i] / peak - 1;
  }
  return out;
}

function meanOf(values: Series, start: number, endExclusive: number): number {
  let sum = 0;
  for (let i = start; i < endExclusive; i++) sum += values[i];
  return sum / (endExclusive - start);
}

/** Mean of the last `window` values: the last point of `sma` without building the series. */
export function trailingMean(values: Series, window: number): number {
  assertPositiveInteger('trailingMean', 'window', window);
  assertFiniteSeries('trailingMean', 'values', values, window);
  return meanOf(values, values.length - window, values.length);
}

function trendState(fast: number, slow: number): TrendState {
  const order = compareWithTolerance(fast, slow);
  return order > 0 ? 'bullish' : order < 0 ? 'bearish' : 'neutral';
}

/**
 * Fast vs slow SMA at the last observation. The state is bullish when the fast SMA is above the slow one
 * (beyond TIE_TOLERANCE), bearish when below, neutral when equal. `crossedToday` is true when the state is
 * bullish or bearish and differed on the previous observation (so it needs slow + 1 values to ever be true).
 */
export function smaCrossover(values: Series, fast = 10, slow = 30): SmaCrossover {
  assertPositiveInteger('smaCrossover', 'fast', fast);
  assertPositiveInteger('smaCrossover', 'slow', slow);
  if (fast >= slow) {
    throw new RangeError(`smaCrossover: fast window (${fast}) must be shorter than slow window (${slow})`);
  }
  assertFiniteSeries('smaCrossover', 'values', values, slow);
  const n = values.length;
  const fastNow = meanOf(values, n - fast, n);
  const slowNow = meanOf(values, n - slow, n);
  const state = trendState(fastNow, slowNow);
  let crossedToday = false;
  if (state !== 'neutral' && n > slow) {
    const previous = trendState(meanOf(values, n - 1 - fast, n - 1), meanOf(values, n - 1 - slow, n - 1));
    crossedToday = previous !== state;
  }
  return { fast: fastNow, slow: slowNow, state, crossedToday };
}
