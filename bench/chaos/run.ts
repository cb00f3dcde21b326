/**
 * One chaos run: the real stack as separate processes (Temporal dev server, worker, API), pipelines triggered over
 * HTTP the way a client with retries would, and meanwhile SIGKILLs of the worker, the API and the dev server at
 * random moments, each victim restarted at once (the server on the same port and database). Afterwards every
 * pipeline the API acknowledged must complete exactly once, with no duplicate rows in the store.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Client, Connection } from '@temporalio/client';
import { buildWorkflowBundle } from '../../src/scripts/build-workflow-bundle';
import { freePort } from '../../src/temporal/free-port';
import { findTemporalCli } from '../../src/temporal/temporal-cli';
import { TRADING_PIPELINE_WORKFLOW } from '../../src/contracts/workflow-names';
import { devServerProcess, type ManagedProcess, nodeProcess, type Victim } from './processes';

export interface ChaosOptions {
  pipelines: number;
  /** SIGKILLs in all, spread evenly over the three victims (at least one each when >= 3). */
  kills: number;
  /** Pause before each kill: uniformly random in [minGapMs, maxGapMs]. */
  minGapMs: number;
  maxGapMs: number;
  /** Pipelines the client keeps in flight (triggered, not yet acknowledged). */
  triggerConcurrency: number;
  /**
   * Pause between two triggers of one client lane. Default: spread the triggers over the expected kill window
   * (kills × (mean gap + ~2.5 s recovery)), so pipelines are starting and running while processes die.
   */
  triggerPauseMs?: number;
  symbols: string[];
  lookbackDays: number;
  seed: number;
  /** How long to wait, after the last kill and trigger, for every acknowledged pipeline to complete. */
  completionTimeoutMs: number;
  log?: (line: string) => void;
}

export interface Recovery {
  victim: Victim;
  killedAtMs: number;
  recoveryMs: number;
}

export interface ChaosReport {
  pipelines: number;
  acknowledged: number;
  completed: number;
  failed: string[];
  lost: string[];
  /** Temporal executions beyond one per acknowledged pipeline (a trigger retried into a second run). */
  duplicateExecutions: number;
  /** Rows the store holds more than once for one run: pipeline_runs, signals, risk_reports per workflow. */
  duplicateRows: { pipelineRuns: number; signals: number; riskReports: number };
  kills: Record<Victim, number>;
  recoveries: Recovery[];
  longestRecoveryMs: number;
  /** Start to close of the slowest pipeline, and the median: what the kills cost the runs they hit. */
  longestPipelineMs: number;
  medianPipelineMs: number;
  triggerRetries: number;
  durationMs: number;
}

export const DEFAULT_CHAOS_OPTIONS: ChaosOptions = {
  pipelines: 200,
  kills: 21,
  minGapMs: 500,
  maxGapMs: 2500,
  triggerConcurrency: 8,
  symbols: ['AAPL', 'MSFT', 'SPY', 'QQQ', 'IWM', 'TLT', 'GLD', 'NVDA'],
  lookbackDays: 30,
  seed: 7,
  completionTimeoutMs: 300_000,
};

/** The admin key the run's API is seeded with: random per run, like any real key. */
const ADMIN_KEY = `tfk_chaos_${randomBytes(24).toString('base64url')}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : sorted[Math.floor(sorted.length / 2)];
};

/** mulberry32: the run's random choices repeat for a seed. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `kills` victims, as evenly spread as possible, in a seeded random order. */
export function killPlan(kills: number, random: () => number): Victim[] {
  const victims: Victim[] = Array.from(
    { length: kills },
    (_, i) => (['server', 'worker', 'api'] as const)[i % 3],
  );
  for (let i = victims.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [victims[i], victims[j]] = [victims[j], victims[i]];
  }
  return victims;
}

function duplicateRows(dbPath: string): ChaosReport['duplicateRows'] {
  const db = new DatabaseSync(dbPath, { readOnly: true });
  const count = (sql: string) => Number((db.prepare(sql).get() as { n: number | bigint }).n);
  try {
    return {
      pipelineRuns: count(
        'SELECT count(*) AS n FROM (SELECT workflow_id FROM pipeline_runs GROUP BY workflow_id HAVING count(*) > 1)',
      ),
      signals: count(
        'SELECT count(*) AS n FROM (SELECT workflow_id, symbol FROM signals GROUP BY 1, 2 HAVING count(*) > 1)',
      ),
      riskReports: count(
        'SELECT count(*) AS n FROM (SELECT workflow_id FROM risk_reports GROUP BY workflow_id HAVING count(*) > 1)',
      ),
    };
  } finally {
    db.close();
  }
}

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const log = options.log ?? (() => undefined);
  const random = seededRandom(options.seed);
  const began = Date.now();
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'tradeflow-chaos-'));
  const dbPath = path.join(workDir, 'tradeflow.db');
  const bundlePath = await buildWorkflowBundle(path.join(workDir, 'workflow-bundle.js'));
  const [temporalPort, apiPort, healthPort] = [await freePort(), await freePort(), await freePort()];
  const taskQueue = 'chaos';
  const server = devServerProcess({
    cliPath: findTemporalCli(),
    port: temporalPort,
    dbPath: path.join(workDir, 'temporal.db'),
  });
  const shared = {
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    TRADEFLOW_DB_PATH: dbPath,
    AUDIT_LOG_FILE: path.join(workDir, 'audit.log'),
    AUDIT_ARCHIVE_DIR: path.join(workDir, 'audit-archive'),
  };
  const worker = nodeProcess({
    name: 'worker',
    script: 'src/worker.ts',
    env: {
      ...shared,
      WORKER_BUNDLE_PATH: bundlePath,
      WORKER_HEALTH_HOST: '127.0.0.1',
      WORKER_HEALTH_PORT: String(healthPort),
    },
    readyUrl: `http://127.0.0.1:${healthPort}/health/ready`,
  });
  const baseUrl = `http://127.0.0.1:${apiPort}`;
  const api = nodeProcess({
    name: 'api',
    script: 'src/api/main.ts',
    env: {
      ...shared,
      API_HOST: '127.0.0.1',
      API_PORT: String(apiPort),
      TRADEFLOW_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
      API_RATE_LIMIT_PER_KEY: '1000000',
      API_RATE_LIMIT_PER_IP: '1000000',
    },
    readyUrl: `${baseUrl}/health/live`,
  });
  const processes: Record<Victim, ManagedProcess> = { server, worker, api };

  const stopAll = async () => {
    for (const p of [api, worker, server]) await p.kill();
  };
  try {
    await server.start();
    await Promise.all([worker.start(), api.start()]);
    await Promise.all([worker.waitReady(120_000), api.waitReady(120_000)]);
    log(`stack up: Temporal ${server.address}, API ${baseUrl}`);

    // The client: each pipeline has an idempotency key, and a trigger is retried until the API acknowledges it
    // (202, or 409 when an earlier attempt had started it but the answer was lost).
    const acknowledged = new Map<number, string>();
    let triggerRetries = 0;
    let next = 0;
    const triggerOne = async (index: number) => {
      const symbols = [options.symbols[index % options.symbols.length]];
      for (;;) {
        try {
          const response = await fetch(`${baseUrl}/workflows/trigger`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-api-key': ADMIN_KEY },
            body: JSON.stringify({
              workflow_id: 'trading_pipeline',
              parameters: { symbols, lookbackDays: options.lookbackDays, asOf: '2026-09-15' },
              idempotency_key: `chaos-${index}`,
            }),
            signal: AbortSignal.timeout(15_000),
          });
          const body = (await response.json()) as {
            workflowId?: string;
            error?: { details?: { workflowId?: string } };
          };
          const workflowId = response.status === 202 ? body.workflowId : body.error?.details?.workflowId;
          if ((response.status === 202 || response.status === 409) && workflowId) {
            acknowledged.set(index, workflowId);
            return;
          }
        } catch {
          // The API is down or the connection dropped: retry below.
        }
        triggerRetries++;
        await sleep(250);
      }
    };
    const killWindowMs = options.kills * ((options.minGapMs + options.maxGapMs) / 2 + 2500);
    const pauseMs =
      options.triggerPauseMs ?? Math.round((killWindowMs * options.triggerConcurrency) / options.pipelines);
    const lanes = Array.from({ length: options.triggerConcurrency }, async (_, lane) => {
      // Lanes start staggered, so triggers arrive evenly rather than in bursts of `triggerConcurrency`.
      await sleep((pauseMs * lane) / options.triggerConcurrency);
      while (next < options.pipelines) {
        const index = next++;
        await triggerOne(index);
        await sleep(pauseMs);
      }
    });

    const recoveries: Recovery[] = [];
    const kills: Record<Victim, number> = { server: 0, worker: 0, api: 0 };
    const killer = (async () => {
      for (const victim of killPlan(options.kills, random)) {
        await sleep(options.minGapMs + random() * (options.maxGapMs - options.minGapMs));
        const target = processes[victim];
        const killedAt = Date.now();
        await target.kill();
        kills[victim]++;
        for (let attempt = 1; ; attempt++) {
          try {
            await target.start();
            break;
          } catch (error) {
            // The server's port may take a moment to be released after a SIGKILL.
            if (attempt >= 20) throw error;
            await sleep(500);
          }
        }
        await target.waitReady(120_000);
        const recoveryMs = Date.now() - killedAt;
        recoveries.push({ victim, killedAtMs: killedAt - began, recoveryMs });
        log(`killed ${victim} (#${recoveries.length}); serving again after ${recoveryMs} ms`);
      }
    })();
    await Promise.all([...lanes, killer]);
    log(
      `all ${options.pipelines} pipelines acknowledged (${triggerRetries} trigger retries); waiting for completion`,
    );

    // Every acknowledged pipeline must complete, exactly once.
    const connection = await Connection.connect({ address: server.address });
    try {
      const client = new Client({ connection });
      const ids = [...acknowledged.values()];
      const statuses = new Map<string, string>();
      const durations = new Map<string, number>();
      const deadline = Date.now() + options.completionTimeoutMs;
      while (Date.now() < deadline) {
        for (const id of ids) {
          if (statuses.get(id) === 'COMPLETED' || statuses.get(id) === 'FAILED') continue;
          const description = await client.workflow.getHandle(id).describe();
          statuses.set(id, description.status.name);
          if (description.closeTime) {
            durations.set(id, description.closeTime.getTime() - description.startTime.getTime());
          }
        }
        if (ids.every((id) => ['COMPLETED', 'FAILED', 'TERMINATED', 'TIMED_OUT'].includes(statuses.get(id)!)))
          break;
        await sleep(1000);
      }
      let executions = 0;
      for await (const execution of client.workflow.list({
        query: `WorkflowType = '${TRADING_PIPELINE_WORKFLOW}'`,
      })) {
        if (execution.workflowId.startsWith('pipeline:')) executions++;
      }
      const completed = ids.filter((id) => statuses.get(id) === 'COMPLETED');
      const failed = ids.filter((id) => statuses.get(id) === 'FAILED' || statuses.get(id) === 'TERMINATED');
      return {
        pipelines: options.pipelines,
        acknowledged: acknowledged.size,
        completed: completed.length,
        failed,
        lost: ids.filter((id) => statuses.get(id) !== 'COMPLETED'),
        duplicateExecutions: executions - ids.length,
        duplicateRows: duplicateRows(dbPath),
        kills,
        recoveries,
        longestRecoveryMs: Math.max(0, ...recoveries.map((r) => r.recoveryMs)),
        longestPipelineMs: Math.max(0, ...durations.values()),
        medianPipelineMs: median([...durations.values()]),
        triggerRetries,
        durationMs: Date.now() - began,
      };
    } finally {
      await connection.close();
    }
  } catch (error) {
    const outputs = Object.values(processes)
      .map((p) => `--- ${p.name} ---\n${p.output()}`)
      .join('\n');
    throw new Error(
      `chaos run failed: ${error instanceof Error ? error.message : String(error)}\n${outputs}`,
      {
        cause: error,
      },
    );
  } finally {
    await stopAll();
    rmSync(workDir, { recursive: true, force: true });
  }
}
