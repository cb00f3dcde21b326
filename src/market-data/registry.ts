/** Builds a market-data provider by name from one options object (the worker's config). */
import { type MarketDataProvider, PROVIDER_NAMES, type ProviderName } from './bar';
import { createFallbackProvider, type FallbackOptions } from './fallback';
import { createCsvProvider } from './providers/csv';
import { createSyntheticProvider, type SyntheticProviderOptions } from './providers/synthetic';
import { createYahooProvider, type YahooProviderOptions } from './providers/yahoo';
import { createRecordingFetch, createReplayFetch } from './providers/yahoo-recording';
import { withRateLimit } from './rate-limit';

export interface YahooRegistryOptions extends YahooProviderOptions {
  /** Answer every Yahoo call from the recordings in this folder, never the network (TRADEFLOW_YAHOO_REPLAY_DIR). */
  replayDir?: string;
  /** Save every Yahoo answer to this folder, for a later replay (TRADEFLOW_YAHOO_RECORD_DIR). */
  recordDir?: string;
  /**
   * Yahoo calls per second from this provider (TRADEFLOW_YAHOO_MAX_RPS); unset means unlimited. Not applied when
   * replaying: the limit protects Yahoo, and a replay never reaches it.
   */
  requestsPerSecond?: number;
  /** Calls allowed back to back before the rate applies (default 1). */
  burst?: number;
}

export interface ProviderOptions {
  /** Folder of `<SYMBOL>.csv` files; required for the csv provider. */
  csvDirectory?: string;
  synthetic?: SyntheticProviderOptions;
  yahoo?: YahooRegistryOptions;
  /**
   * Providers to ask, in order, when the named one cannot serve a call (TRADEFLOW_PROVIDER_FALLBACKS), e.g.
   * `{ yahoo: ['csv'] }` makes `createProvider('yahoo')` a yahoo → csv chain named 'yahoo'. A chain is exactly the
   * list given: the fallbacks' own fallbacks are not followed.
   */
  fallbacks?: Partial<Record<ProviderName, readonly ProviderName[]>>;
  /** Whether a chain moves on when a provider says the symbol is unknown (default true). */
  fallBackOnUnknownSymbol?: boolean;
  /** Told about each provider a chain passed over, e.g. to log it. */
  onFallback?: FallbackOptions['onFallback'];
}

/** The chosen provider cannot be built from the options given (a configuration mistake, not a data problem). */
export class ProviderConfigError extends Error {
  override readonly name = 'ProviderConfigError';
}

export function createProvider(name: ProviderName, options: ProviderOptions = {}): MarketDataProvider {
  const primary = createSingleProvider(name, options);
  const fallbacks = options.fallbacks?.[name] ?? [];
  if (fallbacks.length === 0) return primary;
  checkChain(name, fallbacks);
  return createFallbackProvider(
    [primary, ...fallbacks.map((fallback) => createSingleProvider(fallback, options))],
    { fallBackOnUnknownSymbol: options.fallBackOnUnknownSymbol, onFallback: options.onFallback },
  );
}

function createSingleProvider(name: ProviderName, options: ProviderOptions): MarketDataProvider {
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
      return createConfiguredYahoo(options.yahoo ?? {});
    default:
      throw new ProviderConfigError(
        `Unknown market-data provider ${JSON.stringify(name)}; expected one of ${PROVIDER_NAMES.join(', ')}`,
      );
  }
}

function createConfiguredYahoo(options: YahooRegistryOptions): MarketDataProvider {
  const { replayDir, recordDir, requestsPerSecond, burst, ...providerOptions } = options;
  if (replayDir && recordDir) {
    throw new ProviderConfigError(
      'Set either TRADEFLOW_YAHOO_REPLAY_DIR (replayDir) or TRADEFLOW_YAHOO_RECORD_DIR (recordDir), not both',
    );
  }
  if (replayDir) {
    if (providerOptions.fetch) {
      throw new ProviderConfigError(
        'A Yahoo replay directory replaces the network: do not also pass a fetch',
      );
    }
    // No rate limit on a replay: it never reaches Yahoo.
    return createYahooProvider({
      ...providerOptions,
      fetch: configured(() => createReplayFetch(replayDir), 'TRADEFLOW_YAHOO_REPLAY_DIR'),
    });
  }
  const yahoo = createYahooProvider(
    recordDir
      ? { ...providerOptions, fetch: createRecordingFetch(recordDir, providerOptions.fetch) }
      : providerOptions,
  );
  if (requestsPerSecond === undefined) return yahoo;
  return configured(() => withRateLimit(yahoo, { requestsPerSecond, burst }), 'TRADEFLOW_YAHOO_MAX_RPS');
}

function checkChain(name: ProviderName, fallbacks: readonly ProviderName[]): void {
  const chain = [name, ...fallbacks];
  const unknown = fallbacks.filter((fallback) => !isProviderName(fallback));
  if (unknown.length > 0) {
    throw new ProviderConfigError(
      `Unknown fallback provider ${unknown.map((n) => JSON.stringify(n)).join(', ')} for ${name}; expected one of ${PROVIDER_NAMES.join(', ')}`,
    );
  }
  if (new Set(chain).size !== chain.length) {
    throw new ProviderConfigError(`A provider appears twice in the fallback chain ${chain.join(' → ')}`);
  }
}

/**
 * Parses TRADEFLOW_PROVIDER_FALLBACKS: `primary:fallback[,fallback...]` entries separated by `;`, e.g.
 * "yahoo:csv;csv:synthetic". Blank means no fallbacks.
 */
export function parseProviderFallbacks(text: string): Partial<Record<ProviderName, ProviderName[]>> {
  const fallbacks: Partial<Record<ProviderName, ProviderName[]>> = {};
  const entries = text
    .split(';')
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (const entry of entries) {
    const [primary, list = '', ...extra] = entry.split(':').map((part) => part.trim());
    const names = [primary, ...list.split(',').map((part) => part.trim())];
    if (extra.length > 0 || !names.every(isProviderName)) {
      throw new ProviderConfigError(
        `TRADEFLOW_PROVIDER_FALLBACKS entry ${JSON.stringify(entry)} is not "provider:fallback[,fallback...]" ` +
          `with providers from ${PROVIDER_NAMES.join(', ')}`,
      );
    }
    const [name, ...chain] = names;
    if (fallbacks[name]) {
      throw new ProviderConfigError(`TRADEFLOW_PROVIDER_FALLBACKS lists fallbacks for ${name} twice`);
    }
    checkChain(name, chain);
    fallbacks[name] = chain;
  }
  return fallbacks;
}

function isProviderName(text: string): text is ProviderName {
  return (PROVIDER_NAMES as readonly string[]).includes(text);
}

/** Runs a builder, turning its complaint about a setting into a ProviderConfigError that names the setting. */
function configured<T>(build: () => T, setting?: string): T {
  try {
    return build();
  } catch (error) {
    const message = (error as Error).message;
    throw new ProviderConfigError(setting ? `${setting}: ${message}` : message, { cause: error });
  }
}
