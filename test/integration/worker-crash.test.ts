/**
 * Durability: kill -9 the worker process while ingest is under way, start a new one, and the run completes with no
 * duplicate bar rows and the same result as an undisturbed run of the same input.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { TradeflowConfig } from '../../src/config';
import { TRADING_PIPELINE_WORKFLOW } from '../../src/contracts/workflow-names';
import type { TradingPipelineInput, TradingPipelineResult } from '../../src/contracts/pipeline';
import { eventually, ingestActivityEvents, startStack, testConfig } from '../support/harness';

const repoRoot = path.resolve(__dirname, '../..');

function startWorkerProcess(env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'src/worker.ts')], {
    cwd: repoRoot,
    env: { ...process.env, ...env, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.on('data', () => undefined);
  return child;
}

/** The environment a worker process needs to serve this config's task queue and database. */
function workerEnvFor(config: TradeflowConfig): Record<string, string> {
  return {
    TEMPORAL_ADDRESS: config.temporal.address,
    TEMPORAL_TASK_QUEUE: config.temporal.taskQueue,
    TRADEFLOW_DB_PATH: config.store.dbPath,
    TRADEFLOW_SYNTHETIC_LATENCY_MS: String(config.marketData.synthetic.latencyMs),
    WORKER_BUNDLE_PATH: config.worker.bundlePath!,
  };
}

function barRows(dbPath: string): string[] {
  const db = new DatabaseSync(dbPath, { readOnly: true });
  try {
    const rows = db
      .prepare(
        'SELECT symbol, interval, date, open, high, low, close, adj_close, volume, source FROM bars ORDER BY symbol, date',
      )
      .all();
    return rows.map((r) => JSON.stringify(r));
  } finally {
    db.close();
  }
}

function duplicateKeys(dbPath: string): unknown[] {
  const db = new DatabaseSync(dbPath, { readOnly: true });
  try {
    return db
      .prepare('SELECT symbol, interval, date, count(*) AS n FROM bars GROUP BY 1, 2, 3 HAVING n > 1')
      .all();
  } finally {
    db.close();
  }
}

const comparable = (r: TradingPipelineResult) => ({
  // The crashed run's worker simulates vendor latency, so it says why its stages were not local differently.
  input: { ...r.input, stageExecution: r.input.stageExecution?.execution },
  providers: r.providers,
  // A chunk stored just before the kill but not yet heartbeated is skipped as already stored on the retry.
  sessions: r.ingest.barsFetched + r.ingest.barsAlreadyStored,
  rejected: r.ingest.barsRejected,
  stored: r.ingest.barsInserted + r.ingest.barsUpdated + r.ingest.barsUnchanged + r.ingest.barsAlreadyStored,
  rejectedBars: r.rejectedBars,
  // Timings (trace, analyst latency) differ between any two runs; everything else must match.
  signals: r.signals.map(({ trace: _trace, analystRun, ...signal }) => ({
    ...signal,
    analystRun: analystRun && { ...analystRun, latencyMs: 0 },
  })),
  risk: r.risk,
  breaches: r.breaches,
  riskStatus: r.riskStatus,
});

/**
 * A pipeline run served by a worker *process* with simulated vendor latency, started and watched until ingest has
 * stored its first bars — the moment both tests below interrupt the worker.
 */
async function runUntilIngestHasStarted(
  latencyMs: number,
  workflowIdPrefix: string,
  input: TradingPipelineInput,
) {
  const config = testConfig({ TRADEFLOW_SYNTHETIC_LATENCY_MS: String(latencyMs) });
  const env = workerEnvFor(config);
  const observer = await startStack({ config, worker: false, api: false });
  const run = {
    config,
    observer,
    worker: startWorkerProcess(env),
    /** Starts a fresh worker process on the same queue and database. */
    replaceWorker: () => {
      run.worker = startWorkerProcess(env);
    },
    cleanup: async () => {
      run.worker.kill('SIGKILL');
      await observer.stop();
    },
  };
  try {
    const handle = await observer.client.workflow.start(TRADING_PIPELINE_WORKFLOW, {
      taskQueue: config.temporal.taskQueue,
      workflowId: `${workflowIdPrefix}-${randomUUID()}`,
      args: [input],
    });
    const storedBars = await eventually(
      async () => {
        const n = await observer.stores.bars.countBars();
        return n > 0 ? n : undefined;
      },
      60_000,
      50,
    );
    return { run, handle, storedBars, observer, config };
  } catch (error) {
    await run.cleanup();
    throw error;
  }
}

describe('worker killed mid-ingest', () => {
  const input: TradingPipelineInput = {
    symbols: ['AAPL', 'MSFT', 'SPY', 'QQQ'],
    asOf: '2026-11-20',
    lookbackDays: 252,
    ingestBatchSize: 2,
  };

  it('completes on a new worker with no duplicate bars and the same result as an undisturbed run', async () => {
    // The run under test: a worker process with simulated vendor latency, so ingest takes a few seconds.
    const { run, handle, storedBars, observer, config } = await runUntilIngestHasStarted(400, 'crash', input);
    try {
      // Kill the worker without any chance to clean up.
      const killed = run.worker;
      killed.kill('SIGKILL');
      await new Promise((resolve) => killed.once('exit', resolve));
      expect(storedBars).toBeLessThan(4 * 252);
      expect((await handle.describe()).status.name).toBe('RUNNING');

      run.replaceWorker();
      const result = (await handle.result()) as TradingPipelineResult;

      // At least one ingest activity was retried after the crash (and resumed from its heartbeat).
      let retried = 0;
      for (const batch of [0, 1]) {
        const history = await observer.client.workflow
          .getHandle(`${handle.workflowId}/ingest-${batch}`)
          .fetchHistory();
        retried += (history.events ?? []).filter(
          (e) => (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1,
        ).length;
      }
      expect(retried).toBeGreaterThan(0);

      expect(duplicateKeys(config.store.dbPath)).toEqual([]);
      expect(await observer.stores.bars.countBars()).toBe(4 * 252);

      // The undisturbed run: same input, fresh database, in-process worker, no latency.
      const reference = await startStack({ api: false });
      try {
        const referenceResult = (await (
          await reference.client.workflow.start(TRADING_PIPELINE_WORKFLOW, {
            taskQueue: reference.config.temporal.taskQueue,
            workflowId: `crash-ref-${randomUUID()}`,
            args: [input],
          })
        ).result()) as TradingPipelineResult;
        expect(comparable(result)).toEqual(comparable(referenceResult));
        expect(barRows(config.store.dbPath)).toEqual(barRows(reference.config.store.dbPath));
      } finally {
        await reference.stop();
      }
    } finally {
      await run.cleanup();
    }
  });

  it('SIGTERM drains: in-flight activities finish, the worker exits 0, and the run completes on the next worker', async () => {
    const { run, handle, observer } = await runUntilIngestHasStarted(300, 'drain', {
      ...input,
      symbols: ['AAPL', 'MSFT'],
    });
    try {
      const worker = run.worker;
      const exited = new Promise<number | null>((resolve) => worker.once('exit', (code) => resolve(code)));
      worker.kill('SIGTERM');
      expect(await exited).toBe(0);

      run.replaceWorker();
      const result = (await handle.result()) as TradingPipelineResult;
      expect(result.ingest.barsFetched).toBe(2 * 252);
      // Nothing had to be retried: the draining worker finished what it had started.
      const { attempts } = await ingestActivityEvents(observer.client, handle.workflowId);
      expect(attempts.length).toBe(2);
      expect(attempts.every((a) => a === 1)).toBe(true);
    } finally {
      await run.cleanup();
    }
  });
});
