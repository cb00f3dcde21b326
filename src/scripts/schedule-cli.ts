/**
 * `npm run schedule -- <command>`: manage the daily pipeline schedule from a terminal.
 *   create --symbols AAPL,MSFT [--id daily-pipeline] [--cron "30 17 * * MON-FRI"] [--timezone America/New_York]
 *          [--provider synthetic] [--lookback 252] [--book default] [--paused]
 *   list | describe <id> | pause <id> | unpause <id> | trigger <id> | delete <id>
 *   backfill <id> --start 2026-11-02T00:00:00Z --end 2026-11-07T00:00:00Z
 */
import '../check-node';
import 'dotenv/config';
import { Client, Connection } from '@temporalio/client';
import { Command, InvalidArgumentError, type OutputConfiguration } from 'commander';
import type { AuditAction } from '../audit';
import { loadConfig } from '../config';
import { loadSecretsProviderFromEnv } from '../secrets/load-from-env';
import { temporalConnectionOptions } from '../temporal/connection-options';
import { withCliAudit } from './cli-audit';
import {
  backfillSchema,
  createPipelineSchedules,
  createScheduleSchemaFor,
  type PipelineSchedules,
} from '../schedules/pipeline-schedules';

function parseInteger(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n))
      throw new InvalidArgumentError(`${flag} must be a whole number, got "${value}"`);
    return n;
  };
}

/** A schedule change to record in the audit log, as the local OS user. */
interface AuditedChange {
  action: AuditAction;
  scheduleId: string;
}

function recordChange(change: AuditedChange, result: 'success' | 'failure', error?: unknown): Promise<void> {
  return withCliAudit(({ record }) =>
    record({
      action: change.action,
      resource: `schedule:${change.scheduleId}`,
      result,
      ...(error
        ? { details: { error: error instanceof Error ? error.message : JSON.stringify(error) } }
        : {}),
    }),
  );
}

async function withSchedules(
  work: (schedules: PipelineSchedules) => Promise<unknown>,
  change?: AuditedChange,
): Promise<void> {
  if (!change) return runOnSchedules(work);
  try {
    await runOnSchedules(work);
  } catch (error) {
    await recordChange(change, 'failure', error);
    throw error;
  }
  await recordChange(change, 'success');
}

async function runOnSchedules(work: (schedules: PipelineSchedules) => Promise<unknown>): Promise<void> {
  const config = loadConfig();
  const secrets = loadSecretsProviderFromEnv(process.env);
  const apiKey = await secrets.getSecret('TEMPORAL_API_KEY').finally(() => secrets.close?.());
  const connection = await Connection.connect({
    ...temporalConnectionOptions(config.temporal, apiKey),
    connectTimeout: 5000,
  }).catch((error: unknown) => {
    throw new Error(
      `Cannot reach Temporal at ${config.temporal.address} (set TEMPORAL_ADDRESS): ${error instanceof Error ? error.message : String(error)}`,
    );
  });
  try {
    const client = new Client({ connection, namespace: config.temporal.namespace });
    const schedules = createPipelineSchedules(client, {
      taskQueue: config.temporal.taskQueue,
      cron: config.schedule.cron,
      timezone: config.schedule.timezone,
    });
    const output = await work(schedules);
    if (output !== undefined) console.log(JSON.stringify(output, null, 2));
  } finally {
    await connection.close();
  }
}

/** A bad flag value found after commander's own parsing (commander prints its own errors; we print ours). */
class FlagError extends Error {
  override readonly name = 'FlagError';
}

function validated<T>(
  parse: () =>
    | { success: true; data: T }
    | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } },
  flagFor: (path: string) => string,
): T {
  const parsed = parse();
  if (parsed.success) return parsed.data;
  const messages = parsed.error.issues.map((i) => `${flagFor(i.path.map(String).join('.'))}: ${i.message}`);
  throw new FlagError(messages.join('; '));
}

const CREATE_FLAGS: Record<string, string> = {
  scheduleId: '--id',
  cron: '--cron',
  timezone: '--timezone',
  'parameters.symbols': '--symbols',
  'parameters.provider': '--provider',
  'parameters.lookbackDays': '--lookback',
  'parameters.book': '--book',
};

export function buildProgram(output?: OutputConfiguration): Command {
  const program = new Command('schedule')
    .description('Manage Tradeflow daily pipeline schedules (Temporal Schedules)')
    .exitOverride()
    .showHelpAfterError();
  // Before the subcommands are added, so they inherit it.
  if (output) program.configureOutput(output);

  program
    .command('create')
    .description('create a daily pipeline schedule')
    .requiredOption('--symbols <list>', 'comma-separated symbols, e.g. AAPL,MSFT')
    .option('--id <id>', 'schedule id', 'daily-pipeline')
    .option('--cron <expr>', 'cron expression (5 fields)')
    .option('--timezone <zone>', 'IANA time zone for the cron expression')
    .option('--provider <name>', 'synthetic | csv | yahoo')
    .option('--lookback <sessions>', 'lookback window in sessions', parseInteger('--lookback'))
    .option('--book <book>', 'book name', 'default')
    .option('--paused', 'create paused', false)
    .action(
      async (opts: {
        symbols: string;
        id: string;
        cron?: string;
        timezone?: string;
        provider?: string;
        lookback?: number;
        book: string;
        paused: boolean;
      }) => {
        const request = validated(
          () =>
            // The configured maxima (TRADEFLOW_MAX_*), as the API and the worker apply them.
            createScheduleSchemaFor(loadConfig().requestBounds).safeParse({
              scheduleId: opts.id,
              cron: opts.cron,
              timezone: opts.timezone,
              paused: opts.paused,
              parameters: {
                symbols: opts.symbols
                  .split(',')
                  .map((s) => s.trim())
                  .filter(Boolean),
                provider: opts.provider,
                lookbackDays: opts.lookback,
                book: opts.book,
              },
            }),
          (path) => CREATE_FLAGS[path] ?? CREATE_FLAGS[path.replace(/\.\d+$/, '')] ?? path,
        );
        await withSchedules((s) => s.create(request), {
          action: 'schedule.create',
          scheduleId: request.scheduleId,
        });
      },
    );

  program
    .command('list')
    .description('list schedules')
    .action(() => withSchedules((s) => s.list()));
  program.command('describe <id>').action((id: string) => withSchedules((s) => s.describe(id)));
  program
    .command('pause <id>')
    .option('--note <text>')
    .action((id: string, o: { note?: string }) =>
      withSchedules(
        async (s) => {
          await s.pause(id, o.note);
          return s.describe(id);
        },
        { action: 'schedule.pause', scheduleId: id },
      ),
    );
  program
    .command('unpause <id>')
    .option('--note <text>')
    .action((id: string, o: { note?: string }) =>
      withSchedules(
        async (s) => {
          await s.unpause(id, o.note);
          return s.describe(id);
        },
        { action: 'schedule.unpause', scheduleId: id },
      ),
    );
  program.command('trigger <id>').action((id: string) =>
    withSchedules(
      async (s) => {
        await s.trigger(id);
        return { scheduleId: id, triggered: true };
      },
      { action: 'schedule.trigger', scheduleId: id },
    ),
  );
  program
    .command('backfill <id>')
    .requiredOption('--start <iso>', 'start of the range, e.g. 2026-11-02T00:00:00Z')
    .requiredOption('--end <iso>', 'end of the range')
    .action((id: string, o: { start: string; end: string }) => {
      const range = validated(
        () => backfillSchema.safeParse({ start: o.start, end: o.end }),
        (p) => `--${p}`,
      );
      return withSchedules(
        async (s) => {
          await s.backfill(id, range);
          return { scheduleId: id, backfill: range };
        },
        { action: 'schedule.backfill', scheduleId: id },
      );
    });
  program.command('delete <id>').action((id: string) =>
    withSchedules(
      async (s) => {
        await s.delete(id);
        return { scheduleId: id, deleted: true };
      },
      { action: 'schedule.delete', scheduleId: id },
    ),
  );
  return program;
}

if (require.main === module) {
  buildProgram()
    .parseAsync(process.argv)
    .catch((error: unknown) => {
      const e = error as { code?: string; message?: string; exitCode?: number };
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') process.exit(0);
      // Commander has already printed its own parse errors; print ours and runtime failures.
      if (!e.code?.startsWith('commander.')) console.error(`error: ${e.message ?? String(error)}`);
      process.exit(e.exitCode && e.exitCode !== 0 ? e.exitCode : 1);
    });
}
