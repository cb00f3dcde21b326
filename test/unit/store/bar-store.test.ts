import type { Bar } from '../../../src/market-data/bar';
import { openStores, type Stores } from '../../../src/store';
import { makeBar } from '../../support/bars';

const bar = (date: string, close: number, source: Bar['source'] = 'synthetic'): Bar =>
  makeBar(date, close, 'AAPL', source);

describe('SQLite bar store', () => {
  let stores: Stores;
  beforeEach(() => {
    stores = openStores(':memory:');
  });
  afterEach(() => stores.close());

  it('inserts new bars and reports them', async () => {
    const result = await stores.bars.upsertBars([bar('2026-01-05', 100), bar('2026-01-06', 101)]);
    expect(result).toEqual({ inserted: 2, updated: 0, unchanged: 0 });
    expect(await stores.bars.countBars('AAPL')).toBe(2);
  });

  it('writes nothing when the same bars are upserted again (idempotent re-run)', async () => {
    await stores.bars.upsertBars([bar('2026-01-05', 100), bar('2026-01-06', 101)]);
    const again = await stores.bars.upsertBars([bar('2026-01-05', 100), bar('2026-01-06', 101)]);
    expect(again).toEqual({ inserted: 0, updated: 0, unchanged: 2 });
    expect(await stores.bars.countBars()).toBe(2);
  });

  it('updates a bar whose values or source changed, keeping one row per (symbol, interval, date)', async () => {
    await stores.bars.upsertBars([bar('2026-01-05', 100)]);
    const result = await stores.bars.upsertBars([bar('2026-01-05', 100.5, 'csv')]);
    expect(result).toEqual({ inserted: 0, updated: 1, unchanged: 0 });
    const [stored] = await stores.bars.getBars({ symbol: 'AAPL' });
    expect(stored.close).toBe(100.5);
    expect(stored.source).toBe('csv');
    expect(await stores.bars.countBars()).toBe(1);
  });

  it('queries by symbol and inclusive date range, in date order', async () => {
    await stores.bars.upsertBars([bar('2026-01-07', 3), bar('2026-01-05', 1), bar('2026-01-06', 2)]);
    const bars = await stores.bars.getBars({ symbol: 'AAPL', from: '2026-01-06', to: '2026-01-07' });
    expect(bars.map((b) => b.date)).toEqual(['2026-01-06', '2026-01-07']);
    expect(await stores.bars.getBars({ symbol: 'MSFT' })).toEqual([]);
  });

  it('rolls back a whole batch when one bar cannot be stored (never half-written)', async () => {
    const broken = { ...bar('2026-01-06', 2), open: null as unknown as number };
    await expect(stores.bars.upsertBars([bar('2026-01-05', 1), broken])).rejects.toThrow();
    expect(await stores.bars.countBars()).toBe(0);
  });
});

describe('SQLite run store', () => {
  it('keeps status, signals, risk report and result per run', async () => {
    const stores = openStores(':memory:');
    const run = { workflowId: 'pipeline:default:2026-01-06:abc', runId: 'r1' };
    await stores.runs.recordStatus(run, 'running', { book: 'default', asOf: '2026-01-06' });
    await stores.runs.saveSignals(run, [
      { symbol: 'AAPL', asOf: '2026-01-06', action: 'BUY', confidence: 0.8 },
    ]);
    await stores.runs.saveRiskReport(run, { asOfDate: '2026-01-06', status: 'ok' });
    await stores.runs.saveRejectedBars(run, [
      { symbol: 'AAPL', date: '2026-01-05', reasons: ['high 1 < low 2'], bar: {} },
    ]);
    await stores.runs.saveResult(run, { book: 'default', asOf: '2026-01-06', result: { ok: 1 } });
    const latest = await stores.runs.getLatestRun(run.workflowId);
    expect(latest).toMatchObject({
      status: 'completed',
      book: 'default',
      asOf: '2026-01-06',
      result: { ok: 1 },
    });
    expect(await stores.runs.getSignals(run)).toEqual([
      { symbol: 'AAPL', asOf: '2026-01-06', action: 'BUY', confidence: 0.8 },
    ]);
    expect(await stores.runs.getRiskReport(run)).toEqual({ asOfDate: '2026-01-06', status: 'ok' });
    expect(await stores.runs.getRejectedBars(run)).toEqual([
      { symbol: 'AAPL', date: '2026-01-05', reasons: ['high 1 < low 2'] },
    ]);
    await stores.close();
  });
});
