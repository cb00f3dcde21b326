/** Opens Tradeflow's SQLite database (Node's built-in node:sqlite) in WAL mode and applies pending migrations. */
import { closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { MIGRATIONS } from './migrations';

export type SqliteDatabase = DatabaseSync;

export function openDatabase(dbPath: string): SqliteDatabase {
  if (dbPath !== ':memory:') {
    mkdirSync(path.dirname(dbPath), { recursive: true });
    // Created owner-only (trading data, hashed keys, the audit chain); SQLite gives its -wal/-shm files the same mode.
    // An existing file keeps its mode ('a' neither truncates nor changes it).
    closeSync(openSync(dbPath, 'a', 0o600));
  }
  const db = new DatabaseSync(dbPath);
  // WAL lets the API read while the worker writes; busy_timeout makes concurrent writers wait instead of failing.
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = NORMAL');
  db.exec('PRAGMA busy_timeout = 10000');
  db.exec('PRAGMA foreign_keys = ON');
  migrate(db);
  return db;
}

export function migrate(db: SqliteDatabase): number {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
  );
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map(
      (row) => row.version,
    ),
  );
  let count = 0;
  for (const migration of MIGRATIONS) {
    if (applied.has(migration.version)) continue;
    inTransaction(db, () => {
      // Another process may have migrated between our read and this write lock.
      const done = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').get(migration.version);
      if (done) return;
      db.exec(migration.sql('sqlite'));
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        new Date().toISOString(),
      );
      count += 1;
    });
  }
  return count;
}

/** Runs `work` in an IMMEDIATE transaction (takes the write lock up front, so it never deadlocks on upgrade). */
export function inTransaction<T>(db: SqliteDatabase, work: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}

/** node:sqlite is synchronous; store methods are async (a server database comes later), so a throw becomes a rejection. */
export function asPromise<T>(work: () => T): Promise<T> {
  return new Promise((resolve) => resolve(work()));
}
