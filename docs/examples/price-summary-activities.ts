/**
 * Activities of the price-summary example: thin adapters from the workflow to the store and the domain code. The
 * factory takes its dependencies, so the worker wires the real store and tests wire a local one.
 */
import { ApplicationFailure } from '@temporalio/common';
import { tradingSessions } from '../../src/market-data/sessions';
import type { BarStore } from '../../src/store/bar-store';
import { summarizeCloses, type PriceSummary } from './price-summary';

export interface PriceSummaryActivityDeps {
  bars: BarStore;
}

export interface SymbolWindow {
  symbol: string;
  from: string;
  to: string;
}

export function createPriceSummaryActivities(deps: PriceSummaryActivityDeps) {
  return {
    async summarizePrices({ symbol, from, to }: SymbolWindow): Promise<PriceSummary> {
      const bars = await deps.bars.getBars({ symbol, interval: '1d', from, to });
      if (bars.length === 0) {
        // A retry would not find bars either: fail for good, with a type callers can test for.
        throw ApplicationFailure.nonRetryable(
          `No daily bars stored for ${symbol} from ${from} to ${to}; ingest them first`,
          'NoStoredBars',
        );
      }
      return summarizeCloses(symbol, bars);
    },

    /** NYSE sessions in the window without a stored daily bar (used from version 2 of the workflow on). */
    async missingSessions({ symbol, from, to }: SymbolWindow): Promise<string[]> {
      const stored = await deps.bars.storedDates({ symbol, interval: '1d', from, to });
      return tradingSessions(from, to).filter((date) => !stored.has(date));
    },
  };
}
