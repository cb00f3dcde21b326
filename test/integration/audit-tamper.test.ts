/**
 * The audit-chain rewrite attack from the outside audit, done in SQL on both real backends (a SQLite file, a fresh
 * PostgreSQL database) by an attacker with database write access but not the HMAC key nor the audit log file:
 * edit a row, re-hash it and every later row, move the chain-head row. `runAuditVerify` (what `npm run audit:verify`
 * runs) and `GET /audit/verify` must both report it, as they must a truncated tail and a full plain-SHA-256 re-hash.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { Pool } from 'pg';
import { auditRouter } from '../../src/api/routes/audit';
import { createAuditLog, createAuditLogger, type AuditLog } from '../../src/audit/audit-log';
import { canonicalRecord, type ChainRecord } from '../../src/audit/chain';
import { keyFingerprintId, staticAuditKeyring } from '../../src/audit/keys';
import { createPgAuditStore } from '../../src/audit/pg-store';
import {
  AUDIT_COLUMNS,
  createSqliteAuditStore,
  rowToChainRecord,
  type AuditRow,
  type AuditStore,
} from '../../src/audit/store';
import { runAuditVerify } from '../../src/scripts/audit-verify';
import { migratePg } from '../../src/store/postgres/pg-stores';
import { openDatabase, type SqliteDatabase } from '../../src/store/sqlite';
import { freshPostgresDatabase } from '../support/harness';

interface Backend {
  env: Record<string, string>;
  store(): AuditStore;
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

function sqliteBackend(dir: string): Promise<Backend> {
  const file = path.join(dir, 'tradeflow.db');
  const dbs: SqliteDatabase[] = [openDatabase(file)];
  return Promise.resolve({
    env: { TRADEFLOW_DB_PATH: file, DATABASE_URL: '' },
    store() {
      const db = openDatabase(file);
      dbs.push(db);
      return createSqliteAuditStore(db);
    },
    sql: <T>(text: string, params: unknown[] = []) =>
      Promise.resolve(dbs[0].prepare(text).all(...(params as (string | number | null)[])) as T[]),
    close: () => Promise.resolve(dbs.forEach((db) => db.close())),
  });
}

async function postgresBackend(): Promise<Backend> {
  const url = await freshPostgresDatabase();
  const admin = new Pool({ connectionString: url, max: 2 });
  await migratePg(admin);
  const pools: Pool[] = [admin];
  return {
    env: { DATABASE_URL: url },
    store() {
      const pool = new Pool({ connectionString: url, max: 3 });
      pools.push(pool);
      return createPgAuditStore(pool);
    },
    async sql<T>(text: string, params: unknown[] = []) {
      let n = 0;
      const { rows } = await admin.query(
        text.replace(/\?/g, () => `$${++n}`),
        params,
      );
      return rows as T[];
    },
    close: async () => {
      await Promise.all(pools.map((p) => p.end()));
    },
  };
}

const backends: [string, (dir: string) => Promise<Backend>][] = [
  ['sqlite', sqliteBackend],
  ['postgres', () => postgresBackend()],
];

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe.each(backends)('audit chain rewrite attacks on %s', (_name, openBackend) => {
  let dir: string;
  let backend: Backend;
  let logFile: string;
  let key: string;
  let env: NodeJS.ProcessEnv;
  let server: Server | undefined;

  /** The services' audit log: keyed, lines and a signed checkpoint every 4 records to the log file. */
  const serviceLog = (keys = [key]): AuditLog =>
    createAuditLog({
      store: backend.store(),
      logger: createAuditLogger({ file: logFile }),
      keys: staticAuditKeyring(keys),
      anchorFile: logFile,
      checkpointEvery: 4,
    });

  const recordMany = async (audit: AuditLog, count: number) => {
    for (let i = 1; i <= count; i += 1) {
      await audit.record({
        actor: i % 2 ? 'alice' : 'bob',
        action: 'apikey.create',
        resource: `apikey:k${i}`,
        result: 'success',
        details: { role: i % 2 ? 'viewer' : 'admin' },
      });
    }
  };

  const rows = async (fromSeq: number): Promise<ChainRecord[]> =>
    (
      await backend.sql<AuditRow>(`SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE seq >= ? ORDER BY seq`, [
        fromSeq,
      ])
    ).map(rowToChainRecord);

  /**
   * The attack: edit seq `seq`, then re-hash it and every later row and move the chain head. `plain`: re-hashed as
   * plain SHA-256 (v1) records with the key id cleared; otherwise the key id is kept and SHA-256 stands in for the
   * HMAC the attacker cannot compute.
   */
  const rewrite = async (seq: number, plain: boolean) => {
    await backend.sql('UPDATE audit_log SET details_json = ? WHERE seq = ?', ['{"role":"viewer"}', seq]);
    let prev = seq === 1 ? '0'.repeat(64) : (await rows(seq - 1))[0].hash;
    for (const record of await rows(seq)) {
      const keyId = plain ? null : record.keyId;
      const hash = sha256(canonicalRecord({ ...record, prevHash: prev, keyId }));
      await backend.sql('UPDATE audit_log SET prev_hash = ?, hash = ?, key_id = ? WHERE seq = ?', [
        prev,
        hash,
        keyId,
        record.seq,
      ]);
      prev = hash;
    }
    await backend.sql('UPDATE audit_chain SET head_hash = ? WHERE id = 1', [prev]);
  };

  /** GET /audit/verify on the audit router, over a keyed log that cross-checks the file, as the API mounts it. */
  const httpVerify = async () => {
    const app = express();
    app.use(
      auditRouter(
        createAuditLog({ store: backend.store(), keys: staticAuditKeyring([key]), anchorFile: logFile }),
      ),
    );
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const response = await fetch(`http://127.0.0.1:${port}/audit/verify`);
    return { status: response.status, body: (await response.json()) as any };
  };

  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tf-audit-tamper-'));
    backend = await openBackend(dir);
    logFile = path.join(dir, 'audit.log');
    key = randomBytes(32).toString('hex');
    env = { ...process.env, ...backend.env, NODE_ENV: 'test', AUDIT_LOG_FILE: logFile, AUDIT_HMAC_KEY: key };
    const audit = serviceLog();
    await recordMany(audit, 10);
    await audit.close(); // flushes the file (and the last checkpoint)
  });
  afterEach(async () => {
    if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
    await backend.close();
  });

  it('verifies an untouched keyed chain against the file', async () => {
    const report = await runAuditVerify({ env });
    expect(report.ok).toBe(true);
    expect(report.chain).toMatchObject({ records: 10, keyed: 10, problems: [] });
    expect(report.chain.external).toMatchObject({ records: 10, checkpoints: 3, highestSeq: 10 });
    expect((await rows(1)).every((r) => r.keyId === keyFingerprintId(Buffer.from(key)))).toBe(true);
    expect((await httpVerify()).status).toBe(200);
  });

  it('detects an edit re-hashed with plain SHA-256 from that row on (CLI and GET /audit/verify)', async () => {
    await rewrite(6, true);
    const report = await runAuditVerify({ env });
    expect(report.ok).toBe(false);
    expect(report.chain.problems[0]).toMatchObject({ seq: 6, kind: 'edited' });
    expect(report.chain.problems.map((p) => p.message).join('\n')).toMatch(
      /plain SHA-256 record after keyed seq 5/,
    );
    const http = await httpVerify();
    expect(http.status).toBe(409);
    expect(http.body).toMatchObject({ ok: false, error: { code: 'audit_chain_broken' } });
    expect(http.body.problems[0]).toMatchObject({ seq: 6, kind: 'edited' });
  });

  it('detects an edit re-hashed without the key (key id kept) from that row on', async () => {
    await rewrite(6, false);
    const report = await runAuditVerify({ env });
    expect(report.ok).toBe(false);
    expect(report.chain.problems.filter((p) => p.kind === 'edited').map((p) => p.seq)).toEqual(
      expect.arrayContaining([6, 7, 8, 9, 10]),
    );
    expect(report.chain.problems[0].message).toMatch(/seq 6: its contents do not match its hash/);
    expect((await httpVerify()).status).toBe(409);
  });

  it('detects the whole chain re-hashed with plain SHA-256 from genesis: only the file knows', async () => {
    await rewrite(1, true);
    // What verification was before the keyed chain and the file cross-check: the database agrees with itself.
    expect((await createAuditLog({ store: backend.store() }).verify()).ok).toBe(true);
    const report = await runAuditVerify({ env });
    expect(report.ok).toBe(false);
    const fromFile = report.chain.problems.filter((p) => /audit\.log line \d+ holds/.test(p.message));
    expect(fromFile.map((p) => p.seq)).toEqual(expect.arrayContaining([1, 4, 8, 10]));
    expect(fromFile.some((p) => /signed checkpoint/.test(p.message))).toBe(true);
    const http = await httpVerify();
    expect(http.status).toBe(409);
    expect(http.body.problems[0]).toMatchObject({ seq: 1, kind: 'edited' });
  });

  it('detects a truncated tail with the chain head moved back', async () => {
    const [seven] = await rows(7);
    await backend.sql('DELETE FROM audit_log WHERE seq > 7');
    await backend.sql('UPDATE audit_chain SET head_seq = 7, head_hash = ? WHERE id = 1', [seven.hash]);
    expect((await createAuditLog({ store: backend.store() }).verify()).ok).toBe(true);
    const report = await runAuditVerify({ env });
    expect(report.ok).toBe(false);
    expect(report.chain.problems).toEqual([expect.objectContaining({ seq: 8, toSeq: 10, kind: 'deleted' })]);
    const http = await httpVerify();
    expect(http.status).toBe(409);
    expect(http.body.problems[0]).toMatchObject({ seq: 8, kind: 'deleted' });
  });

  it('keeps old rows verifiable after a key rotation, and names rows whose key is not accepted', async () => {
    const newKey = randomBytes(32).toString('hex');
    const rotated = serviceLog([newKey, key]);
    await recordMany(rotated, 3);
    await rotated.close();
    const ids = new Set((await rows(1)).map((r) => r.keyId));
    expect(ids).toEqual(new Set([keyFingerprintId(Buffer.from(key)), keyFingerprintId(Buffer.from(newKey))]));
    const withRetired = await runAuditVerify({
      env: { ...env, AUDIT_HMAC_KEY: newKey, AUDIT_HMAC_RETIRED_KEYS: key },
    });
    expect(withRetired.ok).toBe(true);
    expect(withRetired.chain.keyed).toBe(13);
    const withoutRetired = await runAuditVerify({ env: { ...env, AUDIT_HMAC_KEY: newKey } });
    expect(withoutRetired.ok).toBe(false);
    expect(withoutRetired.chain.problems[0].message).toMatch(/not an accepted audit key/);
  });
});
