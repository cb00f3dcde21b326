/**
 * The worker's health endpoints for Kubernetes probes (the worker has no other HTTP surface):
 * - GET /health/live: 200 while the worker has not failed (a failed worker is restarted);
 * - GET /health/ready: 200 only while the worker is RUNNING and the Temporal frontend answers within 2 s.
 */
import type { NativeConnection, Worker } from '@temporalio/worker';
import { listen, type ListeningServer } from './http/listen';
import express from 'express';

export type WorkerHealthServer = ListeningServer;

export interface WorkerHealthOptions {
  worker: Pick<Worker, 'getState'>;
  connection: Pick<NativeConnection, 'withDeadline' | 'workflowService'>;
  host: string;
  /** 0 picks a free port. */
  port: number;
  readinessTimeoutMs?: number;
}

async function temporalCheck(options: WorkerHealthOptions): Promise<{ ok: boolean; error?: string }> {
  try {
    await options.connection.withDeadline(Date.now() + (options.readinessTimeoutMs ?? 2000), () =>
      options.connection.workflowService.getSystemInfo({}),
    );
    return { ok: true };
  } catch (error) {
    return {
      ok: false,
      error: `Temporal unreachable: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

export async function startWorkerHealthServer(options: WorkerHealthOptions): Promise<WorkerHealthServer> {
  const app = express();
  app.disable('x-powered-by');
  app.get('/health/live', (_req, res) => {
    const state = options.worker.getState();
    res.status(state === 'FAILED' ? 503 : 200).json({ status: state === 'FAILED' ? 'failed' : 'ok', state });
  });
  app.get('/health/ready', async (_req, res) => {
    const state = options.worker.getState();
    const checks = {
      worker: state === 'RUNNING' ? { ok: true } : { ok: false, error: `worker is ${state}` },
      temporal: await temporalCheck(options),
    };
    const ready = checks.worker.ok && checks.temporal.ok;
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', state, checks });
  });
  return listen(app, options.host, options.port);
}
