/**
 * Synthetic bars: seeded geometric Brownian motion for daily bars, optionally correlated across a universe of
 * symbols; intraday bars are a seeded Brownian bridge inside each daily bar (synthetic-intraday.ts).
 *
 * Determinism is the point: the same seed, symbol and date always give the same bar, whatever range was asked
 * for, so chunked and resumed ingests store exactly what an undisturbed one does. Every random number comes from a
 * counter-based hash of (seed, day, symbol, stream) and each symbol's price path is accumulated from a fixed epoch,
 * never from the request's `from`.
 */
import {
  type Bar,
  type FetchBarsRequest,
  isIntradayInterval,
  type MarketDataProvider,
  UnknownSymbolError,
} from '../bar';
import { TICKER_PATTERN } from '../../contracts/ticker';
import { choleskyOfCorrelation } from '../cholesky';
import { hashString, integerWords, standardNormal, uniform } from '../counter-random';
import { dayNumberOf, formatDayNumber, tradingSessions } from '../sessions';
import { syntheticIntradayBars } from './synthetic-intraday';

/** Every price path starts here (a Monday); earlier sessions have no synthetic bars. */
export const SYNTHETIC_EPOCH = '2000-01-03';
/** The synthetic provider knows every symbol of this shape (the pipeline's ticker pattern). */

const SESSIONS_PER_YEAR = 252;
// Module-level copies of hot Math functions (see counter-random.ts: global lookups are slow under Jest 30).
const { abs, exp, log, max, min, round, sqrt } = Math;
const EPOCH_DAY = dayNumberOf(SYNTHETIC_EPOCH);

/** Independent random streams per (day, symbol): one per quantity that needs its own shock. */
const STREAM = { return: 1, open: 2, high: 3, low: 4, volume: 5, startPrice: 6, baseVolume: 7 } as const;

export interface SyntheticCorrelation {
  /** The universe the matrix is over; symbols outside it get independent shocks. */
  symbols: string[];
  /** Correlation of daily log-return shocks, in the order of `symbols`. */
  matrix: number[][];
}

export interface SyntheticProviderOptions {
  seed?: number;
  correlation?: SyntheticCorrelation;
  annualDrift?: number;
  annualVolatility?: number;
  /** Per-symbol annual volatility, overriding `annualVolatility`. */
  volatilityBySymbol?: Record<string, number>;
  /** Simulated vendor latency per fetch, in milliseconds. */
  latencyMs?: number;
}

export interface SyntheticProvider extends MarketDataProvider {
  readonly name: 'synthetic';
}

/** Log closes from the epoch onwards, extended on demand. `logCloses[i]` is the close of session index i. */
interface PricePath {
  logStart: number;
  logCloses: number[];
}

export function createSyntheticProvider(options: SyntheticProviderOptions = {}): SyntheticProvider {
  const seed = options.seed ?? 42;
  const annualDrift = options.annualDrift ?? 0.05;
  const annualVolatility = options.annualVolatility ?? 0.2;
  const latencyMs = options.latencyMs ?? 0;
  validateOptions(seed, annualDrift, annualVolatility, latencyMs, options.volatilityBySymbol ?? {});

  const seedWords = integerWords(seed);
  const universe = options.correlation?.symbols ?? [];
  const cholesky = options.correlation ? validatedCholesky(options.correlation) : [];
  const universeIndex = new Map(universe.map((symbol, index) => [symbol, index]));
  const paths = new Map<string, PricePath>();

  const keyOf = (symbol: string, day: number, stream: number) => [
    ...seedWords,
    day,
    hashString(symbol),
    symbol.length,
    stream,
  ];
  const volatilityOf = (symbol: string) => options.volatilityBySymbol?.[symbol] ?? annualVolatility;

  /** The day's return shock: correlated through the Cholesky factor inside the universe, independent outside. */
  function returnShock(symbol: string, day: number): number {
    const row = universeIndex.get(symbol);
    if (row === undefined) return standardNormal(keyOf(symbol, day, STREAM.return));
    let shock = 0;
    for (let k = 0; k <= row; k += 1) {
      if (cholesky[row][k] !== 0)
        shock += cholesky[row][k] * standardNormal(keyOf(universe[k], day, STREAM.return));
    }
    return shock;
  }

  function pathOf(symbol: string): PricePath {
    let path = paths.get(symbol);
    if (!path) {
      // A plausible share price between 10 and 500, fixed per seed and symbol.
      const start = 10 + 490 * uniform(keyOf(symbol, 0, STREAM.startPrice));
      path = { logStart: log(round(start * 100) / 100), logCloses: [] };
      paths.set(symbol, path);
    }
    return path;
  }

  /** Extends the path up to `index`, always in order from the epoch, so a close never depends on the request. */
  function logCloseAt(symbol: string, index: number): number {
    const path = pathOf(symbol);
    const sigma = volatilityOf(symbol);
    const drift = (annualDrift - (sigma * sigma) / 2) / SESSIONS_PER_YEAR;
    const dailySigma = sigma / sqrt(SESSIONS_PER_YEAR);
    for (let i = path.logCloses.length; i <= index; i += 1) {
      const previous = i === 0 ? path.logStart : path.logCloses[i - 1];
      path.logCloses.push(previous + drift + dailySigma * returnShock(symbol, dayOfSessionIndex(i)));
    }
    return path.logCloses[index];
  }

  function barAt(symbol: string, date: string, day: number): Bar {
    const index = sessionIndexOf(day);
    const dailySigma = volatilityOf(symbol) / sqrt(SESSIONS_PER_YEAR);
    const previousClose = exp(index === 0 ? pathOf(symbol).logStart : logCloseAt(symbol, index - 1));
    const close = exp(logCloseAt(symbol, index));
    // The open gaps a little from the previous close; the range then reaches a bit beyond open and close.
    const open = previousClose * exp(0.25 * dailySigma * standardNormal(keyOf(symbol, day, STREAM.open)));
    const high =
      max(open, close) * exp(0.5 * dailySigma * abs(standardNormal(keyOf(symbol, day, STREAM.high))));
    const low =
      min(open, close) * exp(-0.5 * dailySigma * abs(standardNormal(keyOf(symbol, day, STREAM.low))));
    // Busier days on bigger moves, around a per-symbol typical volume of 1M–50M shares.
    const baseVolume = 1_000_000 * (1 + 49 * uniform(keyOf(symbol, 0, STREAM.baseVolume)));
    const moveSize = abs(returnShock(symbol, day));
    const volume = round(
      baseVolume * exp(0.25 * standardNormal(keyOf(symbol, day, STREAM.volume))) * (1 + 0.3 * moveSize),
    );
    return {
      symbol,
      interval: '1d',
      date,
      open: roundPrice(open),
      high: roundPrice(high),
      low: roundPrice(low),
      close: roundPrice(close),
      adjClose: roundPrice(close),
      volume,
      source: 'synthetic',
    };
  }

  return {
    name: 'synthetic',
    async fetchBars(request: FetchBarsRequest): Promise<Bar[]> {
      if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
      const { symbol, from, to } = request;
      if (!TICKER_PATTERN.test(symbol)) {
        throw new UnknownSymbolError(
          symbol,
          'synthetic',
          'synthetic symbols are 1-15 characters: an uppercase letter, then A-Z 0-9 . - ^ =',
        );
      }
      const { interval } = request;
      const sessions = tradingSessions(from, to)
        .map((date) => ({ date, day: dayNumberOf(date) }))
        .filter(({ day }) => day >= EPOCH_DAY);
      if (interval === '1d') return sessions.map(({ date, day }) => barAt(symbol, date, day));
      if (!isIntradayInterval(interval)) throw new RangeError(`Unsupported interval ${String(interval)}`);
      const dailySigma = volatilityOf(symbol) / sqrt(SESSIONS_PER_YEAR);
      return sessions.flatMap(({ date, day }) =>
        syntheticIntradayBars(
          barAt(symbol, date, day),
          interval,
          dailySigma,
          (stream) => keyOf(symbol, day, stream),
          roundPrice,
        ),
      );
    },
  };
}

/**
 * Vendor-like 4 decimals, never below 0.0001. Rounding is monotone, so high >= max(open, close) >= min(open, close)
 * >= low > 0 still holds afterwards.
 */
function roundPrice(price: number): number {
  return max(round(price * 10_000) / 10_000, 0.0001);
}

/**
 * Day numbers of the trading sessions from the epoch on, in order, so that session index i is one step of every
 * price path: a holiday is no step, and the return from the session before it to the one after is a single day's.
 * Extended a year at a time as later dates are asked for; the calendar is fixed, so all providers share it.
 */
const sessionDays: number[] = [];
const sessionIndexByDay = new Map<number, number>();

function extendSessionDays(): void {
  const from = sessionDays.length === 0 ? EPOCH_DAY : sessionDays[sessionDays.length - 1] + 1;
  for (const date of tradingSessions(formatDayNumber(from), formatDayNumber(from + 365))) {
    const day = dayNumberOf(date);
    sessionIndexByDay.set(day, sessionDays.length);
    sessionDays.push(day);
  }
}

/** Sessions since the epoch; `day` must be a session on or after it. */
function sessionIndexOf(day: number): number {
  while (sessionDays.length === 0 || sessionDays[sessionDays.length - 1] < day) extendSessionDays();
  const index = sessionIndexByDay.get(day);
  if (index === undefined) throw new RangeError(`${formatDayNumber(day)} is not a synthetic session`);
  return index;
}

function dayOfSessionIndex(index: number): number {
  while (sessionDays.length <= index) extendSessionDays();
  return sessionDays[index];
}

function validateOptions(
  seed: number,
  annualDrift: number,
  annualVolatility: number,
  latencyMs: number,
  volatilityBySymbol: Record<string, number>,
): void {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`Synthetic seed must be an integer, got ${seed}`);
  if (!Number.isFinite(annualDrift)) throw new RangeError(`annualDrift must be finite, got ${annualDrift}`);
  const volatilities: [string, number][] = [
    ['annualVolatility', annualVolatility],
    ...Object.entries(volatilityBySymbol).map(([symbol, v]): [string, number] => [
      `volatility of ${symbol}`,
      v,
    ]),
  ];
  for (const [label, value] of volatilities) {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`${label} must be >= 0, got ${value}`);
  }
  if (!Number.isFinite(latencyMs) || latencyMs < 0) {
    throw new RangeError(`latencyMs must be >= 0, got ${latencyMs}`);
  }
}

function validatedCholesky(correlation: SyntheticCorrelation): number[][] {
  const { symbols, matrix } = correlation;
  const seen = new Set<string>();
  for (const symbol of symbols) {
    if (!TICKER_PATTERN.test(symbol)) {
      throw new RangeError(`Correlation symbol ${JSON.stringify(symbol)} is not a valid ticker`);
    }
    if (seen.has(symbol)) throw new RangeError(`Correlation symbol ${symbol} is listed twice`);
    seen.add(symbol);
  }
  if (matrix.length !== symbols.length) {
    throw new RangeError(`Correlation matrix has ${matrix.length} rows for ${symbols.length} symbols`);
  }
  return choleskyOfCorrelation(matrix, symbols);
}
