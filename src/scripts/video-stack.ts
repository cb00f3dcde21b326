/**
 * The stack `npm run video` records: a Temporal dev server with its Web UI, an in-process worker and the API, all
 * on free loopback ports with every file in a fresh temp directory, and an operator API key for the browser.
 * Offline (the synthetic provider, the deterministic analyst); `stop()` shuts everything down and removes the
 * directory.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { NativeConnection, Runtime } from '@temporalio/worker';
import { createApp } from '../api/app';
import { createApiKey } from '../auth/api-keys';
import { loadConfig } from '../config';
import { createLogger } from '../logging';
import { openStores } from '../store';
import { createTemporalClients } from '../temporal/client';
import { startDevServer } from '../temporal/dev-server';
import { freePort } from '../temporal/free-port';
import { findTemporalCli } from '../temporal/temporal-cli';
import { buildWorker } from '../worker';

export interface VideoStack {
  /** The API, e.g. `http://127.0.0.1:41234` (the dashboard is at `/dashboard/`, Swagger UI at `/docs`). */
  baseUrl: string;
  /** The seeded operator key. */
  apiKey: string;
  /** The Temporal Web UI. */
  uiUrl: string;
  stop(): Promise<void>;
}

export interface VideoStackOptions {
  /** A prebuilt workflow bundle (`npm run build:workflows`); default: bundle at start-up (a few seconds). */
  bundlePath?: string;
}

export async function startVideoStack(options: VideoStackOptions = {}): Promise<VideoStack> {
  try {
    // The SDK's own INFO lines (worker state, bundling) would drown the tour's progress lines.
    Runtime.install({
      logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error },
    });
  } catch {
    // already installed in this process
  }
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'tradeflow-video-'));
  const stoppers: (() => Promise<void>)[] = [() => rm(workDir, { recursive: true, force: true })];
  /** Stops what was started, newest first, each step even if an earlier one failed; a second call is a no-op. */
  const stop = async () => {
    const errors: unknown[] = [];
    for (const step of stoppers.splice(0).reverse())
      await step().catch((error: unknown) => errors.push(error));
    if (errors.length > 0) throw errors[0];
  };
  try {
    const server = await startDevServer({
      cliPath: findTemporalCli(),
      ip: '127.0.0.1',
      port: await freePort(),
      uiPort: await freePort(),
      dbPath: path.join(workDir, 'temporal.db'),
      namespace: 'default',
    });
    stoppers.push(() => server.stop());
    if (!server.uiUrl) throw new Error('the Temporal dev server started without its Web UI');
    // Only the settings below: a developer's .env (a Postgres URL, another Temporal) must not leak into the tour.
    const config = loadConfig({
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_UI_URL: server.uiUrl,
      TRADEFLOW_DB_PATH: path.join(workDir, 'tradeflow.db'),
      AUDIT_LOG_FILE: path.join(workDir, 'audit.log'),
      AUDIT_ARCHIVE_DIR: path.join(workDir, 'audit-archive'),
      LOG_LEVEL: 'error',
      ...(options.bundlePath ? { WORKER_BUNDLE_PATH: options.bundlePath } : {}),
    });
    const stores = openStores(config.store.dbPath);
    stoppers.push(async () => {
      await stores.close();
    });
    const apiKey = `tfk_video_${randomBytes(24).toString('base64url')}`;
    await createApiKey(stores.apiKeys, { name: 'video', role: 'operator' }, new Date(), apiKey);

    const connection = await NativeConnection.connect({ address: server.address });
    stoppers.push(() => connection.close());
    const worker = await buildWorker({ config, connection, stores });
    const running = worker.run();
    stoppers.push(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    });
    const temporal = createTemporalClients(config);
    stoppers.push(() => temporal.close());
    const app = createApp({ temporal, stores, config, logger: createLogger('error', 'video') });
    const http = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    stoppers.push(
      () =>
        new Promise<void>((resolve) => {
          http.close(() => resolve());
          http.closeAllConnections();
        }),
    );
    const address = http.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    return { baseUrl: `http://127.0.0.1:${port}`, apiKey, uiUrl: server.uiUrl, stop };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}
