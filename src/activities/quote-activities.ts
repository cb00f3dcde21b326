/** Activities of the quote-polling workflow: market hours (time-zone data stays out of workflow code) and a poll. */
import type { ProviderName } from '../market-data/bar';
import { marketHoursAt, type MarketHours } from '../market-data/market-hours';
import type { Quote, QuoteProvider } from '../market-data/quotes/quote';
import type { QuoteStore } from '../store/quote-store';
import { toActivityFailure } from './failures';

export interface QuoteActivityDeps {
  quoteProviderFor(name: ProviderName): QuoteProvider;
  quotes: QuoteStore;
}

export function createQuoteActivities(deps: QuoteActivityDeps) {
  return {
    marketHours: ({ at }: { at: string }): Promise<MarketHours> => Promise.resolve(marketHoursAt(at)),

    pollQuotes: async (input: { symbols: string[]; provider: ProviderName; at: string }) => {
      try {
        const quotes: Quote[] = await deps
          .quoteProviderFor(input.provider)
          .fetchQuotes(input.symbols, input.at);
        const stored = await deps.quotes.insertQuotes(quotes);
        return { stored, quotes };
      } catch (error) {
        throw toActivityFailure(error);
      }
    },
  };
}
