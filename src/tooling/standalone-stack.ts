/**
 * A standalone Tradeflow stack, on free loopback ports: a Temporal dev server (temp SQLite database, WAL; its Web
 * UI if asked for), one in-process worker and the API, with an API key seeded and the API's rate limits set out of
 * the way. Offline (the synthetic provider, the deterministic analyst), whatever a developer's .env says. The
 * benchmarks, the load suites and `npm run video` run on it. Everything lives in a fresh temp directory, which
 * `stop()` removes after shutting it all down.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { NativeConnection, Runtime } from '@temporalio/worker';
import { createApp } from '../api/app';
import { createApiKey } from '../auth/api-keys';
import type { Role } from '../auth/roles';
import { loadConfig } from '../config';
import { createLogger } from '../logging';
import { openStores } from '../store';
import { createTemporalClients } from '../temporal/client';
import { startDevServer } from '../temporal/dev-server';
import { freePort } from '../temporal/free-port';
import { findTemporalCli } from '../temporal/temporal-cli';
import { buildWorker } from '../worker';
import { listen } from '../http/listen';

export interface WorkerTuning {
  /** WORKER_MAX_CONCURRENT_ACTIVITIES (default: the config's default, 50). */
  maxConcurrentActivities?: number;
  /** WORKER_MAX_CONCURRENT_WORKFLOW_TASKS (default 10). */
  maxConcurrentWorkflowTasks?: number;
  /** WORKER_MAX_CACHED_WORKFLOWS (default 500). */
  maxCachedWorkflows?: number;
}

export interface StandaloneStackOptions {
  /** Worker concurrency and cache sizing; unset fields keep the config defaults. */
  worker?: WorkerTuning;
  /** Name of the seeded API key, also the key's readable prefix (`tfk_<name>_…`). Default `bench`. */
  keyName?: string;
  /** Role of the seeded key. Default `operator` (may trigger runs). */
  keyRole?: Role;
  /** Serve the Temporal Web UI on a free port (default: headless). */
  ui?: boolean;
  /** Extra configuration (the variables `loadConfig` reads); applied over the stack's own settings. */
  env?: Record<string, string>;
  /**
   * Take the worker's tuning variables (`WORKER_*`) from this process's environment, so a benchmark can compare
   * settings: `WORKER_LOCAL_STAGES=activities npm run bench:…` (default true).
   */
  workerTuningFromEnv?: boolean;
}

export interface StandaloneStack {
  /** The API, e.g. `http://127.0.0.1:41234`. */
  baseUrl: string;
  /** The seeded API key (send it as `X-API-Key`). */
  apiKey: string;
  /** The dev server's gRPC address, `127.0.0.1:<port>`. */
  temporalAddress: string;
  /** The Temporal namespace and the worker's task queue (to start runs with a Temporal client). */
  namespace: string;
  taskQueue: string;
  /** The Temporal Web UI when `ui` was asked for, else undefined. */
  uiUrl: string | undefined;
  /** The dev server's process id (benchmarks read its CPU time). */
  serverPid: number | undefined;
  stop(): Promise<void>;
}

function installQuietRuntime(): void {
  try {
    Runtime.install({
      logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error },
    });
  } catch {
    // Already installed in this process (a second stack): the first installation stays.
  }
}

export async function startStandaloneStack(options: StandaloneStackOptions = {}): Promise<StandaloneStack> {
  installQuietRuntime();
  const keyName = options.keyName ?? 'bench';
  const apiKey = `tfk_${keyName}_${randomBytes(24).toString('base64url')}`;
  const workDir = mkdtempSync(path.join(os.tmpdir(), `tradeflow-${keyName}-`));
  const removeWorkDir = () => rm(workDir, { recursive: true, force: true });
  const server = await startDevServer({
    cliPath: findTemporalCli(),
    ip: '127.0.0.1',
    port: await freePort(),
    uiPort: options.ui ? await freePort() : undefined,
    dbPath: path.join(workDir, 'temporal.db'),
    namespace: 'default',
  }).catch(async (error: unknown) => {
    await removeWorkDir();
    throw error;
  });
  const tuning = options.worker ?? {};
  const config = loadConfig({
    ...(options.workerTuningFromEnv === false
      ? {}
      : Object.fromEntries(
          Object.entries(process.env).filter(
            ([name, value]) => name.startsWith('WORKER_') && value !== undefined,
          ),
        )),
    TEMPORAL_ADDRESS: server.address,
    ...(server.uiUrl ? { TEMPORAL_UI_URL: server.uiUrl } : {}),
    TRADEFLOW_DB_PATH: path.join(workDir, 'tradeflow.db'),
    LOG_LEVEL: 'error',
    AUDIT_LOG_FILE: path.join(workDir, 'audit.log'),
    AUDIT_ARCHIVE_DIR: path.join(workDir, 'audit-archive'),
    API_RATE_LIMIT_PER_KEY: '1000000',
    API_RATE_LIMIT_PER_IP: '1000000',
    ...(tuning.maxConcurrentActivities
      ? { WORKER_MAX_CONCURRENT_ACTIVITIES: String(tuning.maxConcurrentActivities) }
      : {}),
    ...(tuning.maxConcurrentWorkflowTasks
      ? { WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: String(tuning.maxConcurrentWorkflowTasks) }
      : {}),
    ...(tuning.maxCachedWorkflows ? { WORKER_MAX_CACHED_WORKFLOWS: String(tuning.maxCachedWorkflows) } : {}),
    ...options.env,
  });
  const stoppers: (() => Promise<void>)[] = [removeWorkDir, () => server.stop()];
  /** Stops what was started, newest first, each step even if an earlier one failed; a second call has nothing left. */
  const stopAll = async () => {
    const errors: unknown[] = [];
    for (const stop of stoppers.splice(0).reverse()) {
      await stop().catch((error: unknown) => errors.push(error));
    }
    if (errors.length > 0) throw errors[0];
  };
  try {
    const stores = openStores(config.store.dbPath);
    stoppers.push(async () => {
      await stores.close();
    });
    await createApiKey(
      stores.apiKeys,
      { name: keyName, role: options.keyRole ?? 'operator' },
      new Date(),
      apiKey,
    );
    const nativeConnection = await NativeConnection.connect({ address: server.address });
    stoppers.push(() => nativeConnection.close());
    const worker = await buildWorker({ config, connection: nativeConnection, stores });
    const running = worker.run();
    stoppers.push(async () => {
      // A SIGINT/SIGTERM makes the SDK start the shutdown itself (the worker is then DRAINING already).
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    });
    const temporal = createTemporalClients(config);
    stoppers.push(() => temporal.close());
    const app = createApp({ temporal, stores, config, logger: createLogger('error', keyName) });
    const http = await listen(app, '127.0.0.1', 0);
    stoppers.push(() => http.close());
    return {
      baseUrl: `http://127.0.0.1:${http.port}`,
      apiKey,
      temporalAddress: server.address,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      uiUrl: server.uiUrl,
      serverPid: server.process.pid,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll().catch(() => undefined);
    throw error;
  }
}
