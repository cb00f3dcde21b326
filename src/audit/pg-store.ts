/** The audit store on PostgreSQL: the same contract as the SQLite one (see store.ts). */
import type { Pool, PoolClient } from 'pg';
import { chainRecord, GENESIS_HASH, type ChainState } from './chain';
import {
  AUDIT_COLUMNS,
  AuditChainConflictError,
  auditQuerySql,
  BEFORE_ALL_SEQ,
  boundaryFrom,
  checkCut,
  recordValues,
  rowToChainRecord,
  rowToChainState,
  type AuditRow,
  type AuditStore,
  type AuditStoreOptions,
  type ChainRow,
} from './store';

const SELECT_CHAIN =
  'SELECT head_seq, head_hash, anchor_seq, anchor_hash, anchor_archive FROM audit_chain WHERE id = 1';

async function inTransaction<T>(
  pool: Pool,
  begin: string,
  work: (client: PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(begin);
    try {
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
  } finally {
    client.release();
  }
}

/** Locks the chain-head row (creating it if a truncate removed it) until the transaction ends. */
async function lockChain(client: PoolClient): Promise<ChainState> {
  let { rows } = await client.query<ChainRow>(`${SELECT_CHAIN} FOR UPDATE`);
  if (rows.length === 0) {
    await client.query(
      `INSERT INTO audit_chain (id, head_seq, head_hash, anchor_seq, anchor_hash, anchor_archive, updated_at)
       VALUES (1, 0, $1, 0, $1, NULL, '1970-01-01T00:00:00.000Z') ON CONFLICT (id) DO NOTHING`,
      [GENESIS_HASH],
    );
    ({ rows } = await client.query<ChainRow>(`${SELECT_CHAIN} FOR UPDATE`));
  }
  return rowToChainState(rows[0]);
}

export function createPgAuditStore(pool: Pool, options: AuditStoreOptions = {}): AuditStore {
  const now = options.now ?? (() => new Date());
  const chainState = async () => rowToChainState((await pool.query<ChainRow>(SELECT_CHAIN)).rows[0]);

  return {
    append(event, signing) {
      return inTransaction(pool, 'BEGIN', async (client) => {
        const chain = await lockChain(client);
        const record = chainRecord(event, chain.headSeq + 1, now().toISOString(), chain.headHash, signing);
        await client.query(
          `INSERT INTO audit_log (${AUDIT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
          [...recordValues(record)],
        );
        await client.query(
          'UPDATE audit_chain SET head_seq = $1, head_hash = $2, updated_at = $3 WHERE id = 1',
          [record.seq, record.hash, record.timestamp],
        );
        return record;
      });
    },

    async query(filter) {
      const values: unknown[] = [];
      const param = (value: unknown) => {
        values.push(value);
        return `$${values.length}`;
      };
      const { where, order } = auditQuerySql(
        filter,
        param,
        (column, prefix) => `starts_with(${column}, ${prefix()}::text)`,
      );
      const { rows } = await pool.query<AuditRow>(
        `SELECT ${AUDIT_COLUMNS} FROM audit_log ${where} ${order} LIMIT ${param(filter.limit)}`,
        values,
      );
      return rows.map(rowToChainRecord);
    },

    async range(afterSeq, throughSeq, limit) {
      const { rows } = await pool.query<AuditRow>(
        `SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3`,
        [afterSeq, throughSeq, limit],
      );
      return rows.map(rowToChainRecord);
    },

    chainState,

    async keyIds() {
      const { rows } = await pool.query<{ key_id: string }>(
        'SELECT DISTINCT key_id FROM audit_log WHERE key_id IS NOT NULL',
      );
      return rows.map((row) => row.key_id);
    },

    async walk(visit, pageSize = 1000) {
      // One snapshot for the chain state and every page.
      await inTransaction(pool, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', async (client) => {
        const chain = await client.query<ChainRow>(SELECT_CHAIN);
        visit.state(rowToChainState(chain.rows[0]));
        let after = BEFORE_ALL_SEQ;
        for (;;) {
          const { rows } = await client.query<AuditRow>(
            `SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2`,
            [after, pageSize],
          );
          if (rows.length === 0) break;
          const page = rows.map(rowToChainRecord);
          visit.page(page);
          after = page[page.length - 1].seq;
        }
      });
    },

    async retentionBoundary(cutoff) {
      const chain = await chainState();
      const { rows } = await pool.query<{ seq: string | null; last: string | null }>(
        `SELECT MIN(seq) AS seq, (SELECT MAX(seq) FROM audit_log) AS last FROM audit_log
         WHERE recorded_at >= $1 AND seq > $2`,
        [new Date(cutoff).toISOString(), chain.anchorSeq],
      );
      const toNumber = (v: string | null) => (v === null ? null : Number(v));
      return boundaryFrom(chain, toNumber(rows[0].seq), toNumber(rows[0].last));
    },

    prune(cut) {
      return inTransaction(pool, 'BEGIN', async (client) => {
        const chain = await lockChain(client);
        if (chain.anchorSeq === cut.throughSeq && chain.anchorHash === cut.throughHash) return { deleted: 0 };
        const { rows } = await client.query<{ hash: string }>('SELECT hash FROM audit_log WHERE seq = $1', [
          cut.throughSeq,
        ]);
        checkCut(chain, cut, () => rows[0]?.hash);
        const deleted =
          (
            await client.query('DELETE FROM audit_log WHERE seq > $1 AND seq <= $2', [
              cut.fromAnchorSeq,
              cut.throughSeq,
            ])
          ).rowCount ?? 0;
        if (deleted !== cut.throughSeq - cut.fromAnchorSeq) {
          // Thrown inside the transaction: rolled back, nothing deleted.
          throw new AuditChainConflictError(
            `Expected to delete ${cut.throughSeq - cut.fromAnchorSeq} records (seq ${cut.fromAnchorSeq + 1}–${cut.throughSeq}), found ${deleted}: records are missing; nothing deleted`,
          );
        }
        await client.query(
          'UPDATE audit_chain SET anchor_seq = $1, anchor_hash = $2, anchor_archive = $3, updated_at = $4 WHERE id = 1',
          [cut.throughSeq, cut.throughHash, cut.archive, now().toISOString()],
        );
        return { deleted };
      });
    },
  };
}
