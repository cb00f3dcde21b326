/**
 * The process side of `npm run dev` and `npm run demo`: starts the Temporal dev server (+ Web UI), then the worker
 * and the API as child processes with their output prefixed, waits for the API, and stops all three in order on
 * Ctrl-C / SIGTERM (API, then the worker with its drain grace, then the server) or when one of them dies.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ensureLocalAdminKey } from '../auth/bootstrap';
import { loadConfig, type TradeflowConfig } from '../config';
import { assertSupportedNode } from '../runtime-check';
import { openConfiguredStores } from '../store';
import { startDevServer, stopProcess, type DevServer } from '../temporal/dev-server';
import { findTemporalCli } from '../temporal/temporal-cli';

const repoRoot = path.resolve(__dirname, '..', '..');

/** Where a local stack keeps its admin key when TRADEFLOW_BOOTSTRAP_ADMIN_KEY is not set (relative to the cwd). */
export const LOCAL_ADMIN_KEY_FILE = 'data/admin-api-key';
/** The worker's CPU niceness when the launcher starts it beside the API (WORKER_NICE overrides it). */
export const LAUNCHER_WORKER_NICE = 10;
/**
 * The worker's workflow-task slots when the launcher starts it beside the API and the dev server
 * (WORKER_MAX_CONCURRENT_WORKFLOW_TASKS overrides it; elsewhere the default is 10). In this layout it completes as
 * many runs with 5 as with 10, and the API's trigger p99 at 150 % of capacity falls from 113-141 to 43-44 ms
 * (docs/performance.md, fix 15).
 */
export const LAUNCHER_WORKER_WORKFLOW_TASKS = 5;

export function startTsProcess(name: string, entry: string, env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, entry)], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = (stream: NodeJS.ReadableStream | null, out: NodeJS.WriteStream) =>
    stream?.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) out.write(`[${name}] ${line}\n`);
    });
  prefix(child.stdout, process.stdout);
  prefix(child.stderr, process.stderr);
  return child;
}

/** Waits (up to a minute) until the API answers ready, so a banner printed afterwards is true. */
export async function waitForApi(url: string, apiKey: string, tag: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url, { headers: { 'x-api-key': apiKey } })).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  console.warn(`[${tag}] the API did not report ready at ${url} within a minute; see its log lines above`);
}

export interface LocalAdminKey {
  key: string;
  /** Where it came from, for the banner: "TRADEFLOW_BOOTSTRAP_ADMIN_KEY" or "(created, )kept in data/admin-api-key". */
  source: string;
  /** The file holding it, relative to the cwd; undefined when it came from TRADEFLOW_BOOTSTRAP_ADMIN_KEY. */
  file?: string;
}

/**
 * The admin key the banner prints: TRADEFLOW_BOOTSTRAP_ADMIN_KEY when set (the API seeds it), else the local
 * development key kept in data/admin-api-key (created on the first run), so a newcomer is never locked out.
 */
export async function localAdminKey(config: TradeflowConfig): Promise<LocalAdminKey> {
  const bootstrap = process.env.TRADEFLOW_BOOTSTRAP_ADMIN_KEY?.trim();
  if (bootstrap) return { key: bootstrap, source: 'TRADEFLOW_BOOTSTRAP_ADMIN_KEY' };
  const stores = await openConfiguredStores(config.store);
  try {
    const file = path.resolve(LOCAL_ADMIN_KEY_FILE);
    const { key, created } = await ensureLocalAdminKey(stores.apiKeys, file);
    const relative = path.relative(process.cwd(), file);
    return { key, source: `${created ? 'created, ' : ''}kept in ${relative}`, file: relative };
  } finally {
    await stores.close();
  }
}

/**
 * The shell line that puts the admin key in $KEY for the banner's examples, without repeating the key itself (the
 * banner prints it once, on its own line).
 */
export function keyShellLine(adminKey: LocalAdminKey): string {
  return adminKey.file ? `KEY=$(cat ${adminKey.file})` : 'KEY="$TRADEFLOW_BOOTSTRAP_ADMIN_KEY"';
}

/**
 * The banner's key line: the key itself only when the banner goes to a terminal (once); piped into a file or a log
 * collector, it says where the key is kept instead, so the secret never lands in captured output.
 */
export function adminKeyLine(adminKey: LocalAdminKey, toTerminal: boolean): string {
  if (toTerminal) return `  Admin API key  ${adminKey.key}  (${adminKey.source})`;
  const where = adminKey.file ? `read it from ${adminKey.file}` : 'it is $TRADEFLOW_BOOTSTRAP_ADMIN_KEY';
  return `  Admin API key  (not printed: the output is not a terminal; ${where})`;
}

/** Whether the banner is being written to a terminal (the only place the admin key is printed). */
export function stdoutIsTerminal(): boolean {
  return process.stdout.isTTY === true;
}

/** `npm run dev`'s banner: the admin key appears once (its own line, on a terminal); the example reads it into $KEY. */
export function devBanner(
  stack: Pick<LaunchedStack, 'config' | 'server' | 'adminKey'>,
  toTerminal = stdoutIsTerminal(),
): string {
  const { config, server, adminKey } = stack;
  return [
    '',
    'Tradeflow is up:',
    `  API            http://localhost:${config.api.port}`,
    `  Dashboard      http://localhost:${config.api.port}/dashboard`,
    `  API docs       http://localhost:${config.api.port}/docs  (OpenAPI: /openapi.json)`,
    adminKeyLine(adminKey, toTerminal),
    `                 try: ${keyShellLine(adminKey)}; curl -H "X-API-Key: $KEY" localhost:${config.api.port}/health/ready`,
    `  Temporal       ${server.address} (namespace ${config.temporal.namespace}, task queue ${config.temporal.taskQueue})`,
    `  Temporal UI    ${server.uiUrl ?? '(headless)'}`,
    'Press Ctrl-C to stop.',
    '',
  ].join('\n');
}

export interface LaunchOptions {
  /** Prefix of the launcher's own lines: `[dev] stopping …`. */
  tag: string;
  /** Extra variables for the worker and the API only, given the launcher's config (e.g. the demo's defaults). */
  childEnv?: (config: TradeflowConfig) => NodeJS.ProcessEnv;
}

export interface LaunchedStack {
  config: TradeflowConfig;
  server: DevServer;
  adminKey: LocalAdminKey;
  /** Stops the API, the worker and the server, then exits the process with `exitCode`. Idempotent. */
  stopAll(exitCode: number): Promise<void>;
}

/**
 * Starts the dev server, the worker and the API; resolves once the API reports ready (or after a minute's wait,
 * with a warning). Installs the SIGINT/SIGTERM handlers that stop everything and exit 0.
 */
export async function launchStack(options: LaunchOptions): Promise<LaunchedStack> {
  const { tag } = options;
  assertSupportedNode();
  const config = loadConfig();
  const cliPath = findTemporalCli(config.devServer.cliPath);
  console.log(
    `[${tag}] starting Temporal dev server (${cliPath}) on ${config.devServer.ip}:${config.devServer.port}...`,
  );
  const server: DevServer = await startDevServer({
    cliPath,
    ip: config.devServer.ip,
    port: config.devServer.port,
    uiPort: config.devServer.uiPort,
    dbPath: config.devServer.dbPath,
    namespace: config.temporal.namespace,
  });
  const adminKey = await localAdminKey(config);
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    ...options.childEnv?.(config),
    TEMPORAL_ADDRESS: server.address,
  };
  const children = new Map<string, ChildProcess>([
    // The worker yields the CPU to the API and the server it shares this machine with (WORKER_NICE, default 10
    // here, and 5 workflow-task slots): under overload the API keeps answering and runs queue in Temporal
    // (docs/performance.md).
    [
      'worker',
      startTsProcess('worker', 'src/worker.ts', {
        ...childEnv,
        WORKER_NICE: childEnv.WORKER_NICE || String(LAUNCHER_WORKER_NICE),
        WORKER_MAX_CONCURRENT_WORKFLOW_TASKS:
          childEnv.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS || String(LAUNCHER_WORKER_WORKFLOW_TASKS),
      }),
    ],
    ['api', startTsProcess('api', 'src/api/main.ts', childEnv)],
  ]);

  let stopping = false;
  const stopAll = async (exitCode: number) => {
    if (stopping) return;
    stopping = true;
    console.log(`[${tag}] stopping API, worker and Temporal dev server...`);
    await stopProcess(children.get('api')!);
    await stopProcess(children.get('worker')!, config.worker.shutdownGraceMs + 5000);
    await server.stop();
    console.log(`[${tag}] stopped`);
    process.exit(exitCode);
  };
  for (const [name, child] of children) {
    child.once('exit', (code) => {
      if (!stopping) {
        console.error(`[${tag}] ${name} exited unexpectedly (code ${code}); shutting down`);
        void stopAll(1);
      }
    });
  }
  server.process.once('exit', (code) => {
    if (!stopping) {
      console.error(`[${tag}] Temporal dev server exited unexpectedly (code ${code}); shutting down`);
      void stopAll(1);
    }
  });
  // `on`, not `once`: Ctrl-C signals the whole process group and the tsx CLI may relay it again; a repeated signal
  // must not end this process (tsx exits a child that has no handler left) before the children are stopped.
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  await waitForApi(`http://127.0.0.1:${config.api.port}/health/ready`, adminKey.key, tag);
  return { config, server, adminKey, stopAll };
}
