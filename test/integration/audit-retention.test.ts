/**
 * The retention workflow on the suite's real Temporal dev server, against both real backends: old records are
 * exported to JSONL archives (with the chain anchor) and deleted; the chain still verifies across the cut, the
 * archives verify on their own and chain into the live anchor, and `audit:verify --archives` agrees.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { Pool } from 'pg';
import { createAuditActivities } from '../../src/activities/audit-activities';
import { listArchives, verifyArchives } from '../../src/audit/archive';
import { createAuditLog, type AuditLog } from '../../src/audit/audit-log';
import { createPgAuditStore } from '../../src/audit/pg-store';
import { createSqliteAuditStore, type AuditStoreOptions } from '../../src/audit/store';
import { migratePg } from '../../src/store/postgres/pg-stores';
import { openDatabase } from '../../src/store/sqlite';
import {
  AUDIT_RETENTION_WORKFLOW,
  type AuditRetentionInput,
  type AuditRetentionResult,
} from '../../src/workflows/audit-retention';
import { freshPostgresDatabase, itEnv, quietRuntime } from '../support/harness';

const run = promisify(execFile);
const repoRoot = path.resolve(__dirname, '../..');

interface Backend {
  env: Record<string, string>;
  audit(options?: AuditStoreOptions): AuditLog;
  close(): Promise<void>;
}

const backends: [string, () => Promise<Backend>][] = [
  [
    'sqlite',
    () => {
      const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'tf-audit-ret-')), 'tradeflow.db');
      const dbs = [openDatabase(file)];
      return Promise.resolve({
        env: { TRADEFLOW_DB_PATH: file, DATABASE_URL: '' },
        audit: (options) => {
          const db = openDatabase(file);
          dbs.push(db);
          return createAuditLog({ store: createSqliteAuditStore(db, options) });
        },
        close: () => Promise.resolve(dbs.forEach((db) => db.close())),
      });
    },
  ],
  [
    'postgres',
    async () => {
      const url = await freshPostgresDatabase();
      const pools = [new Pool({ connectionString: url, max: 2 })];
      await migratePg(pools[0]);
      return {
        env: { DATABASE_URL: url },
        audit: (options) => {
          const pool = new Pool({ connectionString: url, max: 4 });
          pools.push(pool);
          return createAuditLog({ store: createPgAuditStore(pool, options) });
        },
        close: async () => {
          await Promise.all(pools.map((p) => p.end()));
        },
      };
    },
  ],
];

describe.each(backends)('audit retention workflow on %s', (_name, openBackend) => {
  let backend: Backend;
  let audit: AuditLog;
  let worker: Worker;
  let running: Promise<void>;
  let nativeConnection: NativeConnection;
  let connection: Connection;
  let client: Client;
  const taskQueue = `it-audit-${randomUUID()}`;

  beforeAll(async () => {
    quietRuntime();
    backend = await openBackend();
    // The worker's audit log (a separate connection, as in production).
    audit = backend.audit();
    nativeConnection = await NativeConnection.connect({ address: itEnv().address });
    worker = await Worker.create({
      connection: nativeConnection,
      taskQueue,
      workflowBundle: { codePath: itEnv().bundlePath },
      activities: createAuditActivities({ audit, pageSize: 7 }),
    });
    running = worker.run();
    connection = await Connection.connect({ address: itEnv().address });
    client = new Client({ connection });
  });
  afterAll(async () => {
    worker.shutdown();
    await running;
    await nativeConnection.close();
    await connection.close();
    await backend.close();
  });

  const execute = (input: AuditRetentionInput) =>
    client.workflow.execute<(input: AuditRetentionInput) => Promise<AuditRetentionResult>>(
      AUDIT_RETENTION_WORKFLOW,
      {
        taskQueue,
        workflowId: `audit-retention-${randomUUID()}`,
        args: [input],
      },
    );

  it('archives and deletes old records in batches; verification passes across the cut and over the archives', async () => {
    // 25 records 400 days old, 5 from yesterday, written by an API-side log (its own connection and clock).
    let clock = Date.now() - 400 * 86_400_000;
    const api = backend.audit({ now: () => new Date(clock) });
    for (let i = 0; i < 25; i += 1) {
      clock += 1000;
      await api.record({
        actor: 'alice',
        action: 'workflow.start',
        resource: `workflow:old-${i}`,
        result: 'success',
      });
    }
    clock = Date.now() - 86_400_000;
    for (let i = 0; i < 5; i += 1) {
      clock += 1000;
      await api.record({
        actor: 'bob',
        action: 'auth.failure',
        resource: 'route:GET /audit',
        result: 'failure',
      });
    }
    const before = await api.verify();
    expect(before).toMatchObject({ ok: true, records: 30 });

    const archiveDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'tf-audit-arch-')), 'archive');
    const result = await execute({ olderThanDays: 365, archiveDir, maxRecordsPerArchive: 10 });
    expect(result.deleted).toBe(25);
    expect(result.archives.map((a) => [a.firstSeq, a.lastSeq, a.count])).toEqual([
      [1, 10, 10],
      [11, 20, 10],
      [21, 25, 5],
    ]);
    expect(readdirSync(archiveDir).sort()).toEqual([
      'audit-000000000001-000000000010.jsonl',
      'audit-000000000011-000000000020.jsonl',
      'audit-000000000021-000000000025.jsonl',
    ]);
    // No temp file is left behind; each archive's first line carries its anchor.
    const header = JSON.parse(
      readFileSync(path.join(archiveDir, readdirSync(archiveDir)[1]), 'utf8').split('\n')[0],
    );
    expect(header).toMatchObject({
      anchor: { seq: 10, hash: result.archives[0].lastHash },
      firstSeq: 11,
      count: 10,
    });

    const after = await api.verify();
    expect(after).toMatchObject({
      ok: true,
      firstSeq: 26,
      anchor: {
        seq: 25,
        hash: result.archives[2].lastHash,
        archive: 'audit-000000000021-000000000025.jsonl',
      },
    });
    // The 5 recent records plus one audit.archive record per archive.
    expect(after.records).toBe(5 + 3);
    expect(verifyArchives(listArchives(archiveDir), after.anchor)).toMatchObject({ ok: true, gaps: [] });

    const cli = await run(
      process.execPath,
      ['--import', 'tsx', path.join(repoRoot, 'src/scripts/audit-verify.ts'), '--archives', archiveDir],
      {
        cwd: repoRoot,
        // This database's own log file and dev key, not the repository's data/ folder (another database's lines).
        env: {
          ...process.env,
          ...backend.env,
          NODE_ENV: 'test',
          AUDIT_LOG_FILE: path.join(path.dirname(archiveDir), 'audit.log'),
        },
        timeout: 60_000,
      },
    );
    expect(cli.stdout).toMatch(/^audit chain intact: 8 records \(seq 26–33\), from retention anchor seq 25/);
    expect(cli.stdout).toMatch(/archives: 3 files, intact and chained to the live anchor/);

    // A second run finds nothing more to do.
    expect(await execute({ olderThanDays: 365, archiveDir })).toMatchObject({ deleted: 0, archives: [] });
  });

  it('fails fast on bad input, naming it', async () => {
    const failure = await execute({ olderThanDays: 0, archiveDir: '/tmp/x' }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect(String((failure as WorkflowFailedError).cause?.message)).toMatch(
      /olderThanDays must be a whole number/,
    );
  });
});
