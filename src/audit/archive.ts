/**
 * Retention archives: JSON lines. The first line is the header, with the chain anchor the archive starts from (the
 * hash of the record before its first one) and its last record's seq and hash (the anchor the live chain keeps
 * after the cut); every further line is one record, as the API returns it. An archive verifies on its own: its
 * records chain from its anchor to its last hash. Consecutive archives chain too (each one's anchor is the previous
 * one's last hash), and the newest one's last hash is the live chain's anchor.
 *
 * Written to a temporary file in the same folder, flushed to disk and renamed, so an archive is never half-written.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import {
  ChainVerifier,
  fromAuditRecord,
  toAuditRecord,
  type AuditKeys,
  type AuditVerification,
  type ChainRecord,
} from './chain';
import type { AuditRecord } from './events';

export const ARCHIVE_FORMAT = 'tradeflow-audit-archive';
export const ARCHIVE_VERSION = 1;

export interface ArchiveHeader {
  format: typeof ARCHIVE_FORMAT;
  version: typeof ARCHIVE_VERSION;
  /** The record before the first archived one: its seq and hash (0 and the genesis hash for the first archive). */
  anchor: { seq: number; hash: string };
  firstSeq: number;
  lastSeq: number;
  /** The last archived record's hash: the live chain's anchor after the cut. */
  lastHash: string;
  count: number;
  /** Records older than this instant were due for archiving. */
  cutoff: string;
  createdAt: string;
}

/** `audit-000000000001-000000000500.jsonl`: names sort in seq order. */
export function archiveFileName(firstSeq: number, lastSeq: number): string {
  const pad = (n: number) => String(n).padStart(12, '0');
  return `audit-${pad(firstSeq)}-${pad(lastSeq)}.jsonl`;
}

/**
 * Writes the archive atomically (temp file, fsync, rename); answers the final path. An earlier archive starting at
 * the same seq is an export whose records were never deleted (the anchor is still before it): it is replaced.
 */
export function writeArchive(
  dir: string,
  header: Omit<ArchiveHeader, 'format' | 'version'>,
  records: readonly ChainRecord[],
): string {
  const file = path.join(dir, archiveFileName(header.firstSeq, header.lastSeq));
  const stalePrefix = archiveFileName(header.firstSeq, 0).replace(/\d{12}\.jsonl$/, '');
  const temp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temp, 'wx', 0o640);
  try {
    const full: ArchiveHeader = { format: ARCHIVE_FORMAT, version: ARCHIVE_VERSION, ...header };
    writeSync(fd, `${JSON.stringify(full)}\n`);
    let chunk = '';
    for (const record of records) {
      chunk += `${JSON.stringify(toAuditRecord(record))}\n`;
      if (chunk.length > 1 << 20) {
        writeSync(fd, chunk);
        chunk = '';
      }
    }
    if (chunk) writeSync(fd, chunk);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  renameSync(temp, file);
  for (const name of readdirSync(dir)) {
    if (name.startsWith(stalePrefix) && name.endsWith('.jsonl') && name !== path.basename(file)) {
      rmSync(path.join(dir, name), { force: true });
    }
  }
  try {
    // Make the rename itself durable.
    const dirFd = openSync(dir, 'r');
    fsyncSync(dirFd);
    closeSync(dirFd);
  } catch {
    // not every platform can fsync a directory
  }
  return file;
}

export interface ArchiveVerification extends AuditVerification {
  file: string;
  header?: ArchiveHeader;
}

/** The HMAC key ids the archives' records name (to fetch their keys before verifying them). */
export function archiveKeyIds(files: readonly string[]): Set<string> {
  const ids = new Set<string>();
  for (const file of files) {
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      try {
        const keyId = (JSON.parse(line) as { keyId?: unknown }).keyId;
        if (typeof keyId === 'string') ids.add(keyId);
      } catch {
        // not a record: verifyArchive names the line
      }
    }
  }
  return ids;
}

/**
 * Reads and verifies one archive: header well-formed, records chain from its anchor to its last hash. With `keys`,
 * every keyed record's HMAC is checked too (an archive re-hashed without the key fails); without, only the links.
 */
export function verifyArchive(file: string, options: { keys?: AuditKeys } = {}): ArchiveVerification {
  const lines = readFileSync(file, 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const bad = (message: string): ArchiveVerification => ({
    file,
    ok: false,
    records: 0,
    anchor: { seq: 0, hash: '' },
    head: { seq: 0, hash: '' },
    problems: [{ seq: 0, kind: 'edited', message }],
  });
  let header: ArchiveHeader;
  try {
    header = JSON.parse(lines[0] ?? '') as ArchiveHeader;
  } catch {
    return bad(`${path.basename(file)}: the header line is not JSON`);
  }
  if (header?.format !== ARCHIVE_FORMAT || header.version !== ARCHIVE_VERSION || !header.anchor) {
    return bad(`${path.basename(file)}: not a ${ARCHIVE_FORMAT} v${ARCHIVE_VERSION} file`);
  }
  const verifier = new ChainVerifier(header.anchor, undefined, options);
  for (const [index, line] of lines.slice(1).entries()) {
    let record: ChainRecord;
    try {
      record = fromAuditRecord(JSON.parse(line) as AuditRecord);
    } catch {
      return { ...bad(`${path.basename(file)}: line ${index + 2} is not a record`), header };
    }
    verifier.add(record);
  }
  const result = verifier.finish({ seq: header.lastSeq, hash: header.lastHash });
  if (result.records !== header.count && result.ok) {
    result.ok = false;
    result.problems.push({
      seq: header.lastSeq,
      kind: 'deleted',
      message: `the header says ${header.count} records, the file holds ${result.records}`,
    });
  }
  if (result.ok && result.firstSeq !== header.firstSeq) {
    result.ok = false;
    result.problems.push({
      seq: header.firstSeq,
      kind: 'edited',
      message: `the header says the first record is seq ${header.firstSeq}, the file starts at seq ${result.firstSeq}`,
    });
  }
  return { ...result, file, header };
}

/** The archive files in a folder (by name), oldest first. */
export function listArchives(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => /^audit-\d{12}-\d{12}\.jsonl$/.test(name))
    .sort()
    .map((name) => path.join(dir, name));
}

export interface ArchiveSetVerification {
  ok: boolean;
  archives: ArchiveVerification[];
  /** Breaks between consecutive archives, or between the newest archive and the live chain's anchor. */
  gaps: string[];
}

/**
 * Verifies archives (oldest first) and that they chain: each one starts from the previous one's last hash, and the
 * newest ends at `liveAnchor` (the live chain's anchor), when given.
 */
export function verifyArchives(
  files: readonly string[],
  liveAnchor?: { seq: number; hash: string },
  options: { keys?: AuditKeys } = {},
): ArchiveSetVerification {
  const archives = files
    .map((file) => verifyArchive(file, options))
    .sort((a, b) => (a.header?.firstSeq ?? 0) - (b.header?.firstSeq ?? 0));
  const gaps: string[] = [];
  for (let i = 1; i < archives.length; i += 1) {
    const before = archives[i - 1].header;
    const after = archives[i].header;
    if (!before || !after) continue;
    if (after.anchor.seq !== before.lastSeq || after.anchor.hash !== before.lastHash) {
      gaps.push(
        `${path.basename(archives[i].file)} starts from seq ${after.anchor.seq} (${after.anchor.hash.slice(0, 12)}…), but ${path.basename(archives[i - 1].file)} ends at seq ${before.lastSeq} (${before.lastHash.slice(0, 12)}…)`,
      );
    }
  }
  const newest = archives[archives.length - 1]?.header;
  if (newest && liveAnchor && (newest.lastSeq !== liveAnchor.seq || newest.lastHash !== liveAnchor.hash)) {
    gaps.push(
      `the newest archive ends at seq ${newest.lastSeq} (${newest.lastHash.slice(0, 12)}…), but the live chain's anchor is seq ${liveAnchor.seq} (${liveAnchor.hash.slice(0, 12)}…)`,
    );
  }
  return { ok: gaps.length === 0 && archives.every((a) => a.ok), archives, gaps };
}
