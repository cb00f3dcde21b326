/**
 * Daily and intraday bars from Yahoo Finance through yahoo-finance2's `chart()` (the v8 chart API).
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
  type IntradayInterval,
  isIntradayInterval,
  type MarketDataProvider,
  UnknownSymbolError,
  UnsupportedRequestError,
} from '../bar';
import { addDays, dayNumberOf, parseIsoDate } from '../sessions';
import { toProviderError } from './yahoo-errors';

export type YahooFinanceClient = InstanceType<typeof YahooFinance>;

export interface YahooProviderOptions {
  /** The fetch to reach Yahoo with (default: the global fetch at call time). */
  fetch?: typeof fetch;
  /** A ready yahoo-finance2 client, e.g. one with a custom cookie jar. Default: a quiet client of our own. */
  yahooFinance?: YahooFinanceClient;
  /** Abort a request after this long and report the provider unavailable (default 30 s). */
  timeoutMs?: number;
  /** The clock intraday look-back limits are checked against (default Date.now). */
  now?: () => number;
}

/**
 * How far back Yahoo serves each intraday interval, and the longest span one request may cover (calendar days).
 * Yahoo refuses requests beyond these with HTTP 422; asking first gives a clearer, non-retryable error.
 */
export const YAHOO_INTRADAY_LIMITS: Readonly<
  Record<IntradayInterval, { lookbackDays: number; maxSpanDays: number }>
> = {
  '1m': { lookbackDays: 30, maxSpanDays: 8 },
  '2m': { lookbackDays: 60, maxSpanDays: 60 },
  '5m': { lookbackDays: 60, maxSpanDays: 60 },
  '15m': { lookbackDays: 60, maxSpanDays: 60 },
  '30m': { lookbackDays: 60, maxSpanDays: 60 },
  '60m': { lookbackDays: 730, maxSpanDays: 730 },
  '90m': { lookbackDays: 60, maxSpanDays: 60 },
};

const MS_PER_DAY = 86_400_000;

/** Refuses an intraday request Yahoo would refuse, naming the limit. */
function checkIntradayReach(request: FetchBarsRequest, interval: IntradayInterval, now: number): void {
  const { lookbackDays, maxSpanDays } = YAHOO_INTRADAY_LIMITS[interval];
  const oldest = Math.floor(now / MS_PER_DAY) - lookbackDays + 1;
  if (dayNumberOf(request.from) < oldest) {
    throw new UnsupportedRequestError(
      'yahoo',
      `${interval} bars reach back ${lookbackDays} days only; from=${request.from} is older than that`,
    );
  }
  const span = dayNumberOf(request.to) - dayNumberOf(request.from) + 1;
  if (span > maxSpanDays) {
    throw new UnsupportedRequestError(
      'yahoo',
      `one ${interval} request covers at most ${maxSpanDays} days; ${request.from}..${request.to} is ${span}`,
    );
  }
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
  const now = options.now ?? Date.now;
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
      const intraday = isIntradayInterval(request.interval) ? request.interval : undefined;
      if (intraday) checkIntradayReach(request, intraday, now());
      // Pad the window by a day each side: sessions are exchange-local, and e.g. Sydney opens before UTC midnight.
      // Intraday bars stay inside the look-back limit: from UTC midnight of the first session date.
      const period1 = parseIsoDate(intraday ? from : addDays(from, -1));
      const period2 = parseIsoDate(addDays(to, 2));
      const interval = intraday ?? '1d';

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
          { period1, period2, interval },
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
            interval,
            date,
            ...(intraday ? { time: quote.date.toISOString() } : {}),
            open: numberOrNaN(quote.open),
            high: numberOrNaN(quote.high),
            low: numberOrNaN(quote.low),
            close: numberOrNaN(quote.close),
            // No adjclose series at all means no adjustment (Yahoo sends none for intraday bars); a null inside the
            // series is a hole like any other.
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
