/**
 * The audit log on an in-memory SQLite store: record (store + JSON-lines file), query filters and paging, verify
 * after direct SQL tampering, and a retention cut (archive, prune, anchor) that verification passes across.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listArchives, verifyArchive, verifyArchives, writeArchive } from '../../../src/audit/archive';
import {
  AuditWriteError,
  createAuditLog,
  createAuditLogger,
  summarizeVerification,
  type AuditLog,
} from '../../../src/audit/audit-log';
import { GENESIS_HASH } from '../../../src/audit/chain';
import type { AuditEvent } from '../../../src/audit/events';
import { AuditChainConflictError, createSqliteAuditStore, type AuditStore } from '../../../src/audit/store';
import { openDatabase, type SqliteDatabase } from '../../../src/store/sqlite';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'tf-audit-unit-'));

/** A clock that starts at `start` and moves one minute per call. */
function steppingClock(start: string) {
  let t = Date.parse(start);
  return () => {
    const now = new Date(t);
    t += 60_000;
    return now;
  };
}

const ev = (overrides: Partial<AuditEvent> = {}): AuditEvent => ({
  actor: 'alice',
  action: 'workflow.start',
  resource: 'workflow:pipeline:default:2026-01-06:a',
  result: 'success',
  ...overrides,
});

describe('AuditLog on SQLite', () => {
  let db: SqliteDatabase;
  let store: AuditStore;
  let audit: AuditLog;
  beforeEach(() => {
    db = openDatabase(':memory:');
    store = createSqliteAuditStore(db, { now: steppingClock('2026-01-01T00:00:00.000Z') });
    audit = createAuditLog({ store });
  });
  afterEach(async () => {
    await audit.close();
    db.close();
  });

  it('appends records with seq, timestamp and a hash chain from genesis', async () => {
    const first = await audit.record(
      ev({ ip: '10.0.0.7', userAgent: 'curl/8', requestId: 'r-1', details: { b: 2, a: [1] } }),
    );
    const second = await audit.record(ev({ actor: 'bob', action: 'auth.denied', result: 'denied' }));
    expect(first).toMatchObject({
      seq: 1,
      timestamp: '2026-01-01T00:00:00.000Z',
      ip: '10.0.0.7',
      userAgent: 'curl/8',
      requestId: 'r-1',
      details: { a: [1], b: 2 },
      prevHash: GENESIS_HASH,
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(second).toMatchObject({ seq: 2, prevHash: first.hash, timestamp: '2026-01-01T00:01:00.000Z' });
    expect(second).not.toHaveProperty('ip');
    expect(await store.chainState()).toEqual({
      headSeq: 2,
      headHash: second.hash,
      anchorSeq: 0,
      anchorHash: GENESIS_HASH,
    });
    const verification = await audit.verify();
    expect(verification).toMatchObject({ ok: true, records: 2, firstSeq: 1, lastSeq: 2, problems: [] });
    expect(summarizeVerification(verification)).toBe('audit chain intact: 2 records (seq 1–2), head seq 2');
  });

  it('refuses unknown actions without touching the chain', async () => {
    await expect(audit.record(ev({ action: 'bogus' as never }))).rejects.toThrow(/Unknown audit action/);
    expect((await store.chainState()).headSeq).toBe(0);
  });

  it('filters by actor, action (exact or category), resource (exact or prefix), result and time, paged both ways', async () => {
    // seq 1..12, one minute apart from 00:00; alternating actors; three kinds of action.
    for (let i = 1; i <= 12; i += 1) {
      await audit.record(
        ev({
          actor: i % 2 ? 'alice' : 'bob',
          action: i % 3 === 0 ? 'schedule.pause' : i % 3 === 1 ? 'schedule.create' : 'auth.failure',
          result: i % 3 === 2 ? 'failure' : 'success',
          resource: i % 3 === 2 ? 'route:POST /workflows/trigger' : `schedule:daily-${i}`,
        }),
      );
    }
    const seqs = async (filter: Parameters<AuditLog['query']>[0]) =>
      (await audit.query(filter)).records.map((r) => r.seq);

    expect(await seqs({ limit: 100 })).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(await seqs({ limit: 100, actor: 'bob', order: 'asc' })).toEqual([2, 4, 6, 8, 10, 12]);
    expect(await seqs({ limit: 100, action: 'schedule.pause' })).toEqual([12, 9, 6, 3]);
    expect(await seqs({ limit: 100, action: 'schedule.*', actor: 'alice' })).toEqual([9, 7, 3, 1]);
    expect(await seqs({ limit: 100, result: 'failure' })).toEqual([11, 8, 5, 2]);
    expect(await seqs({ limit: 100, resource: 'schedule:daily-1*' })).toEqual([12, 10, 1]);
    expect(await seqs({ limit: 100, resource: 'schedule:daily-1' })).toEqual([1]);
    // Prefix match is case-sensitive and literal (no LIKE wildcards).
    expect(await seqs({ limit: 100, resource: 'SCHEDULE:*' })).toEqual([]);
    expect(await seqs({ limit: 100, resource: 'schedule:daily_1*' })).toEqual([]);
    // from inclusive, to exclusive; instants with offsets are normalized.
    expect(
      await seqs({ limit: 100, from: '2026-01-01T00:03:00Z', to: '2026-01-01T02:06:00+02:00', order: 'asc' }),
    ).toEqual([4, 5, 6]);

    // Pages of 5, newest first, then oldest first, by cursor.
    const page1 = await audit.query({ limit: 5 });
    expect(page1.records.map((r) => r.seq)).toEqual([12, 11, 10, 9, 8]);
    expect(page1.nextCursor).toBe(8);
    const page2 = await audit.query({ limit: 5, cursor: page1.nextCursor });
    expect(page2.records.map((r) => r.seq)).toEqual([7, 6, 5, 4, 3]);
    const page3 = await audit.query({ limit: 5, cursor: page2.nextCursor });
    expect(page3.records.map((r) => r.seq)).toEqual([2, 1]);
    expect(page3.nextCursor).toBeUndefined();
    const asc = await audit.query({ limit: 4, order: 'asc', actor: 'alice', cursor: 3 });
    expect(asc.records.map((r) => r.seq)).toEqual([5, 7, 9, 11]);
    expect(asc.nextCursor).toBeUndefined();
  });

  it('names records tampered with directly in SQL: edited, deleted, inserted', async () => {
    for (let i = 0; i < 6; i += 1) await audit.record(ev({ requestId: `r${i}` }));
    expect((await audit.verify()).ok).toBe(true);

    db.prepare("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2").run();
    db.prepare('DELETE FROM audit_log WHERE seq = 4').run();
    const last = db.prepare('SELECT hash FROM audit_log WHERE seq = 6').get() as { hash: string };
    db.prepare(
      `INSERT INTO audit_log (seq, recorded_at, actor, action, resource, result, prev_hash, hash)
       VALUES (7, '2026-01-01T09:00:00.000Z', 'mallory', 'apikey.create', 'apikey:x', 'success', ?, ?)`,
    ).run(last.hash, 'f'.repeat(64));

    const result = await audit.verify();
    expect(result.ok).toBe(false);
    expect(result.problems.map((p) => [p.seq, p.kind])).toEqual([
      [2, 'edited'],
      [4, 'deleted'],
      [7, 'inserted'],
    ]);
    expect(summarizeVerification(result)).toMatch(
      /^audit chain BROKEN at seq 2: edited: .*\(and 2 more problems\)$/,
    );
  });

  it('writes one JSON line per record to the audit log file, with seq and hash', async () => {
    const file = path.join(tmp(), 'nested', 'audit.log');
    const logged = createAuditLog({ store, logger: createAuditLogger({ file }) });
    const a = await logged.record(ev({ details: { role: 'viewer' } }));
    const b = await logged.record(ev({ action: 'auth.failure', result: 'failure', actor: 'anonymous' }));
    await logged.close();
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([a, b]);
  });

  it('still writes the line (marked not stored) when the store fails, and throws', async () => {
    const file = path.join(tmp(), 'audit.log');
    const broken: AuditStore = { ...store, append: () => Promise.reject(new Error('disk full')) };
    const logged = createAuditLog({ store: broken, logger: createAuditLogger({ file }) });
    await expect(logged.record(ev())).rejects.toThrow(AuditWriteError);
    await logged.close();
    expect(JSON.parse(readFileSync(file, 'utf8').trim())).toMatchObject({
      action: 'workflow.start',
      stored: false,
      error: 'disk full',
    });
  });

  it('cuts a prefix for retention: archive verifies, prune moves the anchor, the rest still verifies', async () => {
    for (let i = 0; i < 10; i += 1) await audit.record(ev({ requestId: `r${i}` }));
    // Records at 00:00..00:09; everything before 00:04 is due.
    expect(await store.retentionBoundary('2026-01-01T00:04:00.000Z')).toBe(4);
    expect(await store.retentionBoundary('2025-01-01T00:00:00.000Z')).toBe(0);
    expect(await store.retentionBoundary('2027-01-01T00:00:00.000Z')).toBe(10);

    const records = await store.range(0, 4, 100);
    const dir = tmp();
    const file = writeArchive(
      dir,
      {
        anchor: { seq: 0, hash: GENESIS_HASH },
        firstSeq: 1,
        lastSeq: 4,
        lastHash: records[3].hash,
        count: 4,
        cutoff: '2026-01-01T00:04:00.000Z',
        createdAt: '2026-02-01T00:00:00.000Z',
      },
      records,
    );
    expect(path.basename(file)).toBe('audit-000000000001-000000000004.jsonl');
    expect(verifyArchive(file)).toMatchObject({ ok: true, records: 4, firstSeq: 1, lastSeq: 4 });

    const cut = {
      fromAnchorSeq: 0,
      throughSeq: 4,
      throughHash: records[3].hash,
      archive: path.basename(file),
    };
    await expect(store.prune({ ...cut, throughHash: 'a'.repeat(64) })).rejects.toThrow(
      AuditChainConflictError,
    );
    expect(await store.prune(cut)).toEqual({ deleted: 4 });
    expect(await store.prune(cut)).toEqual({ deleted: 0 }); // a retried prune is a no-op
    await expect(store.prune({ ...cut, throughSeq: 6 })).rejects.toThrow(/anchor is seq 4/);

    const after = await audit.verify();
    expect(after).toMatchObject({
      ok: true,
      records: 6,
      firstSeq: 5,
      anchor: { seq: 4, hash: records[3].hash, archive: path.basename(file) },
    });
    // New records keep chaining; archives chain into the live anchor.
    await audit.record(ev());
    expect((await audit.verify()).ok).toBe(true);
    expect(verifyArchives(listArchives(dir), after.anchor)).toMatchObject({ ok: true, gaps: [] });
    expect(verifyArchives(listArchives(dir), { seq: 5, hash: 'x' }).gaps).toEqual([
      expect.stringMatching(/live chain's anchor is seq 5/),
    ]);

    // Deleting the first record after the anchor is caught as a deletion.
    db.prepare('DELETE FROM audit_log WHERE seq = 5').run();
    expect((await audit.verify()).problems).toMatchObject([{ seq: 5, kind: 'deleted' }]);
  });

  it('refuses to prune when a record in the range is missing', async () => {
    for (let i = 0; i < 5; i += 1) await audit.record(ev());
    const through = (await store.range(2, 3, 1))[0];
    db.prepare('DELETE FROM audit_log WHERE seq = 2').run();
    await expect(
      store.prune({ fromAnchorSeq: 0, throughSeq: 3, throughHash: through.hash, archive: 'x' }),
    ).rejects.toThrow(/Expected to delete 3 records .* found 2/);
    expect((await store.chainState()).anchorSeq).toBe(0);
    expect((await store.range(0, 10, 10)).map((r) => r.seq)).toEqual([1, 3, 4, 5]);
  });

  it('an edited archive line is named by seq', async () => {
    for (let i = 0; i < 3; i += 1) await audit.record(ev());
    const records = await store.range(0, 3, 10);
    const file = writeArchive(
      tmp(),
      {
        anchor: { seq: 0, hash: GENESIS_HASH },
        firstSeq: 1,
        lastSeq: 3,
        lastHash: records[2].hash,
        count: 3,
        cutoff: '2026-01-02T00:00:00.000Z',
        createdAt: '2026-02-01T00:00:00.000Z',
      },
      records,
    );
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[2] = lines[2].replace('"alice"', '"mallory"');
    writeFileSync(file, lines.join('\n'));
    expect(verifyArchive(file).problems).toMatchObject([{ seq: 2, kind: 'edited' }]);
    lines.splice(2, 1);
    writeFileSync(file, lines.join('\n'));
    expect(verifyArchive(file).problems).toMatchObject([{ seq: 2, kind: 'deleted' }]);
  });
});
