/** Builds a market-data provider by name from one options object (the worker's config). */
import { type MarketDataProvider, PROVIDER_NAMES, type ProviderName } from './bar';
import { createCsvProvider } from './providers/csv';
import { createSyntheticProvider, type SyntheticProviderOptions } from './providers/synthetic';
import { createYahooProvider, type YahooProviderOptions } from './providers/yahoo';

export interface ProviderOptions {
  /** Folder of `<SYMBOL>.csv` files; required for the csv provider. */
  csvDirectory?: string;
  synthetic?: SyntheticProviderOptions;
  yahoo?: YahooProviderOptions;
}

/** The chosen provider cannot be built from the options given (a configuration mistake, not a data problem). */
export class ProviderConfigError extends Error {
  override readonly name = 'ProviderConfigError';
}

export function createProvider(name: ProviderName, options: ProviderOptions = {}): MarketDataProvider {
  switch (name) {
    case 'synthetic':
      return createSyntheticProvider(options.synthetic);
    case 'csv':
      if (!options.csvDirectory) {
        throw new ProviderConfigError(
          'The csv market-data provider needs a directory of <SYMBOL>.csv files: set TRADEFLOW_CSV_DIR (csvDirectory)',
        );
      }
      return createCsvProvider({ directory: options.csvDirectory });
    case 'yahoo':
      return createYahooProvider(options.yahoo);
    default:
      throw new ProviderConfigError(
        `Unknown market-data provider ${JSON.stringify(name)}; expected one of ${PROVIDER_NAMES.join(', ')}`,
      );
  }
}
