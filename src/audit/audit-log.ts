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
  type AuditVerification,
  type ChainState,
} from './chain';
import type { AuditEvent, AuditRecord } from './events';
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
  /** Walks the whole chain from the retention anchor to the chain head. */
  verify(): Promise<AuditVerification>;
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
    transports.push(new winston.transports.File({ filename: file }));
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
}

export function createAuditLog({ store, logger }: AuditLogDeps): AuditLog {
  return {
    store,

    async record(event) {
      const normalized = normalizeEvent(event);
      let record: AuditRecord;
      try {
        record = toAuditRecord(await store.append(normalized));
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
      return record;
    },

    async verify() {
      let verifier: ChainVerifier | undefined;
      await store.walk({
        state(state: ChainState) {
          verifier = new ChainVerifier(
            { seq: state.anchorSeq, hash: state.anchorHash, archive: state.anchorArchive },
            { seq: state.headSeq, hash: state.headHash },
          );
        },
        page(records) {
          for (const record of records) verifier!.add(record);
        },
      });
      return verifier!.finish();
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
      if (logger) await closeLogger(logger);
    },
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
