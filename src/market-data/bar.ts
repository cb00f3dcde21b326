/** The market-data vocabulary shared by providers, data-quality checks, the store and the pipeline. */

export const PROVIDER_NAMES = ['yahoo', 'csv', 'synthetic'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

/** Only daily bars for now; intraday intervals come with the market-data depth issue. */
export type BarInterval = '1d';

/** One OHLCV bar. `date` is the session date (YYYY-MM-DD, exchange-local) for daily bars. */
export interface Bar {
  symbol: string;
  interval: BarInterval;
  date: string;
  open: number;
  high: number;
  low: number;
  close: number;
  /** Close adjusted for splits and dividends; equals `close` where the source has no adjustment. */
  adjClose: number;
  volume: number;
  /** Which provider served this bar. */
  source: ProviderName;
}

export interface FetchBarsRequest {
  symbol: string;
  /** Inclusive first session date, YYYY-MM-DD. */
  from: string;
  /** Inclusive last session date, YYYY-MM-DD. */
  to: string;
  interval: BarInterval;
}

/** A split or a cash dividend, as the provider reported it (Yahoo's chart events). */
export interface CorporateEvent {
  symbol: string;
  /** Session date (YYYY-MM-DD) of the ex-date. */
  date: string;
  type: 'split' | 'dividend';
  /** Dividend: cash amount per share. Split: shares after / shares before (4 for a 4-for-1). */
  value: number;
  /** Human form, e.g. "4:1" for a split. */
  detail?: string;
  source: ProviderName;
}

export interface MarketDataProvider {
  readonly name: ProviderName;
  fetchBars(request: FetchBarsRequest): Promise<Bar[]>;
  /** Providers that know splits and dividends return them with the bars (one call to the vendor). */
  fetchBarsWithEvents?(request: FetchBarsRequest): Promise<{ bars: Bar[]; events: CorporateEvent[] }>;
}

/** The provider does not know the symbol: retrying will not help. */
export class UnknownSymbolError extends Error {
  override readonly name = 'UnknownSymbolError';
  constructor(
    readonly symbol: string,
    readonly provider: ProviderName,
    detail?: string,
  ) {
    super(`Unknown symbol "${symbol}" at provider ${provider}${detail ? `: ${detail}` : ''}`);
  }
}

/** The provider's data is malformed (e.g. a bad CSV line): retrying will not help. */
export class MalformedMarketDataError extends Error {
  override readonly name = 'MalformedMarketDataError';
}

/** A transient fault (network, HTTP 429/5xx): Temporal's retry policy should retry it. */
export class ProviderUnavailableError extends Error {
  override readonly name = 'ProviderUnavailableError';
}
