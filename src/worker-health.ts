/**
 * The worker's health endpoints for Kubernetes probes (the worker has no other HTTP surface):
 * - GET /health/live: 200 while the worker has not failed (a failed worker is restarted);
 * - GET /health/ready: 200 only while the worker is RUNNING and the Temporal frontend answers within 2 s.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NativeConnection, Worker } from '@temporalio/worker';
import express from 'express';

export interface WorkerHealthServer {
  port: number;
  close(): Promise<void>;
}

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
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(options.port, options.host, () => resolve(s));
    s.once('error', reject);
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
