/**
 * `npm run bench:ceiling -- [--workflows 2000] [--concurrency 200] [--sqlite wal,default] [--profiles a,b]
 *   [--max-wft 10,40] [--max-cached 0,1000] [--wf-pollers 10,auto] [--non-sticky-ratio 0.2] [--json]`
 *
 * The platform's ceiling: how many empty workflows one in-process TS worker completes per second on the dev
 * server. Keeps --concurrency workflows in flight (start → result) until --workflows have completed and
 * prints throughput, start-to-complete latency percentiles and the CPU time per workflow of the dev server
 * and of this process (worker + client), which shows what the ceiling is made of. Every list flag is a
 * dimension: each SQLite setting × server profile gets its own fresh dev server (temp dir), and each worker
 * setting on it its own worker and task queue; all combinations run in turn. --json prints the results for a
 * report script instead of the table.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { Client, Connection } from '@temporalio/client';
import { Command, InvalidArgumentError } from 'commander';
import { DEFAULT_SQLITE_PRAGMAS } from '../src/temporal/dev-server';
import { ownCpuMs, processCpuMs } from './support/cpu';
import {
  collectKeyValue,
  createBenchWorker,
  latencyStats,
  positiveInt,
  quietRuntime,
  SERVER_PROFILES,
  startBenchServer,
  table,
  type BenchWorkerTuning,
  type LatencyStats,
} from './workflows/harness';

const SQLITE_SETTINGS: Record<string, Readonly<Record<string, string>>> = {
  /** startDevServer's default: WAL journal, fsync only at checkpoints. */
  wal: DEFAULT_SQLITE_PRAGMAS,
  /** The Temporal CLI's own SQLite settings (rollback journal, synchronous=full). */
  default: {},
};

interface Options {
  workflows: number;
  concurrency: number;
  warmup: number;
  sqlite: string[];
  profiles: string[];
  dynamicConfig: Record<string, unknown>;
  maxWft: number[];
  maxCached: (number | undefined)[];
  wfPollers: (number | 'auto' | undefined)[];
  nonStickyRatio: (number | undefined)[];
  json: boolean;
}

interface WorkerSetting {
  maxWft: number;
  maxCached?: number;
  wfPollers?: number | 'auto';
  nonStickyRatio?: number;
}

interface CeilingResult {
  sqlite: string;
  profile: string;
  worker: WorkerSetting;
  workflows: number;
  concurrency: number;
  wallSeconds: number;
  throughput: number;
  latencyMs: LatencyStats;
  /** CPU time per completed workflow: the dev server process, and this process (worker + client). */
  cpuMsPerWorkflow: { server: number; workerAndClient: number };
}

const nameList = (allowed: readonly string[], flag: string) => (v: string) => {
  const items = v.split(',').map((s) => s.trim());
  const unknown = items.filter((item) => !allowed.includes(item));
  if (unknown.length > 0 || items.length === 0)
    throw new InvalidArgumentError(
      `${flag}: unknown ${unknown.join(', ')}; choose from ${allowed.join(', ')}`,
    );
  return items;
};

/** A comma list of numbers; `default` leaves the SDK default; `auto` allowed where said. */
const numberList =
  <T extends number | 'auto' | undefined>(flag: string, { min = 0, auto = false } = {}) =>
  (v: string): T[] =>
    v.split(',').map((raw) => {
      const s = raw.trim();
      if (s === 'default') return undefined as T;
      if (auto && s === 'auto') return 'auto' as T;
      const n = Number(s);
      if (!Number.isFinite(n) || n < min)
        throw new InvalidArgumentError(
          `${flag}: "${s}" is not a number ≥ ${min}${auto ? ", 'auto'" : ''} or 'default'`,
        );
      return n as T;
    });

function workerTuning(setting: WorkerSetting): BenchWorkerTuning {
  const tuning: BenchWorkerTuning = { maxConcurrentWorkflowTaskExecutions: setting.maxWft };
  if (setting.maxCached !== undefined) tuning.maxCachedWorkflows = setting.maxCached;
  if (setting.nonStickyRatio !== undefined) tuning.nonStickyToStickyPollRatio = setting.nonStickyRatio;
  if (setting.wfPollers !== undefined) {
    const behavior: NonNullable<BenchWorkerTuning['workflowTaskPollerBehavior']> =
      setting.wfPollers === 'auto'
        ? { type: 'autoscaling' }
        : { type: 'simple-maximum', maximum: Math.min(setting.wfPollers, setting.maxWft) };
    tuning.workflowTaskPollerBehavior = behavior;
  }
  return tuning;
}

function describeWorker(s: WorkerSetting): string {
  return [
    `wft ${s.maxWft}`,
    `cached ${s.maxCached ?? 'default'}`,
    `pollers ${s.wfPollers ?? 'default'}`,
    `ratio ${s.nonStickyRatio ?? 'default'}`,
  ].join(', ');
}

async function runWorkerSetting(
  client: Client,
  bench: Awaited<ReturnType<typeof startBenchServer>>,
  setting: WorkerSetting,
  options: Options,
): Promise<{ wallSeconds: number; latencies: number[]; serverCpuMs: number; ownCpuMs: number }> {
  const taskQueue = `bench-ceiling-${randomUUID()}`;
  const worker = await createBenchWorker(bench.connection, taskQueue, workerTuning(setting));
  const running = worker.run();
  try {
    const runOne = async () => {
      const t0 = performance.now();
      const handle = await client.workflow.start('emptyWorkflow', { taskQueue, workflowId: randomUUID() });
      await handle.result();
      return performance.now() - t0;
    };
    const pool = async (count: number, into: number[]) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: Math.min(options.concurrency, count) }, async () => {
          while (next < count) {
            next++;
            into.push(await runOne());
          }
        }),
      );
    };
    await pool(options.warmup, []);
    const latencies: number[] = [];
    const serverPid = bench.server.process.pid;
    const [server0, own0] = [processCpuMs(serverPid), ownCpuMs()];
    const wallStart = performance.now();
    await pool(options.workflows, latencies);
    return {
      wallSeconds: (performance.now() - wallStart) / 1000,
      latencies,
      serverCpuMs: processCpuMs(serverPid) - server0,
      ownCpuMs: ownCpuMs() - own0,
    };
  } finally {
    worker.shutdown();
    await running;
  }
}

async function main(): Promise<void> {
  const profileNames = Object.keys(SERVER_PROFILES);
  const program = new Command('bench:ceiling')
    .option('--workflows <n>', 'empty workflows to complete per setting', positiveInt('--workflows'), 2000)
    .option('--concurrency <n>', 'workflows in flight at once', positiveInt('--concurrency'), 200)
    .option('--warmup <n>', 'unmeasured workflows first, per setting', (v) => Number(v), 200)
    .option(
      '--sqlite <list>',
      `SQLite settings to compare, from: ${Object.keys(SQLITE_SETTINGS).join(', ')}`,
      nameList(Object.keys(SQLITE_SETTINGS), '--sqlite'),
      ['wal'],
    )
    .option(
      '--profiles <list>',
      `server dynamic-config profiles to compare, from: ${profileNames.join(', ')}`,
      nameList(profileNames, '--profiles'),
      ['default'],
    )
    .option(
      '--dynamic-config <key=value>',
      'extra dev-server dynamic config for every server (repeatable; value is JSON)',
      collectKeyValue('--dynamic-config'),
      {},
    )
    .option(
      '--max-wft <list>',
      'worker maxConcurrentWorkflowTaskExecutions values',
      numberList<number>('--max-wft', { min: 2 }),
      [10],
    )
    .option(
      '--max-cached <list>',
      "worker maxCachedWorkflows values (0 = no sticky queue; 'default')",
      numberList<number | undefined>('--max-cached'),
      [undefined],
    )
    .option(
      '--wf-pollers <list>',
      "workflow task pollers: a maximum, 'auto' (autoscaling) or 'default'",
      numberList<number | 'auto' | undefined>('--wf-pollers', { min: 1, auto: true }),
      [undefined],
    )
    .option(
      '--non-sticky-ratio <list>',
      "worker nonStickyToStickyPollRatio values ('default' = 0.2)",
      numberList<number | undefined>('--non-sticky-ratio'),
      [undefined],
    )
    .option('--json', 'print results as JSON', false)
    .parse(process.argv);
  const options = program.opts<Options>();
  if (!Number.isInteger(options.warmup) || options.warmup < 0)
    program.error('--warmup must be a whole number ≥ 0');
  quietRuntime();

  const settings: WorkerSetting[] = [];
  for (const maxWft of options.maxWft)
    for (const maxCached of options.maxCached)
      for (const wfPollers of options.wfPollers)
        for (const nonStickyRatio of options.nonStickyRatio)
          settings.push({ maxWft, maxCached, wfPollers, nonStickyRatio });

  const results: CeilingResult[] = [];
  for (const sqlite of options.sqlite) {
    for (const profile of options.profiles) {
      const bench = await startBenchServer({
        sqlitePragmas: SQLITE_SETTINGS[sqlite],
        dynamicConfig: { ...SERVER_PROFILES[profile], ...options.dynamicConfig },
      });
      const connection = await Connection.connect({ address: bench.server.address });
      const client = new Client({ connection, namespace: 'default' });
      try {
        for (const setting of settings) {
          const run = await runWorkerSetting(client, bench, setting, options);
          const { wallSeconds, latencies } = run;
          const perWorkflow = (ms: number) => Math.round((ms / options.workflows) * 100) / 100;
          const result: CeilingResult = {
            sqlite,
            profile,
            worker: setting,
            workflows: options.workflows,
            concurrency: options.concurrency,
            wallSeconds: Math.round(wallSeconds * 100) / 100,
            throughput: Math.round((options.workflows / wallSeconds) * 10) / 10,
            latencyMs: latencyStats(latencies),
            cpuMsPerWorkflow: {
              server: perWorkflow(run.serverCpuMs),
              workerAndClient: perWorkflow(run.ownCpuMs),
            },
          };
          results.push(result);
          if (!options.json)
            console.error(
              `  sqlite ${sqlite}, profile ${profile}, ${describeWorker(setting)}: ${result.throughput} workflows/s`,
            );
        }
      } finally {
        await connection.close();
        await bench.stop();
      }
    }
  }

  if (options.json) {
    console.log(
      JSON.stringify({ sqliteSettings: SQLITE_SETTINGS, serverProfiles: SERVER_PROFILES, results }, null, 2),
    );
    return;
  }
  const rows = [
    [
      'sqlite',
      'profile',
      'worker',
      'workflows/s',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'CPU ms/wf server',
      'worker+client',
    ],
  ];
  for (const r of results) {
    rows.push([
      r.sqlite,
      r.profile,
      describeWorker(r.worker),
      r.throughput.toFixed(1),
      r.latencyMs.p50.toFixed(0),
      r.latencyMs.p95.toFixed(0),
      r.latencyMs.p99.toFixed(0),
      r.cpuMsPerWorkflow.server.toFixed(1),
      r.cpuMsPerWorkflow.workerAndClient.toFixed(1),
    ]);
  }
  console.log(
    `\n${options.workflows} empty workflows per setting, ${options.concurrency} in flight, one in-process worker` +
      ` (${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)} at the end)`,
  );
  console.log(table(rows));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
