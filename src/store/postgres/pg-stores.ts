/**
 * The stores on PostgreSQL (chosen by DATABASE_URL): the same interfaces and semantics as the SQLite stores, with
 * batched set-based writes (one statement per batch via unnest) so several worker replicas can share one database.
 */
import { Pool, type PoolClient } from 'pg';
import type { Bar, CorporateEvent, ProviderName } from '../../market-data/bar';
import type { Quote } from '../../market-data/quotes/quote';
import type { BacktestStore } from '../backtest-store';
import {
  addUpsertCounts,
  intradayQuery,
  partitionByInterval,
  rowToBar,
  type BarRow,
  type BarStore,
  type UpsertBarsResult,
} from '../bar-store';
import type { QuoteStore } from '../quote-store';
import {
  APPROVAL_COLUMNS,
  type ApprovalRow,
  approvalValues,
  rowToApproval,
  type RunRecord,
  type RunStatus,
  type RunStore,
} from '../run-store';
import { MIGRATIONS } from '../migrations';
import { createPgAuditStore } from '../../audit';
import { createPgApiKeyStore } from './pg-api-keys';
import { createPgJwtRevocationStore } from './pg-jwt-revocations';
import { createPgIntradayBars } from './pg-intraday-bars';

/** Serializes concurrent migrators (several replicas starting at once) on one advisory lock. */
const MIGRATION_LOCK = 727_001;

export async function migratePg(pool: Pool): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)',
    );
    const applied = new Set(
      (await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map(
        (r) => r.version,
      ),
    );
    let count = 0;
    for (const migration of MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      await inPgTransaction(client, async () => {
        await client.query(migration.sql('postgres'));
        await client.query(
          'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, now())',
          [migration.version, migration.name],
        );
      });
      count += 1;
    }
    return count;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
}

async function inPgTransaction<T>(client: PoolClient, work: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

export function createPgBarStore(pool: Pool): BarStore {
  const intradayBars = createPgIntradayBars(pool);

  async function upsertDaily(bars: readonly Bar[]): Promise<UpsertBarsResult> {
    if (bars.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
    const column = <K extends keyof Bar>(key: K) => bars.map((b) => b[key]);
    // xmax = 0 marks a freshly inserted row; the WHERE makes identical bars no-ops (not returned at all).
    const { rows } = await pool.query<{ inserted: boolean }>(
      `INSERT INTO bars (symbol, interval, date, open, high, low, close, adj_close, volume, source, ingested_at)
       SELECT *, now() FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::float8[], $6::float8[],
                                   $7::float8[], $8::float8[], $9::float8[], $10::text[])
       ON CONFLICT (symbol, interval, date) DO UPDATE SET
         open = excluded.open, high = excluded.high, low = excluded.low, close = excluded.close,
         adj_close = excluded.adj_close, volume = excluded.volume, source = excluded.source,
         ingested_at = excluded.ingested_at
       WHERE (bars.open, bars.high, bars.low, bars.close, bars.adj_close, bars.volume, bars.source)
             IS DISTINCT FROM (excluded.open, excluded.high, excluded.low, excluded.close, excluded.adj_close,
                               excluded.volume, excluded.source)
       RETURNING (xmax = 0) AS inserted`,
      [
        column('symbol'),
        column('interval'),
        column('date'),
        column('open'),
        column('high'),
        column('low'),
        column('close'),
        column('adjClose'),
        column('volume'),
        column('source'),
      ],
    );
    const inserted = rows.filter((r) => r.inserted).length;
    const updated = rows.length - inserted;
    return { inserted, updated, unchanged: bars.length - rows.length } satisfies UpsertBarsResult;
  }

  return {
    async upsertEvents(events) {
      if (events.length === 0) return 0;
      const result = await pool.query(
        `INSERT INTO corporate_events (symbol, date, type, value, detail, source)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::text[], $6::text[])
         ON CONFLICT (symbol, date, type) DO UPDATE SET value = excluded.value, detail = excluded.detail,
           source = excluded.source
         WHERE (corporate_events.value, corporate_events.detail, corporate_events.source)
               IS DISTINCT FROM (excluded.value, excluded.detail, excluded.source)`,
        [
          events.map((e) => e.symbol),
          events.map((e) => e.date),
          events.map((e) => e.type),
          events.map((e) => e.value),
          events.map((e) => e.detail ?? null),
          events.map((e) => e.source),
        ],
      );
      return result.rowCount ?? 0;
    },
    async getEvents({ symbol, from = '0000-01-01', to = '9999-12-31' }) {
      const { rows } = await pool.query<{
        symbol: string;
        date: string;
        type: CorporateEvent['type'];
        value: number;
        detail: string | null;
        source: ProviderName;
      }>(
        `SELECT symbol, date, type, value, detail, source FROM corporate_events
         WHERE symbol = $1 AND date >= $2 AND date <= $3 ORDER BY date, type`,
        [symbol, from, to],
      );
      return rows.map((r) => ({
        symbol: r.symbol,
        date: r.date,
        type: r.type,
        value: r.value,
        ...(r.detail ? { detail: r.detail } : {}),
        source: r.source,
      }));
    },
    async upsertBars(bars) {
      const { daily, intraday } = partitionByInterval(bars);
      return addUpsertCounts(await intradayBars.upsert(intraday), await upsertDaily(daily));
    },
    intradayCoverage(query) {
      return intradayBars.coverage(query);
    },
    async getBars(query) {
      const intraday = intradayQuery(query);
      if (intraday) return intradayBars.getBars(intraday);
      const { symbol, interval = '1d', from = '0000-01-01', to = '9999-12-31' } = query;
      const { rows } = await pool.query<BarRow>(
        `SELECT symbol, interval, date, open, high, low, close, adj_close, volume, source FROM bars
         WHERE symbol = $1 AND interval = $2 AND date >= $3 AND date <= $4 ORDER BY date`,
        [symbol, interval, from, to],
      );
      return rows.map(rowToBar);
    },
    async countBars(symbol) {
      const { rows } = symbol
        ? await pool.query<{ n: string }>('SELECT count(*) AS n FROM bars WHERE symbol = $1', [symbol])
        : await pool.query<{ n: string }>('SELECT count(*) AS n FROM bars');
      return Number(rows[0].n) + (await intradayBars.count(symbol));
    },
    async storedDates(query) {
      const intraday = intradayQuery(query);
      if (intraday) return new Set((await intradayBars.coverage(intraday)).keys());
      const { symbol, interval = '1d', from, to } = query;
      const { rows } = await pool.query<{ date: string }>(
        'SELECT date FROM bars WHERE symbol = $1 AND interval = $2 AND date >= $3 AND date <= $4',
        [symbol, interval, from, to],
      );
      return new Set(rows.map((r) => r.date));
    },
    async sourceCounts(query) {
      const intraday = intradayQuery(query);
      if (intraday) return intradayBars.sourceCounts(intraday);
      const { symbol, interval = '1d', from, to } = query;
      const { rows } = await pool.query<{ source: ProviderName; n: string }>(
        `SELECT source, count(*) AS n FROM bars WHERE symbol = $1 AND interval = $2 AND date >= $3 AND date <= $4
         GROUP BY source ORDER BY source`,
        [symbol, interval, from, to],
      );
      return Object.fromEntries(rows.map((r) => [r.source, Number(r.n)]));
    },
  };
}

export function createPgRunStore(pool: Pool): RunStore {
  const writeRun = (
    run: { workflowId: string; runId: string },
    status: RunStatus,
    book = '',
    asOf = '',
    result: unknown = null,
  ) =>
    pool.query(
      `INSERT INTO pipeline_runs (workflow_id, run_id, book, as_of, status, result_json, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, now())
       ON CONFLICT (workflow_id, run_id) DO UPDATE SET
         book = CASE WHEN excluded.book = '' THEN pipeline_runs.book ELSE excluded.book END,
         as_of = CASE WHEN excluded.as_of = '' THEN pipeline_runs.as_of ELSE excluded.as_of END,
         status = excluded.status,
         result_json = COALESCE(excluded.result_json, pipeline_runs.result_json),
         updated_at = excluded.updated_at`,
      [run.workflowId, run.runId, book, asOf, status, result === null ? null : JSON.stringify(result)],
    );

  return {
    async recordStatus(run, status, details = {}) {
      await writeRun(run, status, details.book, details.asOf);
    },
    async saveRejectedBars(run, rejected) {
      if (rejected.length === 0) return;
      await pool.query(
        `INSERT INTO rejected_bars (workflow_id, run_id, symbol, date, reasons_json, bar_json)
         SELECT $1::text, $2::text, * FROM unnest($3::text[], $4::text[], $5::jsonb[], $6::jsonb[])
         ON CONFLICT (workflow_id, run_id, symbol, date) DO UPDATE SET
           reasons_json = excluded.reasons_json, bar_json = excluded.bar_json`,
        [
          run.workflowId,
          run.runId,
          rejected.map((r) => r.symbol),
          rejected.map((r) => r.date),
          rejected.map((r) => JSON.stringify(r.reasons)),
          rejected.map((r) => JSON.stringify(r.bar)),
        ],
      );
    },
    async saveSignals(run, signals) {
      if (signals.length === 0) return;
      await pool.query(
        `INSERT INTO signals (workflow_id, run_id, symbol, as_of, action, confidence, signal_json)
         SELECT $1::text, $2::text, * FROM unnest($3::text[], $4::text[], $5::text[], $6::float8[], $7::jsonb[])
         ON CONFLICT (workflow_id, run_id, symbol) DO UPDATE SET
           as_of = excluded.as_of, action = excluded.action, confidence = excluded.confidence,
           signal_json = excluded.signal_json`,
        [
          run.workflowId,
          run.runId,
          signals.map((s) => s.symbol),
          signals.map((s) => s.asOf),
          signals.map((s) => s.action),
          signals.map((s) => s.confidence),
          signals.map((s) => JSON.stringify(s)),
        ],
      );
    },
    async saveRiskReport(run, report) {
      await pool.query(
        `INSERT INTO risk_reports (workflow_id, run_id, as_of, status, report_json) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (workflow_id, run_id) DO UPDATE SET
           as_of = excluded.as_of, status = excluded.status, report_json = excluded.report_json`,
        [run.workflowId, run.runId, report.asOfDate, report.status, JSON.stringify(report)],
      );
    },
    async saveResult(run, { book, asOf, result }) {
      await writeRun(run, 'completed', book, asOf, result);
    },
    async getLatestRun(workflowId) {
      const { rows } = await pool.query<{
        workflow_id: string;
        run_id: string;
        book: string;
        as_of: string;
        status: RunStatus;
        updated_at: Date;
        result_json: unknown;
      }>('SELECT * FROM pipeline_runs WHERE workflow_id = $1 ORDER BY updated_at DESC LIMIT 1', [workflowId]);
      const row = rows[0];
      if (!row) return undefined;
      const record: RunRecord = {
        workflowId: row.workflow_id,
        runId: row.run_id,
        book: row.book,
        asOf: row.as_of,
        status: row.status,
        updatedAt: row.updated_at.toISOString(),
        result: row.result_json ?? undefined,
      };
      return record;
    },
    async getRejectedBars(run) {
      const { rows } = await pool.query<{ symbol: string; date: string; reasons_json: string[] }>(
        `SELECT symbol, date, reasons_json FROM rejected_bars WHERE workflow_id = $1 AND run_id = $2
         ORDER BY symbol, date`,
        [run.workflowId, run.runId],
      );
      return rows.map((r) => ({ symbol: r.symbol, date: r.date, reasons: r.reasons_json }));
    },
    async getSignals(run) {
      const { rows } = await pool.query<{ signal_json: unknown }>(
        'SELECT signal_json FROM signals WHERE workflow_id = $1 AND run_id = $2 ORDER BY symbol',
        [run.workflowId, run.runId],
      );
      return rows.map((r) => r.signal_json);
    },
    async getRiskReport(run) {
      const { rows } = await pool.query<{ report_json: unknown }>(
        'SELECT report_json FROM risk_reports WHERE workflow_id = $1 AND run_id = $2',
        [run.workflowId, run.runId],
      );
      return rows[0]?.report_json;
    },
    async findRiskReport(runId) {
      const { rows } = await pool.query<{ workflow_id: string; run_id: string; report_json: unknown }>(
        'SELECT workflow_id, run_id, report_json FROM risk_reports WHERE run_id = $1',
        [runId],
      );
      const row = rows[0];
      return row ? { workflowId: row.workflow_id, runId: row.run_id, report: row.report_json } : undefined;
    },
    async listRiskReports({ book, limit }) {
      const { rows } = await pool.query<{
        workflow_id: string;
        run_id: string;
        as_of: string;
        report_json: unknown;
      }>(
        `SELECT r.workflow_id, r.run_id, r.as_of, r.report_json FROM risk_reports r
         JOIN pipeline_runs p ON p.workflow_id = r.workflow_id AND p.run_id = r.run_id
         WHERE ($1::text IS NULL OR p.book = $1) ORDER BY r.as_of DESC, p.updated_at DESC LIMIT $2`,
        [book ?? null, limit],
      );
      return rows.map((r) => ({
        workflowId: r.workflow_id,
        runId: r.run_id,
        asOf: r.as_of,
        report: r.report_json,
      }));
    },
    async saveApprovals(run, approvals) {
      if (approvals.length === 0) return;
      const client = await pool.connect();
      try {
        // All of a run's approvals or none: never a half-written decision.
        await inPgTransaction(client, async () => {
          for (const approval of approvals) {
            await client.query(
              `INSERT INTO approvals (${APPROVAL_COLUMNS})
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
               ON CONFLICT (workflow_id, run_id, symbol) DO UPDATE SET status = excluded.status,
                 decided_at = excluded.decided_at, approver = excluded.approver,
                 decision_reason = excluded.decision_reason`,
              [...approvalValues(run, approval)],
            );
          }
        });
      } finally {
        client.release();
      }
    },
    async listApprovals({ status, workflowId, limit }) {
      const { rows } = await pool.query<ApprovalRow>(
        `SELECT ${APPROVAL_COLUMNS} FROM approvals
         WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR workflow_id = $2)
         ORDER BY requested_at, workflow_id, symbol LIMIT $3`,
        [status ?? null, workflowId ?? null, limit],
      );
      return rows.map(rowToApproval);
    },
  };
}

export function createPgQuoteStore(pool: Pool): QuoteStore {
  return {
    async insertQuotes(quotes: readonly Quote[]) {
      if (quotes.length === 0) return 0;
      const result = await pool.query(
        `INSERT INTO quotes (symbol, timestamp, source, price, polled_at)
         SELECT *, now() FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[])
         ON CONFLICT DO NOTHING`,
        [
          quotes.map((q) => q.symbol),
          quotes.map((q) => q.timestamp),
          quotes.map((q) => q.source),
          quotes.map((q) => q.price),
        ],
      );
      return result.rowCount ?? 0;
    },
    async getQuotes({ symbol, from = '0000', to = '9999', limit = 10_000 }) {
      const { rows } = await pool.query<{ symbol: string; timestamp: string; source: string; price: number }>(
        `SELECT symbol, timestamp, source, price FROM quotes
         WHERE symbol = $1 AND timestamp >= $2 AND timestamp <= $3 ORDER BY timestamp LIMIT $4`,
        [symbol, from, to, limit],
      );
      return rows.map((r) => ({
        symbol: r.symbol,
        timestamp: r.timestamp,
        source: r.source as ProviderName,
        price: r.price,
      }));
    },
  };
}

export function createPgBacktestStore(pool: Pool): BacktestStore {
  return {
    async saveBacktest(r) {
      await pool.query(
        `INSERT INTO backtests (backtest_id, symbol, summary_json, equity_json, created_at) VALUES ($1, $2, $3, $4, now())
         ON CONFLICT (backtest_id, symbol) DO UPDATE SET summary_json = excluded.summary_json,
           equity_json = excluded.equity_json, created_at = excluded.created_at`,
        [r.backtestId, r.symbol, JSON.stringify(r.summary), JSON.stringify(r.equity)],
      );
    },
    async getBacktests(backtestId) {
      const { rows } = await pool.query<{
        backtest_id: string;
        symbol: string;
        summary_json: unknown;
        equity_json: unknown[];
      }>(
        'SELECT backtest_id, symbol, summary_json, equity_json FROM backtests WHERE backtest_id = $1 ORDER BY symbol',
        [backtestId],
      );
      return rows.map((r) => ({
        backtestId: r.backtest_id,
        symbol: r.symbol,
        summary: r.summary_json,
        equity: r.equity_json,
      }));
    },
  };
}

export async function openPgStores(databaseUrl: string) {
  const pool = new Pool({ connectionString: databaseUrl, max: 10 });
  await migratePg(pool);
  return {
    bars: createPgBarStore(pool),
    runs: createPgRunStore(pool),
    quotes: createPgQuoteStore(pool),
    backtests: createPgBacktestStore(pool),
    apiKeys: createPgApiKeyStore(pool),
    jwtRevocations: createPgJwtRevocationStore(pool),
    audit: createPgAuditStore(pool),
    close: () => pool.end(),
  };
}
