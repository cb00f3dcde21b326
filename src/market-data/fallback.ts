/**
 * A provider fallback chain: asks providers in order and moves on only when the next one may do better.
 *
 * - ProviderUnavailableError (network, HTTP 429/5xx): always moves on; the fault is the provider's, not the data's.
 * - UnsupportedRequestError (an interval or range the provider does not serve): moves on; another may serve it.
 * - UnknownSymbolError: moves on by default (a CSV folder may hold a symbol Yahoo lacks); `fallBackOnUnknownSymbol:
 *   false` makes it final.
 * - MalformedMarketDataError, and any error that is not a domain error (a bug, a configuration mistake), end the
 *   call with that error unchanged: a fallback must not paper over bad data or broken code.
 *
 * The chain's `name` is the primary's, so it slots in wherever that provider was configured. Which provider served
 * a call is on every bar (`source` is left as the serving provider set it, and the ingest result counts sources);
 * `fetchBarsWithProvenance` also says so for answers without bars, and which providers were skipped and why.
 */
import {
  type Bar,
  type CorporateEvent,
  type FetchBarsRequest,
  type MarketDataProvider,
  ProviderUnavailableError,
  type ProviderName,
  UnknownSymbolError,
  UnsupportedRequestError,
} from './bar';

export interface FallbackOptions {
  /** Try the next provider when one says the symbol is unknown (default true). */
  fallBackOnUnknownSymbol?: boolean;
  /** Told about each provider that was passed over, e.g. to log it. Must not throw. */
  onFallback?: (event: FallbackEvent) => void;
}

export interface ProviderFailure {
  provider: ProviderName;
  error: UnknownSymbolError | ProviderUnavailableError | UnsupportedRequestError;
}

export interface FallbackEvent extends ProviderFailure {
  /** The provider asked next. */
  next: ProviderName;
}

export interface ServedBars {
  bars: Bar[];
  /** Splits and dividends, from providers that report them (else empty). */
  events: CorporateEvent[];
  servedBy: ProviderName;
  /** The providers asked before `servedBy`, in order, with the error each gave. */
  skipped: ProviderFailure[];
}

export interface FallbackProvider extends MarketDataProvider {
  /** Provider names in the order they are asked, the primary first. */
  readonly chain: readonly ProviderName[];
  fetchBarsWithProvenance(request: FetchBarsRequest): Promise<ServedBars>;
}

export function createFallbackProvider(
  providers: readonly [MarketDataProvider, ...MarketDataProvider[]],
  options: FallbackOptions = {},
): FallbackProvider {
  if (providers.length === 0) throw new RangeError('A fallback chain needs at least one provider');
  const fallBackOnUnknownSymbol = options.fallBackOnUnknownSymbol ?? true;
  const chain = providers.map((provider) => provider.name);

  async function fetchBarsWithProvenance(request: FetchBarsRequest): Promise<ServedBars> {
    const skipped: ProviderFailure[] = [];
    for (const [index, provider] of providers.entries()) {
      try {
        if (provider.fetchBarsWithEvents) {
          const { bars, events } = await provider.fetchBarsWithEvents(request);
          return { bars, events, servedBy: provider.name, skipped };
        }
        return { bars: await provider.fetchBars(request), events: [], servedBy: provider.name, skipped };
      } catch (error) {
        if (!isWorthFallingBack(error, fallBackOnUnknownSymbol)) throw error;
        skipped.push({ provider: provider.name, error });
        const next = providers[index + 1];
        if (next) options.onFallback?.({ provider: provider.name, error, next: next.name });
      }
    }
    throw chainFailure(request, chain, skipped);
  }

  return {
    name: providers[0].name,
    chain,
    fetchBarsWithProvenance,
    async fetchBars(request) {
      return (await fetchBarsWithProvenance(request)).bars;
    },
    async fetchBarsWithEvents(request) {
      const { bars, events } = await fetchBarsWithProvenance(request);
      return { bars, events };
    },
  };
}

/** Only these three move on; MalformedMarketDataError and everything else end the call. */
function isWorthFallingBack(
  error: unknown,
  fallBackOnUnknownSymbol: boolean,
): error is UnknownSymbolError | ProviderUnavailableError | UnsupportedRequestError {
  if (error instanceof ProviderUnavailableError || error instanceof UnsupportedRequestError) return true;
  return error instanceof UnknownSymbolError && fallBackOnUnknownSymbol;
}

/**
 * Every provider failed. A lone provider's error is passed on as it was. If any was unavailable, a retry may yet
 * succeed, so the chain is unavailable. Otherwise the failure is final: "unknown symbol" if all said so, else
 * "unsupported request" (no provider serves that interval or range).
 */
function chainFailure(request: FetchBarsRequest, chain: ProviderName[], failures: ProviderFailure[]): Error {
  if (failures.length === 1) return failures[0].error;
  const reasons = failures.map(({ provider, error }) => `${provider}: ${error.message}`).join('; ');
  const route = chain.join(' → ');
  if (failures.every(({ error }) => error instanceof UnknownSymbolError)) {
    return new UnknownSymbolError(
      request.symbol,
      chain[0],
      `unknown to every provider in ${route} (${reasons})`,
    );
  }
  const what = `${request.symbol} ${request.interval} ${request.from}..${request.to}`;
  if (!failures.some(({ error }) => error instanceof ProviderUnavailableError)) {
    return new UnsupportedRequestError(chain[0], `no provider in ${route} serves ${what} (${reasons})`);
  }
  return new ProviderUnavailableError(`No provider in ${route} could serve ${what}: ${reasons}`, {
    cause: new AggregateError(failures.map(({ error }) => error)),
  });
}
