/**
 * Live quotes from Yahoo through yahoo-finance2's `chart()` (1-minute bars for the day): the regular-market price
 * and time from the chart's meta. The chart endpoint needs no cookie or crumb, unlike `quote()`.
 */
import { createQuietYahooFinance, type YahooFinanceClient } from '../providers/yahoo';
import { toProviderError } from '../providers/yahoo-errors';
import type { Quote, QuoteProvider } from './quote';

export function createYahooQuoteProvider(
  options: { fetch?: typeof fetch; yahooFinance?: YahooFinanceClient } = {},
): QuoteProvider {
  const yahoo = options.yahooFinance ?? createQuietYahooFinance(options.fetch);
  return {
    name: 'yahoo',
    async fetchQuotes(symbols, at) {
      const instant = Date.parse(at);
      const quotes: Quote[] = [];
      for (const symbol of symbols) {
        try {
          const chart = await yahoo.chart(symbol, {
            interval: '1m',
            period1: new Date(instant - 24 * 3600 * 1000),
            period2: new Date(instant + 60 * 1000),
          });
          const price = chart.meta.regularMarketPrice;
          const time = chart.meta.regularMarketTime;
          if (typeof price !== 'number' || !Number.isFinite(price)) {
            throw new Error(`Yahoo chart meta for ${symbol} has no regularMarketPrice`);
          }
          quotes.push({ symbol, timestamp: new Date(time ?? instant).toISOString(), price, source: 'yahoo' });
        } catch (error) {
          throw toProviderError(error, symbol);
        }
      }
      return quotes;
    },
  };
}
