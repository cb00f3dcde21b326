/**
 * Daily bars from Yahoo Finance through yahoo-finance2's `chart()` (the v8 chart API).
 *
 * Every quote Yahoo returns in the range becomes a bar; quotes with null fields become NaN bars, so the quality
 * check rejects them with a reason instead of them vanishing. Errors are mapped to the domain classes in
 * ./yahoo-errors. Tests pass a `fetch` that serves generated responses through the real library.
 */
import YahooFinance from 'yahoo-finance2';
import {
  type Bar,
  type CorporateEvent,
  type FetchBarsRequest,
  type MarketDataProvider,
  UnknownSymbolError,
} from '../bar';
import { addDays, parseIsoDate } from '../sessions';
import { toProviderError } from './yahoo-errors';

export type YahooFinanceClient = InstanceType<typeof YahooFinance>;

export interface YahooProviderOptions {
  /** The fetch to reach Yahoo with (default: the global fetch at call time). */
  fetch?: typeof fetch;
  /** A ready yahoo-finance2 client, e.g. one with a custom cookie jar. Default: a quiet client of our own. */
  yahooFinance?: YahooFinanceClient;
  /** Abort a request after this long and report the provider unavailable (default 30 s). */
  timeoutMs?: number;
}

export interface YahooProvider extends MarketDataProvider {
  readonly name: 'yahoo';
}

/** Characters Yahoo tickers use (AAPL, BRK-B, ^GSPC, EURUSD=X, 0700.HK); the symbol goes into the URL path. */
const YAHOO_SYMBOL = /^[A-Za-z0-9.\-^=]{1,20}$/;

/** yahoo-finance2 with its console chatter off: no survey notice, no network version check on errors. */
export function createQuietYahooFinance(fetchImpl?: typeof fetch): YahooFinanceClient {
  return new YahooFinance({
    suppressNotices: ['yahooSurvey', 'ripHistorical'],
    versionCheck: false,
    validation: { logErrors: false, logOptionsErrors: false },
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });
}

export function createYahooProvider(options: YahooProviderOptions = {}): YahooProvider {
  const client = options.yahooFinance ?? createQuietYahooFinance();
  const timeoutMs = options.timeoutMs ?? 30_000;
  // We pass our own fetch per call to learn the HTTP status, unless the caller's client brings its own fetch.
  const ownsFetch = !options.yahooFinance || options.fetch !== undefined;

  const provider: YahooProvider = {
    name: 'yahoo',
    async fetchBars(request: FetchBarsRequest): Promise<Bar[]> {
      return (await provider.fetchBarsWithEvents!(request)).bars;
    },
    async fetchBarsWithEvents(request: FetchBarsRequest): Promise<{ bars: Bar[]; events: CorporateEvent[] }> {
      const { symbol, from, to } = request;
      if (!YAHOO_SYMBOL.test(symbol)) {
        throw new UnknownSymbolError(symbol, 'yahoo', 'not a Yahoo ticker symbol');
      }
      // Pad the window by a day each side: sessions are exchange-local, and e.g. Sydney opens before UTC midnight.
      const period1 = parseIsoDate(addDays(from, -1));
      const period2 = parseIsoDate(addDays(to, 2));

      let status: number | undefined;
      const baseFetch = options.fetch;
      const recordingFetch: typeof fetch = async (input, init) => {
        const response = await (baseFetch ?? globalThis.fetch)(input, init);
        status = response.status;
        return response;
      };
      try {
        const chart = await client.chart(
          symbol,
          { period1, period2, interval: '1d' },
          {
            ...(ownsFetch ? { fetch: recordingFetch } : {}),
            fetchOptions: { signal: AbortSignal.timeout(timeoutMs) },
          },
        );
        const sessionDate = sessionDateFormatter(chart.meta.exchangeTimezoneName, chart.meta.gmtoffset);
        const inRange = (date: string) => date >= from && date <= to;
        const bars: Bar[] = chart.quotes
          .map((quote) => ({ quote, date: sessionDate(quote.date) }))
          .filter(({ date }) => inRange(date))
          .map(({ quote, date }) => ({
            symbol,
            interval: '1d' as const,
            date,
            open: numberOrNaN(quote.open),
            high: numberOrNaN(quote.high),
            low: numberOrNaN(quote.low),
            close: numberOrNaN(quote.close),
            // No adjclose series at all means no adjustment; a null inside the series is a hole like any other.
            adjClose: 'adjclose' in quote ? numberOrNaN(quote.adjclose) : numberOrNaN(quote.close),
            volume: numberOrNaN(quote.volume),
            source: 'yahoo' as const,
          }));
        const events: CorporateEvent[] = [
          ...(chart.events?.dividends ?? []).map((d) => ({
            symbol,
            date: sessionDate(d.date),
            type: 'dividend' as const,
            value: d.amount,
            source: 'yahoo' as const,
          })),
          ...(chart.events?.splits ?? []).map((split) => ({
            symbol,
            date: sessionDate(split.date),
            type: 'split' as const,
            value: split.numerator / split.denominator,
            detail: split.splitRatio,
            source: 'yahoo' as const,
          })),
        ].filter((e) => inRange(e.date));
        return { bars, events };
      } catch (error) {
        throw toProviderError(error, symbol, status === undefined || status < 400 ? undefined : status);
      }
    },
  };
  return provider;
}

function numberOrNaN(value: number | null | undefined): number {
  return typeof value === 'number' ? value : Number.NaN;
}

/**
 * Maps a bar's timestamp (Yahoo stamps daily bars at the session's open) to its YYYY-MM-DD session date on the
 * exchange's calendar: by IANA zone when Intl knows it, else by the fixed `gmtoffset` Yahoo also sends.
 */
function sessionDateFormatter(timeZone: string, gmtOffsetSeconds: number): (instant: Date) => string {
  try {
    const format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    return (instant) => {
      const parts = Object.fromEntries(format.formatToParts(instant).map((part) => [part.type, part.value]));
      return `${parts.year}-${parts.month}-${parts.day}`;
    };
  } catch {
    return (instant) => new Date(instant.getTime() + gmtOffsetSeconds * 1000).toISOString().slice(0, 10);
  }
}
