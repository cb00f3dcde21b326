/**
 * The worker's Kubernetes probes: /health/ready is 200 only while the worker runs and Temporal answers, and the
 * real worker process (`src/worker.ts`, as the container starts it) serves them on WORKER_HEALTH_PORT, connects
 * with TEMPORAL_API_KEY set (the dev server accepts and ignores the bearer header; Temporal Cloud checks it), runs a
 * pipeline and drains on SIGTERM.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { NativeConnection } from '@temporalio/worker';
import { TRADING_PIPELINE_WORKFLOW } from '../../src/contracts/workflow-names';
import type { TradingPipelineResult } from '../../src/contracts/pipeline';
import { buildWorker } from '../../src/worker';
import { startWorkerHealthServer } from '../../src/worker-health';
import { freePort } from '../../src/temporal/free-port';
import { openConfiguredStores } from '../../src/store';
import { eventually, quietRuntime, startStack, testConfig } from '../support/harness';

const repoRoot = path.resolve(__dirname, '../..');

async function getJson(url: string): Promise<{ status: number; body: any }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.json() };
}

describe('worker health endpoints', () => {
  it('reports ready only while the worker runs, with the Temporal check', async () => {
    quietRuntime();
    const config = testConfig();
    const stores = await openConfiguredStores(config.store);
    const connection = await NativeConnection.connect({ address: config.temporal.address });
    const worker = await buildWorker({ config, connection, stores });
    const health = await startWorkerHealthServer({ worker, connection, host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${health.port}/health`;
    try {
      const before = await getJson(`${base}/ready`);
      expect(before.status).toBe(503);
      expect(before.body.checks.worker).toEqual({ ok: false, error: 'worker is INITIALIZED' });
      expect(before.body.checks.temporal).toEqual({ ok: true });

      const running = worker.run();
      const ready = await eventually(async () => {
        const r = await getJson(`${base}/ready`);
        return r.status === 200 ? r : undefined;
      });
      expect(ready.body).toMatchObject({ status: 'ready', state: 'RUNNING' });
      expect((await getJson(`${base}/live`)).status).toBe(200);

      worker.shutdown();
      await running;
      const after = await getJson(`${base}/ready`);
      expect(after.status).toBe(503);
      expect(after.body.checks.worker.error).toMatch(/worker is (STOPPED|DRAINED)/);
    } finally {
      await health.close();
      await connection.close();
      await stores.close();
    }
  });

  it('the worker process serves probes on WORKER_HEALTH_PORT, runs a pipeline with an API key set, and drains on SIGTERM', async () => {
    const config = testConfig();
    const port = await freePort();
    const observer = await startStack({ config, worker: false, api: false });
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'src/worker.ts')], {
      cwd: repoRoot,
      env: {
        ...process.env,
        LOG_LEVEL: 'warn',
        TEMPORAL_ADDRESS: config.temporal.address,
        TEMPORAL_TASK_QUEUE: config.temporal.taskQueue,
        TRADEFLOW_DB_PATH: config.store.dbPath,
        WORKER_BUNDLE_PATH: config.worker.bundlePath!,
        AUDIT_LOG_FILE: config.audit.logFile,
        WORKER_HEALTH_PORT: String(port),
        WORKER_HEALTH_HOST: '127.0.0.1',
        TEMPORAL_API_KEY: 'not-checked-by-the-dev-server',
        TEMPORAL_TLS: 'false',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const ready = await eventually(async () => {
        const r = await getJson(`http://127.0.0.1:${port}/health/ready`);
        return r.status === 200 ? r : undefined;
      }, 60_000);
      expect(ready.body.checks).toEqual({ worker: { ok: true }, temporal: { ok: true } });

      const result = (await (
        await observer.client.workflow.start(TRADING_PIPELINE_WORKFLOW, {
          taskQueue: config.temporal.taskQueue,
          workflowId: `health-${randomUUID()}`,
          args: [{ symbols: ['AAPL'], asOf: '2026-09-15', lookbackDays: 30 }],
        })
      ).result()) as TradingPipelineResult;
      expect(result.providers).toEqual(['synthetic']);

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      await expect(fetch(`http://127.0.0.1:${port}/health/live`)).rejects.toThrow();
    } catch (error) {
      throw new Error(`${String(error)}\nworker stderr:\n${stderr}`, { cause: error });
    } finally {
      child.kill('SIGKILL');
      await observer.stop();
    }
  }, 120_000);
});
