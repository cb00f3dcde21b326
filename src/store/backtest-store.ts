/** Strategy backtest results per (backtest id, symbol): the summary and the equity curve, kept out of workflow history. */
import { asPromise, type SqliteDatabase } from './sqlite';

export interface StoredBacktest {
  backtestId: string;
  symbol: string;
  summary: unknown;
  equity: unknown[];
}

export interface BacktestStore {
  saveBacktest(result: StoredBacktest): Promise<void>;
  getBacktests(backtestId: string): Promise<StoredBacktest[]>;
}

export function createSqliteBacktestStore(
  db: SqliteDatabase,
  now: () => Date = () => new Date(),
): BacktestStore {
  const upsert = db.prepare(`
    INSERT INTO backtests (backtest_id, symbol, summary_json, equity_json, created_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (backtest_id, symbol) DO UPDATE SET summary_json = excluded.summary_json,
      equity_json = excluded.equity_json, created_at = excluded.created_at`);
  const select = db.prepare(
    'SELECT backtest_id, symbol, summary_json, equity_json FROM backtests WHERE backtest_id = ? ORDER BY symbol',
  );
  return {
    saveBacktest: (r) =>
      asPromise(() => {
        upsert.run(
          r.backtestId,
          r.symbol,
          JSON.stringify(r.summary),
          JSON.stringify(r.equity),
          now().toISOString(),
        );
      }),
    getBacktests: (backtestId) =>
      asPromise(() =>
        (
          select.all(backtestId) as {
            backtest_id: string;
            symbol: string;
            summary_json: string;
            equity_json: string;
          }[]
        ).map((row) => ({
          backtestId: row.backtest_id,
          symbol: row.symbol,
          summary: JSON.parse(row.summary_json) as unknown,
          equity: JSON.parse(row.equity_json) as unknown[],
        })),
      ),
  };
}
