/** The intraday half of the PostgreSQL bar store: set-based upserts via unnest, as for daily bars. */
import type { Pool } from 'pg';
import type { Bar, ProviderName } from '../../market-data/bar';
import type { UpsertBarsResult } from '../bar-store';
import {
  INTRADAY_COLUMNS,
  type IntradayBarRow,
  type IntradayBarTable,
  intradayRowToBar,
  startOf,
} from '../intraday-bar-store';

export function createPgIntradayBars(pool: Pool): IntradayBarTable {
  return {
    async upsert(bars) {
      if (bars.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
      const column = <K extends keyof Bar>(key: K) => bars.map((b) => b[key]);
      // xmax = 0 marks a freshly inserted row; the WHERE makes identical bars no-ops (not returned at all).
      const { rows } = await pool.query<{ inserted: boolean }>(
        `INSERT INTO intraday_bars (${INTRADAY_COLUMNS}, ingested_at)
         SELECT *, now() FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::float8[],
                                     $7::float8[], $8::float8[], $9::float8[], $10::float8[], $11::text[])
         ON CONFLICT (symbol, interval, starts_at) DO UPDATE SET
           session_date = excluded.session_date, open = excluded.open, high = excluded.high, low = excluded.low,
           close = excluded.close, adj_close = excluded.adj_close, volume = excluded.volume,
           source = excluded.source, ingested_at = excluded.ingested_at
         WHERE (intraday_bars.session_date, intraday_bars.open, intraday_bars.high, intraday_bars.low,
                intraday_bars.close, intraday_bars.adj_close, intraday_bars.volume, intraday_bars.source)
               IS DISTINCT FROM (excluded.session_date, excluded.open, excluded.high, excluded.low, excluded.close,
                                 excluded.adj_close, excluded.volume, excluded.source)
         RETURNING (xmax = 0) AS inserted`,
        [
          column('symbol'),
          column('interval'),
          bars.map(startOf),
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
    },
    async getBars({ symbol, interval, from, to }) {
      const { rows } = await pool.query<IntradayBarRow>(
        `SELECT ${INTRADAY_COLUMNS} FROM intraday_bars
         WHERE symbol = $1 AND interval = $2 AND session_date >= $3 AND session_date <= $4 ORDER BY starts_at`,
        [symbol, interval, from, to],
      );
      return rows.map(intradayRowToBar);
    },
    async coverage({ symbol, interval, from, to }) {
      const { rows } = await pool.query<{ session_date: string; n: string; last: Date }>(
        `SELECT session_date, count(*) AS n, max(ingested_at) AS last FROM intraday_bars
         WHERE symbol = $1 AND interval = $2 AND session_date >= $3 AND session_date <= $4
         GROUP BY session_date`,
        [symbol, interval, from, to],
      );
      return new Map(
        rows.map((r) => [
          r.session_date,
          { bars: Number(r.n), lastIngestedAt: new Date(r.last).toISOString() },
        ]),
      );
    },
    async sourceCounts({ symbol, interval, from, to }) {
      const { rows } = await pool.query<{ source: ProviderName; n: string }>(
        `SELECT source, count(*) AS n FROM intraday_bars
         WHERE symbol = $1 AND interval = $2 AND session_date >= $3 AND session_date <= $4
         GROUP BY source ORDER BY source`,
        [symbol, interval, from, to],
      );
      return Object.fromEntries(rows.map((r) => [r.source, Number(r.n)]));
    },
    async count(symbol) {
      const { rows } = symbol
        ? await pool.query<{ n: string }>('SELECT count(*) AS n FROM intraday_bars WHERE symbol = $1', [
            symbol,
          ])
        : await pool.query<{ n: string }>('SELECT count(*) AS n FROM intraday_bars');
      return Number(rows[0].n);
    },
  };
}
