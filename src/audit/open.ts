/** Opens the audit store of the configured database on its own (for `npm run audit:verify` and other tools). */
import { Pool } from 'pg';
import { migratePg } from '../store/postgres/pg-stores';
import { openDatabase } from '../store/sqlite';
import { createPgAuditStore } from './pg-store';
import { createSqliteAuditStore, type AuditStore } from './store';

export interface OpenedAuditStore {
  store: AuditStore;
  /** Where it is, for messages: the SQLite file, or the PostgreSQL URL without its password. */
  location: string;
  close(): Promise<void>;
}

/** PostgreSQL when a database URL is configured, else the SQLite file (as openConfiguredStores chooses). */
export async function openConfiguredAuditStore(store: {
  dbPath: string;
  databaseUrl?: string;
}): Promise<OpenedAuditStore> {
  if (store.databaseUrl) {
    const pool = new Pool({ connectionString: store.databaseUrl, max: 2 });
    try {
      await migratePg(pool);
    } catch (error) {
      await pool.end();
      throw error;
    }
    return {
      store: createPgAuditStore(pool),
      location: redactUrl(store.databaseUrl),
      close: () => pool.end(),
    };
  }
  const db = openDatabase(store.dbPath);
  return {
    store: createSqliteAuditStore(db),
    location: store.dbPath,
    close: () => Promise.resolve(db.close()),
  };
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres (unparseable URL)';
  }
}
