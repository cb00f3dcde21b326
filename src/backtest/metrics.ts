/**
 * Performance metrics of an equity curve E₀ … E_{N−1} (one value per simulated day, oldest first) and its daily
 * simple returns rᵢ = Eᵢ / Eᵢ₋₁ − 1 (i = 1 … N − 1). P is the number of periods per year (252 for daily data).
 * Each function is pure, takes number[] or Float64Array, and throws a RangeError naming the function and the
 * argument when the input is too short or not finite (equity must also be positive: returns divide by it).
 * Ratios whose denominator is exactly 0 (a flat curve) are null rather than ±Infinity or NaN, so results stay
 * valid JSON. The formulas are listed in docs/backtesting.md; scripts/reference/backtest_reference.py
 * recomputes them with numpy.
 */

const { sqrt, pow, abs, min } = Math;

export const DEFAULT_PERIODS_PER_YEAR = 252;

function fail(fn: string, message: string): never {
  throw new RangeError(`${fn}: ${message}`);
}

/** Array check without narrowing (Array.isArray narrows readonly arrays to any[]). */
const isList = (value: unknown): boolean => Array.isArray(value);

function assertFinite(fn: string, name: string, values: ArrayLike<number>, minLength: number): number {
  if (values == null || typeof values.length !== 'number') fail(fn, `${name} must be an array of numbers`);
  const n = values.length;
  if (n < minLength) fail(fn, `${name} must have at least ${minLength} values, got ${n}`);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      fail(fn, `${name}[${i}] is ${String(v)}; all values must be finite numbers`);
    }
  }
  return n;
}

function assertEquity(fn: string, equity: ArrayLike<number>, minLength: number): number {
  const n = assertFinite(fn, 'equity', equity, minLength);
  for (let i = 0; i < n; i++) {
    if (equity[i] <= 0)
      fail(fn, `equity[${i}] is ${equity[i]}; equity must be positive (the run was ruined)`);
  }
  return n;
}

function assertPeriods(fn: string, periodsPerYear: number): void {
  if (typeof periodsPerYear !== 'number' || !Number.isFinite(periodsPerYear) || periodsPerYear <= 0) {
    fail(fn, `periodsPerYear must be a positive finite number, got ${String(periodsPerYear)}`);
  }
}

/** rᵢ = Eᵢ / Eᵢ₋₁ − 1 for i = 1 … N − 1; needs at least 2 equity values. */
export function dailyReturns(equity: ArrayLike<number>): Float64Array {
  const n = assertEquity('dailyReturns', equity, 2);
  const out = new Float64Array(n - 1);
  for (let i = 1; i < n; i++) out[i - 1] = equity[i] / equity[i - 1] - 1;
  return out;
}

/** E_{N−1} / E₀ − 1; needs at least 2 equity values. */
export function totalReturn(equity: ArrayLike<number>): number {
  const n = assertEquity('totalReturn', equity, 2);
  return equity[n - 1] / equity[0] - 1;
}

/** Geometric: (E_{N−1} / E₀)^(P / (N − 1)) − 1, the N − 1 returns spanning (N − 1) / P years. */
export function annualizedReturn(
  equity: ArrayLike<number>,
  periodsPerYear: number = DEFAULT_PERIODS_PER_YEAR,
): number {
  const n = assertEquity('annualizedReturn', equity, 2);
  assertPeriods('annualizedReturn', periodsPerYear);
  return pow(equity[n - 1] / equity[0], periodsPerYear / (n - 1)) - 1;
}

function meanOf(values: ArrayLike<number>, shift: number): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] - shift;
  return sum / values.length;
}

/** Sample standard deviation (ddof 1) of values − shift, two-pass. */
function sampleStd(values: ArrayLike<number>, shift: number): number {
  const m = meanOf(values, shift);
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const d = values[i] - shift - m;
    sum += d * d;
  }
  return sqrt(sum / (values.length - 1));
}

/** σ·√P with σ the sample standard deviation (ddof 1) of the returns; needs at least 2 returns. */
export function annualizedVolatility(
  returns: ArrayLike<number>,
  periodsPerYear: number = DEFAULT_PERIODS_PER_YEAR,
): number {
  assertFinite('annualizedVolatility', 'returns', returns, 2);
  assertPeriods('annualizedVolatility', periodsPerYear);
  return sampleStd(returns, 0) * sqrt(periodsPerYear);
}

export interface RatioOptions {
  /** Annual risk-free rate; rf/P is subtracted from each period's return. Default 0. */
  riskFreeRate?: number;
  periodsPerYear?: number;
}

function ratioOptions(fn: string, options: RatioOptions): { rf: number; periods: number } {
  const periods = options.periodsPerYear ?? DEFAULT_PERIODS_PER_YEAR;
  assertPeriods(fn, periods);
  const rate = options.riskFreeRate ?? 0;
  if (typeof rate !== 'number' || !Number.isFinite(rate)) {
    fail(fn, `riskFreeRate must be a finite number, got ${String(rate)}`);
  }
  return { rf: rate / periods, periods };
}

/**
 * Sharpe = mean(xᵢ) / std(xᵢ, ddof 1) · √P with excess returns xᵢ = rᵢ − rf/P. Needs at least 2 returns;
 * null when the standard deviation is 0.
 */
export function sharpeRatio(returns: ArrayLike<number>, options: RatioOptions = {}): number | null {
  assertFinite('sharpeRatio', 'returns', returns, 2);
  const { rf, periods } = ratioOptions('sharpeRatio', options);
  const sd = sampleStd(returns, rf);
  return sd === 0 ? null : (meanOf(returns, rf) / sd) * sqrt(periods);
}

/**
 * Downside deviation against a 0 target: DD = √(Σ min(rᵢ, 0)² / n), n = the number of all returns (not only the
 * negative ones — the Sortino–Price definition, as empyrical). Needs at least 1 return.
 */
export function downsideDeviation(returns: ArrayLike<number>): number {
  const n = assertFinite('downsideDeviation', 'returns', returns, 1);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const d = min(returns[i], 0);
    sum += d * d;
  }
  return sqrt(sum / n);
}

/**
 * Sortino = mean(rᵢ − rf/P) / DD · √P with DD the downside deviation against 0 (above). Needs at least 2
 * returns; null when no return is negative (DD = 0).
 */
export function sortinoRatio(returns: ArrayLike<number>, options: RatioOptions = {}): number | null {
  assertFinite('sortinoRatio', 'returns', returns, 2);
  const { rf, periods } = ratioOptions('sortinoRatio', options);
  const dd = downsideDeviation(returns);
  return dd === 0 ? null : (meanOf(returns, rf) / dd) * sqrt(periods);
}

export interface MaxDrawdown {
  /** Largest peak-to-trough fall as a positive fraction: max over i of 1 − Eᵢ / max_{j≤i} Eⱼ (0 if none). */
  maxDrawdown: number;
  /** The peak the worst drawdown fell from (the last index at that running maximum); null when there is none. */
  peakIndex: number | null;
  /** Where the worst drawdown bottomed (the first index reaching it). */
  troughIndex: number | null;
  /** First index after the trough with equity back at or above the peak; null if not recovered. */
  recoveryIndex: number | null;
  peakDate: string | null;
  troughDate: string | null;
  recoveryDate: string | null;
}

/** See `MaxDrawdown`. `dates`, when given, must line up with `equity`. Needs at least 2 equity values. */
export function maxDrawdown(equity: ArrayLike<number>, dates?: readonly string[]): MaxDrawdown {
  const fn = 'maxDrawdown';
  const n = assertEquity(fn, equity, 2);
  if (dates !== undefined && (!isList(dates) || dates.length !== n)) {
    fail(fn, `dates must have one entry per equity value (${n})`);
  }
  let peak = equity[0];
  let peakAt = 0;
  let worst = 0;
  let worstPeakAt = -1;
  let troughAt = -1;
  for (let i = 0; i < n; i++) {
    const e = equity[i];
    if (e >= peak) {
      peak = e;
      peakAt = i;
    }
    const dd = e / peak - 1;
    if (dd < worst) {
      worst = dd;
      troughAt = i;
      worstPeakAt = peakAt;
    }
  }
  if (troughAt < 0) {
    return {
      maxDrawdown: 0,
      peakIndex: null,
      troughIndex: null,
      recoveryIndex: null,
      peakDate: null,
      troughDate: null,
      recoveryDate: null,
    };
  }
  let recoveryAt = -1;
  const level = equity[worstPeakAt];
  for (let i = troughAt + 1; i < n; i++) {
    if (equity[i] >= level) {
      recoveryAt = i;
      break;
    }
  }
  const dateAt = (i: number) => (dates === undefined || i < 0 ? null : dates[i]);
  return {
    maxDrawdown: 0 - worst,
    peakIndex: worstPeakAt,
    troughIndex: troughAt,
    recoveryIndex: recoveryAt < 0 ? null : recoveryAt,
    peakDate: dateAt(worstPeakAt),
    troughDate: dateAt(troughAt),
    recoveryDate: dateAt(recoveryAt),
  };
}

/** Winning closed trades / closed trades; null when no trade has closed. */
export function hitRate(winningTrades: number, closedTrades: number): number | null {
  const fn = 'hitRate';
  if (!Number.isSafeInteger(closedTrades) || closedTrades < 0) {
    fail(fn, `closedTrades must be a non-negative integer, got ${String(closedTrades)}`);
  }
  if (!Number.isSafeInteger(winningTrades) || winningTrades < 0 || winningTrades > closedTrades) {
    fail(
      fn,
      `winningTrades must be an integer in [0, closedTrades = ${closedTrades}], got ${String(winningTrades)}`,
    );
  }
  return closedTrades === 0 ? null : winningTrades / closedTrades;
}

export interface Turnover {
  /** Σ |traded notional|. */
  tradedNotional: number;
  /** Mean of the equity curve. */
  averageEquity: number;
  /** tradedNotional / averageEquity over the whole run (1 = the average equity traded once). */
  total: number;
  /** total · P / (N − 1): per year of the N − 1 periods the run spans. */
  annualized: number;
}

/** Turnover from the per-day traded notional and the equity curve (same length, at least 2). */
export function turnover(
  tradedNotional: ArrayLike<number>,
  equity: ArrayLike<number>,
  periodsPerYear: number = DEFAULT_PERIODS_PER_YEAR,
): Turnover {
  const fn = 'turnover';
  const n = assertEquity(fn, equity, 2);
  assertFinite(fn, 'tradedNotional', tradedNotional, n);
  if (tradedNotional.length !== n)
    fail(fn, `tradedNotional has ${tradedNotional.length} values but equity has ${n}`);
  assertPeriods(fn, periodsPerYear);
  let traded = 0;
  for (let i = 0; i < n; i++) traded += abs(tradedNotional[i]);
  const averageEquity = meanOf(equity, 0);
  const total = traded / averageEquity;
  return { tradedNotional: traded, averageEquity, total, annualized: (total * periodsPerYear) / (n - 1) };
}

/**
 * Fraction of the N − 1 daily returns earned while holding a position: #{i < N − 1 : unitsᵢ ≠ 0} / (N − 1),
 * unitsᵢ being the position after day i's fill (held from close i to close i + 1). Needs at least 2 values.
 */
export function exposure(units: ArrayLike<number>): number {
  const n = assertFinite('exposure', 'units', units, 2);
  let held = 0;
  for (let i = 0; i < n - 1; i++) if (units[i] !== 0) held += 1;
  return held / (n - 1);
}
