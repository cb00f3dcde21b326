/** Signed checkpoints and the audit log file's claims (src/audit/checkpoints.ts). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkpointValid, fileClaims, readFileLines, signCheckpoint } from '../../../src/audit/checkpoints';

const key = Buffer.from('k'.repeat(32));
const signing = { id: 'k-test', key };
const keys = new Map([[signing.id, key]]);
const head = { seq: 200, hash: 'ab'.repeat(32), anchorSeq: 50 };

describe('signed checkpoints', () => {
  it('signs the head with the count of live records, and verifies only with the same key and contents', () => {
    const checkpoint = signCheckpoint(head, signing, new Date('2026-12-07T10:00:00Z'));
    expect(checkpoint).toMatchObject({ type: 'checkpoint', seq: 200, count: 150, keyId: 'k-test' });
    expect(checkpointValid(checkpoint, keys)).toBe(true);
    expect(checkpointValid({ ...checkpoint, hash: 'cd'.repeat(32) }, keys)).toBe(false);
    expect(checkpointValid({ ...checkpoint, seq: 199 }, keys)).toBe(false);
    expect(checkpointValid({ ...checkpoint, mac: checkpoint.mac.slice(0, 10) }, keys)).toBe(false);
    expect(checkpointValid(checkpoint, new Map([[signing.id, Buffer.from('x'.repeat(32))]]))).toBe(false);
    expect(checkpointValid({ ...checkpoint, keyId: 'k-unknown' }, keys)).toBe(false);
  });

  it("reads the file's claims and names a forged checkpoint line instead of trusting it", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tradeflow-checkpoints-'));
    const file = path.join(dir, 'audit.log');
    const good = signCheckpoint(head, signing);
    const forged = { ...signCheckpoint({ ...head, seq: 300 }, signing), hash: 'ef'.repeat(32) };
    writeFileSync(
      file,
      [
        JSON.stringify(good),
        'not json {',
        '{"cut off by a cra',
        JSON.stringify({ seq: 7, hash: 'aa', stored: false }),
        JSON.stringify(forged),
      ].join('\n') + '\n',
    );
    const read = await readFileLines(file);
    expect(read.lines).toHaveLength(2); // the unparseable and unstored lines are skipped
    const claims = fileClaims(file, read, keys);
    expect(claims.checkpoints).toBe(1);
    expect(claims.claims.get(200)).toEqual({ hash: head.hash, from: 'checkpoint', line: 1 });
    expect(claims.claims.has(300)).toBe(false);
    expect(claims.forged).toEqual([
      expect.objectContaining({
        seq: 300,
        kind: 'inserted',
        message: expect.stringMatching(/line 5: a checkpoint/),
      }),
    ]);

    const missing = await readFileLines(path.join(dir, 'absent.log'));
    expect(missing).toMatchObject({ exists: false, lines: [] });
  });
});
