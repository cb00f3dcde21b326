/**
 * Starts one real Temporal dev server for the whole integration suite (free ports, temp SQLite database, our search
 * attributes) and prebuilds the workflow bundle once, so each test file's workers start in milliseconds.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildWorkflowBundle } from '../../src/scripts/build-workflow-bundle';
import { startDevServer, type DevServer } from '../../src/temporal/dev-server';
import { freePort } from '../../src/temporal/free-port';
import { findTemporalCli } from '../../src/temporal/temporal-cli';
import { startTestPostgres, type TestPostgres } from './postgres';

declare global {
  var __tradeflowDevServer: DevServer | undefined;
  var __tradeflowPostgres: TestPostgres | undefined;
}

export default async function globalSetup(): Promise<void> {
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'tradeflow-it-'));
  const cliPath = findTemporalCli();
  const [port, uiPort] = [await freePort(), await freePort()];
  const [started, built, cluster] = await Promise.allSettled([
    startDevServer({
      cliPath,
      ip: '127.0.0.1',
      port,
      uiPort,
      dbPath: path.join(workDir, 'temporal.db'),
      namespace: 'default',
    }),
    buildWorkflowBundle(path.join(workDir, 'workflow-bundle.js')),
    startTestPostgres(),
  ]);
  if (started.status === 'rejected' || built.status === 'rejected' || cluster.status === 'rejected') {
    // Global teardown does not run when setup fails: stop what did start, so no server or cluster is left behind.
    if (started.status === 'fulfilled') await started.value.stop().catch(() => undefined);
    if (cluster.status === 'fulfilled') cluster.value.stop();
    throw [started, built, cluster].flatMap((r) => (r.status === 'rejected' ? [r.reason] : []))[0];
  }
  const [server, bundlePath, postgres] = [started.value, built.value, cluster.value];
  globalThis.__tradeflowPostgres = postgres;
  process.env.TRADEFLOW_IT_DATABASE_URL = postgres.url;
  globalThis.__tradeflowDevServer = server;
  process.env.TRADEFLOW_IT_TEMPORAL_ADDRESS = server.address;
  process.env.TRADEFLOW_IT_TEMPORAL_UI_URL = server.uiUrl ?? '';
  process.env.TRADEFLOW_IT_TEMPORAL_CLI = cliPath;
  process.env.TRADEFLOW_IT_WORKDIR = workDir;
  process.env.TRADEFLOW_IT_BUNDLE = bundlePath;
}
