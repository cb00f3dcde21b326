/** Price series → return series, and alignment of several symbols' series on their common dates. */
import { assertFiniteResult, assertOneOf, assertRecord, assertSeries } from './validation';

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

/** Names the two prices behind return t in an overflow message. */
type PricePair = (t: number) => string;

const indexPair: PricePair = (t) => `prices[${t}] and prices[${t + 1}]`;

/**
 * Returns of checked positive prices. Positive finite prices whose ratio over- or underflows (1e308 after 1e-308)
 * give a non-finite return, which is an error naming `fn` and the two prices.
 */
function returnsOf(fn: string, prices: ArrayLike<number>, kind: ReturnKind, pair: PricePair): Float64Array {
  const out = new Float64Array(prices.length - 1);
  if (kind === 'log') {
    for (let t = 1; t < prices.length; t++) out[t - 1] = Math.log(prices[t] / prices[t - 1]);
  } else {
    for (let t = 1; t < prices.length; t++) out[t - 1] = prices[t] / prices[t - 1] - 1;
  }
  let sum = 0;
  for (let t = 0; t < out.length; t++) sum += out[t] * 0;
  // x·0 is NaN exactly for a non-finite x, so one finite sum proves every return finite.
  if (sum !== 0) {
    for (let t = 0; t < out.length; t++) assertFiniteResult(fn, pair(t), out[t]);
  }
  return out;
}

/** r_t = P_t / P_{t−1} − 1. */
export function simpleReturns(prices: ArrayLike<number>): Float64Array {
  assertPositivePrices('simpleReturns', 'prices', prices);
  return returnsOf('simpleReturns', prices, 'simple', indexPair);
}

/** r_t = ln(P_t / P_{t−1}). */
export function logReturns(prices: ArrayLike<number>): Float64Array {
  assertPositivePrices('logReturns', 'prices', prices);
  return returnsOf('logReturns', prices, 'log', indexPair);
}

function priceIndex(fn: string, symbol: string, series: DatedPrice[]): Map<string, number> {
  if (!Array.isArray(series) || series.length === 0) {
    throw new RangeError(`${fn}: symbol ${symbol} has no prices`);
  }
  const byDate = new Map<string, number>();
  for (const { date, price } of series) {
    if (byDate.has(date)) throw new RangeError(`${fn}: symbol ${symbol} has two prices on ${date}`);
    if (!Number.isFinite(price) || price <= 0) {
      throw new RangeError(`${fn}: symbol ${symbol} has price ${price} on ${date}; must be positive`);
    }
    byDate.set(date, price);
  }
  return byDate;
}

/**
 * Keeps only dates on which every symbol has a price (an inner join), so each return spans the same interval for
 * all symbols; a date missing for one symbol makes the next return of every symbol span two sessions.
 * Symbols keep the record's key order. Dates are compared as strings, so use one format (YYYY-MM-DD sorts).
 * `fn` names the caller in error messages.
 */
export function alignedReturnMatrix(
  pricesBySymbol: Record<string, DatedPrice[]>,
  kind: ReturnKind = 'simple',
  fn = 'alignedReturnMatrix',
): AlignedReturns {
  assertRecord(fn, 'pricesBySymbol', pricesBySymbol);
  const symbols = Object.keys(pricesBySymbol);
  if (symbols.length === 0) throw new RangeError(`${fn}: pricesBySymbol has no symbols`);
  const indexes = symbols.map((symbol) => priceIndex(fn, symbol, pricesBySymbol[symbol]));

  const dates = [...indexes[0].keys()].filter((date) => indexes.every((index) => index.has(date))).sort();
  if (dates.length < 3) {
    throw new RangeError(
      `${fn}: only ${dates.length} dates common to ${symbols.join(', ')}; at least 3 are needed ` +
        'for two returns',
    );
  }

  // An unknown kind must not fall back to simple returns.
  assertOneOf(fn, 'kind', kind, RETURN_KINDS);
  // Prices were checked (finite, positive) by priceIndex.
  const returns = indexes.map((index, s) =>
    returnsOf(
      fn,
      dates.map((date) => index.get(date)!),
      kind,
      (t) => `prices of ${symbols[s]} on ${dates[t]} and ${dates[t + 1]}`,
    ),
  );
  const lastDate = dates[dates.length - 1];
  const lastPrices = Object.fromEntries(symbols.map((symbol, i) => [symbol, indexes[i].get(lastDate)!]));
  return { symbols, dates, returns, lastPrices };
}
