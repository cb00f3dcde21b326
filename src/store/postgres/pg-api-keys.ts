/** API keys in PostgreSQL: the same contract as the SQLite store. */
import type { Pool } from 'pg';
import type { ApiKeyStore } from '../../auth/api-keys';
import { API_KEY_COLUMNS, type ApiKeyRow, rowToApiKey } from '../api-key-store';

export function createPgApiKeyStore(pool: Pool): ApiKeyStore {
  return {
    async insert(record, keyHash) {
      await pool.query(
        `INSERT INTO api_keys (id, name, role, prefix, key_hash, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [
          record.id,
          record.name,
          record.role,
          record.prefix,
          keyHash,
          record.createdAt,
          record.expiresAt ?? null,
        ],
      );
    },
    async findByHash(keyHash) {
      const { rows } = await pool.query<ApiKeyRow>(
        `SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE key_hash = $1`,
        [keyHash],
      );
      return rows[0] ? rowToApiKey(rows[0]) : undefined;
    },
    async list() {
      const { rows } = await pool.query<ApiKeyRow>(
        `SELECT ${API_KEY_COLUMNS} FROM api_keys ORDER BY created_at, id`,
      );
      return rows.map(rowToApiKey);
    },
    async revoke(id, at) {
      const result = await pool.query(
        'UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL',
        [at, id],
      );
      return (result.rowCount ?? 0) > 0;
    },
    async touch(id, at) {
      await pool.query('UPDATE api_keys SET last_used_at = $1 WHERE id = $2', [at, id]);
    },
  };
}
