/**
 * Schema migrations for both stores, applied in order once each; never edit a released one, add a new one.
 * One definition per migration, rendered for each dialect, so SQLite and PostgreSQL cannot drift apart.
 */
export type Dialect = 'sqlite' | 'postgres';

export interface Migration {
  version: number;
  name: string;
  sql(dialect: Dialect): string;
}

/** Column types and table options that differ between the dialects. */
function types(dialect: Dialect) {
  const pg = dialect === 'postgres';
  return {
    real: pg ? 'DOUBLE PRECISION' : 'REAL',
    json: pg ? 'JSONB' : 'TEXT',
    time: pg ? 'TIMESTAMPTZ' : 'TEXT',
    /** SQLite stores keyed rows in the primary-key b-tree itself; PostgreSQL has no such option. */
    keyed: pg ? '' : ' WITHOUT ROWID',
  };
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'bars',
    sql: (d) => {
      const t = types(d);
      return `
      CREATE TABLE bars (
        symbol TEXT NOT NULL,
        interval TEXT NOT NULL,
        date TEXT NOT NULL,
        open ${t.real} NOT NULL,
        high ${t.real} NOT NULL,
        low ${t.real} NOT NULL,
        close ${t.real} NOT NULL,
        adj_close ${t.real} NOT NULL,
        volume ${t.real} NOT NULL,
        source TEXT NOT NULL,
        ingested_at ${t.time} NOT NULL,
        PRIMARY KEY (symbol, interval, date)
      )${t.keyed};`;
    },
  },
  {
    version: 2,
    name: 'pipeline runs, signals, risk reports',
    sql: (d) => {
      const t = types(d);
      return `
      CREATE TABLE pipeline_runs (
        workflow_id TEXT NOT NULL,
        run_id TEXT NOT NULL,
        book TEXT NOT NULL,
        as_of TEXT NOT NULL,
        status TEXT NOT NULL,
        result_json ${t.json},
        updated_at ${t.time} NOT NULL,
        PRIMARY KEY (workflow_id, run_id)
      );
      CREATE TABLE rejected_bars (
        workflow_id TEXT NOT NULL,
        run_id TEXT NOT NULL,
        symbol TEXT NOT NULL,
        date TEXT NOT NULL,
        reasons_json ${t.json} NOT NULL,
        bar_json ${t.json} NOT NULL,
        PRIMARY KEY (workflow_id, run_id, symbol, date)
      );
      CREATE TABLE signals (
        workflow_id TEXT NOT NULL,
        run_id TEXT NOT NULL,
        symbol TEXT NOT NULL,
        as_of TEXT NOT NULL,
        action TEXT NOT NULL,
        confidence ${t.real} NOT NULL,
        signal_json ${t.json} NOT NULL,
        PRIMARY KEY (workflow_id, run_id, symbol)
      );
      CREATE TABLE risk_reports (
        workflow_id TEXT NOT NULL,
        run_id TEXT NOT NULL,
        as_of TEXT NOT NULL,
        status TEXT NOT NULL,
        report_json ${t.json} NOT NULL,
        PRIMARY KEY (workflow_id, run_id)
      );`;
    },
  },
  {
    version: 3,
    name: 'intraday quotes',
    sql: (d) => {
      const t = types(d);
      return `
      CREATE TABLE quotes (
        symbol TEXT NOT NULL,
        timestamp TEXT NOT NULL,
        source TEXT NOT NULL,
        price ${t.real} NOT NULL,
        polled_at ${t.time} NOT NULL,
        PRIMARY KEY (symbol, timestamp, source)
      )${t.keyed};`;
    },
  },
  {
    version: 4,
    name: 'risk report lookups by run id and date',
    sql: () => `
      CREATE INDEX risk_reports_run_id ON risk_reports (run_id);
      CREATE INDEX risk_reports_as_of ON risk_reports (as_of);`,
  },
  {
    version: 5,
    name: 'strategy backtests',
    sql: (d) => {
      const t = types(d);
      return `
      CREATE TABLE backtests (
        backtest_id TEXT NOT NULL,
        symbol TEXT NOT NULL,
        summary_json ${t.json} NOT NULL,
        equity_json ${t.json} NOT NULL,
        created_at ${t.time} NOT NULL,
        PRIMARY KEY (backtest_id, symbol)
      );`;
    },
  },
  {
    version: 6,
    name: 'corporate events (splits and dividends)',
    sql: (d) => {
      const t = types(d);
      return `
      CREATE TABLE corporate_events (
        symbol TEXT NOT NULL,
        date TEXT NOT NULL,
        type TEXT NOT NULL,
        value ${t.real} NOT NULL,
        detail TEXT,
        source TEXT NOT NULL,
        PRIMARY KEY (symbol, date, type)
      );`;
    },
  },
  {
    version: 7,
    name: 'intraday bars',
    sql: (d) => {
      const t = types(d);
      // starts_at is the bar's start as an ISO 8601 UTC string (one fixed format, so text order is time order).
      return `
      CREATE TABLE intraday_bars (
        symbol TEXT NOT NULL,
        interval TEXT NOT NULL,
        starts_at TEXT NOT NULL,
        session_date TEXT NOT NULL,
        open ${t.real} NOT NULL,
        high ${t.real} NOT NULL,
        low ${t.real} NOT NULL,
        close ${t.real} NOT NULL,
        adj_close ${t.real} NOT NULL,
        volume ${t.real} NOT NULL,
        source TEXT NOT NULL,
        ingested_at ${t.time} NOT NULL,
        PRIMARY KEY (symbol, interval, starts_at)
      )${t.keyed};
      CREATE INDEX intraday_bars_session ON intraday_bars (symbol, interval, session_date);`;
    },
  },
  {
    version: 8,
    name: 'approvals of flagged signals',
    sql: (d) => {
      const t = types(d);
      return `
      CREATE TABLE approvals (
        workflow_id TEXT NOT NULL,
        run_id TEXT NOT NULL,
        symbol TEXT NOT NULL,
        action TEXT NOT NULL,
        trade_notional ${t.real} NOT NULL,
        reasons_json ${t.json} NOT NULL,
        status TEXT NOT NULL,
        requested_at TEXT NOT NULL,
        deadline TEXT NOT NULL,
        decided_at TEXT,
        approver TEXT,
        decision_reason TEXT,
        PRIMARY KEY (workflow_id, run_id, symbol)
      );
      CREATE INDEX approvals_status ON approvals (status, requested_at);`;
    },
  },
  {
    version: 9,
    name: 'hash-chained audit log and its chain head / retention anchor',
    sql: (d) => {
      const seq = d === 'postgres' ? 'BIGINT' : 'INTEGER';
      // Every hashed field is TEXT in both dialects (recorded_at an ISO 8601 UTC string, details canonical JSON
      // text), so what is read back is byte for byte what was hashed. audit_chain holds exactly one row (id 1).
      return `
      CREATE TABLE audit_log (
        seq ${seq} NOT NULL PRIMARY KEY,
        recorded_at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        resource TEXT NOT NULL,
        result TEXT NOT NULL,
        ip TEXT,
        user_agent TEXT,
        request_id TEXT,
        details_json TEXT,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      );
      CREATE INDEX audit_log_recorded_at ON audit_log (recorded_at);
      CREATE INDEX audit_log_actor ON audit_log (actor, seq);
      CREATE INDEX audit_log_action ON audit_log (action, seq);
      CREATE INDEX audit_log_resource ON audit_log (resource, seq);
      CREATE TABLE audit_chain (
        id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
        head_seq ${seq} NOT NULL,
        head_hash TEXT NOT NULL,
        anchor_seq ${seq} NOT NULL,
        anchor_hash TEXT NOT NULL,
        anchor_archive TEXT,
        updated_at TEXT NOT NULL
      );
      INSERT INTO audit_chain (id, head_seq, head_hash, anchor_seq, anchor_hash, anchor_archive, updated_at)
      VALUES (1, 0, '${'0'.repeat(64)}', 0, '${'0'.repeat(64)}', NULL, '1970-01-01T00:00:00.000Z');`;
    },
  },
  {
    version: 10,
    name: 'API keys (hashed) with roles',
    sql: () => `
      CREATE TABLE api_keys (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        role TEXT NOT NULL,
        prefix TEXT NOT NULL,
        key_hash TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        expires_at TEXT,
        revoked_at TEXT,
        last_used_at TEXT
      );`,
  },
  {
    version: 11,
    name: 'audit records keyed with an HMAC key: the key id per record (null: a plain SHA-256 record from before)',
    sql: () => `ALTER TABLE audit_log ADD COLUMN key_id TEXT;`,
  },
  {
    version: 12,
    name: 'JWT revocations: revoked token ids (jti) and a not-before per subject',
    // Instants are ISO 8601 UTC TEXT in both dialects (compared as strings, like api_keys).
    sql: () => `
      CREATE TABLE jwt_revoked_jtis (
        jti TEXT PRIMARY KEY,
        expires_at TEXT,
        revoked_by TEXT NOT NULL,
        revoked_at TEXT NOT NULL
      );
      CREATE TABLE jwt_subject_not_before (
        subject TEXT PRIMARY KEY,
        not_before TEXT NOT NULL,
        revoked_by TEXT NOT NULL,
        revoked_at TEXT NOT NULL
      );`,
  },
];
