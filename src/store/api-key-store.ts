/** API keys in SQLite: hashed keys with role, name, expiry and revocation (see src/auth/api-keys.ts). */
import type { ApiKeyRecord, ApiKeyStore } from '../auth/api-keys';
import type { Role } from '../auth/roles';
import { asPromise, type SqliteDatabase } from './sqlite';

/** An `api_keys` row as both backends return it (without the hash). */
export interface ApiKeyRow {
  id: string;
  name: string;
  role: string;
  prefix: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

export const API_KEY_COLUMNS = 'id, name, role, prefix, created_at, expires_at, revoked_at, last_used_at';

export function rowToApiKey(row: ApiKeyRow): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    role: row.role as Role,
    prefix: row.prefix,
    createdAt: row.created_at,
    ...(row.expires_at ? { expiresAt: row.expires_at } : {}),
    ...(row.revoked_at ? { revokedAt: row.revoked_at } : {}),
    ...(row.last_used_at ? { lastUsedAt: row.last_used_at } : {}),
  };
}

export function createSqliteApiKeyStore(db: SqliteDatabase): ApiKeyStore {
  return {
    insert(record, keyHash) {
      return asPromise(() => {
        db.prepare(
          `INSERT INTO api_keys (id, name, role, prefix, key_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          record.id,
          record.name,
          record.role,
          record.prefix,
          keyHash,
          record.createdAt,
          record.expiresAt ?? null,
        );
      });
    },
    findByHash(keyHash) {
      return asPromise(() => {
        const row = db.prepare(`SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE key_hash = ?`).get(keyHash) as
          ApiKeyRow | undefined;
        return row ? rowToApiKey(row) : undefined;
      });
    },
    list() {
      return asPromise(() =>
        (
          db
            .prepare(`SELECT ${API_KEY_COLUMNS} FROM api_keys ORDER BY created_at, id`)
            .all() as unknown as ApiKeyRow[]
        ).map(rowToApiKey),
      );
    },
    revoke(id, at) {
      return asPromise(
        () =>
          Number(
            db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(at, id)
              .changes,
          ) > 0,
      );
    },
    touch(id, at) {
      return asPromise(() => {
        db.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?').run(at, id);
      });
    },
  };
}
