/**
 * Anchors of the chain outside the database. The audit log's JSON-lines file (append-only, written by winston) holds
 * every record the services appended, each with its keyed hash, and every `checkpointEvery` records a signed
 * checkpoint of the chain head:
 *
 *   {"type":"checkpoint","seq":…,"hash":…,"anchorSeq":…,"count":…,"at":…,"keyId":…,"mac":…}
 *
 * with mac = HMAC-SHA256(key, JSON.stringify(["tradeflow-audit-checkpoint-v1", seq, hash, anchorSeq, count, at])).
 * Verification compares the database with the file: a record at a seq the file names must have the file's hash, and
 * the chain must reach the highest seq the file names. So a database-only rewrite (re-hashed rows, even with plain
 * SHA-256 from genesis) or a truncated tail is detected, as long as the file is out of the attacker's reach.
 */
import { createReadStream, existsSync } from 'node:fs';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createInterface } from 'node:readline';
import {
  fromAuditRecord,
  hashRecord,
  type AuditKeys,
  type AuditProblem,
  type AuditSigningKey,
} from './chain';
import type { AuditRecord } from './events';

export const CHECKPOINT_VERSION = 'tradeflow-audit-checkpoint-v1';

export interface AuditCheckpoint {
  type: 'checkpoint';
  /** The chain head when the checkpoint was written. */
  seq: number;
  hash: string;
  /** The retention anchor then, and the records in the live table (seq - anchorSeq). */
  anchorSeq: number;
  count: number;
  at: string;
  keyId: string;
  mac: string;
}

function checkpointMac(c: Omit<AuditCheckpoint, 'type' | 'keyId' | 'mac'>, key: Buffer): string {
  return createHmac('sha256', key)
    .update(JSON.stringify([CHECKPOINT_VERSION, c.seq, c.hash, c.anchorSeq, c.count, c.at]), 'utf8')
    .digest('hex');
}

export function signCheckpoint(
  head: { seq: number; hash: string; anchorSeq: number },
  signing: AuditSigningKey,
  at: Date = new Date(),
): AuditCheckpoint {
  const body = {
    seq: head.seq,
    hash: head.hash,
    anchorSeq: head.anchorSeq,
    count: head.seq - head.anchorSeq,
    at: at.toISOString(),
  };
  return { type: 'checkpoint', ...body, keyId: signing.id, mac: checkpointMac(body, signing.key) };
}

export function checkpointValid(c: AuditCheckpoint, keys: AuditKeys): boolean {
  const key = keys.get(c.keyId);
  if (!key || typeof c.mac !== 'string') return false;
  const expected = Buffer.from(checkpointMac(c, key), 'hex');
  const given = Buffer.from(c.mac, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** What the file says the database must hold: seq → hash, and where each claim came from. */
export interface FileClaims {
  file: string;
  exists: boolean;
  claims: Map<number, { hash: string; from: 'record' | 'checkpoint'; line: number }>;
  records: number;
  checkpoints: number;
  /** Lines that claim to be keyed records or checkpoints but are not validly keyed: the file was tampered with. */
  forged: AuditProblem[];
  /** The key ids the file's lines name (to fetch their keys first). */
  keyIds: Set<string>;
}

interface RawLine {
  line: number;
  value: Record<string, unknown>;
}

/** Reads the file's record and checkpoint lines (key ids first, so the caller can fetch their keys). */
export async function readFileLines(
  file: string,
): Promise<{ exists: boolean; lines: RawLine[]; keyIds: Set<string> }> {
  const lines: RawLine[] = [];
  const keyIds = new Set<string>();
  if (!existsSync(file)) return { exists: false, lines, keyIds };
  const reader = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let n = 0;
  for await (const text of reader) {
    n += 1;
    if (!text.startsWith('{')) continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      continue; // a line cut by a crash; the records it held are in the database
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) continue;
    const v = value as Record<string, unknown>;
    // `stored: false`: a write the database refused; nothing to compare.
    if (typeof v.seq !== 'number' || typeof v.hash !== 'string' || v.stored === false) continue;
    if (typeof v.keyId === 'string') keyIds.add(v.keyId);
    lines.push({ line: n, value: v });
  }
  return { exists: true, lines, keyIds };
}

/**
 * The file's claims, each authenticated with `keys` when it is keyed (a keyed record line must match its HMAC, a
 * checkpoint its mac). Plain (v1) record lines are taken as they are: a database from before the keyed chain.
 */
export function fileClaims(
  file: string,
  read: { exists: boolean; lines: RawLine[] },
  keys: AuditKeys | undefined,
): FileClaims {
  const result: FileClaims = {
    file,
    exists: read.exists,
    claims: new Map(),
    records: 0,
    checkpoints: 0,
    forged: [],
    keyIds: new Set(),
  };
  for (const { line, value } of read.lines) {
    const seq = value.seq as number;
    if (value.type === 'checkpoint') {
      const checkpoint = value as unknown as AuditCheckpoint;
      if (keys && !checkpointValid(checkpoint, keys)) {
        result.forged.push({
          seq,
          kind: 'inserted',
          message: `${file} line ${line}: a checkpoint for seq ${seq} that is not signed with an accepted audit key (the file was tampered with)`,
        });
        continue;
      }
      result.checkpoints += 1;
      result.claims.set(seq, { hash: checkpoint.hash, from: 'checkpoint', line });
      continue;
    }
    const record = fromAuditRecord(value as unknown as AuditRecord);
    if (record.keyId !== null && keys) {
      const key = keys.get(record.keyId);
      if (!key || hashRecord(record, key) !== record.hash) {
        result.forged.push({
          seq,
          kind: 'inserted',
          message: `${file} line ${line}: a record line for seq ${seq} that is not validly keyed (the file was tampered with)`,
        });
        continue;
      }
    }
    result.records += 1;
    result.claims.set(seq, { hash: record.hash, from: 'record', line });
  }
  return result;
}
