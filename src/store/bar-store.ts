/**
 * Bars keyed on (symbol, interval, date) — intraday bars on (symbol, interval, start time), in their own table —
 * with idempotent batched upserts that say what actually changed.
 */
import {
  type Bar,
  type BarInterval,
  type CorporateEvent,
  type IntradayInterval,
  isIntradayInterval,
  type ProviderName,
} from '../market-data/bar';
import {
  createSqliteIntradayBars,
  type IntradayBarTable,
  type IntradayRangeQuery,
  type SessionCoverage,
} from './intraday-bar-store';
import { asPromise, inTransaction, type SqliteDatabase } from './sqlite';
import type { UpsertBarsResult } from './upsert-result';

export type { UpsertBarsResult } from './upsert-result';

export interface BarQuery {
  symbol: string;
  interval?: BarInterval;
  from?: string;
  to?: string;
}

export interface BarStore {
  /** Daily and intraday bars alike (an intraday bar must have its `time`). */
  upsertBars(bars: readonly Bar[]): Promise<UpsertBarsResult>;
  /** Stores splits and dividends once per (symbol, date, type); returns how many were new or changed. */
  upsertEvents(events: readonly CorporateEvent[]): Promise<number>;
  getEvents(query: { symbol: string; from?: string; to?: string }): Promise<CorporateEvent[]>;
  /** Bars of one interval (default 1d) whose session date is in [from, to], in time order. */
  getBars(query: BarQuery): Promise<Bar[]>;
  /** Stored bars of every interval, of one symbol or all. */
  countBars(symbol?: string): Promise<number>;
  /** Session dates with a stored bar for the symbol in [from, to]: what an incremental daily ingest can skip. */
  storedDates(
    query: Required<Pick<BarQuery, 'symbol' | 'from' | 'to'>> & Pick<BarQuery, 'interval'>,
  ): Promise<Set<string>>;
  /** How many stored bars in [from, to] each provider served: where a run's data came from. */
  sourceCounts(
    query: Required<Pick<BarQuery, 'symbol' | 'from' | 'to'>> & Pick<BarQuery, 'interval'>,
  ): Promise<Partial<Record<ProviderName, number>>>;
  /** Intraday: per session date in [from, to] that has bars, how many and when the newest was written. */
  intradayCoverage(query: IntradayRangeQuery): Promise<Map<string, SessionCoverage>>;
}

/** Splits a batch into daily bars and intraday bars. */
export function partitionByInterval(bars: readonly Bar[]): { daily: Bar[]; intraday: Bar[] } {
  const daily: Bar[] = [];
  const intraday: Bar[] = [];
  for (const bar of bars) (isIntradayInterval(bar.interval) ? intraday : daily).push(bar);
  return { daily, intraday };
}

export function addUpsertCounts(a: UpsertBarsResult, b: UpsertBarsResult): UpsertBarsResult {
  return {
    inserted: a.inserted + b.inserted,
    updated: a.updated + b.updated,
    unchanged: a.unchanged + b.unchanged,
  };
}

/** The intraday query for an intraday interval, or undefined for daily bars. */
export function intradayQuery(query: BarQuery): IntradayRangeQuery | undefined {
  const interval = query.interval ?? '1d';
  if (!isIntradayInterval(interval)) return undefined;
  return {
    symbol: query.symbol,
    interval: interval satisfies IntradayInterval,
    from: query.from ?? '0000-01-01',
    to: query.to ?? '9999-12-31',
  };
}

/** A `bars` row as both backends return it. */
export interface BarRow {
  symbol: string;
  interval: string;
  date: string;
  open: number;
  high: number;
  low: number;
  close: number;
  adj_close: number;
  volume: number;
  source: string;
}

export function createSqliteBarStore(db: SqliteDatabase, now: () => Date = () => new Date()): BarStore {
  const intradayBars: IntradayBarTable = createSqliteIntradayBars(db, now);
  const insert = db.prepare(`
    INSERT INTO bars (symbol, interval, date, open, high, low, close, adj_close, volume, source, ingested_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (symbol, interval, date) DO NOTHING`);
  // Only a bar whose values differ counts as an update, so re-ingesting the same day writes nothing.
  const update = db.prepare(`
    UPDATE bars SET open = ?, high = ?, low = ?, close = ?, adj_close = ?, volume = ?, source = ?, ingested_at = ?
    WHERE symbol = ? AND interval = ? AND date = ?
      AND (open IS NOT ? OR high IS NOT ? OR low IS NOT ? OR close IS NOT ? OR adj_close IS NOT ?
           OR volume IS NOT ? OR source IS NOT ?)`);
  const select = db.prepare(`
    SELECT symbol, interval, date, open, high, low, close, adj_close, volume, source FROM bars
    WHERE symbol = ? AND interval = ? AND date >= ? AND date <= ? ORDER BY date`);

  const selectDates = db.prepare(
    'SELECT date FROM bars WHERE symbol = ? AND interval = ? AND date >= ? AND date <= ?',
  );
  const selectSources = db.prepare(`
    SELECT source, count(*) AS n FROM bars WHERE symbol = ? AND interval = ? AND date >= ? AND date <= ?
    GROUP BY source ORDER BY source`);

  const upsertEvent = db.prepare(`
    INSERT INTO corporate_events (symbol, date, type, value, detail, source) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (symbol, date, type) DO UPDATE SET value = excluded.value, detail = excluded.detail,
      source = excluded.source
    WHERE value IS NOT excluded.value OR detail IS NOT excluded.detail OR source IS NOT excluded.source`);
  const selectEvents = db.prepare(`
    SELECT symbol, date, type, value, detail, source FROM corporate_events
    WHERE symbol = ? AND date >= ? AND date <= ? ORDER BY date, type`);

  return {
    upsertEvents(events) {
      return asPromise(() =>
        inTransaction(db, () =>
          events.reduce(
            (n, e) =>
              n +
              Number(upsertEvent.run(e.symbol, e.date, e.type, e.value, e.detail ?? null, e.source).changes),
            0,
          ),
        ),
      );
    },
    getEvents({ symbol, from = '0000-01-01', to = '9999-12-31' }) {
      return asPromise(() =>
        (
          selectEvents.all(symbol, from, to) as {
            symbol: string;
            date: string;
            type: CorporateEvent['type'];
            value: number;
            detail: string | null;
            source: ProviderName;
          }[]
        ).map((r) => ({
          symbol: r.symbol,
          date: r.date,
          type: r.type,
          value: r.value,
          ...(r.detail ? { detail: r.detail } : {}),
          source: r.source,
        })),
      );
    },
    storedDates(query) {
      const intraday = intradayQuery(query);
      if (intraday) return intradayBars.coverage(intraday).then((coverage) => new Set(coverage.keys()));
      const { symbol, interval = '1d', from, to } = query;
      return asPromise(
        () => new Set((selectDates.all(symbol, interval, from, to) as { date: string }[]).map((r) => r.date)),
      );
    },
    sourceCounts(query) {
      const intraday = intradayQuery(query);
      if (intraday) return intradayBars.sourceCounts(intraday);
      const { symbol, interval = '1d', from, to } = query;
      return asPromise(() =>
        Object.fromEntries(
          (selectSources.all(symbol, interval, from, to) as { source: ProviderName; n: number }[]).map(
            (r) => [r.source, Number(r.n)],
          ),
        ),
      );
    },
    intradayCoverage(query) {
      return intradayBars.coverage(query);
    },
    async upsertBars(bars) {
      const { daily, intraday } = partitionByInterval(bars);
      const intradayCounts = await intradayBars.upsert(intraday);
      return addUpsertCounts(intradayCounts, await upsertDaily(daily));
    },
    getBars(query) {
      const intraday = intradayQuery(query);
      if (intraday) return intradayBars.getBars(intraday);
      const { symbol, interval = '1d', from = '0000-01-01', to = '9999-12-31' } = query;
      const rows = select.all(symbol, interval, from, to) as unknown as BarRow[];
      return Promise.resolve(rows.map(rowToBar));
    },
    async countBars(symbol) {
      const row = (
        symbol
          ? db.prepare('SELECT count(*) AS n FROM bars WHERE symbol = ?').get(symbol)
          : db.prepare('SELECT count(*) AS n FROM bars').get()
      ) as { n: number };
      return Number(row.n) + (await intradayBars.count(symbol));
    },
  };

  function upsertDaily(bars: readonly Bar[]): Promise<UpsertBarsResult> {
    const ingestedAt = now().toISOString();
    return asPromise(() =>
      inTransaction(db, () => {
        const counts: UpsertBarsResult = { inserted: 0, updated: 0, unchanged: 0 };
        for (const b of bars) {
          const values = [b.open, b.high, b.low, b.close, b.adjClose, b.volume, b.source] as const;
          if (Number(insert.run(b.symbol, b.interval, b.date, ...values, ingestedAt).changes) > 0) {
            counts.inserted += 1;
          } else if (
            Number(update.run(...values, ingestedAt, b.symbol, b.interval, b.date, ...values).changes) > 0
          ) {
            counts.updated += 1;
          } else {
            counts.unchanged += 1;
          }
        }
        return counts;
      }),
    );
  }
}

export function rowToBar(row: BarRow): Bar {
  return {
    symbol: row.symbol,
    interval: row.interval as BarInterval,
    date: row.date,
    open: row.open,
    high: row.high,
    low: row.low,
    close: row.close,
    adjClose: row.adj_close,
    volume: row.volume,
    source: row.source as ProviderName,
  };
}
