/**
 * A database from before the keyed chain (schema at migration 10, plain SHA-256 rows) upgrades in place: its rows
 * still verify, new rows are keyed, and re-hashing the upgraded chain with plain SHA-256 is refused as a downgrade.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { createAuditLog, createAuditLogger } from '../../../src/audit/audit-log';
import { chainRecord, GENESIS_HASH, normalizeEvent, type ChainRecord } from '../../../src/audit/chain';
import { staticAuditKeyring } from '../../../src/audit/keys';
import { createSqliteAuditStore } from '../../../src/audit/store';
import { MIGRATIONS } from '../../../src/store/migrations';
import { migrate } from '../../../src/store/sqlite';

const KEY = 'upgrade-test-audit-key-0123456789abcdef';

/** The schema as a release with migrations 1-10 left it, with `count` plain (v1) audit rows. */
function databaseAtMigration10(count: number): { db: DatabaseSync; rows: ChainRecord[] } {
  const db = new DatabaseSync(':memory:');
  db.exec(
    'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
  );
  for (const migration of MIGRATIONS.filter((m) => m.version <= 10)) {
    db.exec(migration.sql('sqlite'));
    db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(
      migration.version,
      migration.name,
      'then',
    );
  }
  const rows: ChainRecord[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= count; seq += 1) {
    const event = normalizeEvent({
      actor: 'alice',
      action: 'workflow.start',
      resource: `workflow:w${seq}`,
      result: 'success',
    });
    const row = chainRecord(event, seq, `2026-11-0${seq}T10:00:00.000Z`, prev);
    db.prepare(
      `INSERT INTO audit_log (seq, recorded_at, actor, action, resource, result, ip, user_agent, request_id,
         details_json, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, NULL, NULL, ?, ?)`,
    ).run(row.seq, row.timestamp, row.actor, row.action, row.resource, row.result, row.prevHash, row.hash);
    rows.push(row);
    prev = row.hash;
  }
  db.prepare('UPDATE audit_chain SET head_seq = ?, head_hash = ? WHERE id = 1').run(count, prev);
  return { db, rows };
}

describe('upgrading a plain audit chain to the keyed one', () => {
  it('keeps the old rows verifiable, keys every new one, and catches a downgrade of the new rows', async () => {
    const { db } = databaseAtMigration10(3);
    expect(migrate(db)).toBe(MIGRATIONS.filter((m) => m.version > 10).length);
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'tf-audit-upgrade-')), 'audit.log');
    const audit = createAuditLog({
      store: createSqliteAuditStore(db),
      logger: createAuditLogger({ file }),
      keys: staticAuditKeyring([KEY]),
      anchorFile: file,
    });
    for (const actor of ['bob', 'carol']) {
      const added = await audit.record({
        actor,
        action: 'schedule.pause',
        resource: 'schedule:s',
        result: 'success',
      });
      expect(added.keyId).toMatch(/^k-[0-9a-f]{12}$/);
    }
    await audit.checkpoint();
    await audit.close(); // flushes the file
    const verifier = createAuditLog({
      store: createSqliteAuditStore(db),
      keys: staticAuditKeyring([KEY]),
      anchorFile: file,
    });
    expect(await verifier.verify()).toMatchObject({ ok: true, records: 5, keyed: 2 });

    // What an attacker without the key can compute: plain SHA-256 records, re-linked from seq 4.
    const downgrade = (seqs: number[]) => {
      let prev = (db.prepare('SELECT hash FROM audit_log WHERE seq = ?').get(seqs[0] - 1) as { hash: string })
        .hash;
      for (const seq of seqs) {
        const row = db.prepare('SELECT recorded_at FROM audit_log WHERE seq = ?').get(seq) as {
          recorded_at: string;
        };
        const event = normalizeEvent({
          actor: 'mallory',
          action: 'schedule.pause',
          resource: 'schedule:s',
          result: 'success',
        });
        const plain = chainRecord(event, seq, row.recorded_at, prev);
        db.prepare(
          'UPDATE audit_log SET actor = ?, prev_hash = ?, hash = ?, key_id = NULL WHERE seq = ?',
        ).run(plain.actor, plain.prevHash, plain.hash, seq);
        prev = plain.hash;
      }
      db.prepare('UPDATE audit_chain SET head_hash = ? WHERE id = 1').run(prev);
    };
    // Only seq 4: the keyed seq 5 no longer links to it, and cannot be re-linked without the key.
    downgrade([4]);
    const one = await verifier.verify();
    expect(one.ok).toBe(false);
    expect(one.problems[0]).toMatchObject({ seq: 4, kind: 'edited' });
    // Both new rows: the database alone now looks like a chain from before the upgrade; the file's keyed lines and
    // signed checkpoint name their true hashes.
    downgrade([4, 5]);
    const both = await verifier.verify();
    expect(both.ok).toBe(false);
    expect(both.problems.map((p) => p.seq)).toEqual(expect.arrayContaining([4, 5]));
    db.close();
  });
});
