/**
 * The daily audit-retention schedule: archives and deletes audit records older than AUDIT_RETENTION_DAYS. Created
 * by the API at start-up when missing (an existing one, perhaps paused or edited by an operator, is left alone).
 */
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';
import type { TradeflowConfig } from '../config';
import type { TemporalClients } from '../temporal/client';
import { AUDIT_RETENTION_WORKFLOW, AUDIT_RETENTION_WORKFLOW_ID } from '../workflows/audit-retention';

export const AUDIT_RETENTION_SCHEDULE_ID = 'audit-retention-daily';

export async function ensureAuditRetentionSchedule(
  temporal: TemporalClients,
  config: TradeflowConfig,
): Promise<'created' | 'exists'> {
  try {
    await temporal.client.schedule.create({
      scheduleId: AUDIT_RETENTION_SCHEDULE_ID,
      spec: { cronExpressions: ['15 3 * * *'], timezone: 'UTC' },
      action: {
        type: 'startWorkflow',
        workflowType: AUDIT_RETENTION_WORKFLOW,
        workflowId: AUDIT_RETENTION_WORKFLOW_ID,
        taskQueue: temporal.taskQueue,
        args: [{ olderThanDays: config.audit.retentionDays, archiveDir: config.audit.archiveDir }],
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
    });
    return 'created';
  } catch (error) {
    if (error instanceof ScheduleAlreadyRunning) return 'exists';
    throw error;
  }
}
