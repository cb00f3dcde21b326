/**
 * Record and replay for the yahoo provider, through the REAL yahoo-finance2 library (no module mocks). Yahoo
 * cannot be reached from tests, so the network is replaced: replays answer from recording files (the global fetch
 * is made to fail, proving nothing leaves the process), and record runs wrap a generated stand-in for Yahoo
 * (test/support/generated-yahoo.ts). The committed recordings are generated too: see their README.md.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  type Bar,
  MalformedMarketDataError,
  ProviderUnavailableError,
  UnknownSymbolError,
} from '../../../src/market-data/bar';
import { createYahooProvider } from '../../../src/market-data/providers/yahoo';
import {
  createRecordingFetch,
  createReplayFetch,
  MissingRecordingError,
  type RecordedCall,
} from '../../../src/market-data/providers/yahoo-recording';
import { generatedYahooNetwork } from '../../support/generated-yahoo';

const recordingsDir = path.join(__dirname, '../../fixtures/market-data/yahoo-recordings');
const aaplYearFile = path.join(recordingsDir, 'chart-AAPL-1735689600-1767312000.json');
const daily = (symbol: string, from: string, to: string) => ({ symbol, from, to, interval: '1d' as const });
const replayingYahoo = (dir = recordingsDir) => createYahooProvider({ fetch: createReplayFetch(dir) });
const readCall = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as RecordedCall & { response: any };

/** The bars a recorded chart body holds, decoded here independently of the provider (all sessions open in NY). */
function barsInRecording(file: string, symbol: string): Bar[] {
  const series = readCall(file).response.bodyJson.chart.result[0];
  const quote = series.indicators.quote[0];
  const newYorkDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York' });
  return series.timestamp.map((ts: number, i: number) => ({
    symbol,
    interval: '1d',
    date: newYorkDate.format(new Date(ts * 1000)),
    open: quote.open[i],
    high: quote.high[i],
    low: quote.low[i],
    close: quote.close[i],
    adjClose: series.indicators.adjclose[0].adjclose[i],
    volume: quote.volume[i],
    source: 'yahoo',
  }));
}

let temporaryDirs: string[] = [];
const temporaryDir = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tradeflow-yahoo-recordings-'));
  temporaryDirs.push(dir);
  return dir;
};

let consoleSpies: jest.SpyInstance[];
let globalFetch: jest.SpyInstance;
beforeEach(() => {
  // yahoo-finance2 console.error()s the URL of every non-2xx response; keep test output clean.
  consoleSpies = (['error', 'warn', 'info', 'log'] as const).map((level) =>
    jest.spyOn(console, level).mockImplementation(() => undefined),
  );
  globalFetch = jest.spyOn(globalThis, 'fetch').mockRejectedValue(new Error('no network in unit tests'));
});
afterEach(() => {
  consoleSpies.forEach((spy) => spy.mockRestore());
  globalFetch.mockRestore();
  temporaryDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
  temporaryDirs = [];
});

describe('replay (network replaced by recordings, since Yahoo is unreachable)', () => {
  it('serves the recorded AAPL bars for a request inside the recorded year, without any network call', async () => {
    const bars = await replayingYahoo().fetchBars(daily('AAPL', '2025-03-03', '2025-03-07'));
    const recorded = barsInRecording(aaplYearFile, 'AAPL');
    expect(bars.map((bar) => bar.date)).toEqual([
      '2025-03-03',
      '2025-03-04',
      '2025-03-05',
      '2025-03-06',
      '2025-03-07',
    ]);
    expect(bars).toEqual(recorded.filter((bar) => bar.date >= '2025-03-03' && bar.date <= '2025-03-07'));
    expect(globalFetch).not.toHaveBeenCalled();
  });

  it('replays the whole year per symbol: 250 sessions each, AAPL and MSFT from their own recordings', async () => {
    const yahoo = replayingYahoo();
    const aapl = await yahoo.fetchBars(daily('AAPL', '2025-01-02', '2025-12-31'));
    const msft = await yahoo.fetchBars(daily('MSFT', '2025-01-02', '2025-12-31'));
    expect(aapl).toEqual(barsInRecording(aaplYearFile, 'AAPL'));
    expect(msft).toEqual(
      barsInRecording(path.join(recordingsDir, 'chart-MSFT-1735689600-1767312000.json'), 'MSFT'),
    );
    expect(aapl).toHaveLength(250);
    expect(msft).toHaveLength(250);
    expect(msft[0].close).not.toBe(aapl[0].close);
    // NYSE holidays are not in the recording: Good Friday and Christmas.
    expect(aapl.map((bar) => bar.date)).not.toContain('2025-04-18');
  });

  it('fails a request outside every recorded period, naming endpoint, symbol and period (non-retryable)', async () => {
    const attempt = replayingYahoo().fetchBars(daily('AAPL', '2024-12-02', '2024-12-31'));
    await expect(attempt).rejects.toBeInstanceOf(MissingRecordingError);
    await expect(attempt).rejects.toBeInstanceOf(MalformedMarketDataError);
    // The activity layer marks errors non-retryable by name.
    await expect(attempt).rejects.toMatchObject({ name: 'MalformedMarketDataError', symbol: 'AAPL' });
    await expect(attempt).rejects.toThrow(
      /No recorded Yahoo response for \/v8\/finance\/chart for AAPL over 2024-12-01\.\.2025-01-02 .*recorded periods there: 2025-01-01\.\.2026-01-02/,
    );
  });

  it('does not serve a request that only partly overlaps a recording', async () => {
    await expect(
      replayingYahoo().fetchBars(daily('AAPL', '2025-12-01', '2026-01-15')),
    ).rejects.toBeInstanceOf(MissingRecordingError);
  });

  it('fails a symbol with no recording at all, saying none is recorded', async () => {
    const attempt = replayingYahoo().fetchBars(daily('GOOG', '2025-03-03', '2025-03-07'));
    await expect(attempt).rejects.toThrow(
      /\/v8\/finance\/chart for GOOG over 2025-03-02\.\.2025-03-09 .*none recorded/,
    );
    expect(globalFetch).not.toHaveBeenCalled();
  });

  it('does not answer another bar interval from a daily recording', async () => {
    const replay = createReplayFetch(recordingsDir);
    const weekly =
      'https://query2.finance.yahoo.com/v8/finance/chart/AAPL?interval=1wk&period1=1740700800&period2=1741392000';
    await expect(replay(weekly)).rejects.toBeInstanceOf(MissingRecordingError);
    const dailyUrl = weekly.replace('1wk', '1d').replace('query2', 'query1');
    expect((await replay(dailyUrl)).status).toBe(200);
  });

  it('refuses a replay directory that does not exist as soon as it is configured', () => {
    expect(() => createReplayFetch(path.join(recordingsDir, 'missing'))).toThrow(/does not exist/);
  });

  it('reports a recording that is not valid JSON, naming the file', async () => {
    const dir = temporaryDir();
    writeFileSync(path.join(dir, 'broken.json'), '{"request": ');
    const attempt = replayingYahoo(dir).fetchBars(daily('AAPL', '2025-03-03', '2025-03-07'));
    await expect(attempt).rejects.toBeInstanceOf(MalformedMarketDataError);
    await expect(attempt).rejects.toThrow(/broken\.json/);
  });
});

describe('choosing between recordings by period (network replaced by recordings, Yahoo is unreachable)', () => {
  /** A copy of the year's AAPL recording cut to [from, to], its closes all set to `marker`, with its own period. */
  function writeMarkedRecording(dir: string, name: string, from: string, to: string, marker: number) {
    const call = readCall(aaplYearFile);
    const series = call.response.bodyJson.chart.result[0];
    const keep = series.timestamp.map((ts: number) => {
      const date = new Date(ts * 1000).toISOString().slice(0, 10);
      return date >= from && date <= to;
    });
    const cut = (values: unknown[]) => values.filter((_value, i) => keep[i]);
    series.timestamp = cut(series.timestamp);
    const quote = series.indicators.quote[0];
    for (const field of ['open', 'high', 'low', 'volume']) quote[field] = cut(quote[field]);
    quote.close = cut(quote.close).map(() => marker);
    series.indicators.adjclose[0].adjclose = cut(series.indicators.adjclose[0].adjclose).map(() => marker);
    const url = new URL(call.request.url);
    url.searchParams.set('period1', String(Date.parse(`${from}T00:00:00Z`) / 1000));
    url.searchParams.set('period2', String(Date.parse(`${to}T00:00:00Z`) / 1000 + 86_400));
    // The minimal form of the format (no ok/statusText/method) is accepted too.
    const minimal = {
      request: { url: url.href },
      response: {
        status: 200,
        headers: { 'content-type': 'application/json' },
        bodyJson: call.response.bodyJson,
      },
    };
    writeFileSync(path.join(dir, name), JSON.stringify(minimal));
  }

  it('serves each request from the narrowest recording that covers its whole period', async () => {
    const dir = temporaryDir();
    writeMarkedRecording(dir, 'a-year.json', '2024-12-31', '2026-01-02', 111);
    writeMarkedRecording(dir, 'b-january.json', '2024-12-31', '2025-02-03', 222);
    writeMarkedRecording(dir, 'c-quarter.json', '2024-12-31', '2025-04-01', 333);
    const yahoo = replayingYahoo(dir);
    const closesOf = async (from: string, to: string) =>
      new Set((await yahoo.fetchBars(daily('AAPL', from, to))).map((bar) => bar.close));

    expect(await closesOf('2025-01-06', '2025-01-10')).toEqual(new Set([222]));
    expect(await closesOf('2025-03-03', '2025-03-07')).toEqual(new Set([333]));
    // Spanning the end of the quarter: only the year covers it.
    expect(await closesOf('2025-03-24', '2025-04-04')).toEqual(new Set([111]));
    expect(await closesOf('2025-09-01', '2025-09-05')).toEqual(new Set([111]));
  });
});

describe('record (network replaced by a generated Yahoo, since the real one is unreachable)', () => {
  it('saves each call in the fixture format and a later replay reproduces the bars exactly', async () => {
    const dir = temporaryDir();
    const network = generatedYahooNetwork();
    const recording = createYahooProvider({ fetch: createRecordingFetch(dir, network.fetchImpl) });
    const requests = [daily('AAPL', '2025-02-03', '2025-02-28'), daily('MSFT', '2025-06-02', '2025-06-13')];
    const live = await Promise.all(requests.map((request) => recording.fetchBars(request)));
    expect(network.requests).toHaveLength(2);

    const [period1, period2] = ['period1', 'period2'].map((name) =>
      network.requests[0].searchParams.get(name),
    );
    expect(readdirSync(dir).sort()).toEqual([
      `chart-AAPL-${period1}-${period2}.json`,
      expect.stringMatching(/^chart-MSFT-\d+-\d+\.json$/),
    ]);
    const saved = readCall(path.join(dir, `chart-AAPL-${period1}-${period2}.json`));
    expect(saved.request).toEqual({ url: network.requests[0].href, method: 'GET' });
    expect(saved.response).toMatchObject({
      ok: true,
      status: 200,
      headers: { 'content-type': 'application/json' },
      bodyJson: { chart: { result: [expect.objectContaining({ timestamp: expect.any(Array) })] } },
    });

    const replayed = await Promise.all(requests.map((request) => replayingYahoo(dir).fetchBars(request)));
    expect(replayed).toEqual(live);
    expect(live[0].length).toBeGreaterThan(15);
    expect(network.requests).toHaveLength(2);
    expect(globalFetch).not.toHaveBeenCalled();
  });

  it('records intraday calls under their interval; a replay serves that interval and not daily bars', async () => {
    const dir = temporaryDir();
    const network = generatedYahooNetwork();
    const now = () => Date.parse('2026-11-25T22:00:00Z');
    const recording = createYahooProvider({ fetch: createRecordingFetch(dir, network.fetchImpl), now });
    const request = { symbol: 'AAPL', from: '2026-11-24', to: '2026-11-25', interval: '5m' as const };
    const live = await recording.fetchBars(request);
    expect(live).toHaveLength(2 * 78);
    expect(readdirSync(dir)).toEqual([expect.stringMatching(/^chart-AAPL-5m-\d+-\d+\.json$/)]);

    const replay = createYahooProvider({ fetch: createReplayFetch(dir), now });
    expect(await replay.fetchBars(request)).toEqual(live);
    await expect(replay.fetchBars({ ...request, interval: '1d' })).rejects.toThrow(/AAPL/);
    expect(globalFetch).not.toHaveBeenCalled();
  });

  it('records an unknown-symbol answer, so the replay fails the same way', async () => {
    const dir = temporaryDir();
    const network = generatedYahooNetwork(['ZZZZ']);
    const recording = createYahooProvider({ fetch: createRecordingFetch(dir, network.fetchImpl) });
    await expect(recording.fetchBars(daily('ZZZZ', '2025-02-03', '2025-02-07'))).rejects.toBeInstanceOf(
      UnknownSymbolError,
    );
    expect(readdirSync(dir)).toHaveLength(1);
    await expect(
      replayingYahoo(dir).fetchBars(daily('ZZZZ', '2025-02-03', '2025-02-07')),
    ).rejects.toBeInstanceOf(UnknownSymbolError);
  });

  it('does not save a transient answer (HTTP 503), which a retry would get past', async () => {
    const dir = temporaryDir();
    const down: typeof fetch = () => Promise.resolve(new Response('down for maintenance', { status: 503 }));
    const recording = createYahooProvider({ fetch: createRecordingFetch(dir, down) });
    await expect(recording.fetchBars(daily('AAPL', '2025-02-03', '2025-02-07'))).rejects.toBeInstanceOf(
      ProviderUnavailableError,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it('keeps credentials out of recordings: no cookies, no crumb', async () => {
    const dir = temporaryDir();
    const withCookie: typeof fetch = () =>
      Promise.resolve(
        new Response('{"ok":1}', {
          headers: { 'content-type': 'application/json', 'set-cookie': 'A3=secret; Path=/' },
        }),
      );
    const record = createRecordingFetch(dir, withCookie);
    await record('https://query2.finance.yahoo.com/v7/finance/quote?symbols=AAPL&crumb=s3cr3t');
    const [file] = readdirSync(dir);
    const text = readFileSync(path.join(dir, file), 'utf8');
    expect(text).not.toMatch(/secret|s3cr3t/);
    expect(readCall(path.join(dir, file)).request.url).toContain('crumb=REDACTED');
    expect(readCall(path.join(dir, file)).response.bodyJson).toEqual({ ok: 1 });
  });

  it('fails the call when the recording cannot be saved, since the run could not be replayed', async () => {
    const file = path.join(temporaryDir(), 'a-file');
    writeFileSync(file, '');
    const record = createRecordingFetch(file, generatedYahooNetwork().fetchImpl);
    await expect(
      record(
        'https://query2.finance.yahoo.com/v8/finance/chart/AAPL?interval=1d&period1=1738540800&period2=1738972800',
      ),
    ).rejects.toThrow(/Could not save the Yahoo recording/);
  });
});
