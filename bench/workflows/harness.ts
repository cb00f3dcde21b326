/**
 * What bench:ceiling and bench:latency share: a throwaway dev server (temp dir, free port), a bench worker on
 * its own task queue running the workflows in ./index, percentiles and flag parsing. Node-side only; never
 * imported by workflow code.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { InvalidArgumentError } from 'commander';
import { DEFAULT_DYNAMIC_CONFIG, startDevServer, type DevServer } from '../../src/temporal/dev-server';
import { freePort } from '../../src/temporal/free-port';
import { findTemporalCli } from '../../src/temporal/temporal-cli';
import { createBenchActivities } from './activities';

export const BENCH_WORKFLOWS_PATH = require.resolve('./index');

export const positiveInt = (flag: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`${flag} must be a positive whole number`);
  return n;
};

/** Collects repeated `--flag KEY=VALUE` options; VALUE is JSON if it parses, else a string. */
export function collectKeyValue(flag: string) {
  return (v: string, previous: Record<string, unknown> = {}): Record<string, unknown> => {
    const eq = v.indexOf('=');
    if (eq < 1) throw new InvalidArgumentError(`${flag} takes KEY=VALUE, got "${v}"`);
    const raw = v.slice(eq + 1);
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      value = raw;
    }
    return { ...previous, [v.slice(0, eq)]: value };
  };
}

/** Silences the SDK's own logging (only errors), once per process. */
export function quietRuntime(): void {
  try {
    Runtime.install({
      logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error },
    });
  } catch {
    // already installed
  }
}

const BARE_CLI = Object.fromEntries(Object.keys(DEFAULT_DYNAMIC_CONFIG).map((key) => [key, undefined]));

/**
 * Named dev-server dynamic configs the benchmarks compare. `cli` is the bare Temporal CLI (startDevServer's
 * default dynamic config removed); the others apply on top of startDevServer's defaults.
 */
export const SERVER_PROFILES: Record<string, Record<string, unknown>> = {
  cli: BARE_CLI,
  'cli+eager-activities': { ...BARE_CLI, 'system.enableActivityEagerExecution': true },
  default: {},
  'eager-activities': { 'system.enableActivityEagerExecution': true },
  'one-partition': {
    'matching.numTaskqueueReadPartitions': 1,
    'matching.numTaskqueueWritePartitions': 1,
  },
  'long-poll-5s': { 'matching.longPollExpirationInterval': '5s' },
  'timer-poll-rps': { 'history.timerProcessorMaxPollRPS': 1000 },
};

export interface BenchServerOptions {
  /** Default: startDevServer's (WAL + synchronous=normal). */
  sqlitePragmas?: Readonly<Record<string, string>>;
  /** Merged over startDevServer's defaults; `undefined` values drop a default. */
  dynamicConfig?: Readonly<Record<string, unknown>>;
}

export interface BenchServer {
  server: DevServer;
  /** The temp dir the server's SQLite file lives in (removed on stop); other scratch files may go here too. */
  workDir: string;
  connection: NativeConnection;
  stop(): Promise<void>;
}

/** A dev server on a free port with its SQLite file in a fresh temp dir (removed on stop). */
export async function startBenchServer(options: BenchServerOptions = {}): Promise<BenchServer> {
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'tradeflow-bench-'));
  const server = await startDevServer({
    cliPath: findTemporalCli(),
    ip: '127.0.0.1',
    port: await freePort(),
    dbPath: path.join(workDir, 'temporal.db'),
    namespace: 'default',
    sqlitePragmas: options.sqlitePragmas,
    dynamicConfig: options.dynamicConfig,
  });
  const connection = await NativeConnection.connect({ address: server.address });
  return {
    server,
    workDir,
    connection,
    async stop() {
      await connection.close();
      await server.stop();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

export type BenchWorkerTuning = Pick<
  WorkerOptions,
  | 'maxConcurrentWorkflowTaskExecutions'
  | 'maxConcurrentActivityTaskExecutions'
  | 'maxCachedWorkflows'
  | 'workflowTaskPollerBehavior'
  | 'activityTaskPollerBehavior'
  | 'nonStickyToStickyPollRatio'
  | 'stickyQueueScheduleToStartTimeout'
  | 'maxEagerActivityReservationsPerWorkflowTask'
>;

/** A worker for the bench workflows and activities; `run()` it and `shutdown()` it when done. */
export function createBenchWorker(
  connection: NativeConnection,
  taskQueue: string,
  tuning: BenchWorkerTuning = {},
): Promise<Worker> {
  return Worker.create({
    connection,
    namespace: 'default',
    taskQueue,
    workflowsPath: BENCH_WORKFLOWS_PATH,
    activities: createBenchActivities(),
    ...tuning,
  });
}

export interface LatencyStats {
  count: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export function latencyStats(samples: readonly number[]): LatencyStats {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    count: sorted.length,
    mean: round(sorted.reduce((sum, n) => sum + n, 0) / Math.max(1, sorted.length)),
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1] ?? NaN),
  };
}

/** Renders rows as an aligned plain-text table (first row is the header). */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  const line = (row: readonly string[]) => row.map((cell, c) => cell.padEnd(widths[c])).join('  ');
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}
