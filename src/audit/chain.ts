/**
 * The hash chain: canonical serialization, record hashes, event normalization, and the verifier that walks a chain
 * and says which records were edited, inserted or deleted.
 *
 * A record's hash is SHA-256 (lower-case hex) over the UTF-8 bytes of
 *
 *   JSON.stringify(["tradeflow-audit-v1", seq, timestamp, actor, action, resource, result,
 *                   ip, userAgent, requestId, details, prevHash])
 *
 * where absent optional fields are null and `details` is the canonical JSON text of the details object (keys sorted
 * at every level, no whitespace) or null. The first record's prevHash is GENESIS_HASH; after a retention cut, the
 * first remaining record's prevHash is the anchor (the hash of the last deleted record).
 *
 * That plain hash (v1) only proves the chain is consistent: anyone who can write the table can edit a row and
 * re-hash it and everything after it. Records written with a key (v2, every record the services write) are keyed:
 *
 *   hash = HMAC-SHA256(key, JSON.stringify(["tradeflow-audit-v2", keyId, seq, timestamp, …, prevHash]))
 *
 * with the key from the secrets provider (AUDIT_HMAC_KEY) and its id stored in the row, so a key can rotate and old
 * rows stay verifiable with the old key. Without the key nobody can produce a valid keyed record. v1 rows (key id
 * null) are what databases from before the keyed chain hold; a verifier given keys refuses a v1 row after a v2 one
 * (a downgrade: re-hashed with plain SHA-256).
 */
import { createHash, createHmac } from 'node:crypto';
import { AUDIT_ACTIONS, AUDIT_RESULTS, type AuditDetails, type AuditEvent, type AuditRecord } from './events';

export const HASH_VERSION = 'tradeflow-audit-v1';
export const KEYED_HASH_VERSION = 'tradeflow-audit-v2';

/** The keys a verifier accepts, by key id (the current key and every retired one still needed for old rows). */
export type AuditKeys = ReadonlyMap<string, Buffer>;

/** The key new records are written with. */
export interface AuditSigningKey {
  id: string;
  key: Buffer;
}

/** The prevHash of the very first record: 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64);

/** A record exactly as stored: `details` is the canonical JSON text the hash covers (not re-serialized). */
export interface ChainRecord {
  seq: number;
  timestamp: string;
  actor: string;
  action: string;
  resource: string;
  result: string;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  details: string | null;
  prevHash: string;
  hash: string;
  /** The id of the HMAC key the hash was made with (v2); null for a plain SHA-256 record (v1). */
  keyId: string | null;
}

/** The fields a new record gets from its event (normalized; see normalizeEvent). */
export type NormalizedEvent = Omit<ChainRecord, 'seq' | 'timestamp' | 'prevHash' | 'hash' | 'keyId'>;

/** JSON with object keys sorted at every level and no whitespace: one text per value. */
export function canonicalJson(value: unknown): string {
  // A JSON round trip first: drops undefined and functions, applies toJSON (dates), turns NaN into null.
  const plain: unknown = JSON.parse(JSON.stringify(value) ?? 'null');
  return serialize(plain);
}

function serialize(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(serialize).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${serialize((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

type Unhashed = Omit<ChainRecord, 'hash' | 'keyId'> & { keyId?: string | null };

/** The exact text a record's hash is computed over (v2, with its key id, when the record is keyed). */
export function canonicalRecord(record: Unhashed): string {
  const keyId = record.keyId ?? null;
  return JSON.stringify([
    ...(keyId === null ? [HASH_VERSION] : [KEYED_HASH_VERSION, keyId]),
    record.seq,
    record.timestamp,
    record.actor,
    record.action,
    record.resource,
    record.result,
    record.ip,
    record.userAgent,
    record.requestId,
    record.details,
    record.prevHash,
  ]);
}

/** v1: SHA-256 of the canonical text; v2 (keyId set): HMAC-SHA256 with `key`, which must be that key id's key. */
export function hashRecord(record: Unhashed, key?: Buffer): string {
  const keyId = record.keyId ?? null;
  const text = canonicalRecord(record);
  if (keyId === null) return createHash('sha256').update(text, 'utf8').digest('hex');
  if (!key)
    throw new RangeError(`hashRecord: record seq ${record.seq} is keyed (${keyId}) but no key was given`);
  return createHmac('sha256', key).update(text, 'utf8').digest('hex');
}

/** The next link: the event at `seq`, chained to `prevHash`; keyed (v2) with `signing`, else plain (v1). */
export function chainRecord(
  event: NormalizedEvent,
  seq: number,
  timestamp: string,
  prevHash: string,
  signing?: AuditSigningKey,
): ChainRecord {
  const unhashed = { ...event, seq, timestamp, prevHash, keyId: signing?.id ?? null };
  return { ...unhashed, hash: hashRecord(unhashed, signing?.key) };
}

/** Limits that keep one hostile header or a huge details object from bloating the table. */
export const FIELD_LIMITS = {
  actor: 256,
  resource: 1024,
  ip: 64,
  userAgent: 512,
  requestId: 128,
  /** Canonical details text; larger details are replaced by a note saying how large they were. */
  detailsBytes: 16 * 1024,
} as const;

export class InvalidAuditEventError extends Error {
  override readonly name = 'InvalidAuditEventError';
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text both databases store byte for byte: NUL (PostgreSQL rejects it) and lone surrogates (not encodable in UTF-8)
 * become U+FFFD, and the text is cut to `max` characters. Otherwise a stored value could differ from the hashed one.
 */
export function storableText(value: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  const clean = value.replace(LONE_SURROGATE, '\uFFFD').replace(/\u0000/g, '\uFFFD');
  return clean.length > max ? clean.slice(0, max) : clean;
}

/**
 * Validates an event (unknown actions and results are programming errors: thrown) and makes it storable: long or
 * odd text from request headers is cleaned and cut rather than refused, so a hostile request is still recorded.
 */
export function normalizeEvent(event: AuditEvent): NormalizedEvent {
  if (!(AUDIT_ACTIONS as readonly string[]).includes(event.action)) {
    throw new InvalidAuditEventError(`Unknown audit action "${String(event.action)}"`);
  }
  if (!(AUDIT_RESULTS as readonly string[]).includes(event.result)) {
    throw new InvalidAuditEventError(`Unknown audit result "${String(event.result)}"`);
  }
  const required = (name: 'actor' | 'resource') => {
    const value = event[name];
    if (typeof value !== 'string' || value.trim() === '') {
      throw new InvalidAuditEventError(`An audit event needs a non-empty ${name}`);
    }
    return storableText(value, FIELD_LIMITS[name]);
  };
  const optional = (name: 'ip' | 'userAgent' | 'requestId') => {
    const value = event[name];
    return typeof value === 'string' && value !== '' ? storableText(value, FIELD_LIMITS[name]) : null;
  };
  return {
    actor: required('actor'),
    action: event.action,
    resource: required('resource'),
    result: event.result,
    ip: optional('ip'),
    userAgent: optional('userAgent'),
    requestId: optional('requestId'),
    details: detailsText(event.details),
  };
}

function detailsText(details: AuditDetails | undefined): string | null {
  if (details === undefined || details === null) return null;
  if (typeof details !== 'object' || Array.isArray(details)) {
    throw new InvalidAuditEventError('Audit event details must be an object');
  }
  const text = canonicalJson(details);
  const bytes = Buffer.byteLength(text, 'utf8');
  return bytes > FIELD_LIMITS.detailsBytes ? canonicalJson({ truncated: true, originalBytes: bytes }) : text;
}

/** The public shape of a stored record (details parsed; null fields left out). */
export function toAuditRecord(record: ChainRecord): AuditRecord {
  return {
    seq: record.seq,
    timestamp: record.timestamp,
    actor: record.actor,
    action: record.action,
    resource: record.resource,
    result: record.result,
    ...(record.ip !== null ? { ip: record.ip } : {}),
    ...(record.userAgent !== null ? { userAgent: record.userAgent } : {}),
    ...(record.requestId !== null ? { requestId: record.requestId } : {}),
    ...(record.details !== null ? { details: parseDetails(record.details) } : {}),
    prevHash: record.prevHash,
    hash: record.hash,
    ...(record.keyId !== null ? { keyId: record.keyId } : {}),
  };
}

function parseDetails(text: string): AuditDetails {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as AuditDetails)
      : { unparseable: text };
  } catch {
    return { unparseable: text };
  }
}

/** Back from the public shape (an archive line, a log line) to what the hash covers. */
export function fromAuditRecord(record: AuditRecord): ChainRecord {
  return {
    seq: record.seq,
    timestamp: record.timestamp,
    actor: record.actor,
    action: record.action,
    resource: record.resource,
    result: record.result,
    ip: record.ip ?? null,
    userAgent: record.userAgent ?? null,
    requestId: record.requestId ?? null,
    details: record.details === undefined ? null : canonicalJson(record.details),
    prevHash: record.prevHash,
    hash: record.hash,
    keyId: record.keyId ?? null,
  };
}

/** Where a chain starts (the anchor) and where the log says it ends (the head). */
export interface ChainState {
  /** The last appended record, as the chain-head row says. */
  headSeq: number;
  headHash: string;
  /** The last record retention deleted (0 and GENESIS_HASH before the first cut). */
  anchorSeq: number;
  anchorHash: string;
  /** The archive file holding the anchor record, once there was a cut. */
  anchorArchive?: string;
}

export const EMPTY_CHAIN: ChainState = {
  headSeq: 0,
  headHash: GENESIS_HASH,
  anchorSeq: 0,
  anchorHash: GENESIS_HASH,
};

export type AuditProblemKind = 'edited' | 'deleted' | 'inserted' | 'reordered';

export interface AuditProblem {
  /** The record concerned (for `deleted`, the first missing seq). */
  seq: number;
  /** For `deleted`: the last missing seq of the run. */
  toSeq?: number;
  kind: AuditProblemKind;
  message: string;
}

export interface AuditVerification {
  ok: boolean;
  /** Records walked. */
  records: number;
  firstSeq?: number;
  lastSeq?: number;
  anchor: { seq: number; hash: string; archive?: string };
  head: { seq: number; hash: string };
  /** Records whose HMAC was checked with an accepted key. */
  keyed?: number;
  /** Keyed records whose HMAC could not be checked (no keys given): links only. */
  uncheckedKeyed?: number;
  /** The cross-check against the signed checkpoints and record lines outside the database (AuditLog.verify). */
  external?: ExternalAnchorCheck;
  /** In seq order; at most MAX_PROBLEMS (then `problemsTruncated` counts the rest). */
  problems: AuditProblem[];
  problemsTruncated?: number;
}

export interface ExternalAnchorCheck {
  /** The append-only file read (the audit log's JSON lines). */
  file: string;
  /** Record lines and signed checkpoint lines compared with the database. */
  records: number;
  checkpoints: number;
  /** The highest seq the file vouches for (a record line or a checkpoint), which the chain must reach. */
  highestSeq: number;
  /** Why nothing was compared (no file yet). */
  note?: string;
}

export const MAX_PROBLEMS = 1000;

/**
 * Walks records in ascending seq order from an anchor. Feed it with `add`, then `finish`.
 *
 * - edited: a record's contents no longer match its hash; or its hash is not what the next record (or the chain
 *   head) recorded as its hash, i.e. it was edited and re-hashed.
 * - deleted: a gap in seq, or records missing at the end (the chain head says there were more).
 * - inserted: a record beyond the chain head (not appended through the log) or at or before the anchor.
 * - reordered: a seq out of order or repeated (only in handed-in lists; stores return seq order).
 *
 * With `head: undefined` (an archive, a range) there is no head check; pass `end` to check where it must stop.
 */
export class ChainVerifier {
  private readonly found = new Map<number, AuditProblem>();
  private prevSeq: number;
  private prevHash: string;
  private prevContentOk = true;
  private count = 0;
  private first?: number;
  private keyedCount = 0;
  private unchecked = 0;
  private lastKeyedSeq?: number;
  private readonly keys?: AuditKeys;

  /**
   * `options.keys`: the HMAC keys by id. With them every keyed record's HMAC is checked, a key id without a key is a
   * problem, and a plain (v1) record after a keyed one is a downgrade. Without them keyed records are checked for
   * their links only (counted as `uncheckedKeyed`).
   */
  constructor(
    private readonly anchor: { seq: number; hash: string; archive?: string },
    private readonly head?: { seq: number; hash: string },
    options: { keys?: AuditKeys } = {},
  ) {
    this.prevSeq = anchor.seq;
    this.prevHash = anchor.hash;
    this.keys = options.keys;
  }

  /** Whether the record's contents match its hash (plain or keyed), naming what is wrong when not. */
  private contentOk(record: ChainRecord): boolean {
    if (record.keyId === null) {
      if (this.keys && this.lastKeyedSeq !== undefined) {
        this.problem(
          record.seq,
          'edited',
          `seq ${record.seq}: a plain SHA-256 record after keyed seq ${this.lastKeyedSeq} (re-hashed without the key)`,
        );
        return false;
      }
      return hashRecord(record) === record.hash;
    }
    this.lastKeyedSeq = record.seq;
    if (!this.keys) {
      this.unchecked += 1;
      return true;
    }
    const key = this.keys.get(record.keyId);
    if (!key) {
      this.problem(
        record.seq,
        'edited',
        `seq ${record.seq}: keyed with key id "${record.keyId}", which is not an accepted audit key (forged, or a retired key verify was not given)`,
      );
      return false;
    }
    this.keyedCount += 1;
    return hashRecord(record, key) === record.hash;
  }

  private problem(seq: number, kind: AuditProblemKind, message: string, toSeq?: number): void {
    const existing = this.found.get(seq);
    if (existing) {
      existing.message += `; ${message}`;
      return;
    }
    this.found.set(seq, { seq, ...(toSeq !== undefined ? { toSeq } : {}), kind, message });
  }

  add(record: ChainRecord): void {
    this.count += 1;
    this.first ??= record.seq;
    const { seq } = record;
    if (seq <= this.anchor.seq) {
      this.problem(
        seq,
        'inserted',
        `seq ${seq} is at or before the retention anchor (seq ${this.anchor.seq}): inserted after the cut`,
      );
      return;
    }
    if (seq <= this.prevSeq) {
      this.problem(seq, 'reordered', `seq ${seq} comes after seq ${this.prevSeq}: out of order or repeated`);
      return;
    }
    const beyondHead = this.head !== undefined && seq > this.head.seq;
    if (beyondHead) {
      this.problem(
        seq,
        'inserted',
        `seq ${seq} is beyond the chain head (seq ${this.head.seq}): inserted, not appended through the audit log`,
      );
    }
    const before = this.found.get(seq)?.message;
    const contentOk = this.contentOk(record);
    if (!contentOk && this.found.get(seq)?.message === before) {
      this.problem(
        seq,
        'edited',
        beyondHead
          ? 'its hash does not match its contents either'
          : `seq ${seq}: its contents do not match its hash (edited)`,
      );
    }
    if (seq > this.prevSeq + 1) {
      const from = this.prevSeq + 1;
      const to = seq - 1;
      this.problem(
        from,
        'deleted',
        from === to ? `seq ${from} is missing (deleted)` : `seq ${from}–${to} are missing (deleted)`,
        to,
      );
    } else if (record.prevHash !== this.prevHash && !beyondHead) {
      if (contentOk && this.prevContentOk && this.prevSeq > this.anchor.seq) {
        // This record is intact and says the previous one had another hash: the previous one was replaced.
        this.problem(
          this.prevSeq,
          'edited',
          `seq ${this.prevSeq}: its hash is not the one seq ${seq} chains to (edited and re-hashed, or replaced)`,
        );
      } else if (contentOk && this.prevSeq === this.anchor.seq) {
        this.problem(
          seq,
          'edited',
          `seq ${seq}: its prevHash is not the ${this.anchor.seq === 0 ? 'genesis hash' : `retention anchor (hash of seq ${this.anchor.seq})`}`,
        );
      }
      // Otherwise one of the two is already named as edited, which explains the broken link.
    }
    if (this.head && seq === this.head.seq && record.hash !== this.head.hash && contentOk) {
      this.problem(
        seq,
        'edited',
        `seq ${seq}: its hash is not the one the chain head recorded (edited and re-hashed, or replaced)`,
      );
    }
    this.prevSeq = seq;
    this.prevHash = record.hash;
    this.prevContentOk = contentOk;
  }

  /** `end`: where a range must stop (an archive's last record and its hash), when there is no chain head. */
  finish(end?: { seq: number; hash: string }): AuditVerification {
    const stop = this.head ?? end;
    if (stop && this.prevSeq < stop.seq) {
      const from = this.prevSeq + 1;
      this.problem(
        from,
        'deleted',
        from === stop.seq
          ? `seq ${from} is missing at the end of the chain (deleted)`
          : `seq ${from}–${stop.seq} are missing at the end of the chain (deleted)`,
        stop.seq,
      );
    } else if (end && !this.head && this.prevSeq === end.seq && this.prevHash !== end.hash) {
      this.problem(end.seq, 'edited', `seq ${end.seq}: its hash is not the recorded end hash`);
    }
    const all = [...this.found.values()].sort((a, b) => a.seq - b.seq);
    const problems = all.slice(0, MAX_PROBLEMS);
    const head = this.head ?? { seq: this.prevSeq, hash: this.prevHash };
    return {
      ok: all.length === 0,
      records: this.count,
      ...(this.first !== undefined ? { firstSeq: this.first, lastSeq: this.prevSeq } : {}),
      anchor: {
        seq: this.anchor.seq,
        hash: this.anchor.hash,
        ...(this.anchor.archive ? { archive: this.anchor.archive } : {}),
      },
      head: { seq: head.seq, hash: head.hash },
      keyed: this.keyedCount,
      ...(this.unchecked > 0 ? { uncheckedKeyed: this.unchecked } : {}),
      problems,
      ...(all.length > problems.length ? { problemsTruncated: all.length - problems.length } : {}),
    };
  }
}

/** Verifies a whole chain held in memory (ascending seq), from its state's anchor to its head. */
export function verifyChain(
  records: Iterable<ChainRecord>,
  state: ChainState = EMPTY_CHAIN,
): AuditVerification {
  const verifier = new ChainVerifier(
    { seq: state.anchorSeq, hash: state.anchorHash, archive: state.anchorArchive },
    { seq: state.headSeq, hash: state.headHash },
  );
  for (const record of records) verifier.add(record);
  return verifier.finish();
}

/** One line per problem, for logs and the CLI. */
export function describeProblem(problem: AuditProblem): string {
  return `${problem.kind}: ${problem.message}`;
}
