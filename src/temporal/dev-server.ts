/**
 * Starts the real Temporal dev server (`temporal server start-dev`) with our search attributes registered,
 * the SQLite pragmas that raise its throughput ~1.7× and the dynamic config that cuts each task dispatch from
 * up to 50 ms to ~2 ms (see DEFAULT_DYNAMIC_CONFIG). Used by `npm run dev`, the test suite's global setup and
 * the benches.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { PIPELINE_SEARCH_ATTRIBUTE_TYPES } from '../contracts/search-attributes';

export interface DevServerOptions {
  cliPath: string;
  ip: string;
  port: number;
  /** Web UI port; omit for a headless server. */
  uiPort?: number;
  /** SQLite file; omit for an in-memory server. */
  dbPath?: string;
  namespace: string;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  startTimeoutMs?: number;
  /** Where the server's own output goes; default: discarded except for the last lines kept for errors. */
  onOutput?: (chunk: string) => void;
  /**
   * SQLite pragmas (`--sqlite-pragma NAME=VALUE`); default {@link DEFAULT_SQLITE_PRAGMAS}. `{}` runs the
   * CLI's own defaults (rollback journal, synchronous=full), which the ceiling benchmark compares against.
   */
  sqlitePragmas?: Readonly<Record<string, string>>;
  /**
   * Server dynamic config (`--dynamic-config-value KEY=JSON`), applied over {@link DEFAULT_DYNAMIC_CONFIG}; a
   * key set to `undefined` drops that default.
   */
  dynamicConfig?: Readonly<Record<string, unknown>>;
}

/** ~1.7× the throughput of the CLI's SQLite defaults (`npm run bench:ceiling -- --sqlite default,wal`). */
export const DEFAULT_SQLITE_PRAGMAS: Readonly<Record<string, string>> = {
  journal_mode: 'wal',
  synchronous: 'normal',
};

/**
 * Dynamic config every dev server starts with (measured with `npm run bench:latency`).
 *
 * `history.transferProcessorMaxPollRPS` (server default 20) caps how often the history shard reads its
 * transfer queue — the tasks that hand workflow and activity tasks to matching, start children and close
 * runs. The dev server has a single shard, so once the limiter's burst is spent every sequential dispatch
 * waited for the next 50 ms slot: a workflow of 3 trivial activities took ~350 ms and our pipeline ~850 ms;
 * with this cap raised ~55 ms and ~180 ms. It only limits reads (each read takes up to a batch of tasks), so
 * raising it changes no semantics, and `npm run bench:ceiling` shows no throughput cost.
 *
 * `system.forceSearchAttributesCacheRefreshOnRead` is on in the dev server (so that a search attribute created
 * with `temporal operator search-attribute create` is usable at once): every search-attribute read then goes to
 * the database. A pipeline run made ~15 cluster-metadata and ~8 namespace reads that way, about a third of the
 * server's database time under load (measured from its persistence metrics). Ours are registered when the server
 * starts (`--search-attribute`), so the cache can keep them; one created later becomes usable within the
 * cache's refresh interval instead of at once.
 */
export const DEFAULT_DYNAMIC_CONFIG: Readonly<Record<string, unknown>> = {
  'history.transferProcessorMaxPollRPS': 1000,
  'system.forceSearchAttributesCacheRefreshOnRead': false,
};

export interface DevServer {
  address: string;
  uiUrl?: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export function devServerArgs(options: DevServerOptions): string[] {
  const args = [
    'server',
    'start-dev',
    '--ip',
    options.ip,
    '--port',
    String(options.port),
    '--namespace',
    options.namespace,
    '--log-level',
    options.logLevel ?? 'warn',
  ];
  for (const [name, value] of Object.entries(options.sqlitePragmas ?? DEFAULT_SQLITE_PRAGMAS)) {
    args.push('--sqlite-pragma', `${name}=${value}`);
  }
  for (const [key, value] of Object.entries({ ...DEFAULT_DYNAMIC_CONFIG, ...options.dynamicConfig })) {
    if (value !== undefined) args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  }
  if (options.uiPort) args.push('--ui-port', String(options.uiPort));
  else args.push('--headless');
  if (options.dbPath) args.push('--db-filename', options.dbPath);
  for (const [name, type] of Object.entries(PIPELINE_SEARCH_ATTRIBUTE_TYPES)) {
    args.push('--search-attribute', `${name}=${type}`);
  }
  return args;
}

export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  if (options.dbPath) mkdirSync(path.dirname(options.dbPath), { recursive: true });
  const child = spawn(options.cliPath, devServerArgs(options), { stdio: ['ignore', 'pipe', 'pipe'] });
  let recentOutput = '';
  const collect = (chunk: Buffer) => {
    const text = chunk.toString();
    recentOutput = (recentOutput + text).slice(-4000);
    options.onOutput?.(text);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  const address = `${options.ip}:${options.port}`;
  const exited = new Promise<never>((_, reject) => {
    child.once('exit', (code, signal) =>
      reject(
        new Error(`Temporal dev server exited early (code ${code}, signal ${signal}):\n${recentOutput}`),
      ),
    );
    child.once('error', reject);
  });
  try {
    await Promise.race([
      waitUntilServing(
        address,
        options.namespace,
        options.startTimeoutMs ?? 60_000,
        () => child.exitCode !== null || child.signalCode !== null,
      ),
      exited,
    ]);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  exited.catch(() => undefined);

  return {
    address,
    uiUrl: options.uiPort ? `http://${options.ip}:${options.uiPort}` : undefined,
    process: child,
    stop: () => stopProcess(child),
  };
}

/** Probes until the namespace answers; stops early once the server process is gone (the caller reports that). */
async function waitUntilServing(
  address: string,
  namespace: string,
  timeoutMs: number,
  processGone: () => boolean,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline && !processGone()) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.workflowService.describeNamespace({ namespace });
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new Error(
    `Temporal dev server at ${address} did not become ready in ${timeoutMs} ms: ${String(lastError)}`,
  );
}

export function stopProcess(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
