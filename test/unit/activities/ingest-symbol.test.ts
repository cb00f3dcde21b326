/**
 * The ingest activity in Temporal's mock activity environment (no server): chunked fetching, heartbeats, resuming
 * from heartbeat details after a crash, rejected bars kept with the run, and domain errors mapped to failures.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import {
  createMarketDataActivities,
  type IngestSymbolInput,
} from '../../../src/activities/market-data-activities';
import {
  UnknownSymbolError,
  type Bar,
  type FetchBarsRequest,
  type MarketDataProvider,
} from '../../../src/market-data/bar';
import { createSyntheticProvider } from '../../../src/market-data/providers/synthetic';
import { tradingSessions } from '../../../src/market-data/sessions';
import { openStores, type Stores } from '../../../src/store';
import { createSqliteBarStore } from '../../../src/store/bar-store';
import { createSqliteRunStore } from '../../../src/store/run-store';
import { openDatabase } from '../../../src/store/sqlite';
import type { SymbolIngestResult } from '../../../src/contracts/pipeline';

const run = { workflowId: 'pipeline:default:2026-11-20:t', runId: 'r1' };
const input = { run, symbol: 'AAPL', from: '2026-06-01', to: '2026-11-20', provider: 'synthetic' as const };
const sessions = tradingSessions(input.from, input.to);
const CHUNK = 40;
/** [first, last] session of each chunk the activity should fetch. */
const chunks = Array.from({ length: Math.ceil(sessions.length / CHUNK) }, (_, i) => [
  sessions[i * CHUNK],
  sessions[Math.min(sessions.length, (i + 1) * CHUNK) - 1],
]);

/** The synthetic provider, recording each request and corrupting one chosen bar. */
function recordingProvider(corruptDate?: string) {
  const inner = createSyntheticProvider({ seed: 1 });
  const requests: FetchBarsRequest[] = [];
  const provider: MarketDataProvider = {
    name: 'synthetic',
    async fetchBars(request) {
      requests.push(request);
      const bars = await inner.fetchBars(request);
      return bars.map((b: Bar) => (b.date === corruptDate ? { ...b, high: b.low - 1 } : b));
    },
  };
  return { provider, requests };
}

describe('ingestSymbol activity', () => {
  let stores: Stores;
  beforeEach(() => {
    stores = openStores(':memory:');
  });
  afterEach(() => stores.close());

  const activitiesWith = (provider: MarketDataProvider) =>
    createMarketDataActivities({
      providerFor: () => provider,
      bars: stores.bars,
      runs: stores.runs,
      chunkSessions: CHUNK,
    });
  /** Runs ingestSymbol in a mock activity context (attempt, heartbeat details as a retry would see them). */
  const ingest = (env: MockActivityEnvironment, provider: MarketDataProvider, request: IngestSymbolInput) =>
    env.run<[IngestSymbolInput], SymbolIngestResult, (i: IngestSymbolInput) => Promise<SymbolIngestResult>>(
      (i) => activitiesWith(provider).ingestSymbol(i),
      request,
    );

  it('fetches the window in chunks, heartbeats after each, and stores every good bar once', async () => {
    const { provider, requests } = recordingProvider(sessions[10]);
    const env = new MockActivityEnvironment();
    const heartbeats: unknown[] = [];
    env.on('heartbeat', (details: unknown) => heartbeats.push(structuredClone(details)));

    const result = await ingest(env, provider, input);

    expect(chunks.length).toBeGreaterThan(2);
    expect(requests.map((r) => [r.from, r.to])).toEqual(chunks);
    expect(heartbeats.map((h) => (h as { nextChunk: number }).nextChunk)).toEqual(
      chunks.map((_, i) => i + 1),
    );
    expect(result).toMatchObject({
      symbol: 'AAPL',
      provider: 'synthetic',
      fetched: sessions.length,
      rejectedCount: 1,
    });
    expect(result.inserted).toBe(sessions.length - 1);
    expect(result.rejected).toEqual([
      { symbol: 'AAPL', date: sessions[10], reasons: [expect.stringMatching(/high .* < low/)] },
    ]);
    expect(await stores.bars.countBars('AAPL')).toBe(sessions.length - 1);
    expect(await stores.runs.getRejectedBars(run)).toHaveLength(1);
  });

  it('resumes from heartbeat details: a retry fetches only the chunks not yet stored and keeps the totals', async () => {
    const first = recordingProvider();
    await ingest(new MockActivityEnvironment(), first.provider, { ...input, to: sessions[79] });
    const checkpoint = {
      nextChunk: 2,
      totals: {
        alreadyStored: 0,
        fetched: 80,
        inserted: 80,
        updated: 0,
        unchanged: 0,
        rejectedCount: 0,
        rejected: [],
        missingSessions: [],
      },
    };

    const retry = recordingProvider();
    const env = new MockActivityEnvironment({ attempt: 2, heartbeatDetails: checkpoint });
    const result = await ingest(env, retry.provider, input);

    expect(retry.requests.map((r) => r.from)).toEqual(chunks.slice(2).map(([from]) => from));
    expect(result.fetched).toBe(sessions.length);
    expect(result.inserted).toBe(sessions.length);
    expect(await stores.bars.countBars('AAPL')).toBe(sessions.length);
  });

  it('is incremental: a second ingest fetches nothing, a partial store fetches only what is missing', async () => {
    await ingest(new MockActivityEnvironment(), recordingProvider().provider, { ...input, to: sessions[79] });

    const partial = recordingProvider();
    const result = await ingest(new MockActivityEnvironment(), partial.provider, input);
    expect(partial.requests.map((r) => r.from)).toEqual(chunks.slice(2).map(([from]) => from));
    expect(result).toMatchObject({
      alreadyStored: 80,
      fetched: sessions.length - 80,
      sources: { synthetic: sessions.length },
    });

    const again = recordingProvider();
    const rerun = await ingest(new MockActivityEnvironment(), again.provider, input);
    expect(again.requests).toEqual([]);
    expect(rerun).toMatchObject({ alreadyStored: sessions.length, fetched: 0, inserted: 0 });

    const refresh = recordingProvider();
    const refreshed = await ingest(new MockActivityEnvironment(), refresh.provider, {
      ...input,
      refresh: true,
    });
    expect(refresh.requests).toHaveLength(chunks.length);
    expect(refreshed).toMatchObject({
      alreadyStored: 0,
      fetched: sessions.length,
      unchanged: sessions.length,
    });
  });

  it('turns an unknown symbol into a non-retryable failure naming it', async () => {
    const provider: MarketDataProvider = {
      name: 'csv',
      fetchBars: () => Promise.reject(new UnknownSymbolError('ZZZZ', 'csv', 'no file ZZZZ.csv')),
    };
    const error = await ingest(new MockActivityEnvironment(), provider, {
      ...input,
      symbol: 'ZZZZ',
      provider: 'csv',
    }).then(
      () => undefined,
      (e: unknown) => e as { type?: string; nonRetryable?: boolean; message?: string },
    );
    expect(error).toMatchObject({ type: 'UnknownSymbolError', nonRetryable: true });
    expect(error?.message).toMatch(/ZZZZ/);
  });

  it('leaves transient provider faults retryable', async () => {
    const provider: MarketDataProvider = {
      name: 'yahoo',
      fetchBars: () =>
        Promise.reject(Object.assign(new Error('HTTP 429'), { name: 'ProviderUnavailableError' })),
    };
    const error = await ingest(new MockActivityEnvironment(), provider, input).then(
      () => undefined,
      (e: unknown) => e as { name?: string; nonRetryable?: boolean },
    );
    expect(error?.name).toBe('ProviderUnavailableError');
    expect(error?.nonRetryable).toBeUndefined();
  });
});

describe('ingestSymbol activity: intraday bars', () => {
  // One clock for the store's ingested_at and the activity's "now", moved by the test.
  let clock = Date.parse('2026-11-24T18:00:00Z'); // Tuesday, mid-session
  let db: ReturnType<typeof openDatabase>;
  let bars: ReturnType<typeof createSqliteBarStore>;
  let runs: ReturnType<typeof createSqliteRunStore>;
  beforeEach(() => {
    db = openDatabase(':memory:');
    bars = createSqliteBarStore(db, () => new Date(clock));
    runs = createSqliteRunStore(db);
  });
  afterEach(() => db.close());

  const intradayInput = {
    run,
    symbol: 'MSFT',
    from: '2026-11-16',
    to: '2026-11-24',
    provider: 'synthetic' as const,
    interval: '5m' as const,
  };
  const ingestIntraday = (provider: MarketDataProvider, request: IngestSymbolInput = intradayInput) =>
    new MockActivityEnvironment().run<
      [IngestSymbolInput],
      SymbolIngestResult,
      (i: IngestSymbolInput) => Promise<SymbolIngestResult>
    >(
      (i: IngestSymbolInput) =>
        createMarketDataActivities({
          providerFor: () => provider,
          bars,
          runs,
          now: () => clock,
          intradayChunkSessions: { '5m': 3 },
        }).ingestSymbol(i),
      request,
    );

  it('stores 5m bars in chunks of sessions and refetches only the session that was still trading', async () => {
    const first = recordingProvider();
    const result = await ingestIntraday(first.provider);
    // Seven sessions (Nov 16–24) in chunks of three.
    expect(first.requests.map((r) => [r.from, r.to, r.interval])).toEqual([
      ['2026-11-16', '2026-11-18', '5m'],
      ['2026-11-19', '2026-11-23', '5m'],
      ['2026-11-24', '2026-11-24', '5m'],
    ]);
    expect(result).toMatchObject({ interval: '5m', fetched: 7 * 78, inserted: 7 * 78, rejectedCount: 0 });
    expect(result.sources).toEqual({ synthetic: 7 * 78 });
    const stored = await bars.getBars({
      symbol: 'MSFT',
      interval: '5m',
      from: '2026-11-24',
      to: '2026-11-24',
    });
    expect(stored[0].time).toBe('2026-11-24T14:30:00.000Z');

    // Later the same day, still trading: the finished sessions are complete, Nov 24 is fetched again.
    clock = Date.parse('2026-11-24T19:00:00Z');
    const again = recordingProvider();
    const rerun = await ingestIntraday(again.provider);
    expect(again.requests.map((r) => [r.from, r.to])).toEqual([['2026-11-24', '2026-11-24']]);
    expect(rerun).toMatchObject({ alreadyStored: 6, fetched: 78, inserted: 0, updated: 0, unchanged: 78 });

    // After the close a changed bar is written, which completes the session; the next run fetches nothing.
    clock = Date.parse('2026-11-24T21:30:00Z');
    await ingestIntraday({
      name: 'synthetic',
      fetchBars: async (request) =>
        (await createSyntheticProvider({ seed: 1 }).fetchBars(request)).map((b, i) =>
          i === 0 ? { ...b, volume: b.volume + 1 } : b,
        ),
    });
    const after = recordingProvider();
    const last = await ingestIntraday(after.provider);
    expect(after.requests).toEqual([]);
    expect(last).toMatchObject({ alreadyStored: 7, fetched: 0, inserted: 0 });
  });

  it('keeps rejected intraday bars with the run under their start time', async () => {
    const provider: MarketDataProvider = {
      name: 'synthetic',
      fetchBars: async (request) => {
        const fetched = await createSyntheticProvider({ seed: 1 }).fetchBars(request);
        return [...fetched, { ...fetched[0], time: '2026-11-16T14:32:00.000Z' }];
      },
    };
    const result = await ingestIntraday(provider, { ...intradayInput, to: '2026-11-16' });
    expect(result.rejected).toEqual([
      {
        symbol: 'MSFT',
        date: '2026-11-16T14:32:00.000Z',
        reasons: ['time 2026-11-16T14:32:00.000Z is not on the 5m grid from the open'],
      },
    ]);
    expect(await runs.getRejectedBars(run)).toHaveLength(1);
  });
});
