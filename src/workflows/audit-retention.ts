/**
 * Audit retention: records older than `olderThanDays` are exported to JSONL archives (with the chain anchor) and
 * then deleted, in batches of at most `maxRecordsPerArchive`. Orchestration only: the cutoff comes from workflow
 * time (deterministic), the file and database work from the audit activities.
 */
import { ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import { ACTIVITY_POLICIES } from './activity-policies';
import type { AuditArchiveSummary, createAuditActivities } from '../activities/audit-activities';

export const AUDIT_RETENTION_WORKFLOW = 'auditRetention';
/** The id the retention schedule starts its runs under (one at a time). */
export const AUDIT_RETENTION_WORKFLOW_ID = 'audit-retention';

export interface AuditRetentionInput {
  /** Records older than this many days (whole days, at least 1) are archived and deleted. */
  olderThanDays: number;
  /** Where archives go (a folder on the worker's filesystem). */
  archiveDir: string;
  /** Records per archive file; default 50,000. */
  maxRecordsPerArchive?: number;
  /** Archives per run at most (the next run continues); default 100. */
  maxArchives?: number;
}

export interface AuditRetentionResult {
  cutoff: string;
  archives: AuditArchiveSummary[];
  deleted: number;
}

const { exportAuditArchive, pruneAuditArchive } = proxyActivities<ReturnType<typeof createAuditActivities>>(
  ACTIVITY_POLICIES.auditRetention,
);

const DAY_MS = 86_400_000;

function wholeNumber(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw ApplicationFailure.nonRetryable(
      `${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`,
      'InvalidAuditRetentionInput',
    );
  }
  return value;
}

export async function auditRetention(input: AuditRetentionInput): Promise<AuditRetentionResult> {
  const olderThanDays = wholeNumber(input?.olderThanDays, 'olderThanDays', 1, 36_500);
  if (typeof input.archiveDir !== 'string' || input.archiveDir.trim() === '') {
    throw ApplicationFailure.nonRetryable('archiveDir must name a folder', 'InvalidAuditRetentionInput');
  }
  const maxRecords = wholeNumber(input.maxRecordsPerArchive ?? 50_000, 'maxRecordsPerArchive', 1, 1_000_000);
  const maxArchives = wholeNumber(input.maxArchives ?? 100, 'maxArchives', 1, 10_000);

  // Workflow time is recorded in history, so the cutoff replays identically.
  const cutoff = new Date(Date.now() - olderThanDays * DAY_MS).toISOString();
  const archives: AuditArchiveSummary[] = [];
  let deleted = 0;
  for (let i = 0; i < maxArchives; i += 1) {
    const archive = await exportAuditArchive({ cutoff, archiveDir: input.archiveDir, maxRecords });
    if (!archive) break;
    deleted += (await pruneAuditArchive(archive)).deleted;
    archives.push(archive);
    if (archive.count < maxRecords) break;
  }
  return { cutoff, archives, deleted };
}
