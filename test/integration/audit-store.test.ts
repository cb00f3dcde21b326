/**
 * The audit log on both real backends (a SQLite file, a fresh PostgreSQL database): tampering done directly in SQL
 * is named by seq, several processes appending at once keep one unbroken chain, a retention cut verifies across,
 * and `audit:verify` exits 0 / 1.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Pool } from 'pg';
import { createAuditLog, type AuditLog } from '../../src/audit/audit-log';
import { GENESIS_HASH, hashRecord, type ChainRecord } from '../../src/audit/chain';
import { createPgAuditStore } from '../../src/audit/pg-store';
import { createSqliteAuditStore, type AuditStore, type AuditStoreOptions } from '../../src/audit/store';
import { migratePg } from '../../src/store/postgres/pg-stores';
import { openDatabase, type SqliteDatabase } from '../../src/store/sqlite';
import { freshPostgresDatabase } from '../support/harness';

const run = promisify(execFile);
const repoRoot = path.resolve(__dirname, '../..');

interface Backend {
  /** The SQLite file or the PostgreSQL URL. */
  target: string;
  /** Environment that points the app's configuration at this database. */
  env: Record<string, string>;
  /** A new store instance with its own connection(s). */
  open(options?: AuditStoreOptions): AuditStore;
  /** Raw SQL with `?` placeholders, as an attacker with database access would run it. */
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

function sqliteBackend(): Promise<Backend> {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'tf-audit-it-')), 'tradeflow.db');
  const dbs: SqliteDatabase[] = [openDatabase(file)];
  return Promise.resolve({
    target: file,
    env: { TRADEFLOW_DB_PATH: file, DATABASE_URL: '' },
    open(options) {
      const db = openDatabase(file);
      dbs.push(db);
      return createSqliteAuditStore(db, options);
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
    target: url,
    env: { DATABASE_URL: url },
    open(options) {
      const pool = new Pool({ connectionString: url, max: 5 });
      pools.push(pool);
      return createPgAuditStore(pool, options);
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

const backends: [string, () => Promise<Backend>][] = [
  ['sqlite', sqliteBackend],
  ['postgres', postgresBackend],
];

describe.each(backends)('audit log on %s', (_name, openBackend) => {
  let backend: Backend;
  let audit: AuditLog;
  beforeEach(async () => {
    backend = await openBackend();
    let t = Date.parse('2026-01-01T00:00:00.000Z');
    audit = createAuditLog({ store: backend.open({ now: () => new Date((t += 60_000)) }) });
  });
  afterEach(async () => {
    await backend.close();
  });

  const recordMany = async (count: number) => {
    for (let i = 1; i <= count; i += 1) {
      await audit.record({
        actor: i % 2 ? 'alice' : 'bob',
        action: i % 3 ? 'workflow.start' : 'schedule.pause',
        resource: `workflow:w${i}`,
        result: 'success',
        ip: '192.0.2.1',
        userAgent: 'tradeflow-test/1.0 ✓',
        requestId: `req-${i}`,
        details: { i, nested: { z: [1, 2.5, 'three'], a: null } },
      });
    }
  };
  const problems = async () => (await audit.verify()).problems.map((p) => [p.seq, p.kind]);

  it('stores exactly what it hashed, and queries by every filter with paging', async () => {
    await recordMany(7);
    const result = await audit.verify();
    expect(result).toMatchObject({ ok: true, records: 7, firstSeq: 1, lastSeq: 7, head: { seq: 7 } });
    const page = await audit.query({ limit: 3, order: 'asc', actor: 'alice' });
    expect(page.records.map((r) => r.seq)).toEqual([1, 3, 5]);
    expect(page.records[0]).toMatchObject({
      timestamp: '2026-01-01T00:01:00.000Z',
      userAgent: 'tradeflow-test/1.0 ✓',
      details: { i: 1, nested: { a: null, z: [1, 2.5, 'three'] } },
      prevHash: GENESIS_HASH,
    });
    expect(
      (await audit.query({ limit: 3, order: 'asc', actor: 'alice', cursor: page.nextCursor })).records.map(
        (r) => r.seq,
      ),
    ).toEqual([7]);
    expect((await audit.query({ limit: 10, action: 'schedule.*' })).records.map((r) => r.seq)).toEqual([
      6, 3,
    ]);
    expect((await audit.query({ limit: 10, resource: 'workflow:w1*' })).records.map((r) => r.seq)).toEqual([
      1,
    ]);
    expect(
      (
        await audit.query({
          limit: 10,
          from: '2026-01-01T00:02:00.000Z',
          to: '2026-01-01T00:04:00.000Z',
          result: 'success',
        })
      ).records.map((r) => r.seq),
    ).toEqual([3, 2]);
  });

  it('names a record whose actor was UPDATEd in SQL', async () => {
    await recordMany(5);
    await backend.sql("UPDATE audit_log SET actor = 'mallory' WHERE seq = 3");
    expect(await problems()).toEqual([[3, 'edited']]);
  });

  it('names a record deleted from the middle with SQL', async () => {
    await recordMany(5);
    await backend.sql('DELETE FROM audit_log WHERE seq = 3');
    const result = await audit.verify();
    expect(result.problems).toEqual([
      { seq: 3, toSeq: 3, kind: 'deleted', message: 'seq 3 is missing (deleted)' },
    ]);
  });

  it('names records deleted from the end (the chain head remembers)', async () => {
    await recordMany(5);
    await backend.sql('DELETE FROM audit_log WHERE seq >= 4');
    expect(await problems()).toEqual([[4, 'deleted']]);
  });

  it('names a forged record INSERTed in SQL, even with a correctly computed hash', async () => {
    await recordMany(4);
    const [last] = await backend.sql<{ hash: string }>('SELECT hash FROM audit_log WHERE seq = 4');
    const forged: Omit<ChainRecord, 'hash'> = {
      seq: 5,
      timestamp: '2026-01-01T00:05:00.000Z',
      actor: 'mallory',
      action: 'apikey.create',
      resource: 'apikey:backdoor',
      result: 'success',
      ip: null,
      userAgent: null,
      requestId: null,
      details: null,
      prevHash: last.hash,
      keyId: null,
    };
    await backend.sql(
      `INSERT INTO audit_log (seq, recorded_at, actor, action, resource, result, prev_hash, hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        5,
        forged.timestamp,
        forged.actor,
        forged.action,
        forged.resource,
        forged.result,
        forged.prevHash,
        hashRecord(forged),
      ],
    );
    const result = await audit.verify();
    expect(result.problems).toEqual([
      {
        seq: 5,
        kind: 'inserted',
        message: expect.stringMatching(/seq 5 is beyond the chain head \(seq 4\)/),
      },
    ]);
    // The next real append collides with the forged seq instead of forking the chain.
    await expect(
      audit.record({ actor: 'alice', action: 'auth.success', resource: 'r', result: 'success' }),
    ).rejects.toThrow();
  });

  it('names a record edited and re-hashed in SQL', async () => {
    await recordMany(5);
    const [row] = await backend.sql<Record<string, string | number | null>>(
      'SELECT * FROM audit_log WHERE seq = 2',
    );
    const edited = {
      seq: 2,
      timestamp: row.recorded_at as string,
      actor: row.actor as string,
      action: row.action as string,
      resource: row.resource as string,
      result: 'failure',
      ip: row.ip as string,
      userAgent: row.user_agent as string,
      requestId: row.request_id as string,
      details: row.details_json as string,
      prevHash: row.prev_hash as string,
    };
    await backend.sql("UPDATE audit_log SET result = 'failure', hash = ? WHERE seq = 2", [
      hashRecord(edited),
    ]);
    expect(await problems()).toEqual([[2, 'edited']]);
  });

  it('keeps one unbroken chain with two store instances and three processes appending at once', async () => {
    const other = createAuditLog({ store: backend.open() });
    // Everyone starts at the same instant; booting a tsx child takes seconds on a loaded CI machine, hence the slack.
    const startAt = Date.now() + 10_000;
    const waitForStart = () => new Promise((resolve) => setTimeout(resolve, startAt - Date.now()));
    const perLane = 30;
    const inProcess = async (log: AuditLog, actor: string) => {
      await waitForStart();
      await Promise.all(
        Array.from({ length: 4 }, async (_, lane) => {
          for (let i = 0; i < perLane; i += 1) {
            await log.record({ actor, action: 'auth.success', resource: `lane:${lane}`, result: 'success' });
          }
        }),
      );
    };
    const perChild = 150;
    const child = (actor: string) =>
      run(
        process.execPath,
        [
          '--import',
          'tsx',
          path.join(__dirname, 'audit-appender.ts'),
          backend.target,
          String(perChild),
          actor,
          String(startAt),
        ],
        { cwd: repoRoot, timeout: 90_000 },
      );
    await Promise.all([
      inProcess(audit, 'in-a'),
      inProcess(other, 'in-b'),
      child('proc-1'),
      child('proc-2'),
      child('proc-3'),
    ]);

    const total = 2 * 4 * perLane + 3 * perChild;
    const result = await audit.verify();
    expect(result).toMatchObject({
      ok: true,
      records: total,
      firstSeq: 1,
      lastSeq: total,
      head: { seq: total },
    });
    const counts = await backend.sql<{ actor: string; n: number | string }>(
      'SELECT actor, COUNT(*) AS n FROM audit_log GROUP BY actor ORDER BY actor',
    );
    expect(counts.map((c) => [c.actor, Number(c.n)])).toEqual([
      ['in-a', 4 * perLane],
      ['in-b', 4 * perLane],
      ['proc-1', perChild],
      ['proc-2', perChild],
      ['proc-3', perChild],
    ]);
    // No two records share a prev_hash: the chain never forked.
    const [{ n }] = await backend.sql<{ n: number | string }>(
      'SELECT COUNT(DISTINCT prev_hash) AS n FROM audit_log',
    );
    expect(Number(n)).toBe(total);
    // The writers really overlapped: five writers one after another would change actor along seq only 4 times.
    const actors = (await backend.sql<{ actor: string }>('SELECT actor FROM audit_log ORDER BY seq')).map(
      (r) => r.actor,
    );
    const switches = actors.filter((a, i) => i > 0 && a !== actors[i - 1]).length;
    expect(switches).toBeGreaterThan(4);
  }, 120_000);

  it('verifies across a retention cut, and still names tampering after it', async () => {
    await recordMany(8);
    const store = audit.store;
    expect(await store.retentionBoundary('2026-01-01T00:04:00.000Z')).toBe(3);
    const [through] = await store.range(2, 3, 1);
    expect(
      await store.prune({ fromAnchorSeq: 0, throughSeq: 3, throughHash: through.hash, archive: 'a.jsonl' }),
    ).toEqual({
      deleted: 3,
    });
    expect(await audit.verify()).toMatchObject({
      ok: true,
      records: 5,
      firstSeq: 4,
      anchor: { seq: 3, hash: through.hash, archive: 'a.jsonl' },
    });
    await backend.sql('UPDATE audit_chain SET anchor_hash = ? WHERE id = 1', ['e'.repeat(64)]);
    expect(await problems()).toEqual([[4, 'edited']]);
    await backend.sql('UPDATE audit_chain SET anchor_hash = ? WHERE id = 1', [through.hash]);
    await backend.sql('DELETE FROM audit_log WHERE seq = 4');
    expect(await problems()).toEqual([[4, 'deleted']]);
  });

  it('`npm run audit:verify` exits 0 when intact and 1 naming the first broken record', async () => {
    await recordMany(4);
    const verify = () =>
      run(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'src/scripts/audit-verify.ts')], {
        cwd: repoRoot,
        env: {
          ...process.env,
          ...backend.env,
          NODE_ENV: 'test',
          // This database's own (empty) log file and dev key, not the repository's data/ folder.
          AUDIT_LOG_FILE: path.join(mkdtempSync(path.join(os.tmpdir(), 'tf-audit-cli-')), 'audit.log'),
        },
        timeout: 60_000,
      }).then(
        ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
        (error: { code: number; stdout: string; stderr: string }) => error,
      );
    const intact = await verify();
    expect(intact.code).toBe(0);
    expect(intact.stdout).toMatch(/^audit chain intact: 4 records \(seq 1–4\), head seq 4/);

    await backend.sql("UPDATE audit_log SET resource = 'workflow:other' WHERE seq = 2");
    await backend.sql('DELETE FROM audit_log WHERE seq = 3');
    const broken = await verify();
    expect(broken.code).toBe(1);
    expect(broken.stderr.split('\n')[0]).toBe(
      'audit chain BROKEN at seq 2: edited: seq 2: its contents do not match its hash (edited) (and 1 more problem)',
    );
    expect(broken.stderr).toMatch(/seq 3: deleted: seq 3 is missing \(deleted\)/);
  }, 90_000);
});
