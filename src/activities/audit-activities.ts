/**
 * Audit retention activities. `exportAuditArchive` writes the records due for retention (a prefix of the chain,
 * verified first: a broken chain is never archived and deleted, it is evidence) to a JSONL archive;
 * `pruneAuditArchive` re-verifies that file and only then deletes the archived records and moves the anchor, in one
 * transaction. Both are idempotent, so Temporal can retry them.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { NON_RETRYABLE_ERRORS } from '../contracts/errors';
import { archiveKeyIds, verifyArchive, writeArchive } from '../audit/archive';
import type { AuditLog } from '../audit/audit-log';
import { ChainVerifier, describeProblem, type ChainRecord } from '../audit/chain';

export interface ExportAuditArchiveInput {
  /** ISO instant: records older than this are due. */
  cutoff: string;
  archiveDir: string;
  /** At most this many records per archive (the workflow loops for more). */
  maxRecords: number;
}

/** What an export wrote; the prune input. */
export interface AuditArchiveSummary {
  file: string;
  anchorSeq: number;
  anchorHash: string;
  firstSeq: number;
  lastSeq: number;
  lastHash: string;
  count: number;
}

export interface AuditActivityDeps {
  audit: AuditLog;
  /** Records read per page (and per heartbeat). */
  pageSize?: number;
}

export const AUDIT_CHAIN_BROKEN = NON_RETRYABLE_ERRORS.auditChainBroken;
export const AUDIT_CHAIN_CONFLICT = NON_RETRYABLE_ERRORS.auditChainConflict;

function heartbeat(details?: unknown): void {
  try {
    Context.current().heartbeat(details);
  } catch {
    // called outside an activity (tests)
  }
}

export function createAuditActivities(deps: AuditActivityDeps) {
  const { audit } = deps;
  const pageSize = deps.pageSize ?? 1000;

  return {
    exportAuditArchive: async (input: ExportAuditArchiveInput): Promise<AuditArchiveSummary | null> => {
      const chain = await audit.store.chainState();
      const boundary = Math.min(
        await audit.store.retentionBoundary(input.cutoff),
        chain.anchorSeq + input.maxRecords,
      );
      if (boundary <= chain.anchorSeq) return null;

      const anchor = { seq: chain.anchorSeq, hash: chain.anchorHash };
      const verifier = new ChainVerifier(anchor, undefined, {
        keys: await audit.acceptedKeys(await audit.store.keyIds()),
      });
      const records: ChainRecord[] = [];
      for (let after = chain.anchorSeq; after < boundary;) {
        const page = await audit.store.range(after, boundary, pageSize);
        if (page.length === 0) break;
        for (const record of page) verifier.add(record);
        records.push(...page);
        after = page[page.length - 1].seq;
        heartbeat({ exportedThrough: after });
      }
      const last = records[records.length - 1];
      const check = verifier.finish({ seq: boundary, hash: last?.seq === boundary ? last.hash : '' });
      if (!check.ok) {
        throw ApplicationFailure.create({
          type: AUDIT_CHAIN_BROKEN,
          nonRetryable: true,
          message: `Refusing to archive and delete a broken audit chain (run npm run audit:verify): ${describeProblem(check.problems[0])}`,
          details: [check.problems.slice(0, 20)],
        });
      }

      const dir = path.resolve(input.archiveDir);
      mkdirSync(dir, { recursive: true });
      const file = writeArchive(
        dir,
        {
          anchor,
          firstSeq: records[0].seq,
          lastSeq: last.seq,
          lastHash: last.hash,
          count: records.length,
          cutoff: input.cutoff,
          createdAt: new Date().toISOString(),
        },
        records,
      );
      return {
        file,
        anchorSeq: anchor.seq,
        anchorHash: anchor.hash,
        firstSeq: records[0].seq,
        lastSeq: last.seq,
        lastHash: last.hash,
        count: records.length,
      };
    },

    pruneAuditArchive: async (archive: AuditArchiveSummary): Promise<{ deleted: number }> => {
      // Delete only what a readable, intact file on disk holds.
      const check = verifyArchive(archive.file, {
        keys: await audit.acceptedKeys(archiveKeyIds([archive.file])),
      });
      const header = check.header;
      if (
        !check.ok ||
        !header ||
        header.anchor.seq !== archive.anchorSeq ||
        header.anchor.hash !== archive.anchorHash ||
        header.lastSeq !== archive.lastSeq ||
        header.lastHash !== archive.lastHash
      ) {
        throw ApplicationFailure.create({
          type: AUDIT_CHAIN_CONFLICT,
          nonRetryable: true,
          message: `Archive ${archive.file} does not verify or does not match what was exported; nothing deleted${check.problems[0] ? `: ${describeProblem(check.problems[0])}` : ''}`,
        });
      }
      let deleted: number;
      try {
        ({ deleted } = await audit.store.prune({
          fromAnchorSeq: archive.anchorSeq,
          throughSeq: archive.lastSeq,
          throughHash: archive.lastHash,
          archive: path.basename(archive.file),
        }));
      } catch (error) {
        if (error instanceof Error && error.name === 'AuditChainConflictError') {
          throw ApplicationFailure.create({
            type: AUDIT_CHAIN_CONFLICT,
            nonRetryable: true,
            message: error.message,
          });
        }
        throw error;
      }
      if (deleted > 0) {
        await audit.record({
          actor: 'system:audit-retention',
          action: 'audit.archive',
          resource: `audit-archive:${path.basename(archive.file)}`,
          result: 'success',
          details: {
            firstSeq: archive.firstSeq,
            lastSeq: archive.lastSeq,
            count: archive.count,
            lastHash: archive.lastHash,
          },
        });
      }
      return { deleted };
    },
  };
}

export type AuditActivities = ReturnType<typeof createAuditActivities>;
