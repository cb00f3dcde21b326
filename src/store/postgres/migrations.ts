/** PostgreSQL schema migrations: the same versions and tables as the SQLite ones, in PostgreSQL's dialect. */
import type { Migration } from '../migrations';

export const PG_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'bars',
    sql: `
      CREATE TABLE bars (
        symbol TEXT NOT NULL,
        interval TEXT NOT NULL,
        date TEXT NOT NULL,
        open DOUBLE PRECISION NOT NULL,
        high DOUBLE PRECISION NOT NULL,
        low DOUBLE PRECISION NOT NULL,
        close DOUBLE PRECISION NOT NULL,
        adj_close DOUBLE PRECISION NOT NULL,
        volume DOUBLE PRECISION NOT NULL,
        source TEXT NOT NULL,
        ingested_at TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (symbol, interval, date)
      );`,
  },
  {
    version: 2,
    name: 'pipeline runs, signals, risk reports',
    sql: `
      CREATE TABLE pipeline_runs (
        workflow_id TEXT NOT NULL,
        run_id TEXT NOT NULL,
        book TEXT NOT NULL,
        as_of TEXT NOT NULL,
        status TEXT NOT NULL,
        result_json JSONB,
        updated_at TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (workflow_id, run_id)
      );
      CREATE TABLE rejected_bars (
        workflow_id TEXT NOT NULL,
        run_id TEXT NOT NULL,
        symbol TEXT NOT NULL,
        date TEXT NOT NULL,
        reasons_json JSONB NOT NULL,
        bar_json JSONB NOT NULL,
        PRIMARY KEY (workflow_id, run_id, symbol, date)
      );
      CREATE TABLE signals (
        workflow_id TEXT NOT NULL,
        run_id TEXT NOT NULL,
        symbol TEXT NOT NULL,
        as_of TEXT NOT NULL,
        action TEXT NOT NULL,
        confidence DOUBLE PRECISION NOT NULL,
        signal_json JSONB NOT NULL,
        PRIMARY KEY (workflow_id, run_id, symbol)
      );
      CREATE TABLE risk_reports (
        workflow_id TEXT NOT NULL,
        run_id TEXT NOT NULL,
        as_of TEXT NOT NULL,
        status TEXT NOT NULL,
        report_json JSONB NOT NULL,
        PRIMARY KEY (workflow_id, run_id)
      );`,
  },
  {
    version: 3,
    name: 'intraday quotes',
    sql: `
      CREATE TABLE quotes (
        symbol TEXT NOT NULL,
        timestamp TEXT NOT NULL,
        source TEXT NOT NULL,
        price DOUBLE PRECISION NOT NULL,
        polled_at TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (symbol, timestamp, source)
      );`,
  },
  {
    version: 4,
    name: 'risk report lookups by run id and date',
    sql: `
      CREATE INDEX risk_reports_run_id ON risk_reports (run_id);
      CREATE INDEX risk_reports_as_of ON risk_reports (as_of);`,
  },
  {
    version: 5,
    name: 'strategy backtests',
    sql: `
      CREATE TABLE backtests (
        backtest_id TEXT NOT NULL,
        symbol TEXT NOT NULL,
        summary_json JSONB NOT NULL,
        equity_json JSONB NOT NULL,
        created_at TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (backtest_id, symbol)
      );`,
  },
  {
    version: 6,
    name: 'corporate events (splits and dividends)',
    sql: `
      CREATE TABLE corporate_events (
        symbol TEXT NOT NULL,
        date TEXT NOT NULL,
        type TEXT NOT NULL,
        value DOUBLE PRECISION NOT NULL,
        detail TEXT,
        source TEXT NOT NULL,
        PRIMARY KEY (symbol, date, type)
      );`,
  },
];
