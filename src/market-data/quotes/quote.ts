/** Intraday quotes: the latest trade price of a symbol at an instant, with the provider that served it. */
import type { ProviderName } from '../bar';

export interface Quote {
  symbol: string;
  /** ISO-8601 instant of the price (the exchange's regular-market time for Yahoo). */
  timestamp: string;
  price: number;
  source: ProviderName;
}

export interface QuoteProvider {
  readonly name: ProviderName;
  /** The latest quote of each symbol as of `at` (ISO instant; providers with live data ignore it). */
  fetchQuotes(symbols: readonly string[], at: string): Promise<Quote[]>;
}
