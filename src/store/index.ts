import type { ApiKeyStore } from '../auth/api-keys';
import { createSqliteAuditStore, type AuditStore } from '../audit';
import { createSqliteApiKeyStore } from './api-key-store';
import { createSqliteJwtRevocationStore } from './jwt-revocation-store';
import type { JwtRevocationStore } from '../auth/jwt-revocations';
import { createSqliteBacktestStore, type BacktestStore } from './backtest-store';
import { createSqliteBarStore, type BarStore } from './bar-store';
import { openPgStores } from './postgres/pg-stores';
import { createSqliteQuoteStore, type QuoteStore } from './quote-store';
import { createSqliteRunStore, type RunStore } from './run-store';
import { openDatabase, type SqliteDatabase } from './sqlite';

export type { BarStore, BarQuery, UpsertBarsResult } from './bar-store';
export type { RunStore, RunRecord, RunStatus } from './run-store';
export type { QuoteStore } from './quote-store';
export type { BacktestStore, StoredBacktest } from './backtest-store';

export interface Stores {
  bars: BarStore;
  runs: RunStore;
  quotes: QuoteStore;
  backtests: BacktestStore;
  apiKeys: ApiKeyStore;
  /** Revoked JWT ids and per-subject not-befores (checked after a token verifies). */
  jwtRevocations: JwtRevocationStore;
  audit: AuditStore;
  close(): void | Promise<void>;
}

/** PostgreSQL when a database URL is configured, else the SQLite file (the default). */
export async function openConfiguredStores(store: { dbPath: string; databaseUrl?: string }): Promise<Stores> {
  if (store.databaseUrl) {
    return openPgStores(store.databaseUrl);
  }
  return openStores(store.dbPath);
}

export function openStores(dbPath: string): Stores {
  const db: SqliteDatabase = openDatabase(dbPath);
  return {
    bars: createSqliteBarStore(db),
    runs: createSqliteRunStore(db),
    quotes: createSqliteQuoteStore(db),
    backtests: createSqliteBacktestStore(db),
    apiKeys: createSqliteApiKeyStore(db),
    jwtRevocations: createSqliteJwtRevocationStore(db),
    audit: createSqliteAuditStore(db),
    close: () => db.close(),
  };
}
