/** Retention archives of a keyed chain verify with the keys: one re-hashed without the key is caught. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { archiveKeyIds, verifyArchive, verifyArchives, writeArchive } from '../../../src/audit/archive';
import { createAuditLog } from '../../../src/audit/audit-log';
import { chainRecord, GENESIS_HASH, normalizeEvent, type ChainRecord } from '../../../src/audit/chain';
import { keyFingerprintId, staticAuditKeyring } from '../../../src/audit/keys';
import { createSqliteAuditStore } from '../../../src/audit/store';
import { openDatabase } from '../../../src/store/sqlite';

const keyText = 'audit-archive-test-key-0123456789abcdef';
const key = Buffer.from(keyText);

async function keyedArchive() {
  const db = openDatabase(':memory:');
  const audit = createAuditLog({ store: createSqliteAuditStore(db), keys: staticAuditKeyring([keyText]) });
  for (const actor of ['alice', 'bob', 'carol']) {
    await audit.record({ actor, action: 'workflow.start', resource: `workflow:${actor}`, result: 'success' });
  }
  const records = await audit.store.range(0, 3, 10);
  const header = (last: ChainRecord) => ({
    anchor: { seq: 0, hash: GENESIS_HASH },
    firstSeq: 1,
    lastSeq: 3,
    lastHash: last.hash,
    count: 3,
    cutoff: '2026-01-02T00:00:00.000Z',
    createdAt: '2026-02-01T00:00:00.000Z',
  });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tf-audit-archive-keys-'));
  return { db, audit, records, header, dir };
}

describe('keyed retention archives', () => {
  it('verify with the keys, and name their key ids', async () => {
    const { db, audit, records, header, dir } = await keyedArchive();
    const file = writeArchive(dir, header(records[2]), records);
    expect([...archiveKeyIds([file])]).toEqual([keyFingerprintId(key)]);
    const keys = await audit.acceptedKeys(archiveKeyIds([file]));
    expect(verifyArchive(file, { keys })).toMatchObject({ ok: true, records: 3, keyed: 3 });
    expect(verifyArchives([file], undefined, { keys })).toMatchObject({ ok: true, gaps: [] });
    await audit.close();
    db.close();
  });

  it('catch an archive edited and re-hashed without the key, which a links-only check passes', async () => {
    const { db, audit, records, header, dir } = await keyedArchive();
    // The attacker rewrites bob's record and re-links every later record with a key of their own (same key id).
    const forgedKey = {
      id: keyFingerprintId(key),
      key: Buffer.from('not-the-audit-key-0000000000000000000'),
    };
    const rewritten: ChainRecord[] = [records[0]];
    for (const original of records.slice(1)) {
      const event = normalizeEvent({
        actor: original.seq === 2 ? 'mallory' : original.actor,
        action: 'workflow.start',
        resource: original.resource,
        result: 'success',
      });
      const prev = rewritten[rewritten.length - 1];
      rewritten.push(chainRecord(event, original.seq, original.timestamp, prev.hash, forgedKey));
    }
    const file = writeArchive(dir, header(rewritten[2]), rewritten);
    expect(verifyArchive(file).ok).toBe(true); // links only: consistent
    const keys = await audit.acceptedKeys(archiveKeyIds([file]));
    const checked = verifyArchive(file, { keys });
    expect(checked.ok).toBe(false);
    expect(checked.problems[0]).toMatchObject({ seq: 2, kind: 'edited' });
    // And a line edited in place is caught either way.
    const lines = readFileSync(file, 'utf8').split('\n');
    writeFileSync(file, [lines[0], lines[1].replace('"alice"', '"eve"'), ...lines.slice(2)].join('\n'));
    expect(verifyArchive(file, { keys }).problems[0]).toMatchObject({ seq: 1, kind: 'edited' });
    await audit.close();
    db.close();
  });
});
