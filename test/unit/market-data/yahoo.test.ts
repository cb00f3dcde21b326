/**
 * The yahoo provider against the REAL yahoo-finance2 library code: no module mocks. Yahoo itself cannot be
 * reached from tests, so responses are injected through yahoo-finance2's `fetch` option; the library builds the
 * request, parses, validates and coerces the (generated) v8 chart JSON exactly as it would a live response.
 * The success fixture is generated, not recorded: see test/fixtures/market-data/yahoo/README.md.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  MalformedMarketDataError,
  ProviderUnavailableError,
  UnknownSymbolError,
  UnsupportedRequestError,
} from '../../../src/market-data/bar';
import { createQuietYahooFinance, createYahooProvider } from '../../../src/market-data/providers/yahoo';
import { checkBarQuality } from '../../../src/market-data/quality';
import { generatedYahooNetwork } from '../../support/generated-yahoo';

const fixturePath = path.join(__dirname, '../../fixtures/market-data/yahoo/AAPL-2025-01.chart.json');
const loadFixture = () => JSON.parse(readFileSync(fixturePath, 'utf8'));
const january = { symbol: 'AAPL', from: '2025-01-01', to: '2025-01-31', interval: '1d' as const };

type Handler = (url: URL, init?: RequestInit) => Response | Promise<Response>;

/** A stand-in for the network: records each request URL and answers with the handler's Response. */
function fakeNetwork(handler: Handler) {
  const requests: URL[] = [];
  const fetchImpl: typeof fetch = async (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    requests.push(url);
    return handler(url, init);
  };
  return { fetchImpl, requests };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const notFoundBody = {
  chart: { result: null, error: { code: 'Not Found', description: 'No data found, symbol may be delisted' } },
};

let consoleSpies: jest.SpyInstance[];
beforeEach(() => {
  // yahoo-finance2 console.error()s the URL of every non-2xx response; keep test output clean but observable.
  consoleSpies = (['error', 'warn', 'info', 'log'] as const).map((level) =>
    jest.spyOn(console, level).mockImplementation(() => undefined),
  );
});
afterEach(() => consoleSpies.forEach((spy) => spy.mockRestore()));

describe('yahoo provider: a successful chart response', () => {
  it('requests the v8 chart endpoint for daily bars around the range', async () => {
    const network = fakeNetwork(() => json(loadFixture()));
    await createYahooProvider({ fetch: network.fetchImpl }).fetchBars(january);
    expect(network.requests).toHaveLength(1);
    const [url] = network.requests;
    expect(url.pathname).toBe('/v8/finance/chart/AAPL');
    expect(url.searchParams.get('interval')).toBe('1d');
    expect(Number(url.searchParams.get('period1'))).toBeLessThanOrEqual(
      Date.parse('2025-01-01T00:00:00Z') / 1000,
    );
    expect(Number(url.searchParams.get('period2'))).toBeGreaterThan(
      Date.parse('2025-02-01T00:00:00Z') / 1000,
    );
  });

  it('maps every quote to a bar on its New York session date, adjClose from the adjclose series', async () => {
    const fixture = loadFixture();
    const series = fixture.chart.result[0];
    const quote = series.indicators.quote[0];
    const adjclose = series.indicators.adjclose[0].adjclose;
    const nan = (value: number | null) => value ?? Number.NaN;

    const bars = await createYahooProvider({ fetch: fakeNetwork(() => json(fixture)).fetchImpl }).fetchBars(
      january,
    );

    expect(bars).toEqual(
      series.timestamp.map((ts: number, i: number) => ({
        symbol: 'AAPL',
        interval: '1d',
        // Bars are stamped at the 09:30 New York open, which is the same calendar day in UTC.
        date: new Date(ts * 1000).toISOString().slice(0, 10),
        open: nan(quote.open[i]),
        high: nan(quote.high[i]),
        low: nan(quote.low[i]),
        close: nan(quote.close[i]),
        adjClose: nan(adjclose[i]),
        volume: nan(quote.volume[i]),
        source: 'yahoo',
      })),
    );
    expect(bars.some((bar) => bar.adjClose !== bar.close && !Number.isNaN(bar.close))).toBe(true);
  });

  it('keeps a quote with null fields as a NaN bar that the quality check rejects, dropping nothing', async () => {
    const fixture = loadFixture();
    const series = fixture.chart.result[0];
    const nullIndex = series.indicators.quote[0].close.indexOf(null);
    expect(nullIndex).toBeGreaterThanOrEqual(0); // the fixture has one

    const bars = await createYahooProvider({ fetch: fakeNetwork(() => json(fixture)).fetchImpl }).fetchBars(
      january,
    );
    expect(bars).toHaveLength(series.timestamp.length);
    const report = checkBarQuality(bars, january);
    expect(report.rejected).toHaveLength(1);
    expect(report.rejected[0].bar.date).toBe(
      new Date(series.timestamp[nullIndex] * 1000).toISOString().slice(0, 10),
    );
    expect(report.rejected[0].reasons).toContain('close is NaN');
    // The fixture, like Yahoo, has no bars on the January 2025 closures (New Year's Day, the Carter day of
    // mourning on the 9th, MLK Day on the 20th); they are not sessions, so nothing is missing.
    expect(bars.map((bar) => bar.date)).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/^2025-01-(01|09|20)$/)]),
    );
    expect(report.missingSessions).toEqual([]);
  });

  it('filters the padded response down to the requested sessions', async () => {
    const network = fakeNetwork(() => json(loadFixture()));
    const bars = await createYahooProvider({ fetch: network.fetchImpl }).fetchBars({
      ...january,
      from: '2025-01-06',
      to: '2025-01-10',
    });
    expect(bars.map((bar) => bar.date)).toEqual(['2025-01-06', '2025-01-07', '2025-01-08', '2025-01-10']);
  });

  it('uses the close as adjusted close when Yahoo sends no adjclose series', async () => {
    const fixture = loadFixture();
    delete fixture.chart.result[0].indicators.adjclose;
    const bars = await createYahooProvider({ fetch: fakeNetwork(() => json(fixture)).fetchImpl }).fetchBars(
      january,
    );
    const numeric = bars.filter((bar) => !Number.isNaN(bar.close));
    expect(numeric.length).toBeGreaterThan(0);
    expect(numeric.every((bar) => bar.adjClose === bar.close)).toBe(true);
  });

  it('dates bars by the exchange time zone (a Tokyo open is the previous day in UTC)', async () => {
    const fixture = loadFixture();
    const series = fixture.chart.result[0];
    Object.assign(series.meta, { exchangeTimezoneName: 'Asia/Tokyo', timezone: 'JST', gmtoffset: 32400 });
    // 09:00 JST on 2025-01-07 is 00:00 UTC that day; 2025-01-06T23:30Z is 08:30 JST on the 7th.
    series.timestamp = [Date.parse('2025-01-06T23:30:00Z') / 1000];
    for (const key of ['open', 'high', 'low', 'close', 'volume']) series.indicators.quote[0][key] = [100];
    series.indicators.adjclose[0].adjclose = [100];
    const bars = await createYahooProvider({ fetch: fakeNetwork(() => json(fixture)).fetchImpl }).fetchBars({
      ...january,
      symbol: '7203.T',
    });
    expect(bars.map((bar) => bar.date)).toEqual(['2025-01-07']);
  });

  it('returns no bars when Yahoo has no quotes in the range', async () => {
    const fixture = loadFixture();
    const series = fixture.chart.result[0];
    delete series.timestamp;
    series.indicators = { quote: [{}], adjclose: [{}] };
    const bars = await createYahooProvider({ fetch: fakeNetwork(() => json(fixture)).fetchImpl }).fetchBars(
      january,
    );
    expect(bars).toEqual([]);
  });

  it('works with a caller-supplied yahoo-finance2 client and prints no notices', async () => {
    const network = fakeNetwork(() => json(loadFixture()));
    const provider = createYahooProvider({ yahooFinance: createQuietYahooFinance(network.fetchImpl) });
    expect(await provider.fetchBars(january)).toHaveLength(loadFixture().chart.result[0].timestamp.length);
    expect(network.requests).toHaveLength(1);
    consoleSpies.forEach((spy) => expect(spy).not.toHaveBeenCalled());
  });
});

describe('yahoo provider: error mapping', () => {
  const fetchWith = (handler: Handler, symbol = 'AAPL') =>
    createYahooProvider({ fetch: fakeNetwork(handler).fetchImpl }).fetchBars({ ...january, symbol });

  it('maps the 404 "No data found, symbol may be delisted" answer to UnknownSymbolError', async () => {
    const attempt = fetchWith(() => json(notFoundBody, 404), 'ZZZZ');
    await expect(attempt).rejects.toBeInstanceOf(UnknownSymbolError);
    await expect(attempt).rejects.toMatchObject({ symbol: 'ZZZZ', provider: 'yahoo' });
    await expect(attempt).rejects.toThrow(/No data found/);
  });

  it('recognises the not-found body even when the HTTP status is not visible (caller-supplied client)', async () => {
    const network = fakeNetwork(() => json(notFoundBody, 404));
    const provider = createYahooProvider({ yahooFinance: createQuietYahooFinance(network.fetchImpl) });
    await expect(provider.fetchBars({ ...january, symbol: 'ZZZZ' })).rejects.toBeInstanceOf(
      UnknownSymbolError,
    );
  });

  it('maps a bare HTTP 404 page to UnknownSymbolError', async () => {
    await expect(fetchWith(() => new Response('<html>gone</html>', { status: 404 }))).rejects.toBeInstanceOf(
      UnknownSymbolError,
    );
  });

  it('maps HTTP 429 (rate limited) to ProviderUnavailableError, so Temporal retries', async () => {
    const attempt = fetchWith(() => new Response('Too Many Requests', { status: 429 }));
    await expect(attempt).rejects.toBeInstanceOf(ProviderUnavailableError);
    await expect(attempt).rejects.toThrow(/HTTP 429/);
  });

  it.each([
    ['a text body', () => new Response('Internal Server Error', { status: 500 })],
    [
      'a JSON error body',
      () =>
        json({ chart: { result: null, error: { code: 'Internal Server Error', description: 'oops' } } }, 500),
    ],
    ['a 503 HTML page', () => new Response('<html>down for maintenance</html>', { status: 503 })],
  ])('maps HTTP 5xx with %s to ProviderUnavailableError', async (_label, respond) => {
    const attempt = fetchWith(respond);
    await expect(attempt).rejects.toBeInstanceOf(ProviderUnavailableError);
    await expect(attempt).rejects.toThrow(/HTTP 50\d/);
  });

  it('maps a network failure to ProviderUnavailableError', async () => {
    const attempt = fetchWith(() => {
      throw new TypeError('fetch failed', {
        cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
      });
    });
    await expect(attempt).rejects.toBeInstanceOf(ProviderUnavailableError);
    await expect(attempt).rejects.toThrow(/Could not reach Yahoo for AAPL/);
  });

  it('gives up after timeoutMs and reports the provider unavailable', async () => {
    const hang: Handler = (_url, init) =>
      new Promise((_resolve, reject) =>
        init?.signal?.addEventListener('abort', () => reject(init.signal!.reason as Error)),
      );
    const provider = createYahooProvider({ fetch: fakeNetwork(hang).fetchImpl, timeoutMs: 50 });
    await expect(provider.fetchBars(january)).rejects.toBeInstanceOf(ProviderUnavailableError);
  });

  it('maps a response that fails yahoo-finance2 schema validation to MalformedMarketDataError', async () => {
    const fixture = loadFixture();
    delete fixture.chart.result[0].meta.currency;
    fixture.chart.result[0].indicators.quote[0].close[0] = 'two hundred';
    const attempt = fetchWith(() => json(fixture));
    await expect(attempt).rejects.toBeInstanceOf(MalformedMarketDataError);
    await expect(attempt).rejects.toThrow(/schema validation/);
  });

  it('maps a 200 that is not JSON to MalformedMarketDataError', async () => {
    const attempt = fetchWith(() => new Response('<html>consent page</html>', { status: 200 }));
    await expect(attempt).rejects.toBeInstanceOf(MalformedMarketDataError);
  });

  it('maps a JSON 200 without a chart to MalformedMarketDataError', async () => {
    await expect(fetchWith(() => json({ finance: { result: [] } }))).rejects.toBeInstanceOf(
      MalformedMarketDataError,
    );
  });

  it('refuses a symbol Yahoo could not have, without a request', async () => {
    const network = fakeNetwork(() => json(loadFixture()));
    const provider = createYahooProvider({ fetch: network.fetchImpl });
    await expect(provider.fetchBars({ ...january, symbol: 'AA/PL' })).rejects.toBeInstanceOf(
      UnknownSymbolError,
    );
    expect(network.requests).toHaveLength(0);
  });
});

describe('yahoo provider: intraday intervals', () => {
  // Generated Yahoo answers (the real network is unreachable here), parsed by the real yahoo-finance2 code.
  const now = () => Date.parse('2026-11-25T22:00:00Z');

  it('asks Yahoo for the interval and keys each bar by its start time, on its New York session date', async () => {
    const network = generatedYahooNetwork();
    const provider = createYahooProvider({ fetch: network.fetchImpl, now });
    const bars = await provider.fetchBars({
      symbol: 'AAPL',
      from: '2026-11-24',
      to: '2026-11-25',
      interval: '15m',
    });
    expect(network.requests).toHaveLength(1);
    expect(network.requests[0].searchParams.get('interval')).toBe('15m');
    expect(bars).toHaveLength(2 * 26);
    expect(bars[0]).toMatchObject({
      interval: '15m',
      date: '2026-11-24',
      time: '2026-11-24T14:30:00.000Z',
      source: 'yahoo',
    });
    expect(bars[51].time).toBe('2026-11-25T20:45:00.000Z');
    // No adjclose series for intraday bars: the adjusted close is the close.
    expect(bars.every((b) => b.adjClose === b.close)).toBe(true);
    const quality = checkBarQuality(bars, { from: '2026-11-24', to: '2026-11-25' });
    expect(quality.rejected).toEqual([]);
    expect(quality.missingSessions).toEqual([]);
  });

  it('refuses, before calling Yahoo, ranges beyond how far back Yahoo keeps the interval', async () => {
    const network = generatedYahooNetwork();
    const provider = createYahooProvider({ fetch: network.fetchImpl, now });
    await expect(
      provider.fetchBars({ symbol: 'AAPL', from: '2026-09-01', to: '2026-09-02', interval: '5m' }),
    ).rejects.toThrow(
      new UnsupportedRequestError(
        'yahoo',
        '5m bars reach back 60 days only; from=2026-09-01 is older than that',
      ),
    );
    await expect(
      provider.fetchBars({ symbol: 'AAPL', from: '2026-11-10', to: '2026-11-25', interval: '1m' }),
    ).rejects.toThrow('yahoo: one 1m request covers at most 8 days; 2026-11-10..2026-11-25 is 16');
    expect(network.requests).toHaveLength(0);
    // Hourly bars reach back two years.
    await expect(
      provider.fetchBars({ symbol: 'AAPL', from: '2026-01-05', to: '2026-01-05', interval: '60m' }),
    ).resolves.toHaveLength(7);
  });
});
