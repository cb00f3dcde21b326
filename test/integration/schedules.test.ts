/** Daily schedules on the real server: create, pause/unpause, trigger, backfill (each run gets its own date), delete. */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { eventually, httpJson, startStack, testConfig, type TestStack } from '../support/harness';
import {
  AUDIT_RETENTION_SCHEDULE_ID,
  ensureAuditRetentionSchedule,
} from '../../src/schedules/audit-retention-schedule';
import { createTemporalClients } from '../../src/temporal/client';

const execFileAsync = promisify(execFile);
const repoRoot = path.resolve(__dirname, '../..');

describe('pipeline schedules', () => {
  let stack: TestStack;
  let base: string;
  beforeAll(async () => {
    stack = await startStack();
    base = stack.baseUrl!;
  });
  afterAll(async () => {
    await stack.stop();
  });

  async function completedRunsOf(scheduleId: string, expected: number) {
    return eventually(
      async () => {
        const runs: { workflowId: string; status: string }[] = [];
        for await (const w of stack.client.workflow.list({
          query: `TemporalScheduledById = '${scheduleId}'`,
        })) {
          runs.push({ workflowId: w.workflowId, status: w.status.name });
        }
        return runs.length === expected && runs.every((r) => r.status === 'COMPLETED') ? runs : undefined;
      },
      60_000,
      500,
    );
  }

  it('creates, pauses, unpauses, triggers, backfills and deletes through the API', async () => {
    const scheduleId = `daily-${randomUUID().slice(0, 8)}`;
    const created = await httpJson(base, 'POST', '/schedules', {
      scheduleId,
      cron: '30 17 * * MON-FRI',
      timezone: 'America/New_York',
      parameters: { symbols: ['AAPL', 'MSFT'], lookbackDays: 30, book: 'sched' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      scheduleId,
      paused: false,
      cron: ['30 17 * * MON-FRI'],
      timezone: 'America/New_York',
    });
    // The next run is at 17:30 New York time on a weekday.
    const next = new Date(created.body.nextActionTimes[0]);
    const nyTime = next.toLocaleString('en-US', {
      timeZone: 'America/New_York',
      hour: '2-digit',
      minute: '2-digit',
      hour12: false,
      weekday: 'short',
    });
    expect(nyTime).toMatch(/^(Mon|Tue|Wed|Thu|Fri) 17:30$/);

    expect(
      (await httpJson(base, 'POST', '/schedules', { scheduleId, parameters: { symbols: ['AAPL'] } })).status,
    ).toBe(409);

    const paused = await httpJson(base, 'POST', `/schedules/${scheduleId}/pause`, { note: 'holiday' });
    expect(paused.body).toMatchObject({ paused: true, note: 'holiday' });
    const unpaused = await httpJson(base, 'POST', `/schedules/${scheduleId}/unpause`, {});
    expect(unpaused.body.paused).toBe(false);

    const listed = await httpJson(base, 'GET', '/schedules');
    expect(listed.body.schedules.map((s: { scheduleId: string }) => s.scheduleId)).toContain(scheduleId);

    expect((await httpJson(base, 'POST', `/schedules/${scheduleId}/trigger`)).status).toBe(202);
    const [triggered] = await completedRunsOf(scheduleId, 1);
    expect(triggered.workflowId).toMatch(new RegExp(`^pipeline:sched:schedule-${scheduleId}-`));

    // Backfill Mon 16 – Wed 18 Nov 2026: three 17:30 New York slots, each run ingests its own date.
    const backfill = await httpJson(base, 'POST', `/schedules/${scheduleId}/backfill`, {
      start: '2026-11-16T00:00:00Z',
      end: '2026-11-19T00:00:00Z',
    });
    expect(backfill.status).toBe(202);
    const runs = await completedRunsOf(scheduleId, 4);
    const asOfDates: string[] = [];
    for (const r of runs.filter((r) => r.workflowId !== triggered.workflowId)) {
      const result = await httpJson(base, 'GET', `/workflows/${encodeURIComponent(r.workflowId)}/result`);
      asOfDates.push(result.body.result.input.asOf);
    }
    expect(asOfDates.sort()).toEqual(['2026-11-16', '2026-11-17', '2026-11-18']);

    expect((await httpJson(base, 'DELETE', `/schedules/${scheduleId}`)).status).toBe(204);
    expect((await httpJson(base, 'GET', `/schedules/${scheduleId}`)).status).toBe(404);
  });

  it('rejects bad schedule requests naming the field', async () => {
    const cases: [unknown, RegExp][] = [
      [{ parameters: { symbols: ['AAPL'] }, cron: 'every day' }, /body\.cron/],
      [{ parameters: { symbols: ['AAPL'] }, timezone: 'Mars/Olympus' }, /body\.timezone/],
      [{ parameters: { symbols: ['AAPL'], asOf: '2026-11-02' } }, /asOf/],
      [{ parameters: {} }, /body\.parameters\.symbols/],
    ];
    for (const [body, message] of cases) {
      const r = await httpJson(base, 'POST', '/schedules', body);
      expect(r.status).toBe(400);
      expect(r.body.error.message).toMatch(message);
    }
    const backfill = await httpJson(base, 'POST', '/schedules/x/backfill', {
      start: '2026-11-19T00:00:00Z',
      end: '2026-11-16T00:00:00Z',
    });
    expect(backfill.status).toBe(400);
    expect(backfill.body.error.message).toMatch(/body\.end: start must be before end/);
  });

  it('ensures the daily audit-retention schedule once, with the configured retention', async () => {
    const config = testConfig({ AUDIT_RETENTION_DAYS: '90' });
    const temporal = createTemporalClients(config);
    try {
      // The schedule id is fixed per namespace, and any API process started by another test file on this shared
      // dev server (e.g. the metrics test) ensures it at start-up: start from none.
      await temporal.client.schedule
        .getHandle(AUDIT_RETENTION_SCHEDULE_ID)
        .delete()
        .catch(() => undefined);
      expect(await ensureAuditRetentionSchedule(temporal, config)).toBe('created');
      expect(await ensureAuditRetentionSchedule(temporal, config)).toBe('exists');
      const handle = temporal.client.schedule.getHandle(AUDIT_RETENTION_SCHEDULE_ID);
      const description = await handle.describe();
      expect(description.action).toMatchObject({
        workflowType: 'auditRetention',
        args: [{ olderThanDays: 90, archiveDir: config.audit.archiveDir }],
      });
      await handle.delete();
    } finally {
      await temporal.close();
    }
  });

  it('the npm schedule script creates, lists and deletes a schedule, and names a bad flag', async () => {
    const scheduleId = `cli-${randomUUID().slice(0, 8)}`;
    const env = {
      ...process.env,
      TEMPORAL_ADDRESS: stack.config.temporal.address,
      TEMPORAL_TASK_QUEUE: stack.config.temporal.taskQueue,
      // Schedule changes from the CLI are recorded in this stack's audit log.
      TRADEFLOW_DB_PATH: stack.config.store.dbPath,
      AUDIT_LOG_FILE: stack.config.audit.logFile,
      DATABASE_URL: '',
    };
    const script = (...args: string[]) =>
      execFileAsync(
        process.execPath,
        ['--import', 'tsx', path.join(repoRoot, 'src/scripts/schedule-cli.ts'), ...args],
        {
          cwd: repoRoot,
          env,
          timeout: 60_000,
        },
      );
    const created = await script('create', '--id', scheduleId, '--symbols', 'AAPL,MSFT', '--paused');
    expect(JSON.parse(created.stdout)).toMatchObject({ scheduleId, paused: true });
    expect((await script('list')).stdout).toContain(scheduleId);
    await script('delete', scheduleId);
    expect((await script('list')).stdout).not.toContain(scheduleId);
    const audited = await stack.stores.audit.query({ resource: `schedule:${scheduleId}`, limit: 10 });
    expect(audited.map((r) => [r.action, r.result])).toEqual(
      expect.arrayContaining([
        ['schedule.create', 'success'],
        ['schedule.delete', 'success'],
      ]),
    );
    expect(audited[0].actor).toMatch(/^cli:/);

    const bad = await script('create', '--symbols', 'AAPL', '--timezone', 'Nowhere/Land').then(
      () => undefined,
      (e: { stderr: string; code: number }) => e,
    );
    expect(bad?.code).not.toBe(0);
    expect(bad?.stderr).toMatch(/--timezone: must be an IANA time zone/);
  });
});
