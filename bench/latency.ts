/**
 * `npm run bench:latency -- [--runs 100] [--warmup 10] [--variants a,b] [--profiles p,q]
 *   [--dynamic-config KEY=VALUE]... [--workflow-pollers n] [--max-cached n] [--json]`
 *
 * Single-workflow end-to-end latency (client start → result), one run at a time, warm-up runs excluded.
 * Variants: an empty workflow; a trivial ingest → signal → risk workflow whose stages are normal activities,
 * eagerly dispatched activities or local activities; some of these with eager workflow start; our real
 * tradingPipeline on the real worker; and (opt-in) sequential durable timers. Every server profile (a named
 * set of dev-server dynamic config, see SERVER_PROFILES; `--dynamic-config` adds to all) gets its own dev
 * server, workers and task queues; all variants of a profile run on that one server. Worker poller/sticky
 * settings of the bench worker are flags. Prints median/p95/p99 per profile and variant and, per profile,
 * where the slowest variant's time goes according to its event histories (median over the measured runs).
 * `--json` prints all of it as JSON.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { Command, InvalidArgumentError } from 'commander';
import { loadConfig } from '../src/config';
import { openStores } from '../src/store';
import { DEFAULT_DYNAMIC_CONFIG } from '../src/temporal/dev-server';
import { buildWorker } from '../src/worker';
import { PIPELINE_STAGE, RISK_STATUS, SYMBOLS } from '../src/contracts/search-attributes';
import type { StageMode } from './workflows';
import {
  collectKeyValue,
  createBenchWorker,
  latencyStats,
  positiveInt,
  quietRuntime,
  SERVER_PROFILES as PROFILES,
  startBenchServer,
  table,
  type BenchServer,
  type BenchWorkerTuning,
  type LatencyStats,
} from './workflows/harness';

interface Variant {
  description: string;
  workflow: 'emptyWorkflow' | 'trivialPipeline' | 'sequentialTimers' | 'tradingPipeline';
  mode?: StageMode;
  eagerStart?: boolean;
}

const VARIANTS: Record<string, Variant> = {
  empty: { description: '(a) empty workflow', workflow: 'emptyWorkflow' },
  activities: {
    description: '(b) 3 sequential activities, dispatched through matching',
    workflow: 'trivialPipeline',
    mode: 'no-eager',
  },
  local: { description: '(c) 3 sequential local activities', workflow: 'trivialPipeline', mode: 'local' },
  eager: {
    description: '(d) 3 sequential activities, eager dispatch (needs system.enableActivityEagerExecution)',
    workflow: 'trivialPipeline',
    mode: 'activities',
  },
  pipeline: {
    description:
      'our real tradingPipeline (synthetic data, 3 symbols x 120 sessions, started like the API does)',
    workflow: 'tradingPipeline',
  },
  timers: {
    description: '3 sequential durable timers of --timer-ms each',
    workflow: 'sequentialTimers',
  },
  'empty-eager-start': {
    description: '(e) empty workflow, eager workflow start',
    workflow: 'emptyWorkflow',
    eagerStart: true,
  },
  'eager-eager-start': {
    description: '(e) (d) with eager workflow start',
    workflow: 'trivialPipeline',
    mode: 'activities',
    eagerStart: true,
  },
  'local-eager-start': {
    description: '(e) (c) with eager workflow start',
    workflow: 'trivialPipeline',
    mode: 'local',
    eagerStart: true,
  },
};

interface Options {
  runs: number;
  warmup: number;
  variants: string[];
  profiles: string[];
  dynamicConfig: Record<string, unknown>;
  workflowPollers?: number;
  activityPollers?: number;
  maxCached?: number;
  stickyTimeout?: number;
  nonStickyRatio?: number;
  timerMs: number;
  breakdown: boolean;
  json: boolean;
}

interface RunRecord {
  workflowId: string;
  runId: string;
  startedAtMs: number;
  latencyMs: number;
}

interface VariantResult {
  profile: string;
  variant: string;
  description: string;
  stats: LatencyStats;
  runs: RunRecord[];
}

const listOf = (allowed: readonly string[], flag: string) => (v: string) => {
  const items = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = items.filter((item) => !allowed.includes(item));
  if (items.length === 0 || unknown.length > 0)
    throw new InvalidArgumentError(
      `${flag}: unknown ${unknown.join(', ')}; choose from ${allowed.join(', ')}`,
    );
  return items;
};

const nonNegativeNumber = (flag: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${flag} must be a number ≥ 0`);
  return n;
};

function workerTuning(options: Options): BenchWorkerTuning {
  const tuning: BenchWorkerTuning = {};
  if (options.workflowPollers)
    tuning.workflowTaskPollerBehavior = { type: 'simple-maximum', maximum: options.workflowPollers };
  if (options.activityPollers)
    tuning.activityTaskPollerBehavior = { type: 'simple-maximum', maximum: options.activityPollers };
  if (options.maxCached !== undefined) tuning.maxCachedWorkflows = options.maxCached;
  if (options.stickyTimeout !== undefined) tuning.stickyQueueScheduleToStartTimeout = options.stickyTimeout;
  if (options.nonStickyRatio !== undefined) tuning.nonStickyToStickyPollRatio = options.nonStickyRatio;
  return tuning;
}

const PIPELINE_INPUT = {
  symbols: ['AAPL', 'MSFT', 'SPY'],
  lookbackDays: 120,
  asOf: '2026-11-20',
  book: 'bench',
};

function startOptions(variant: Variant, options: Options) {
  switch (variant.workflow) {
    case 'emptyWorkflow':
      return { args: [] as unknown[] };
    case 'sequentialTimers':
      return { args: [options.timerMs] };
    case 'trivialPipeline':
      return { args: [variant.mode, { symbols: ['AAPL', 'MSFT'] }] };
    case 'tradingPipeline':
      // What POST /workflows/trigger starts (the API resolves the input first; the workflow re-validates it).
      return {
        args: [PIPELINE_INPUT],
        typedSearchAttributes: [
          { key: SYMBOLS, value: PIPELINE_INPUT.symbols },
          { key: PIPELINE_STAGE, value: 'queued' },
          { key: RISK_STATUS, value: 'pending' },
        ],
      };
  }
}

/**
 * The real Tradeflow worker (all our workflows and activities, default worker settings) on its own task queue
 * of the bench server, with its stores in the server's temp dir; started only when the pipeline variant runs.
 */
async function startPipelineWorker(
  bench: BenchServer,
  taskQueue: string,
): Promise<{ stop(): Promise<void> }> {
  const config = loadConfig({
    TEMPORAL_ADDRESS: bench.server.address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    TRADEFLOW_DB_PATH: path.join(bench.workDir, 'tradeflow.db'),
    AUDIT_LOG_FILE: path.join(bench.workDir, 'audit.log'),
    LOG_LEVEL: 'error',
  });
  const stores = openStores(config.store.dbPath);
  const worker = await buildWorker({ config, connection: bench.connection, stores, taskQueue });
  const running = worker.run();
  return {
    async stop() {
      worker.shutdown();
      await running;
      await stores.close();
    },
  };
}

async function runProfile(
  profile: string,
  options: Options,
  breakdowns: Breakdown[],
): Promise<VariantResult[]> {
  const dynamicConfig = { ...PROFILES[profile], ...options.dynamicConfig };
  const bench = await startBenchServer({ dynamicConfig });
  const taskQueue = `bench-latency-${randomUUID()}`;
  const worker = await createBenchWorker(bench.connection, taskQueue, workerTuning(options));
  const running = worker.run();
  const pipelineQueue = `bench-latency-pipeline-${randomUUID()}`;
  const pipelineWorker = options.variants.some((v) => VARIANTS[v].workflow === 'tradingPipeline')
    ? await startPipelineWorker(bench, pipelineQueue)
    : undefined;
  // Our API talks to Temporal through @temporalio/client's own gRPC connection; eager workflow start needs a client
  // on the worker's NativeConnection (the server hands the first workflow task back in the start response).
  const grpcConnection = await Connection.connect({ address: bench.server.address });
  const grpcClient = new Client({ connection: grpcConnection, namespace: 'default' });
  const nativeClient = new Client({ connection: bench.connection, namespace: 'default' });
  const results: VariantResult[] = [];
  try {
    for (const name of options.variants) {
      const variant = VARIANTS[name];
      const client = variant.eagerStart ? nativeClient : grpcClient;
      const once = async (): Promise<RunRecord> => {
        const workflowId = `latency-${name}-${randomUUID()}`;
        const start = startOptions(variant, options);
        const startedAtMs = Date.now();
        const t0 = performance.now();
        const handle = await client.workflow.start(variant.workflow, {
          ...start,
          taskQueue: variant.workflow === 'tradingPipeline' ? pipelineQueue : taskQueue,
          workflowId,
          ...(variant.eagerStart ? { requestEagerStart: true } : {}),
        });
        await handle.result();
        return {
          workflowId,
          runId: handle.firstExecutionRunId,
          startedAtMs,
          latencyMs: performance.now() - t0,
        };
      };
      for (let i = 0; i < options.warmup; i++) await once();
      const runs: RunRecord[] = [];
      for (let i = 0; i < options.runs; i++) runs.push(await once());
      const stats = latencyStats(runs.map((r) => r.latencyMs));
      results.push({ profile, variant: name, description: variant.description, stats, runs });
      if (!options.json) {
        console.error(`  [${profile}] ${name}: p50 ${stats.p50} ms  p95 ${stats.p95} ms`);
      }
    }
    if (options.breakdown) {
      const slowest = results.reduce((a, b) => (b.stats.p50 > a.stats.p50 ? b : a));
      const b = await breakdown(grpcClient, slowest);
      breakdowns.push(b);
      if (!options.json) console.log(renderBreakdown(b));
    }
  } finally {
    await grpcConnection.close();
    worker.shutdown();
    await running;
    await pipelineWorker?.stop();
    await bench.stop();
  }
  return results;
}

const EventType = temporal.api.enums.v1.EventType;

function eventMs(event: temporal.api.history.v1.IHistoryEvent): number {
  const t = event.eventTime;
  return Number(t?.seconds ?? 0) * 1000 + (t?.nanos ?? 0) / 1e6;
}

function eventLabel(
  event: temporal.api.history.v1.IHistoryEvent,
  activityNames: Map<number, string>,
): string {
  const type = (EventType[event.eventType ?? 0] ?? String(event.eventType)).replace(/^EVENT_TYPE_/, '');
  const scheduled = event.activityTaskScheduledEventAttributes;
  if (scheduled) {
    activityNames.set(Number(event.eventId), scheduled.activityType?.name ?? '?');
    return `${type} (${scheduled.activityType?.name})`;
  }
  const ref =
    event.activityTaskStartedEventAttributes?.scheduledEventId ??
    event.activityTaskCompletedEventAttributes?.scheduledEventId;
  if (ref !== undefined && ref !== null) return `${type} (${activityNames.get(Number(ref)) ?? '?'})`;
  if (event.markerRecordedEventAttributes)
    return `${type} (${event.markerRecordedEventAttributes.markerName})`;
  return type;
}

interface Breakdown {
  profile: string;
  variant: string;
  /** Runs whose histories had the most common shape (the rows are medians over these). */
  runsUsed: number;
  runsTotal: number;
  steps: { event: string; atMs: number; deltaMs: number }[];
  /** Median per run of the time spent in each kind of step. */
  totals: Record<StepKind, number>;
}

type StepKind =
  'dispatch' | 'workflowTask' | 'activity' | 'childWorkflow' | 'timer' | 'startAndResult' | 'other';

/** What the time before an event was spent on. */
function stepKind(label: string): StepKind {
  if (/^(WORKFLOW|ACTIVITY)_TASK_STARTED/.test(label)) return 'dispatch';
  if (label.startsWith('WORKFLOW_TASK_COMPLETED')) return 'workflowTask';
  if (label.startsWith('ACTIVITY_TASK_COMPLETED')) return 'activity';
  if (label.startsWith('CHILD_WORKFLOW_EXECUTION_COMPLETED')) return 'childWorkflow';
  if (label.startsWith('TIMER_FIRED')) return 'timer';
  if (label === 'WORKFLOW_EXECUTION_STARTED' || label === RESULT_LABEL) return 'startAndResult';
  return 'other';
}

const RESULT_LABEL = 'result received by the client';

/** Median time of each history event from the client's start call, over all measured runs of one variant. */
async function breakdown(client: Client, result: VariantResult): Promise<Breakdown> {
  const perRun: { labels: string[]; offsets: number[] }[] = [];
  for (const run of result.runs) {
    const history = await client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
    const activityNames = new Map<number, string>();
    const events = history.events ?? [];
    perRun.push({
      labels: [...events.map((e) => eventLabel(e, activityNames)), RESULT_LABEL],
      offsets: [...events.map((e) => eventMs(e) - run.startedAtMs), run.latencyMs],
    });
  }
  // Runs whose histories differ in shape (e.g. a retried task) are left out so the rows line up.
  const shapes = new Map<string, typeof perRun>();
  for (const run of perRun) {
    const key = run.labels.join('|');
    shapes.set(key, [...(shapes.get(key) ?? []), run]);
  }
  const common = [...shapes.values()].reduce((a, b) => (b.length > a.length ? b : a));
  const median = (values: number[]) => latencyStats(values).p50;
  const labels = common[0].labels;
  let previous = 0;
  const steps = labels.map((event, i) => {
    const atMs = median(common.map((run) => run.offsets[i]));
    const step = { event, atMs, deltaMs: Math.round((atMs - previous) * 10) / 10 };
    previous = atMs;
    return step;
  });
  const kinds: StepKind[] = [
    'dispatch',
    'workflowTask',
    'activity',
    'childWorkflow',
    'timer',
    'startAndResult',
    'other',
  ];
  const totals = Object.fromEntries(
    kinds.map((kind) => [
      kind,
      median(
        common.map((run) =>
          run.offsets.reduce(
            (sum, at, i) =>
              stepKind(labels[i]) === kind ? sum + at - (i === 0 ? 0 : run.offsets[i - 1]) : sum,
            0,
          ),
        ),
      ),
    ]),
  ) as Record<StepKind, number>;
  return {
    profile: result.profile,
    variant: result.variant,
    runsUsed: common.length,
    runsTotal: perRun.length,
    steps,
    totals,
  };
}

function renderBreakdown(b: Breakdown): string {
  const rows = [['event', 'ms from client start', 'Δ ms', 'Δ is']];
  for (const step of b.steps) {
    const kind = stepKind(step.event);
    rows.push([step.event, step.atMs.toFixed(1), step.deltaMs.toFixed(1), kind === 'other' ? '' : kind]);
  }
  const totals = Object.entries(b.totals)
    .filter(([, ms]) => ms > 0)
    .map(([kind, ms]) => `${kind} ${ms.toFixed(0)} ms`)
    .join(', ');
  return [
    '',
    `Where the time goes: ${b.variant} on profile ${b.profile}` +
      ` (medians over the ${b.runsUsed} of ${b.runsTotal} runs with the most common history shape)`,
    table(rows),
    `per run: ${totals}`,
    '(dispatch = task scheduled → a worker poll got it; ' +
      'workflowTask = the worker ran the workflow code and the server recorded its completion)',
  ].join('\n');
}

async function main(): Promise<void> {
  const program = new Command('bench:latency')
    .option('--runs <n>', 'measured runs per variant (sequential)', positiveInt('--runs'), 100)
    .option('--warmup <n>', 'unmeasured runs per variant first', (v) => Number(v), 10)
    .option(
      '--variants <list>',
      `comma-separated, from: ${Object.keys(VARIANTS).join(', ')} (default: all but timers)`,
      listOf(Object.keys(VARIANTS), '--variants'),
      Object.keys(VARIANTS).filter((name) => name !== 'timers'),
    )
    .option(
      '--profiles <list>',
      `server dynamic-config profiles, one dev server each, from: ${Object.keys(PROFILES).join(', ')}`,
      listOf(Object.keys(PROFILES), '--profiles'),
      ['eager-activities'],
    )
    .option(
      '--dynamic-config <key=value>',
      'extra dev-server dynamic config for every profile (repeatable; value is JSON)',
      collectKeyValue('--dynamic-config'),
      {},
    )
    .option('--workflow-pollers <n>', 'worker: max workflow task polls', positiveInt('--workflow-pollers'))
    .option('--activity-pollers <n>', 'worker: max activity task polls', positiveInt('--activity-pollers'))
    .option('--max-cached <n>', 'worker: maxCachedWorkflows (0 = no sticky queue)', (v) => Number(v))
    .option('--sticky-timeout <ms>', 'worker: stickyQueueScheduleToStartTimeout', (v) => Number(v))
    .option(
      '--non-sticky-ratio <r>',
      'worker: nonStickyToStickyPollRatio',
      nonNegativeNumber('--non-sticky-ratio'),
    )
    .option('--timer-ms <ms>', 'duration of each timer in the timers variant', positiveInt('--timer-ms'), 10)
    .option('--no-breakdown', 'skip the event-history breakdown of the slowest variant')
    .option('--json', 'print results as JSON (no tables)', false)
    .parse(process.argv);
  const options = program.opts<Options>();
  if (!Number.isInteger(options.warmup) || options.warmup < 0)
    program.error('--warmup must be a whole number ≥ 0');
  quietRuntime();

  const results: VariantResult[] = [];
  const breakdowns: Breakdown[] = [];
  for (const profile of options.profiles) results.push(...(await runProfile(profile, options, breakdowns)));

  if (options.json) {
    console.log(
      JSON.stringify(
        {
          runs: options.runs,
          warmup: options.warmup,
          defaultDynamicConfig: DEFAULT_DYNAMIC_CONFIG,
          profiles: Object.fromEntries(
            options.profiles.map((p) => [p, { ...PROFILES[p], ...options.dynamicConfig }]),
          ),
          workerTuning: workerTuning(options),
          results: results.map(({ runs: _runs, ...rest }) => rest),
          breakdowns,
        },
        null,
        2,
      ),
    );
    return;
  }
  const rows = [['profile', 'variant', 'median ms', 'p95 ms', 'p99 ms', 'description']];
  for (const r of results) {
    rows.push([
      r.profile,
      r.variant,
      r.stats.p50.toFixed(1),
      r.stats.p95.toFixed(1),
      r.stats.p99.toFixed(1),
      r.description,
    ]);
  }
  console.log(`\n${options.runs} sequential runs per variant after ${options.warmup} warm-up runs`);
  console.log(table(rows));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
