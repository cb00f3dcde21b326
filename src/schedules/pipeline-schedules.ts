/**
 * Daily pipeline schedules (Temporal Schedules): create, list, describe, pause, unpause, trigger, backfill, delete.
 * Each scheduled run takes its as-of date from the schedule's nominal time (TemporalScheduledStartTime), so a
 * backfill over last week runs last week's dates, not today's.
 */
import { ScheduleOverlapPolicy, type Client, type ScheduleDescription } from '@temporalio/client';
import { z } from 'zod';
import { DEFAULT_REQUEST_BOUNDS, type RequestBounds } from '../pipeline/bounds';
import { pipelineInputObject } from '../pipeline/input';
import { TRADING_PIPELINE_WORKFLOW } from '../contracts/workflow-names';
import { PIPELINE_STAGE, RISK_STATUS, SYMBOLS } from '../contracts/search-attributes';

export const OVERLAP_POLICIES = [
  'SKIP',
  'BUFFER_ONE',
  'BUFFER_ALL',
  'CANCEL_OTHER',
  'TERMINATE_OTHER',
  'ALLOW_ALL',
] as const;

const scheduleId = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 letters, digits, ".", "_" or "-"');

function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** A schedule's definition; its pipeline parameters are held to the configured maxima, as a trigger's are. */
export function createScheduleSchemaFor(bounds: RequestBounds) {
  return z
    .object({
      scheduleId: scheduleId.default('daily-pipeline'),
      cron: z
        .string()
        .regex(/^\S+(\s+\S+){4}$/, 'must be a 5-field cron expression such as "30 17 * * MON-FRI"')
        .optional(),
      timezone: z
        .string()
        .refine(isValidTimeZone, 'must be an IANA time zone such as America/New_York')
        .optional(),
      parameters: pipelineInputObject(bounds).omit({ asOf: true, to: true, from: true }),
      paused: z.boolean().default(false),
      overlap: z.enum(OVERLAP_POLICIES).default('SKIP'),
      note: z.string().max(500).optional(),
    })
    .strict();
}

export const createScheduleSchema = createScheduleSchemaFor(DEFAULT_REQUEST_BOUNDS);

export type CreateScheduleRequest = z.input<typeof createScheduleSchema>;

const isoInstant = z.iso.datetime({
  offset: true,
  message: 'must be an ISO-8601 timestamp, e.g. 2026-11-02T00:00:00Z',
});
export const backfillSchema = z
  .object({
    start: isoInstant,
    end: isoInstant,
    overlap: z.enum(OVERLAP_POLICIES).default('ALLOW_ALL'),
  })
  .strict()
  .refine((b) => Date.parse(b.start) < Date.parse(b.end), {
    message: 'start must be before end',
    path: ['end'],
  })
  .refine((b) => Date.parse(b.end) - Date.parse(b.start) <= 366 * 86_400_000, {
    message: 'a backfill may span at most 366 days',
    path: ['end'],
  });

export interface ScheduleDefaults {
  taskQueue: string;
  cron: string;
  timezone: string;
}

export interface ScheduleSummary {
  scheduleId: string;
  paused: boolean;
  note?: string;
  cron: string[];
  timezone?: string;
  nextActionTimes: string[];
  recentActions: { scheduledAt: string; workflowId: string }[];
  parameters?: unknown;
}

export function createPipelineSchedules(client: Client, defaults: ScheduleDefaults) {
  return {
    async create(request: z.output<typeof createScheduleSchema>): Promise<ScheduleSummary> {
      const params = request.parameters;
      const cron = request.cron ?? defaults.cron;
      const timezone = request.timezone ?? defaults.timezone;
      const handle = await client.schedule.create({
        scheduleId: request.scheduleId,
        spec: { cronExpressions: [cron], timezone },
        // The server turns cron into calendar specs; keep the expression the operator wrote for display.
        memo: { cron },
        action: {
          type: 'startWorkflow',
          workflowType: TRADING_PIPELINE_WORKFLOW,
          // The server appends the nominal time: pipeline:<book>:schedule-<id>-2026-11-25T22:30:00Z
          workflowId: `pipeline:${params.book}:schedule-${request.scheduleId}`,
          taskQueue: defaults.taskQueue,
          args: [params],
          typedSearchAttributes: [
            { key: SYMBOLS, value: params.symbols },
            { key: PIPELINE_STAGE, value: 'queued' },
            { key: RISK_STATUS, value: 'pending' },
          ],
        },
        policies: { overlap: ScheduleOverlapPolicy[request.overlap], catchupWindow: '1 day' },
        state: { paused: request.paused, note: request.note },
      });
      return summarize(request.scheduleId, await handle.describe());
    },

    async list(): Promise<ScheduleSummary[]> {
      const out: ScheduleSummary[] = [];
      for await (const entry of client.schedule.list()) {
        out.push({
          scheduleId: entry.scheduleId,
          paused: entry.state.paused,
          note: entry.state.note,
          cron: cronFromMemo(entry.memo),
          timezone: entry.spec?.timezone,
          nextActionTimes: (entry.info.nextActionTimes ?? []).map((d) => d.toISOString()),
          recentActions: (entry.info.recentActions ?? []).map((a) => ({
            scheduledAt: a.scheduledAt.toISOString(),
            workflowId: a.action.workflow.workflowId,
          })),
        });
      }
      return out;
    },

    async describe(id: string): Promise<ScheduleSummary> {
      return summarize(id, await client.schedule.getHandle(id).describe());
    },

    pause: (id: string, note?: string) => client.schedule.getHandle(id).pause(note ?? 'Paused via Tradeflow'),
    unpause: (id: string, note?: string) =>
      client.schedule.getHandle(id).unpause(note ?? 'Unpaused via Tradeflow'),
    trigger: (id: string) => client.schedule.getHandle(id).trigger(ScheduleOverlapPolicy.ALLOW_ALL),
    backfill: (id: string, range: z.output<typeof backfillSchema>) =>
      client.schedule.getHandle(id).backfill({
        start: new Date(range.start),
        end: new Date(range.end),
        overlap: ScheduleOverlapPolicy[range.overlap],
      }),
    delete: (id: string) => client.schedule.getHandle(id).delete(),
  };
}

export type PipelineSchedules = ReturnType<typeof createPipelineSchedules>;

function summarize(scheduleId: string, description: ScheduleDescription): ScheduleSummary {
  const action = description.action;
  return {
    scheduleId,
    paused: description.state.paused,
    note: description.state.note,
    cron: cronFromMemo(description.memo),
    timezone: description.spec.timezone,
    nextActionTimes: description.info.nextActionTimes.map((d) => d.toISOString()),
    recentActions: description.info.recentActions.map((a) => ({
      scheduledAt: a.scheduledAt.toISOString(),
      workflowId: a.action.workflow.workflowId,
    })),
    parameters: action.type === 'startWorkflow' ? action.args?.[0] : undefined,
  };
}

function cronFromMemo(memo: Record<string, unknown> | undefined): string[] {
  return typeof memo?.cron === 'string' ? [memo.cron] : [];
}
