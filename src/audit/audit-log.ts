/**
 * The audit log: `record` appends an event to the hash chain in the store and writes the stored record as one JSON
 * line through a dedicated winston logger (its own file, optionally the console too), so the file is a second,
 * independent copy of every record with its seq and hash. `verify` walks the chain; `query` filters and pages it.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import winston from 'winston';
import {
  ChainVerifier,
  describeProblem,
  normalizeEvent,
  toAuditRecord,
  type AuditKeys,
  type AuditProblem,
  type AuditVerification,
  type ChainState,
} from './chain';
import { fileClaims, readFileLines, signCheckpoint } from './checkpoints';
import type { AuditEvent, AuditRecord } from './events';
import { loadAuditKeyring, type AuditKeyring } from './keys';
import type { SecretsProvider } from '../secrets/secrets-provider';
import type { AuditQuery, AuditStore } from './store';

export interface AuditPage {
  records: AuditRecord[];
  /** Pass as `cursor` for the next page; absent on the last page. */
  nextCursor?: number;
}

export interface AuditLog {
  readonly store: AuditStore;
  /** Appends the event (seq, timestamp, prevHash and hash added) and writes its log line. */
  record(event: AuditEvent): Promise<AuditRecord>;
  /**
   * Walks the whole chain from the retention anchor to the chain head, checking every keyed record's HMAC, and
   * cross-checks it with the record lines and signed checkpoints of the audit log file (`anchorFile`).
   */
  verify(): Promise<AuditVerification>;
  /** Writes a signed checkpoint of the chain head to the audit logger now (also done every `checkpointEvery`). */
  checkpoint(): Promise<void>;
  /**
   * The HMAC keys for these key ids (and the current one) that can be found, to verify records outside the store
   * (archives); undefined when this log has no keys (then keyed records can be checked for their links only).
   */
  acceptedKeys(ids: Iterable<string>): Promise<AuditKeys | undefined>;
  query(filter: AuditQuery): Promise<AuditPage>;
  /** Flushes and closes the audit logger (not the store). */
  close(): Promise<void>;
}

export class AuditWriteError extends Error {
  override readonly name = 'AuditWriteError';
}

export interface AuditLoggerOptions {
  /** The JSON-lines file (created with its folder); default data/audit.log; `false` for none. */
  file?: string | false;
  /** Also write each line to stdout. */
  console?: boolean;
}

export const DEFAULT_AUDIT_LOG_FILE = 'data/audit.log';

/** One line per record: the record itself as JSON (the `audit` field of the log call), nothing else. */
const auditLineFormat = winston.format.printf((info) =>
  JSON.stringify(info.audit ?? { message: info.message }),
);

/** The dedicated audit logger: JSON lines to its own file (and stdout if asked), never to the application log. */
export function createAuditLogger(options: AuditLoggerOptions = {}): winston.Logger {
  const transports: winston.transport[] = [];
  const file = options.file === undefined ? DEFAULT_AUDIT_LOG_FILE : options.file;
  if (file) {
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    // Owner-only at creation, like the database (winston hands `options` to fs.createWriteStream).
    transports.push(new winston.transports.File({ filename: file, options: { flags: 'a', mode: 0o600 } }));
  }
  if (options.console) transports.push(new winston.transports.Console());
  return winston.createLogger({
    level: 'info',
    format: auditLineFormat,
    transports,
    // With no transport winston warns on every write; a silent logger is what "no file, no console" means.
    silent: transports.length === 0,
    exitOnError: false,
  });
}

/** Ends a winston logger once every transport has flushed what was written to it. */
export function closeLogger(logger: winston.Logger, timeoutMs = 5000): Promise<void> {
  const flushed = logger.transports.map(
    (transport) =>
      new Promise<void>((resolve) => {
        transport.once('finish', () => resolve());
        transport.once('close', () => resolve());
      }),
  );
  logger.end();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    void Promise.all(flushed).then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export interface AuditLogDeps {
  store: AuditStore;
  /** The audit logger (createAuditLogger); without one, records go to the store only. Closed by `close()`. */
  logger?: winston.Logger;
  /**
   * The HMAC keys (loadAuditKeyring; a promise is awaited on first use). Without them records are plain SHA-256
   * (v1) and verification checks keyed records' links only: only for tests of the chain itself.
   */
  keys?: AuditKeyring | Promise<AuditKeyring> | (() => Promise<AuditKeyring>);
  /** The audit logger's file, which verification cross-checks (the API and audit:verify pass AUDIT_LOG_FILE). */
  anchorFile?: string;
  /** Records between signed checkpoints written by this process (default 100; 0: none but `checkpoint()`). */
  checkpointEvery?: number;
}

export function createAuditLog({
  store,
  logger,
  keys,
  anchorFile,
  checkpointEvery = 100,
}: AuditLogDeps): AuditLog {
  let sinceCheckpoint = 0;
  // Loaded on first use (the secrets provider may itself record to this log), once; a keyring that fails to load
  // fails every write and verification (closed).
  let loaded: Promise<AuditKeyring> | undefined;
  const keyring =
    keys === undefined
      ? undefined
      : () =>
          (loaded ??= (typeof keys === 'function' ? keys() : Promise.resolve(keys)).catch(
            (error: unknown) => {
              loaded = undefined; // try again next time (Vault may be back)
              throw error;
            },
          ));

  const writeCheckpoint = async (): Promise<void> => {
    if (!logger || !keyring) return;
    const state = await store.chainState();
    if (state.headSeq === 0) return;
    const signed = signCheckpoint(
      { seq: state.headSeq, hash: state.headHash, anchorSeq: state.anchorSeq },
      (await keyring()).signing,
    );
    logger.info('audit checkpoint', { audit: signed });
  };

  const verify = async (): Promise<AuditVerification> => {
    const ring = keyring ? await keyring() : undefined;
    const read = anchorFile ? await readFileLines(anchorFile) : undefined;
    let accepted: AuditKeys | undefined;
    if (ring) {
      const ids = new Set([...(await store.keyIds()), ...(read?.keyIds ?? []), ring.signing.id]);
      accepted = await ring.resolve([...ids]);
    }
    const claims = anchorFile && read ? fileClaims(anchorFile, read, accepted) : undefined;
    let verifier: ChainVerifier | undefined;
    let anchorSeq = 0;
    const external: AuditProblem[] = [...(claims?.forged ?? [])];
    await store.walk({
      state(state: ChainState) {
        anchorSeq = state.anchorSeq;
        verifier = new ChainVerifier(
          { seq: state.anchorSeq, hash: state.anchorHash, archive: state.anchorArchive },
          { seq: state.headSeq, hash: state.headHash },
          { keys: accepted },
        );
      },
      page(records) {
        for (const record of records) {
          verifier!.add(record);
          const claim = claims?.claims.get(record.seq);
          if (claim && claim.hash !== record.hash) {
            external.push({
              seq: record.seq,
              kind: 'edited',
              message: `seq ${record.seq}: its hash is not the one the ${claim.from === 'checkpoint' ? 'signed checkpoint' : 'record line'} at ${anchorFile} line ${claim.line} holds (rewritten in the database)`,
            });
          }
          claims?.claims.delete(record.seq);
        }
      },
    });
    const result = verifier!.finish();
    if (claims) {
      // What the file vouches for and the database no longer holds (after the retention anchor): deleted.
      const missing = [...claims.claims.keys()].filter((seq) => seq > anchorSeq).sort((a, b) => a - b);
      const highestSeq = Math.max(anchorSeq, ...claims.claims.keys(), result.lastSeq ?? 0);
      if (missing.length > 0) {
        const first = missing[0];
        const last = missing[missing.length - 1];
        external.push({
          seq: first,
          ...(last !== first ? { toSeq: last } : {}),
          kind: 'deleted',
          message: `${missing.length} record${missing.length === 1 ? '' : 's'} between seq ${first} and ${last} that ${anchorFile} holds (record lines or signed checkpoints) are not in the database (deleted, or the tail truncated)`,
        });
      }
      result.external = {
        file: claims.file,
        records: claims.records,
        checkpoints: claims.checkpoints,
        highestSeq,
        ...(claims.exists ? {} : { note: 'no audit log file yet: nothing to cross-check' }),
      };
    }
    if (external.length > 0) {
      result.ok = false;
      result.problems = [...result.problems, ...external].sort((a, b) => a.seq - b.seq);
    }
    return result;
  };

  return {
    store,

    async record(event) {
      const normalized = normalizeEvent(event);
      let record: AuditRecord;
      try {
        const signing = keyring ? (await keyring()).signing : undefined;
        record = toAuditRecord(await store.append(normalized, signing));
      } catch (error) {
        // The line still goes to the file, marked as not stored, so the event is not lost with the database.
        const message = error instanceof Error ? error.message : String(error);
        logger?.error('audit', {
          audit: { ...event, timestamp: new Date().toISOString(), stored: false, error: message },
        });
        throw new AuditWriteError(`Could not store the audit record (${event.action}): ${message}`, {
          cause: error,
        });
      }
      logger?.info('audit', { audit: record });
      sinceCheckpoint += 1;
      if (checkpointEvery > 0 && sinceCheckpoint >= checkpointEvery) {
        sinceCheckpoint = 0;
        // A failed checkpoint must not fail the request that was recorded; the next one covers it.
        await writeCheckpoint().catch(() => undefined);
      }
      return record;
    },

    verify,

    checkpoint: writeCheckpoint,

    async acceptedKeys(ids) {
      if (!keyring) return undefined;
      const ring = await keyring();
      return ring.resolve([...new Set([...ids, ring.signing.id])]);
    },

    async query(filter) {
      const rows = await store.query({ ...filter, limit: filter.limit + 1 });
      const page = rows.slice(0, filter.limit);
      return {
        records: page.map(toAuditRecord),
        ...(rows.length > filter.limit ? { nextCursor: page[page.length - 1].seq } : {}),
      };
    },

    async close() {
      if (logger) {
        if (sinceCheckpoint > 0) await writeCheckpoint().catch(() => undefined);
        await closeLogger(logger);
      }
    },
  };
}

/**
 * What the services pass to createAuditLog: the keyring from the secrets provider (or the development key file),
 * the log file to cross-check, and the checkpoint interval. `secrets` is called on first use.
 */
export function auditKeyDeps(
  config: { audit: { logFile: string; hmacKeyFile?: string; checkpointEvery: number } },
  secrets: () => SecretsProvider,
): Pick<AuditLogDeps, 'keys' | 'anchorFile' | 'checkpointEvery'> {
  return {
    keys: () => loadAuditKeyring(secrets(), { localKeyFile: config.audit.hmacKeyFile }),
    anchorFile: config.audit.logFile,
    checkpointEvery: config.audit.checkpointEvery,
  };
}

/** A one-line summary of a verification: "intact: …" or the first problem. */
export function summarizeVerification(result: AuditVerification): string {
  const span =
    result.records === 0
      ? 'no records'
      : `${result.records} record${result.records === 1 ? '' : 's'} (seq ${result.firstSeq}–${result.lastSeq})`;
  const anchor = result.anchor.seq > 0 ? `, from retention anchor seq ${result.anchor.seq}` : '';
  if (result.ok) return `audit chain intact: ${span}${anchor}, head seq ${result.head.seq}`;
  const more = result.problems.length - 1 + (result.problemsTruncated ?? 0);
  return `audit chain BROKEN at seq ${result.problems[0].seq}: ${describeProblem(result.problems[0])}${more > 0 ? ` (and ${more} more problem${more === 1 ? '' : 's'})` : ''}`;
}
