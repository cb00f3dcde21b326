/** The market-data vocabulary shared by providers, data-quality checks, the store and the pipeline. */

export const PROVIDER_NAMES = ['yahoo', 'csv', 'synthetic'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

/** Intraday bar lengths, as Yahoo names them ('60m' is Yahoo's '1h'). */
export const INTRADAY_INTERVALS = ['1m', '2m', '5m', '15m', '30m', '60m', '90m'] as const;
export type IntradayInterval = (typeof INTRADAY_INTERVALS)[number];
export const BAR_INTERVALS = ['1d', ...INTRADAY_INTERVALS] as const;
export type BarInterval = (typeof BAR_INTERVALS)[number];

export function isIntradayInterval(interval: string): interval is IntradayInterval {
  return (INTRADAY_INTERVALS as readonly string[]).includes(interval);
}

export function isBarInterval(interval: string): interval is BarInterval {
  return (BAR_INTERVALS as readonly string[]).includes(interval);
}

/** Minutes in one bar of an intraday interval. */
export function intervalMinutes(interval: IntradayInterval): number {
  return Number(interval.slice(0, -1));
}

/**
 * One OHLCV bar. `date` is the session date (YYYY-MM-DD, exchange-local). Intraday bars also carry `time`, the
 * instant the bar starts (ISO 8601 UTC, e.g. 2026-11-25T14:30:00.000Z); a bar covers [time, time + interval).
 */
export interface Bar {
  symbol: string;
  interval: BarInterval;
  date: string;
  /** Intraday bars only: the bar's start, ISO 8601 UTC as `Date.prototype.toISOString` writes it. */
  time?: string;
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

/**
 * The provider cannot serve this kind of request (an interval it lacks, or a range beyond how far back it keeps
 * that interval): retrying will not help, but another provider in a fallback chain might.
 */
export class UnsupportedRequestError extends Error {
  override readonly name = 'UnsupportedRequestError';
  constructor(
    readonly provider: ProviderName,
    message: string,
  ) {
    super(`${provider}: ${message}`);
  }
}

/** A transient fault (network, HTTP 429/5xx): Temporal's retry policy should retry it. */
export class ProviderUnavailableError extends Error {
  override readonly name = 'ProviderUnavailableError';
}
