/** Schema migrations, applied in order once each; never edit a released one, add a new one. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'bars',
    sql: `
      CREATE TABLE bars (
        symbol TEXT NOT NULL,
        interval TEXT NOT NULL,
        date TEXT NOT NULL,
        open REAL NOT NULL,
        high REAL NOT NULL,
        low REAL NOT NULL,
        close REAL NOT NULL,
        adj_close REAL NOT NULL,
        volume REAL NOT NULL,
        source TEXT NOT NULL,
        ingested_at TEXT NOT NULL,
        PRIMARY KEY (symbol, interval, date)
      ) WITHOUT ROWID;`,
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
        result_json TEXT,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (workflow_id, run_id)
      );
      CREATE TABLE rejected_bars (
        workflow_id TEXT NOT NULL,
        run_id TEXT NOT NULL,
        symbol TEXT NOT NULL,
        date TEXT NOT NULL,
        reasons_json TEXT NOT NULL,
        bar_json TEXT NOT NULL,
        PRIMARY KEY (workflow_id, run_id, symbol, date)
      );
      CREATE TABLE signals (
        workflow_id TEXT NOT NULL,
        run_id TEXT NOT NULL,
        symbol TEXT NOT NULL,
        as_of TEXT NOT NULL,
        action TEXT NOT NULL,
        confidence REAL NOT NULL,
        signal_json TEXT NOT NULL,
        PRIMARY KEY (workflow_id, run_id, symbol)
      );
      CREATE TABLE risk_reports (
        workflow_id TEXT NOT NULL,
        run_id TEXT NOT NULL,
        as_of TEXT NOT NULL,
        status TEXT NOT NULL,
        report_json TEXT NOT NULL,
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
        price REAL NOT NULL,
        polled_at TEXT NOT NULL,
        PRIMARY KEY (symbol, timestamp, source)
      ) WITHOUT ROWID;`,
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
        summary_json TEXT NOT NULL,
        equity_json TEXT NOT NULL,
        created_at TEXT NOT NULL,
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
        value REAL NOT NULL,
        detail TEXT,
        source TEXT NOT NULL,
        PRIMARY KEY (symbol, date, type)
      );`,
  },
];
