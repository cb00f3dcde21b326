/**
 * The store contract, run against both backends: SQLite (node:sqlite, the default) and PostgreSQL (a real server
 * started by the suite's global setup). Same calls, same answers.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { openStores, type Stores } from '../../src/store';
import { makeBar, makeIntradayBar } from '../support/bars';
import { openDatabase } from '../../src/store/sqlite';
import { openPgStores } from '../../src/store/postgres/pg-stores';
import { Pool } from 'pg';
import { createAuditLog } from '../../src/audit/audit-log';
import { createPgAuditStore } from '../../src/audit/pg-store';
import { createSqliteAuditStore, type AuditStore } from '../../src/audit/store';

const databaseUrl = () => {
  const url = process.env.TRADEFLOW_IT_DATABASE_URL;
  if (!url) throw new Error('the integration global setup did not start PostgreSQL');
  return url;
};

async function truncatePg(): Promise<void> {
  const client = new Client({ connectionString: databaseUrl() });
  await client.connect();
  await client.query(
    'TRUNCATE bars, intraday_bars, approvals, pipeline_runs, rejected_bars, signals, risk_reports, quotes, backtests, corporate_events, audit_log, audit_chain, jwt_revoked_jtis, jwt_subject_not_before',
  );
  await client.end();
}

const backends: [string, () => Promise<Stores>][] = [
  [
    'sqlite',
    () =>
      Promise.resolve(openStores(path.join(mkdtempSync(path.join(os.tmpdir(), 'tf-store-')), 'db.sqlite'))),
  ],
  [
    'postgres',
    async () => {
      const stores = await openPgStores(databaseUrl());
      await truncatePg();
      return stores;
    },
  ],
];

const bar = makeBar;

it('both backends get the same tables and columns from the one migration list', async () => {
  const db = openDatabase(':memory:'); // applies every migration, SQLite dialect
  const sqliteColumns = (
    db
      .prepare(
        "SELECT m.name AS t, p.name AS c FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name <> 'schema_migrations' ORDER BY 1, 2",
      )
      .all() as { t: string; c: string }[]
  ).map((r) => `${r.t}.${r.c}`);
  db.close();
  const pg = await openPgStores(databaseUrl());
  await pg.close();
  const client = new Client({ connectionString: databaseUrl() });
  await client.connect();
  const { rows } = await client.query<{ t: string; c: string }>(
    "SELECT table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> 'schema_migrations' ORDER BY 1, 2",
  );
  await client.end();
  expect(rows.map((r) => `${r.t}.${r.c}`)).toEqual(sqliteColumns);
  expect(sqliteColumns).toContain('corporate_events.value');
});

describe.each(backends)('%s store', (_name, open) => {
  let stores: Stores;
  beforeEach(async () => {
    stores = await open();
  });
  afterEach(async () => {
    await stores.close();
  });

  it('upserts bars idempotently, counting inserted, updated and unchanged', async () => {
    expect(await stores.bars.upsertBars([bar('2026-01-05', 100), bar('2026-01-06', 101)])).toEqual({
      inserted: 2,
      updated: 0,
      unchanged: 0,
    });
    expect(await stores.bars.upsertBars([bar('2026-01-05', 100), bar('2026-01-06', 101)])).toEqual({
      inserted: 0,
      updated: 0,
      unchanged: 2,
    });
    expect(
      await stores.bars.upsertBars([bar('2026-01-05', 100.5, 'AAPL', 'csv'), bar('2026-01-07', 102)]),
    ).toEqual({
      inserted: 1,
      updated: 1,
      unchanged: 0,
    });
    expect(await stores.bars.countBars('AAPL')).toBe(3);
    expect(await stores.bars.upsertBars([])).toEqual({ inserted: 0, updated: 0, unchanged: 0 });
  });

  it('answers range queries in date order, with stored dates and sources', async () => {
    await stores.bars.upsertBars([
      bar('2026-01-07', 3),
      bar('2026-01-05', 1, 'AAPL', 'yahoo'),
      bar('2026-01-06', 2),
      bar('2026-01-06', 9, 'MSFT'),
    ]);
    const bars = await stores.bars.getBars({ symbol: 'AAPL', from: '2026-01-05', to: '2026-01-06' });
    expect(bars.map((b) => [b.date, b.close, b.source])).toEqual([
      ['2026-01-05', 1, 'yahoo'],
      ['2026-01-06', 2, 'synthetic'],
    ]);
    expect(bars[0]).toEqual(bar('2026-01-05', 1, 'AAPL', 'yahoo'));
    expect(
      [...(await stores.bars.storedDates({ symbol: 'AAPL', from: '2026-01-06', to: '2026-01-31' }))].sort(),
    ).toEqual(['2026-01-06', '2026-01-07']);
    expect(await stores.bars.sourceCounts({ symbol: 'AAPL', from: '2026-01-01', to: '2026-01-31' })).toEqual({
      synthetic: 2,
      yahoo: 1,
    });
    expect(await stores.bars.countBars()).toBe(4);
  });

  it('keeps intraday bars by start time beside daily ones: idempotent upserts, session ranges, coverage', async () => {
    const minute = (date: string, hhmm: string) => `${date}T${hhmm}:00.000Z`;
    const intraday = [
      makeIntradayBar('2026-01-06', minute('2026-01-06', '14:35'), 11),
      makeIntradayBar('2026-01-05', minute('2026-01-05', '14:30'), 10, '5m', 'AAPL', 'yahoo'),
      makeIntradayBar('2026-01-06', minute('2026-01-06', '14:30'), 12),
      makeIntradayBar('2026-01-06', minute('2026-01-06', '14:30'), 99, '1m'),
    ];
    expect(await stores.bars.upsertBars([...intraday, bar('2026-01-06', 50)])).toEqual({
      inserted: 5,
      updated: 0,
      unchanged: 0,
    });
    // Same bars again: nothing written; one corrected bar: one update.
    expect(await stores.bars.upsertBars(intraday)).toEqual({ inserted: 0, updated: 0, unchanged: 4 });
    expect(await stores.bars.upsertBars([{ ...intraday[0], close: 11.5, high: 12.5 }])).toEqual({
      inserted: 0,
      updated: 1,
      unchanged: 0,
    });

    const fiveMinute = await stores.bars.getBars({
      symbol: 'AAPL',
      interval: '5m',
      from: '2026-01-06',
      to: '2026-01-06',
    });
    expect(fiveMinute.map((b) => [b.time, b.close])).toEqual([
      [minute('2026-01-06', '14:30'), 12],
      [minute('2026-01-06', '14:35'), 11.5],
    ]);
    expect(fiveMinute[0]).toEqual(intraday[2]);
    expect((await stores.bars.getBars({ symbol: 'AAPL', interval: '5m' })).map((b) => b.date)).toEqual([
      '2026-01-05',
      '2026-01-06',
      '2026-01-06',
    ]);
    // Daily bars are untouched by intraday ones of the same session.
    expect((await stores.bars.getBars({ symbol: 'AAPL' })).map((b) => [b.date, b.close])).toEqual([
      ['2026-01-06', 50],
    ]);

    const coverage = await stores.bars.intradayCoverage({
      symbol: 'AAPL',
      interval: '5m',
      from: '2026-01-01',
      to: '2026-01-31',
    });
    expect([...coverage.keys()].sort()).toEqual(['2026-01-05', '2026-01-06']);
    expect(coverage.get('2026-01-06')?.bars).toBe(2);
    expect(Date.parse(coverage.get('2026-01-06')!.lastIngestedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(
      await stores.bars.sourceCounts({
        symbol: 'AAPL',
        interval: '5m',
        from: '2026-01-01',
        to: '2026-01-31',
      }),
    ).toEqual({ synthetic: 2, yahoo: 1 });
    expect(await stores.bars.countBars('AAPL')).toBe(5);
  });

  it('stores splits and dividends once, updating a corrected one, and reads them by range', async () => {
    const split = {
      symbol: 'AAPL',
      date: '2020-08-31',
      type: 'split' as const,
      value: 4,
      detail: '4:1',
      source: 'yahoo' as const,
    };
    const dividend = {
      symbol: 'AAPL',
      date: '2020-11-06',
      type: 'dividend' as const,
      value: 0.205,
      source: 'yahoo' as const,
    };
    expect(await stores.bars.upsertEvents([split, dividend])).toBe(2);
    expect(await stores.bars.upsertEvents([split, dividend])).toBe(0);
    expect(await stores.bars.upsertEvents([{ ...dividend, value: 0.21 }])).toBe(1);
    expect(await stores.bars.getEvents({ symbol: 'AAPL' })).toEqual([split, { ...dividend, value: 0.21 }]);
    expect(await stores.bars.getEvents({ symbol: 'AAPL', from: '2020-09-01' })).toEqual([
      { ...dividend, value: 0.21 },
    ]);
    expect(await stores.bars.upsertEvents([])).toBe(0);
  });

  it('never half-writes a batch: one bad bar rejects the whole batch', async () => {
    const broken = { ...bar('2026-01-06', 2), open: null as unknown as number };
    await expect(stores.bars.upsertBars([bar('2026-01-05', 1), broken])).rejects.toThrow();
    expect(await stores.bars.countBars()).toBe(0);
  });

  it('keeps each run: status, rejected bars, signals, risk report, result, and lookups by run id and book', async () => {
    const run = { workflowId: 'pipeline:desk:2026-01-06:a', runId: '11111111-2222-3333-4444-555555555555' };
    await stores.runs.recordStatus(run, 'running', { book: 'desk', asOf: '2026-01-06' });
    expect(await stores.runs.getLatestRun(run.workflowId)).toMatchObject({ status: 'running', book: 'desk' });
    await stores.runs.saveRejectedBars(run, [
      { symbol: 'AAPL', date: '2026-01-05', reasons: ['high 1 < low 2'], bar: {} },
    ]);
    await stores.runs.saveSignals(run, [
      { symbol: 'AAPL', asOf: '2026-01-06', action: 'BUY', confidence: 0.8 },
    ]);
    await stores.runs.saveRiskReport(run, { asOfDate: '2026-01-06', status: 'breach' });
    await stores.runs.saveResult(run, {
      book: 'desk',
      asOf: '2026-01-06',
      result: { ok: 1, nested: { a: [1, 2] } },
    });
    await stores.runs.recordStatus({ workflowId: 'other', runId: 'r2' }, 'failed');

    expect(await stores.runs.getLatestRun(run.workflowId)).toMatchObject({
      status: 'completed',
      book: 'desk',
      asOf: '2026-01-06',
      result: { ok: 1, nested: { a: [1, 2] } },
    });
    expect(await stores.runs.getRejectedBars(run)).toEqual([
      { symbol: 'AAPL', date: '2026-01-05', reasons: ['high 1 < low 2'] },
    ]);
    expect(await stores.runs.getSignals(run)).toEqual([
      { symbol: 'AAPL', asOf: '2026-01-06', action: 'BUY', confidence: 0.8 },
    ]);
    expect(await stores.runs.getRiskReport(run)).toEqual({ asOfDate: '2026-01-06', status: 'breach' });
    expect(await stores.runs.findRiskReport(run.runId)).toEqual({
      ...run,
      report: { asOfDate: '2026-01-06', status: 'breach' },
    });
    expect(await stores.runs.findRiskReport('00000000-0000-0000-0000-000000000000')).toBeUndefined();
    expect((await stores.runs.listRiskReports({ book: 'desk', limit: 5 })).map((r) => r.runId)).toEqual([
      run.runId,
    ]);
    expect(await stores.runs.listRiskReports({ book: 'nobody', limit: 5 })).toEqual([]);
    expect(await stores.runs.getLatestRun('missing')).toBeUndefined();
  });

  it('keeps approvals per (run, symbol): pending, then decided; listed by status and run', async () => {
    const run = { workflowId: 'pipeline:default:2026-11-20:a', runId: 'r1' };
    const other = { workflowId: 'pipeline:default:2026-11-20:b', runId: 'r2' };
    const pending = {
      symbol: 'AAPL',
      action: 'BUY' as const,
      tradeNotional: 100_000,
      reasons: ['new breach: position AAPL 200,000 exceeds 150,000'],
      status: 'pending' as const,
      requestedAt: '2026-11-20T22:00:00.000Z',
      deadline: '2026-11-20T23:00:00.000Z',
    };
    await stores.runs.saveApprovals(run, [pending]);
    await stores.runs.saveApprovals(other, [
      { ...pending, symbol: 'MSFT', requestedAt: '2026-11-20T21:00:00.000Z' },
    ]);
    expect((await stores.runs.listApprovals({ status: 'pending', limit: 10 })).map((a) => a.symbol)).toEqual([
      'MSFT',
      'AAPL',
    ]);

    const decided = {
      ...pending,
      status: 'rejected' as const,
      decidedAt: '2026-11-20T22:10:00.000Z',
      approver: 'bob',
      decisionReason: 'limit is firm',
    };
    await stores.runs.saveApprovals(run, [decided]);
    expect(await stores.runs.listApprovals({ workflowId: run.workflowId, limit: 10 })).toEqual([
      { ...run, ...decided },
    ]);
    expect((await stores.runs.listApprovals({ status: 'pending', limit: 10 })).map((a) => a.symbol)).toEqual([
      'MSFT',
    ]);
  });

  it('stores quotes once per (symbol, timestamp, source) and reads them in time order', async () => {
    const q = (timestamp: string, price: number) => ({
      symbol: 'AAPL',
      timestamp,
      price,
      source: 'synthetic' as const,
    });
    expect(
      await stores.quotes.insertQuotes([q('2026-01-06T15:00:01.000Z', 10), q('2026-01-06T15:00:00.000Z', 9)]),
    ).toBe(2);
    expect(await stores.quotes.insertQuotes([q('2026-01-06T15:00:01.000Z', 10)])).toBe(0);
    expect((await stores.quotes.getQuotes({ symbol: 'AAPL' })).map((x) => x.price)).toEqual([9, 10]);
    expect(await stores.quotes.getQuotes({ symbol: 'AAPL', from: '2026-01-06T15:00:01.000Z' })).toEqual([
      q('2026-01-06T15:00:01.000Z', 10),
    ]);
  });

  it('keeps JWT revocations: jtis (refreshed, pruned after their expiry) and one not-before per subject', async () => {
    const r = stores.jwtRevocations;
    expect(await r.isJtiRevoked('j1')).toBe(false);
    await r.revokeJti({
      jti: 'j0',
      expiresAt: '2026-01-01T00:00:00.000Z',
      revokedBy: 'apikey:a',
      revokedAt: '2025-12-31T00:00:00.000Z',
    });
    await r.revokeJti({ jti: 'j1', revokedBy: 'apikey:a', revokedAt: '2026-02-01T00:00:00.000Z' });
    await r.revokeJti({
      jti: 'j1',
      expiresAt: '2026-03-01T00:00:00.000Z',
      revokedBy: 'apikey:b',
      revokedAt: '2026-02-02T00:00:00.000Z',
    });
    expect(await r.isJtiRevoked('j1')).toBe(true);
    expect(await r.subjectNotBefore('alice')).toBeUndefined();
    await r.setSubjectNotBefore({
      subject: 'alice',
      notBefore: '2026-02-01T00:00:00.000Z',
      revokedBy: 'apikey:a',
      revokedAt: '2026-02-01T00:00:00.000Z',
    });
    await r.setSubjectNotBefore({
      subject: 'alice',
      notBefore: '2026-02-03T00:00:00.000Z',
      revokedBy: 'apikey:b',
      revokedAt: '2026-02-03T00:00:00.000Z',
    });
    expect(await r.subjectNotBefore('alice')).toBe('2026-02-03T00:00:00.000Z');
    expect(await r.list()).toEqual({
      // j0 expired before the later revocations and was pruned.
      jtis: [
        {
          jti: 'j1',
          expiresAt: '2026-03-01T00:00:00.000Z',
          revokedBy: 'apikey:b',
          revokedAt: '2026-02-02T00:00:00.000Z',
        },
      ],
      subjects: [
        {
          subject: 'alice',
          notBefore: '2026-02-03T00:00:00.000Z',
          revokedBy: 'apikey:b',
          revokedAt: '2026-02-03T00:00:00.000Z',
        },
      ],
    });
  });

  it('keeps backtest results per (backtest, symbol), replacing a re-saved one', async () => {
    const equity = [
      { date: '2026-01-05', equity: 100 },
      { date: '2026-01-06', equity: 101 },
    ];
    await stores.backtests.saveBacktest({
      backtestId: 'bt-1',
      symbol: 'MSFT',
      summary: { sharpe: 1 },
      equity,
    });
    await stores.backtests.saveBacktest({
      backtestId: 'bt-1',
      symbol: 'AAPL',
      summary: { sharpe: 0 },
      equity: [],
    });
    await stores.backtests.saveBacktest({
      backtestId: 'bt-1',
      symbol: 'AAPL',
      summary: { sharpe: 2 },
      equity,
    });
    const saved = await stores.backtests.getBacktests('bt-1');
    expect(saved.map((b) => [b.symbol, b.summary])).toEqual([
      ['AAPL', { sharpe: 2 }],
      ['MSFT', { sharpe: 1 }],
    ]);
    expect(saved[0].equity).toEqual(equity);
    expect(await stores.backtests.getBacktests('nope')).toEqual([]);
  });
});

describe.each<[string, () => Promise<{ store: AuditStore; close(): Promise<void> }>]>([
  [
    'sqlite',
    () => {
      const db = openDatabase(path.join(mkdtempSync(path.join(os.tmpdir(), 'tf-store-')), 'db.sqlite'));
      return Promise.resolve({ store: createSqliteAuditStore(db), close: () => Promise.resolve(db.close()) });
    },
  ],
  [
    'postgres',
    async () => {
      await (await openPgStores(databaseUrl())).close(); // migrated
      await truncatePg(); // also removes the chain-head row: the store must recreate it
      const pool = new Pool({ connectionString: databaseUrl(), max: 2 });
      return { store: createPgAuditStore(pool), close: () => pool.end() };
    },
  ],
])('%s audit store', (_name, open) => {
  it('appends a hash chain, answers queries and ranges, and cuts a prefix for retention', async () => {
    const opened = await open();
    const { store } = opened;
    try {
      const audit = createAuditLog({ store });
      const a = await audit.record({
        actor: 'alice',
        action: 'apikey.create',
        resource: 'apikey:k1',
        result: 'success',
      });
      const b = await audit.record({
        actor: 'bob',
        action: 'auth.denied',
        resource: 'route:DELETE /schedules/daily',
        result: 'denied',
        ip: '192.0.2.9',
        details: { role: 'viewer', needed: 'admin' },
      });
      expect(b).toMatchObject({
        seq: a.seq + 1,
        prevHash: a.hash,
        details: { needed: 'admin', role: 'viewer' },
      });
      expect((await audit.query({ limit: 10, result: 'denied' })).records).toEqual([b]);
      expect(await store.range(0, 10, 10)).toHaveLength(2);
      expect(await store.chainState()).toMatchObject({ headSeq: 2, headHash: b.hash, anchorSeq: 0 });
      expect(
        await store.prune({ fromAnchorSeq: 0, throughSeq: 1, throughHash: a.hash, archive: 'x.jsonl' }),
      ).toEqual({
        deleted: 1,
      });
      expect(await audit.verify()).toMatchObject({ ok: true, records: 1, anchor: { seq: 1, hash: a.hash } });
    } finally {
      await opened.close();
    }
  });
});
