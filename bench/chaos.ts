/**
 * `npm run chaos -- [--pipelines 200] [--kills 21] [--seed 7] [--json]`
 *
 * Runs pipelines against the real stack while SIGKILLing the worker, the API and the Temporal dev server at random
 * moments (see bench/chaos/run.ts), then prints runs started, completed, lost, duplicate executions and rows, and
 * the longest recovery. Exits 1 when a run was lost or anything was duplicated.
 */
import { Command, InvalidArgumentError } from 'commander';
import { DEFAULT_CHAOS_OPTIONS, runChaos } from './chaos/run';

const wholeNumber = (flag: string, min: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new InvalidArgumentError(`${flag} must be a whole number >= ${min}`);
  return n;
};

async function main(): Promise<void> {
  const program = new Command('chaos')
    .description('Pipelines under SIGKILLs of the worker, the API and the Temporal dev server')
    .option(
      '--pipelines <n>',
      'pipelines to trigger',
      wholeNumber('--pipelines', 1),
      DEFAULT_CHAOS_OPTIONS.pipelines,
    )
    .option(
      '--kills <n>',
      'SIGKILLs in all, spread over the three',
      wholeNumber('--kills', 0),
      DEFAULT_CHAOS_OPTIONS.kills,
    )
    .option(
      '--seed <n>',
      'seed of the kill order and timing',
      wholeNumber('--seed', 0),
      DEFAULT_CHAOS_OPTIONS.seed,
    )
    .option('--json', 'print the report as JSON')
    .parse();
  const flags = program.opts<{ pipelines: number; kills: number; seed: number; json?: boolean }>();
  const report = await runChaos({
    ...DEFAULT_CHAOS_OPTIONS,
    pipelines: flags.pipelines,
    kills: flags.kills,
    seed: flags.seed,
    log: flags.json ? undefined : (line) => console.log(`[chaos] ${line}`),
  });
  if (flags.json) {
    console.log(JSON.stringify(report, null, 2));
  } else {
    const rows: [string, string | number][] = [
      ['pipelines triggered (acknowledged)', `${report.acknowledged} of ${report.pipelines}`],
      ['completed', report.completed],
      ['lost (acknowledged, not completed)', report.lost.length],
      ['failed', report.failed.length],
      ['duplicate executions', report.duplicateExecutions],
      [
        'duplicate stored rows (runs / signals / risk reports)',
        `${report.duplicateRows.pipelineRuns} / ${report.duplicateRows.signals} / ${report.duplicateRows.riskReports}`,
      ],
      [
        'kills (server / worker / api)',
        `${report.kills.server} / ${report.kills.worker} / ${report.kills.api}`,
      ],
      ['longest recovery (killed → serving again)', `${report.longestRecoveryMs} ms`],
      [
        'pipeline start → completed: median / longest',
        `${report.medianPipelineMs} ms / ${report.longestPipelineMs} ms`,
      ],
      ['trigger retries', report.triggerRetries],
      ['duration', `${(report.durationMs / 1000).toFixed(1)} s`],
    ];
    for (const [label, value] of rows) console.log(`${label.padEnd(56)} ${value}`);
    if (report.lost.length > 0) console.log(`lost: ${report.lost.join(', ')}`);
  }
  const duplicates =
    report.duplicateExecutions +
    report.duplicateRows.pipelineRuns +
    report.duplicateRows.signals +
    report.duplicateRows.riskReports;
  process.exitCode = report.lost.length > 0 || duplicates > 0 ? 1 : 0;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(2);
});
