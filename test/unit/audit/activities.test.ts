/** The retention activities on an in-memory SQLite store: export, prune, idempotent retries, refusals. */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAuditActivities } from '../../../src/activities/audit-activities';
import { createAuditLog, type AuditLog } from '../../../src/audit/audit-log';
import { GENESIS_HASH } from '../../../src/audit/chain';
import { createSqliteAuditStore } from '../../../src/audit/store';
import { openDatabase, type SqliteDatabase } from '../../../src/store/sqlite';

describe('audit retention activities', () => {
  let db: SqliteDatabase;
  let audit: AuditLog;
  let clock: Date;
  let dir: string;
  beforeEach(async () => {
    db = openDatabase(':memory:');
    clock = new Date('2026-01-01T00:00:00.000Z');
    audit = createAuditLog({ store: createSqliteAuditStore(db, { now: () => clock }) });
    dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'tf-audit-act-')), 'archive');
    // Seven old records (one a day from Jan 1) and three recent ones (Mar 1).
    for (let i = 0; i < 7; i += 1) {
      clock = new Date(Date.UTC(2026, 0, 1 + i));
      await audit.record({
        actor: 'alice',
        action: 'workflow.start',
        resource: `workflow:w${i}`,
        result: 'success',
      });
    }
    for (let i = 0; i < 3; i += 1) {
      clock = new Date(Date.UTC(2026, 2, 1, i));
      await audit.record({
        actor: 'bob',
        action: 'schedule.pause',
        resource: 'schedule:daily',
        result: 'success',
      });
    }
    clock = new Date('2026-03-02T00:00:00.000Z');
  });
  afterEach(() => db.close());

  it('exports the due prefix in batches, prunes each, and leaves a chain that verifies from the anchor', async () => {
    const activities = createAuditActivities({ audit, pageSize: 2 });
    const cutoff = '2026-02-01T00:00:00.000Z';
    // An earlier export of seq 1-2 that was never pruned (its run was terminated) is replaced, not left overlapping.
    const stale = await activities.exportAuditArchive({ cutoff, archiveDir: dir, maxRecords: 2 });
    expect(path.basename(stale!.file)).toBe('audit-000000000001-000000000002.jsonl');
    const first = await activities.exportAuditArchive({ cutoff, archiveDir: dir, maxRecords: 4 });
    expect(first).toMatchObject({
      anchorSeq: 0,
      anchorHash: GENESIS_HASH,
      firstSeq: 1,
      lastSeq: 4,
      count: 4,
    });
    expect(await activities.pruneAuditArchive(first!)).toEqual({ deleted: 4 });
    expect(await activities.pruneAuditArchive(first!)).toEqual({ deleted: 0 }); // retried: no-op

    const second = await activities.exportAuditArchive({ cutoff, archiveDir: dir, maxRecords: 4 });
    expect(second).toMatchObject({
      anchorSeq: 4,
      anchorHash: first!.lastHash,
      firstSeq: 5,
      lastSeq: 7,
      count: 3,
    });
    expect(await activities.pruneAuditArchive(second!)).toEqual({ deleted: 3 });
    expect(await activities.exportAuditArchive({ cutoff, archiveDir: dir, maxRecords: 4 })).toBeNull();

    expect(readdirSync(dir).sort()).toEqual([
      'audit-000000000001-000000000004.jsonl',
      'audit-000000000005-000000000007.jsonl',
    ]);
    const header = JSON.parse(readFileSync(second!.file, 'utf8').split('\n')[0]);
    expect(header).toMatchObject({
      format: 'tradeflow-audit-archive',
      anchor: { seq: 4, hash: first!.lastHash },
      lastSeq: 7,
      lastHash: second!.lastHash,
      cutoff,
    });

    const verification = await audit.verify();
    expect(verification).toMatchObject({ ok: true, anchor: { seq: 7, hash: second!.lastHash } });
    // The three recent records plus one audit.archive record per cut.
    const archived = await audit.query({ limit: 10, action: 'audit.archive', order: 'asc' });
    expect(archived.records.map((r) => [r.actor, r.resource, r.details])).toEqual([
      [
        'system:audit-retention',
        `audit-archive:${path.basename(first!.file)}`,
        expect.objectContaining({ count: 4 }),
      ],
      [
        'system:audit-retention',
        `audit-archive:${path.basename(second!.file)}`,
        expect.objectContaining({ count: 3 }),
      ],
    ]);
  });

  it('refuses to archive a broken chain (it is evidence) and deletes nothing', async () => {
    db.prepare("UPDATE audit_log SET actor = 'mallory' WHERE seq = 3").run();
    const activities = createAuditActivities({ audit });
    await expect(
      activities.exportAuditArchive({ cutoff: '2026-02-01T00:00:00.000Z', archiveDir: dir, maxRecords: 100 }),
    ).rejects.toMatchObject({
      type: 'AuditChainBroken',
      nonRetryable: true,
      message: expect.stringMatching(/seq 3/),
    });
    expect((await audit.store.range(0, 100, 100)).length).toBe(10);
  });

  it('refuses to prune when the archive on disk was altered after export', async () => {
    const activities = createAuditActivities({ audit });
    const archive = await activities.exportAuditArchive({
      cutoff: '2026-02-01T00:00:00.000Z',
      archiveDir: dir,
      maxRecords: 100,
    });
    const text = readFileSync(archive!.file, 'utf8');
    writeFileSync(archive!.file, text.replace('"workflow:w2"', '"workflow:zz"'));
    await expect(activities.pruneAuditArchive(archive!)).rejects.toMatchObject({
      type: 'AuditChainConflict',
      message: expect.stringMatching(/nothing deleted.*seq 3/),
    });
    expect((await audit.store.chainState()).anchorSeq).toBe(0);
  });
});
