/**
 * Domain code of the price-summary example (docs/user-guide.md): plain functions on numbers, with no Temporal,
 * Express or database import, so a unit test checks them without a server.
 */

/** What a summary needs of a bar: its session date and adjusted close. */
export interface DatedClose {
  date: string;
  adjClose: number;
}

export interface PriceSummary {
  symbol: string;
  /** First and last session with a bar, YYYY-MM-DD. */
  from: string;
  to: string;
  sessions: number;
  firstClose: number;
  lastClose: number;
  /** Simple return over the window on adjusted closes: lastClose / firstClose − 1. */
  change: number;
  /** Highest and lowest adjusted close in the window. */
  high: number;
  low: number;
}

/** Summarizes one symbol's adjusted closes, given in session order. */
export function summarizeCloses(symbol: string, closes: readonly DatedClose[]): PriceSummary {
  if (closes.length === 0) throw new RangeError(`summarizeCloses: no closes for ${symbol}`);
  let high = -Infinity;
  let low = Infinity;
  for (const { adjClose } of closes) {
    high = Math.max(high, adjClose);
    low = Math.min(low, adjClose);
  }
  const first = closes[0];
  const last = closes[closes.length - 1];
  return {
    symbol,
    from: first.date,
    to: last.date,
    sessions: closes.length,
    firstClose: first.adjClose,
    lastClose: last.adjClose,
    change: last.adjClose / first.adjClose - 1,
    high,
    low,
  };
}
