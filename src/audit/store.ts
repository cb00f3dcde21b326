/**
 * Where audit records live: the `audit_log` table (one row per record) and the one-row `audit_chain` table (the
 * chain head, i.e. the last appended seq and hash, and the retention anchor). Both dialects implement one interface.
 *
 * Appends are serialized across processes: each one reads the head, inserts the next record and moves the head in
 * one transaction that holds the write lock (SQLite BEGIN IMMEDIATE; PostgreSQL SELECT … FOR UPDATE on the head
 * row), so concurrent writers never fork the chain. `seq` is the primary key as a second guard.
 */
import { inTransaction, type SqliteDatabase } from '../store/sqlite';
import {
  chainRecord,
  EMPTY_CHAIN,
  GENESIS_HASH,
  type AuditSigningKey,
  type ChainRecord,
  type ChainState,
  type NormalizedEvent,
} from './chain';
import type { AuditResult } from './events';

export interface AuditQuery {
  actor?: string;
  /** An exact action (`schedule.pause`) or a category (`schedule.*`). */
  action?: string;
  /** An exact resource, or a prefix ending in `*` (`workflow:pipeline:*`). */
  resource?: string;
  result?: AuditResult;
  /** ISO 8601 instants: from inclusive, to exclusive. */
  from?: string;
  to?: string;
  /** Page size. */
  limit: number;
  /** Continue after this seq (the previous page's `nextCursor`). */
  cursor?: number;
  /** `desc`: newest first (the default); `asc`: oldest first. */
  order?: 'asc' | 'desc';
}

export interface RetentionCut {
  /** The anchor the archive starts from (must still be the anchor). */
  fromAnchorSeq: number;
  /** The last archived record and its hash (becomes the new anchor). */
  throughSeq: number;
  throughHash: string;
  /** The archive file name, kept with the anchor. */
  archive: string;
}

export interface AuditStore {
  /**
   * Appends one record after the chain head, with the store's clock as its timestamp; keyed (HMAC, its key id stored
   * in the row) when a signing key is given, else plain SHA-256 (v1).
   */
  append(event: NormalizedEvent, signing?: AuditSigningKey): Promise<ChainRecord>;
  /** The key ids the stored records name (to look up the keys verification needs). */
  keyIds(): Promise<string[]>;
  /** Records matching the filter in seq order (see AuditQuery.order), at most `limit`. */
  query(filter: AuditQuery): Promise<ChainRecord[]>;
  /** Records with afterSeq < seq <= throughSeq, ascending, at most `limit`. */
  range(afterSeq: number, throughSeq: number, limit: number): Promise<ChainRecord[]>;
  /** The chain head and retention anchor. */
  chainState(): Promise<ChainState>;
  /**
   * The chain state and then every record in ascending seq order, read in one consistent snapshot. `visit` runs
   * synchronously per page (on SQLite the whole walk is synchronous: no other work runs on the connection meanwhile).
   */
  walk(
    visit: { state(state: ChainState): void; page(records: ChainRecord[]): void },
    pageSize?: number,
  ): Promise<void>;
  /**
   * The last seq of the longest run of records after the anchor that are all older than `cutoff` (the anchor's seq
   * when there is none), so retention always cuts a prefix of the chain.
   */
  retentionBoundary(cutoff: string): Promise<number>;
  /**
   * Deletes the records after the anchor through `throughSeq` and makes `throughSeq` the new anchor, in one
   * transaction under the chain lock; refuses (throws AuditChainConflictError) when the anchor moved, the record's
   * hash differs or a record is missing. Idempotent: a cut already made answers `{ deleted: 0 }`.
   */
  prune(cut: RetentionCut): Promise<{ deleted: number }>;
}

export class AuditChainConflictError extends Error {
  override readonly name = 'AuditChainConflictError';
}

export interface AuditStoreOptions {
  /** The clock that stamps new records (tests backdate records with it). */
  now?: () => Date;
}

/** Seq below any real one: walks start here, so rows forged at or before the anchor are seen too. */
export const BEFORE_ALL_SEQ = -Number.MAX_SAFE_INTEGER;

export const AUDIT_COLUMNS =
  'seq, recorded_at, actor, action, resource, result, ip, user_agent, request_id, details_json, prev_hash, hash, key_id';

export interface AuditRow {
  seq: number | string;
  recorded_at: string;
  actor: string;
  action: string;
  resource: string;
  result: string;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  details_json: string | null;
  prev_hash: string;
  hash: string;
  key_id: string | null;
}

export interface ChainRow {
  head_seq: number | string;
  head_hash: string;
  anchor_seq: number | string;
  anchor_hash: string;
  anchor_archive: string | null;
}

export function rowToChainRecord(row: AuditRow): ChainRecord {
  return {
    seq: Number(row.seq),
    timestamp: row.recorded_at,
    actor: row.actor,
    action: row.action,
    resource: row.resource,
    result: row.result,
    ip: row.ip,
    userAgent: row.user_agent,
    requestId: row.request_id,
    details: row.details_json,
    prevHash: row.prev_hash,
    hash: row.hash,
    keyId: row.key_id ?? null,
  };
}

export function rowToChainState(row: ChainRow | undefined): ChainState {
  if (!row) return EMPTY_CHAIN;
  return {
    headSeq: Number(row.head_seq),
    headHash: row.head_hash,
    anchorSeq: Number(row.anchor_seq),
    anchorHash: row.anchor_hash,
    ...(row.anchor_archive ? { anchorArchive: row.anchor_archive } : {}),
  };
}

/** The values of one record in AUDIT_COLUMNS order. */
export function recordValues(r: ChainRecord) {
  return [
    r.seq,
    r.timestamp,
    r.actor,
    r.action,
    r.resource,
    r.result,
    r.ip,
    r.userAgent,
    r.requestId,
    r.details,
    r.prevHash,
    r.hash,
    r.keyId,
  ] as const;
}

/** The WHERE clause and ORDER BY of a query, with placeholders from `param` (it also collects the value). */
export function auditQuerySql(
  filter: AuditQuery,
  param: (value: unknown) => string,
  startsWith: (column: string, prefixPlaceholder: () => string) => string,
): { where: string; order: string } {
  const clauses: string[] = [];
  if (filter.actor !== undefined) clauses.push(`actor = ${param(filter.actor)}`);
  if (filter.action !== undefined) {
    if (filter.action.endsWith('.*')) {
      const prefix = filter.action.slice(0, -1); // keep the dot: `schedule.`
      clauses.push(startsWith('action', () => param(prefix)));
    } else clauses.push(`action = ${param(filter.action)}`);
  }
  if (filter.resource !== undefined) {
    if (filter.resource.endsWith('*')) {
      const prefix = filter.resource.slice(0, -1);
      clauses.push(startsWith('resource', () => param(prefix)));
    } else clauses.push(`resource = ${param(filter.resource)}`);
  }
  if (filter.result !== undefined) clauses.push(`result = ${param(filter.result)}`);
  if (filter.from !== undefined) clauses.push(`recorded_at >= ${param(new Date(filter.from).toISOString())}`);
  if (filter.to !== undefined) clauses.push(`recorded_at < ${param(new Date(filter.to).toISOString())}`);
  const desc = (filter.order ?? 'desc') === 'desc';
  if (filter.cursor !== undefined) clauses.push(`seq ${desc ? '<' : '>'} ${param(filter.cursor)}`);
  return {
    where: clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '',
    order: `ORDER BY seq ${desc ? 'DESC' : 'ASC'}`,
  };
}

const UPDATED_AT_EPOCH = '1970-01-01T00:00:00.000Z';

export function createSqliteAuditStore(db: SqliteDatabase, options: AuditStoreOptions = {}): AuditStore {
  const now = options.now ?? (() => new Date());
  const ensureChain = db.prepare(
    `INSERT OR IGNORE INTO audit_chain (id, head_seq, head_hash, anchor_seq, anchor_hash, anchor_archive, updated_at)
     VALUES (1, 0, ?, 0, ?, NULL, ?)`,
  );
  const selectChain = db.prepare(
    'SELECT head_seq, head_hash, anchor_seq, anchor_hash, anchor_archive FROM audit_chain WHERE id = 1',
  );
  const insert = db.prepare(
    `INSERT INTO audit_log (${AUDIT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const moveHead = db.prepare(
    'UPDATE audit_chain SET head_seq = ?, head_hash = ?, updated_at = ? WHERE id = 1',
  );
  const rangeStatement = db.prepare(
    `SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?`,
  );

  const lockedChain = (): ChainState => {
    ensureChain.run(GENESIS_HASH, GENESIS_HASH, UPDATED_AT_EPOCH);
    return rowToChainState(selectChain.get() as unknown as ChainRow);
  };
  const range = (afterSeq: number, throughSeq: number, limit: number): ChainRecord[] =>
    (rangeStatement.all(afterSeq, throughSeq, limit) as unknown as AuditRow[]).map(rowToChainRecord);

  return {
    append(event, signing) {
      return new Promise((resolve) => {
        resolve(
          inTransaction(db, () => {
            const chain = lockedChain();
            const record = chainRecord(
              event,
              chain.headSeq + 1,
              now().toISOString(),
              chain.headHash,
              signing,
            );
            insert.run(...recordValues(record));
            moveHead.run(record.seq, record.hash, record.timestamp);
            return record;
          }),
        );
      });
    },

    query(filter) {
      return new Promise((resolve) => {
        const values: unknown[] = [];
        const { where, order } = auditQuerySql(
          filter,
          (value) => {
            values.push(value);
            return '?';
          },
          (column, prefix) => {
            const p = prefix();
            values.push(values[values.length - 1]);
            return `substr(${column}, 1, length(${p})) = ?`;
          },
        );
        const rows = db
          .prepare(`SELECT ${AUDIT_COLUMNS} FROM audit_log ${where} ${order} LIMIT ?`)
          .all(...(values as (string | number)[]), filter.limit) as unknown as AuditRow[];
        resolve(rows.map(rowToChainRecord));
      });
    },

    range(afterSeq, throughSeq, limit) {
      return new Promise((resolve) => resolve(range(afterSeq, throughSeq, limit)));
    },

    keyIds() {
      return new Promise((resolve) => {
        const rows = db
          .prepare('SELECT DISTINCT key_id FROM audit_log WHERE key_id IS NOT NULL')
          .all() as unknown as { key_id: string }[];
        resolve(rows.map((row) => row.key_id));
      });
    },

    chainState() {
      return new Promise((resolve) =>
        resolve(rowToChainState(selectChain.get() as unknown as ChainRow | undefined)),
      );
    },

    walk(visit, pageSize = 1000) {
      return new Promise((resolve) => {
        // One read transaction: a snapshot of the chain state and all records (WAL readers never block writers).
        db.exec('BEGIN');
        try {
          visit.state(rowToChainState(selectChain.get() as unknown as ChainRow | undefined));
          let after = BEFORE_ALL_SEQ;
          for (;;) {
            const page = range(after, Number.MAX_SAFE_INTEGER, pageSize);
            if (page.length === 0) break;
            visit.page(page);
            after = page[page.length - 1].seq;
          }
        } finally {
          db.exec('COMMIT');
        }
        resolve();
      });
    },

    retentionBoundary(cutoff) {
      return new Promise((resolve) => {
        const chain = rowToChainState(selectChain.get() as unknown as ChainRow | undefined);
        const row = db
          .prepare(
            'SELECT MIN(seq) AS seq, (SELECT MAX(seq) FROM audit_log) AS last FROM audit_log WHERE recorded_at >= ? AND seq > ?',
          )
          .get(new Date(cutoff).toISOString(), chain.anchorSeq) as {
          seq: number | null;
          last: number | null;
        };
        resolve(boundaryFrom(chain, row.seq, row.last));
      });
    },

    prune(cut) {
      return new Promise((resolve) => {
        resolve(
          inTransaction(db, () => {
            const chain = lockedChain();
            if (chain.anchorSeq === cut.throughSeq && chain.anchorHash === cut.throughHash)
              return { deleted: 0 };
            checkCut(chain, cut, () => {
              const row = db.prepare('SELECT hash FROM audit_log WHERE seq = ?').get(cut.throughSeq) as
                { hash: string } | undefined;
              return row?.hash;
            });
            const { changes } = db
              .prepare('DELETE FROM audit_log WHERE seq > ? AND seq <= ?')
              .run(cut.fromAnchorSeq, cut.throughSeq);
            const deleted = Number(changes);
            if (deleted !== cut.throughSeq - cut.fromAnchorSeq) {
              throw new AuditChainConflictError(
                `Expected to delete ${cut.throughSeq - cut.fromAnchorSeq} records (seq ${cut.fromAnchorSeq + 1}–${cut.throughSeq}), found ${deleted}: records are missing; nothing deleted`,
              );
            }
            db.prepare(
              'UPDATE audit_chain SET anchor_seq = ?, anchor_hash = ?, anchor_archive = ?, updated_at = ? WHERE id = 1',
            ).run(cut.throughSeq, cut.throughHash, cut.archive, now().toISOString());
            return { deleted };
          }),
        );
      });
    },
  };
}

/** retentionBoundary from the first record at/after the cutoff and the last record. */
export function boundaryFrom(chain: ChainState, firstKept: number | null, last: number | null): number {
  const end = firstKept !== null ? firstKept - 1 : Math.max(last ?? chain.anchorSeq, chain.anchorSeq);
  return Math.max(chain.anchorSeq, Math.min(end, chain.headSeq));
}

/** The checks prune makes under the lock before deleting anything. */
export function checkCut(chain: ChainState, cut: RetentionCut, hashAt: () => string | undefined): void {
  if (chain.anchorSeq !== cut.fromAnchorSeq) {
    throw new AuditChainConflictError(
      `The retention anchor is seq ${chain.anchorSeq}, not seq ${cut.fromAnchorSeq} the archive starts from: another cut ran; nothing deleted`,
    );
  }
  if (cut.throughSeq <= cut.fromAnchorSeq || cut.throughSeq > chain.headSeq) {
    throw new AuditChainConflictError(
      `Cannot cut through seq ${cut.throughSeq} (anchor ${chain.anchorSeq}, head ${chain.headSeq})`,
    );
  }
  const hash = hashAt();
  if (hash !== cut.throughHash) {
    throw new AuditChainConflictError(
      hash === undefined
        ? `seq ${cut.throughSeq} is missing; nothing deleted`
        : `seq ${cut.throughSeq} has hash ${hash}, not the archived ${cut.throughHash}; nothing deleted`,
    );
  }
}
