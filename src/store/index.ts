import { createSqliteBarStore, type BarStore } from './bar-store';
import { createSqliteRunStore, type RunStore } from './run-store';
import { openDatabase, type SqliteDatabase } from './sqlite';

export type { BarStore, BarQuery, UpsertBarsResult } from './bar-store';
export type { RunStore, RunRecord, RunStatus } from './run-store';

export interface Stores {
  bars: BarStore;
  runs: RunStore;
  close(): void;
}

export function openStores(dbPath: string): Stores {
  const db: SqliteDatabase = openDatabase(dbPath);
  return { bars: createSqliteBarStore(db), runs: createSqliteRunStore(db), close: () => db.close() };
}
