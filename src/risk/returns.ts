/** Price series → return series, and alignment of several symbols' series on their common dates. */
import { assertFiniteResult, assertOneOf, assertSeries } from './validation';

export type ReturnKind = 'simple' | 'log';

const RETURN_KINDS: readonly ReturnKind[] = ['simple', 'log'];

export interface DatedPrice {
  date: string;
  price: number;
}

export interface AlignedReturns {
  symbols: string[];
  /** Common dates, ascending; `returns[i][t]` is the return from `dates[t]` to `dates[t + 1]`. */
  dates: string[];
  /** One series per symbol, in `symbols` order, each `dates.length − 1` long. */
  returns: Float64Array[];
  /** Each symbol's price on the last common date (what positions are valued at). */
  lastPrices: Record<string, number>;
}

function assertPositivePrices(fn: string, name: string, prices: ArrayLike<number>): void {
  assertSeries(fn, name, prices);
  for (let i = 0; i < prices.length; i++) {
    // Returns divide by the previous price and logs need positive arguments.
    if (prices[i] <= 0) throw new RangeError(`${fn}: ${name}[${i}] is ${prices[i]}; prices must be positive`);
  }
}

/** Positive finite prices whose ratio over- or underflows (1e308 after 1e-308) give a non-finite return. */
function assertFiniteReturns(fn: string, out: Float64Array): Float64Array {
  let sum = 0;
  for (let t = 0; t < out.length; t++) sum += out[t] * 0;
  // x·0 is NaN exactly for a non-finite x, so one finite sum proves every return finite.
  if (sum !== 0) {
    for (let t = 0; t < out.length; t++) assertFiniteResult(fn, `prices[${t}] and prices[${t + 1}]`, out[t]);
  }
  return out;
}

/** r_t = P_t / P_{t−1} − 1. */
export function simpleReturns(prices: ArrayLike<number>): Float64Array {
  assertPositivePrices('simpleReturns', 'prices', prices);
  const out = new Float64Array(prices.length - 1);
  for (let t = 1; t < prices.length; t++) out[t - 1] = prices[t] / prices[t - 1] - 1;
  return assertFiniteReturns('simpleReturns', out);
}

/** r_t = ln(P_t / P_{t−1}). */
export function logReturns(prices: ArrayLike<number>): Float64Array {
  assertPositivePrices('logReturns', 'prices', prices);
  const out = new Float64Array(prices.length - 1);
  for (let t = 1; t < prices.length; t++) out[t - 1] = Math.log(prices[t] / prices[t - 1]);
  return assertFiniteReturns('logReturns', out);
}

function priceIndex(symbol: string, series: DatedPrice[]): Map<string, number> {
  if (!Array.isArray(series) || series.length === 0) {
    throw new RangeError(`alignedReturnMatrix: symbol ${symbol} has no prices`);
  }
  const byDate = new Map<string, number>();
  for (const { date, price } of series) {
    if (byDate.has(date))
      throw new RangeError(`alignedReturnMatrix: symbol ${symbol} has two prices on ${date}`);
    if (!Number.isFinite(price) || price <= 0) {
      throw new RangeError(
        `alignedReturnMatrix: symbol ${symbol} has price ${price} on ${date}; must be positive`,
      );
    }
    byDate.set(date, price);
  }
  return byDate;
}

/**
 * Keeps only dates on which every symbol has a price (an inner join), so each return spans the same interval for
 * all symbols; a date missing for one symbol makes the next return of every symbol span two sessions.
 * Symbols keep the record's key order. Dates are compared as strings, so use one format (YYYY-MM-DD sorts).
 */
export function alignedReturnMatrix(
  pricesBySymbol: Record<string, DatedPrice[]>,
  kind: ReturnKind = 'simple',
): AlignedReturns {
  const symbols = Object.keys(pricesBySymbol);
  if (symbols.length === 0) throw new RangeError('alignedReturnMatrix: pricesBySymbol has no symbols');
  const indexes = symbols.map((symbol) => priceIndex(symbol, pricesBySymbol[symbol]));

  const dates = [...indexes[0].keys()].filter((date) => indexes.every((index) => index.has(date))).sort();
  if (dates.length < 3) {
    throw new RangeError(
      `alignedReturnMatrix: only ${dates.length} dates common to ${symbols.join(', ')}; at least 3 are needed ` +
        'for two returns',
    );
  }

  // An unknown kind must not fall back to simple returns.
  assertOneOf('alignedReturnMatrix', 'kind', kind, RETURN_KINDS);
  const toReturns = kind === 'log' ? logReturns : simpleReturns;
  const returns = indexes.map((index) => toReturns(dates.map((date) => index.get(date)!)));
  const lastDate = dates[dates.length - 1];
  const lastPrices = Object.fromEntries(symbols.map((symbol, i) => [symbol, indexes[i].get(lastDate)!]));
  return { symbols, dates, returns, lastPrices };
}
