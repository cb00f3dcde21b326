/** Shared wiring for integration tests: config pointing at the suite's dev server, workers, the API on a free port. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { Client as PgClient } from 'pg';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { createApp } from '../../src/api/app';
import { loadConfig, type TradeflowConfig } from '../../src/config';
import { createLogger } from '../../src/logging';
import type { MarketDataProvider, ProviderName } from '../../src/market-data/bar';
import { openConfiguredStores, openStores, type Stores } from '../../src/store';
import { createTemporalClients, type TemporalClients } from '../../src/temporal/client';
import { ensureBootstrapAdminKey } from '../../src/auth/bootstrap';
import type { SecretsProvider } from '../../src/secrets/secrets-provider';
import { buildWorker } from '../../src/worker';
import type { LlmAnalyst } from '../../src/signals/llm-analyst';
import { quietRuntime } from './workflow-env';

export { quietRuntime };

export function itEnv(): {
  address: string;
  uiUrl: string;
  cliPath: string;
  workDir: string;
  bundlePath: string;
} {
  const address = process.env.TRADEFLOW_IT_TEMPORAL_ADDRESS;
  if (!address)
    throw new Error(
      'integration tests need the global setup (run them through jest --selectProjects integration)',
    );
  return {
    address,
    uiUrl: process.env.TRADEFLOW_IT_TEMPORAL_UI_URL ?? '',
    cliPath: process.env.TRADEFLOW_IT_TEMPORAL_CLI!,
    workDir: process.env.TRADEFLOW_IT_WORKDIR!,
    bundlePath: process.env.TRADEFLOW_IT_BUNDLE!,
  };
}

export const TEST_JWT_ISSUER = 'https://idp.tradeflow.test';
export const TEST_JWT_AUDIENCE = 'tradeflow-api';

/** A fresh config: its own task queue and SQLite file, so test files never see each other's runs or bars. */
export function testConfig(overrides: Record<string, string> = {}): TradeflowConfig {
  const env = itEnv();
  const dir = mkdtempSync(path.join(env.workDir, 'case-'));
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'error',
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_TASK_QUEUE: `it-${randomUUID()}`,
    TEMPORAL_UI_URL: env.uiUrl || 'http://localhost:8233',
    TRADEFLOW_DB_PATH: path.join(dir, 'tradeflow.db'),
    WORKER_BUNDLE_PATH: env.bundlePath,
    AUDIT_LOG_FILE: path.join(dir, 'audit.log'),
    AUDIT_ARCHIVE_DIR: path.join(dir, 'audit-archive'),
    // Tests make many requests quickly; the rate-limit test sets its own limits.
    API_RATE_LIMIT_PER_KEY: '1000000',
    API_RATE_LIMIT_PER_IP: '1000000',
    API_AUTH_FAILURES_PER_IP: '1000000',
    // Tests list runs right after starting them; the list cache has its own test (test/unit/api/read-cache.test.ts).
    API_LIST_CACHE_MS: '0',
    API_STATUS_CACHE_MS: '0',
    // Bearer tokens are accepted only for a configured issuer and audience; tests mint theirs with these.
    JWT_ISSUER: TEST_JWT_ISSUER,
    JWT_AUDIENCE: TEST_JWT_AUDIENCE,
    ...overrides,
  });
}

export interface TestStack {
  config: TradeflowConfig;
  stores: Stores;
  client: Client;
  worker?: Worker;
  baseUrl?: string;
  stop(): Promise<void>;
}

export async function startStack(
  options: {
    config?: TradeflowConfig;
    worker?: boolean;
    api?: boolean;
    providerFor?: (name: ProviderName) => MarketDataProvider;
    /** A scripted LLM analyst (model endpoints are unreachable from tests). */
    llmAnalyst?: () => LlmAnalyst | Promise<LlmAnalyst>;
  } = {},
): Promise<TestStack> {
  quietRuntime();
  const config = options.config ?? testConfig();
  const stores = await openConfiguredStores(config.store);
  const connection = await Connection.connect({ address: config.temporal.address });
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const stoppers: (() => Promise<void>)[] = [];

  let worker: Worker | undefined;
  if (options.worker !== false) {
    const nativeConnection = await NativeConnection.connect({ address: config.temporal.address });
    worker = await buildWorker({
      config,
      connection: nativeConnection,
      stores,
      providerFor: options.providerFor,
      llmAnalyst: options.llmAnalyst,
    });
    const running = worker.run();
    stoppers.push(async () => {
      worker!.shutdown();
      await running;
      await nativeConnection.close();
    });
  }

  let baseUrl: string | undefined;
  if (options.api !== false) {
    const api = await listenApi(config, stores);
    baseUrl = api.baseUrl;
    stoppers.push(() => api.stop());
  }

  return {
    config,
    stores,
    client,
    worker,
    baseUrl,
    async stop() {
      for (const stop of stoppers.reverse()) await stop();
      await connection.close();
      await stores.close();
    },
  };
}

/** A new, empty PostgreSQL database on the suite's server, for a test that must not see other tests' rows. */
export async function freshPostgresDatabase(): Promise<string> {
  const base = process.env.TRADEFLOW_IT_DATABASE_URL;
  if (!base) throw new Error('the integration global setup did not start PostgreSQL');
  const name = `tradeflow_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const admin = new PgClient({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

/** The API on a free loopback port, with its own (lazy) Temporal client. */
async function listenApi(
  config: TradeflowConfig,
  stores: Stores,
  secrets?: SecretsProvider,
): Promise<{ baseUrl: string; stop(): Promise<void> }> {
  const temporal: TemporalClients = createTemporalClients(config);
  const logger = createLogger('error', 'api-test');
  logger.silent = true; // 503s in the outage test log by design
  await ensureBootstrapAdminKey(stores.apiKeys, TEST_ADMIN_KEY);
  const app = createApp({ temporal, stores, config, logger, secrets });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const address = server.address();
  return {
    baseUrl: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await temporal.close().catch(() => undefined);
    },
  };
}

/** Just the API (no worker, no eager client): for testing how it behaves when Temporal is down. */
export async function startApiOnly(
  config: TradeflowConfig,
  options: { secrets?: SecretsProvider } = {},
): Promise<{ baseUrl: string; stores: Stores; stop(): Promise<void> }> {
  const stores = openStores(config.store.dbPath);
  const api = await listenApi(config, stores, options.secrets);
  return {
    baseUrl: api.baseUrl,
    stores,
    async stop() {
      await api.stop();
      await stores.close();
    },
  };
}

export interface HttpResponse {
  status: number;
  body: any;
  headers: Headers;
}

/** The admin API key every test API is seeded with; httpJson sends it unless told otherwise. */
export const TEST_ADMIN_KEY = 'tfk_integration-tests-admin-key-0123456789abcdef';

/**
 * One HTTP call answering {status, body (parsed JSON when it is JSON), headers}. Sends TEST_ADMIN_KEY as X-API-Key
 * unless `headers` set X-API-Key or Authorization themselves; a header set to '' is not sent at all.
 */
export async function httpJson(
  baseUrl: string,
  method: string,
  route: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<HttpResponse> {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const credentials = 'x-api-key' in lower || 'authorization' in lower ? {} : { 'x-api-key': TEST_ADMIN_KEY };
  const sent = Object.fromEntries(
    Object.entries({
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...credentials,
      ...lower,
    }).filter(([, value]) => value !== ''),
  );
  const response = await fetch(`${baseUrl}${route}`, {
    method,
    headers: sent,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // leave as text
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

/** Polls until `check` returns a value (not undefined) or the deadline passes. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 30_000,
  everyMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(
    `condition not met within ${timeoutMs} ms${lastError instanceof Error ? `: ${lastError.message}` : ''}`,
  );
}

/** What the SDK core writes into a local activity's marker (the part these tests read). */
interface LocalActivityMarker {
  activity_type: string;
  attempt: number;
}

/**
 * The `ingestSymbol` activity events of a pipeline run: from its ingest child (`<id>/ingest-0`) when it had one, else
 * from the run itself (a single batch is ingested by the pipeline). Ordinary activities' started/failed events come
 * first, then the local activities' markers (a run whose stages execute locally). Returns the attempts and the
 * failures.
 */
export async function ingestActivityEvents(
  client: Client,
  workflowId: string,
): Promise<{ attempts: number[]; failures: temporal.api.failure.v1.IFailure[] }> {
  const history = await client.workflow
    .getHandle(`${workflowId}/ingest-0`)
    .fetchHistory()
    .catch(() => client.workflow.getHandle(workflowId).fetchHistory());
  const events = history.events ?? [];
  const ingestScheduled = new Set(
    events
      .filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'ingestSymbol')
      .map((e) => String(e.eventId)),
  );
  const isIngest = (scheduledEventId: unknown) => ingestScheduled.has(String(scheduledEventId));
  // A run whose stages execute locally records each ingest's outcome in a local-activity marker instead.
  const localIngests = events.flatMap((e) => {
    const marker = e.markerRecordedEventAttributes;
    if (marker?.markerName !== 'core_local_activity') return [];
    const data = marker.details?.data?.payloads?.[0]?.data;
    const info = data ? (JSON.parse(Buffer.from(data).toString('utf8')) as LocalActivityMarker) : undefined;
    return info?.activity_type === 'ingestSymbol' ? [{ attempt: info.attempt, failure: marker.failure }] : [];
  });
  return {
    attempts: [
      ...events
        .filter(
          (e) =>
            e.activityTaskStartedEventAttributes &&
            isIngest(e.activityTaskStartedEventAttributes.scheduledEventId),
        )
        .map((e) => e.activityTaskStartedEventAttributes!.attempt ?? 0),
      ...localIngests.map((local) => local.attempt),
    ],
    failures: [
      ...events
        .filter(
          (e) =>
            e.activityTaskFailedEventAttributes &&
            isIngest(e.activityTaskFailedEventAttributes.scheduledEventId),
        )
        .map((e) => e.activityTaskFailedEventAttributes!.failure!),
      ...localIngests.flatMap((local) => (local.failure ? [local.failure] : [])),
    ],
  };
}

/** Triggers a pipeline over HTTP and waits for its result (200); returns the trigger and result responses. */
export async function runPipelineOverHttp(
  baseUrl: string,
  parameters: Record<string, unknown>,
  timeoutMs = 60_000,
): Promise<{ started: HttpResponse; result: HttpResponse }> {
  const started = await httpJson(baseUrl, 'POST', '/workflows/trigger', {
    workflow_id: 'trading_pipeline',
    parameters,
  });
  if (started.status !== 202)
    throw new Error(`trigger answered ${started.status}: ${JSON.stringify(started.body)}`);
  // Long polls (the route holds each request until the run closes or the wait ends).
  const path = `/workflows/${encodeURIComponent(started.body.workflowId)}/result?waitSeconds=10`;
  const result = await eventually(async () => {
    const r = await httpJson(baseUrl, 'GET', path);
    return r.status === 200 ? r : undefined;
  }, timeoutMs);
  return { started, result };
}

const repoRoot = path.resolve(__dirname, '../..');

/** A script of this repo running as a child process (`node --import tsx <script>`), its output collected. */
export interface RunningScript {
  child: ChildProcessWithoutNullStreams;
  /** stdout and stderr so far, interleaved as they arrived. */
  output: () => string;
  /** The exit code (null when a signal ended it). */
  exited: Promise<number | null>;
}

export function startScript(script: string, env: NodeJS.ProcessEnv): RunningScript {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, script)], {
    cwd: repoRoot,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}
