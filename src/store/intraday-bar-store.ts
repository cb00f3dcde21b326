/**
 * Intraday bars (table `intraday_bars`, keyed on symbol, interval and start time) behind the BarStore: the same
 * idempotent upserts as daily bars, queried by session date, plus per-session coverage for incremental ingest.
 */
import type { Bar, IntradayInterval, ProviderName } from '../market-data/bar';
import type { UpsertBarsResult } from './upsert-result';
import { asPromise, inTransaction, type SqliteDatabase } from './sqlite';

export interface IntradayRangeQuery {
  symbol: string;
  interval: IntradayInterval;
  /** Inclusive first session date, YYYY-MM-DD. */
  from: string;
  /** Inclusive last session date, YYYY-MM-DD. */
  to: string;
}

/** What is stored of one session: how many bars, and when the newest of them was written. */
export interface SessionCoverage {
  bars: number;
  /** ISO 8601 UTC instant. */
  lastIngestedAt: string;
}

/** The intraday half of a bar store; both backends implement it. */
export interface IntradayBarTable {
  upsert(bars: readonly Bar[]): Promise<UpsertBarsResult>;
  getBars(query: IntradayRangeQuery): Promise<Bar[]>;
  coverage(query: IntradayRangeQuery): Promise<Map<string, SessionCoverage>>;
  sourceCounts(query: IntradayRangeQuery): Promise<Partial<Record<ProviderName, number>>>;
  count(symbol?: string): Promise<number>;
}

/** An `intraday_bars` row as both backends return it. */
export interface IntradayBarRow {
  symbol: string;
  interval: string;
  starts_at: string;
  session_date: string;
  open: number;
  high: number;
  low: number;
  close: number;
  adj_close: number;
  volume: number;
  source: string;
}

export const INTRADAY_COLUMNS =
  'symbol, interval, starts_at, session_date, open, high, low, close, adj_close, volume, source';

export function intradayRowToBar(row: IntradayBarRow): Bar {
  return {
    symbol: row.symbol,
    interval: row.interval as IntradayInterval,
    date: row.session_date,
    time: row.starts_at,
    open: row.open,
    high: row.high,
    low: row.low,
    close: row.close,
    adjClose: row.adj_close,
    volume: row.volume,
    source: row.source as ProviderName,
  };
}

/** The start time an intraday bar is keyed on; the quality check has made sure it is there. */
export function startOf(bar: Bar): string {
  if (bar.time === undefined) throw new RangeError(`Intraday bar ${bar.symbol} ${bar.date} has no time`);
  return bar.time;
}

export function createSqliteIntradayBars(db: SqliteDatabase, now: () => Date): IntradayBarTable {
  const insert = db.prepare(`
    INSERT INTO intraday_bars (${INTRADAY_COLUMNS}, ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (symbol, interval, starts_at) DO NOTHING`);
  const update = db.prepare(`
    UPDATE intraday_bars SET session_date = ?, open = ?, high = ?, low = ?, close = ?, adj_close = ?, volume = ?,
      source = ?, ingested_at = ?
    WHERE symbol = ? AND interval = ? AND starts_at = ?
      AND (session_date IS NOT ? OR open IS NOT ? OR high IS NOT ? OR low IS NOT ? OR close IS NOT ?
           OR adj_close IS NOT ? OR volume IS NOT ? OR source IS NOT ?)`);
  const select = db.prepare(`
    SELECT ${INTRADAY_COLUMNS} FROM intraday_bars
    WHERE symbol = ? AND interval = ? AND session_date >= ? AND session_date <= ? ORDER BY starts_at`);
  const selectCoverage = db.prepare(`
    SELECT session_date, count(*) AS n, max(ingested_at) AS last FROM intraday_bars
    WHERE symbol = ? AND interval = ? AND session_date >= ? AND session_date <= ? GROUP BY session_date`);
  const selectSources = db.prepare(`
    SELECT source, count(*) AS n FROM intraday_bars
    WHERE symbol = ? AND interval = ? AND session_date >= ? AND session_date <= ? GROUP BY source ORDER BY source`);
  const countAll = db.prepare('SELECT count(*) AS n FROM intraday_bars');
  const countSymbol = db.prepare('SELECT count(*) AS n FROM intraday_bars WHERE symbol = ?');

  return {
    upsert(bars) {
      const ingestedAt = now().toISOString();
      return asPromise(() =>
        inTransaction(db, () => {
          const counts: UpsertBarsResult = { inserted: 0, updated: 0, unchanged: 0 };
          for (const b of bars) {
            const key = [b.symbol, b.interval, startOf(b)] as const;
            const values = [b.date, b.open, b.high, b.low, b.close, b.adjClose, b.volume, b.source] as const;
            if (Number(insert.run(...key, ...values, ingestedAt).changes) > 0) counts.inserted += 1;
            else if (Number(update.run(...values, ingestedAt, ...key, ...values).changes) > 0)
              counts.updated += 1;
            else counts.unchanged += 1;
          }
          return counts;
        }),
      );
    },
    getBars({ symbol, interval, from, to }) {
      return asPromise(() =>
        (select.all(symbol, interval, from, to) as unknown as IntradayBarRow[]).map(intradayRowToBar),
      );
    },
    coverage({ symbol, interval, from, to }) {
      return asPromise(
        () =>
          new Map(
            (
              selectCoverage.all(symbol, interval, from, to) as {
                session_date: string;
                n: number;
                last: string;
              }[]
            ).map((r) => [r.session_date, { bars: Number(r.n), lastIngestedAt: r.last }]),
          ),
      );
    },
    sourceCounts({ symbol, interval, from, to }) {
      return asPromise(() =>
        Object.fromEntries(
          (selectSources.all(symbol, interval, from, to) as { source: ProviderName; n: number }[]).map(
            (r) => [r.source, Number(r.n)],
          ),
        ),
      );
    },
    count(symbol) {
      const row = (symbol ? countSymbol.get(symbol) : countAll.get()) as { n: number };
      return Promise.resolve(Number(row.n));
    },
  };
}
