/**
 * `npm run dev`: the whole stack in the foreground — Temporal dev server (+ Web UI), worker and API.
 * Ctrl-C / SIGTERM stops the API, drains the worker, then stops the server.
 */
import '../check-node';
import 'dotenv/config';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ensureLocalAdminKey } from '../auth/bootstrap';
import { loadConfig, type TradeflowConfig } from '../config';
import { assertSupportedNode } from '../runtime-check';
import { openConfiguredStores } from '../store';
import { startDevServer, stopProcess, type DevServer } from '../temporal/dev-server';
import { findTemporalCli } from '../temporal/temporal-cli';

const repoRoot = path.resolve(__dirname, '..', '..');

function startTsProcess(name: string, entry: string, env: NodeJS.ProcessEnv): ChildProcess {
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

/** Waits (up to a minute) until the API answers ready, so the banner below is true when it is printed. */
async function waitForApi(url: string, apiKey: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url, { headers: { 'x-api-key': apiKey } })).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  console.warn(`[dev] the API did not report ready at ${url} within a minute; see its log lines above`);
}

/**
 * The admin key the banner prints: TRADEFLOW_BOOTSTRAP_ADMIN_KEY when set (the API seeds it), else the local
 * development key kept in data/admin-api-key (created on the first run), so a newcomer is never locked out.
 */
async function localAdminKey(config: TradeflowConfig): Promise<{ key: string; source: string }> {
  const bootstrap = process.env.TRADEFLOW_BOOTSTRAP_ADMIN_KEY?.trim();
  if (bootstrap) return { key: bootstrap, source: 'TRADEFLOW_BOOTSTRAP_ADMIN_KEY' };
  const stores = await openConfiguredStores(config.store);
  try {
    const file = path.resolve('data/admin-api-key');
    const { key, created } = await ensureLocalAdminKey(stores.apiKeys, file);
    return { key, source: `${created ? 'created, ' : ''}kept in ${path.relative(process.cwd(), file)}` };
  } finally {
    await stores.close();
  }
}

async function main(): Promise<void> {
  assertSupportedNode();
  const config = loadConfig();
  const cliPath = findTemporalCli(config.devServer.cliPath);
  console.log(
    `[dev] starting Temporal dev server (${cliPath}) on ${config.devServer.ip}:${config.devServer.port}...`,
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
  const env = { ...process.env, TEMPORAL_ADDRESS: server.address };
  const children = new Map<string, ChildProcess>([
    ['worker', startTsProcess('worker', 'src/worker.ts', env)],
    ['api', startTsProcess('api', 'src/api/main.ts', env)],
  ]);

  let stopping = false;
  const stopAll = async (exitCode: number) => {
    if (stopping) return;
    stopping = true;
    console.log('[dev] stopping API, worker and Temporal dev server...');
    await stopProcess(children.get('api')!);
    await stopProcess(children.get('worker')!, config.worker.shutdownGraceMs + 5000);
    await server.stop();
    console.log('[dev] stopped');
    process.exit(exitCode);
  };
  for (const [name, child] of children) {
    child.once('exit', (code) => {
      if (!stopping) {
        console.error(`[dev] ${name} exited unexpectedly (code ${code}); shutting down`);
        void stopAll(1);
      }
    });
  }
  server.process.once('exit', (code) => {
    if (!stopping) {
      console.error(`[dev] Temporal dev server exited unexpectedly (code ${code}); shutting down`);
      void stopAll(1);
    }
  });
  process.once('SIGINT', () => void stopAll(0));
  process.once('SIGTERM', () => void stopAll(0));

  await waitForApi(`http://127.0.0.1:${config.api.port}/health/ready`, adminKey.key);

  console.log(
    [
      '',
      'Tradeflow is up:',
      `  API            http://localhost:${config.api.port}`,
      `  Admin API key  ${adminKey.key}  (${adminKey.source})`,
      `                 try: curl -H 'X-API-Key: ${adminKey.key}' localhost:${config.api.port}/health/ready`,
      `  Temporal       ${server.address} (namespace ${config.temporal.namespace}, task queue ${config.temporal.taskQueue})`,
      `  Temporal UI    ${server.uiUrl ?? '(headless)'}`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  console.error(`[dev] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
