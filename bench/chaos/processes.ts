/**
 * The three processes a chaos run kills and restarts, each as the operator runs it: the Temporal dev server (on
 * the same port and SQLite file after every restart), the worker (`src/worker.ts`) and the API (`src/api/main.ts`).
 * `kill()` is SIGKILL — no drain, no cleanup — and `start()` brings the process back; `waitReady()` says when it
 * serves again (the server answers gRPC, the API's and the worker's /health/ready answer 200).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { startDevServer } from '../../src/temporal/dev-server';

const repoRoot = path.resolve(__dirname, '../..');

export type Victim = 'server' | 'worker' | 'api';

export interface ManagedProcess {
  name: Victim;
  start(): Promise<void>;
  /** SIGKILL; resolves once the process is gone. */
  kill(): Promise<void>;
  /** Resolves when the process serves again; rejects after `timeoutMs`. */
  waitReady(timeoutMs: number): Promise<void>;
  /** The last lines it printed, for error messages. */
  output(): string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function exitOf(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

async function pollUntil(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await sleep(100);
  }
  throw new Error(`${what} did not become ready within ${timeoutMs} ms`);
}

async function httpReady(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await response.body?.cancel();
  return response.status === 200;
}

export function devServerProcess(options: {
  cliPath: string;
  port: number;
  dbPath: string;
}): ManagedProcess & { address: string } {
  let child: ChildProcess | undefined;
  let recent = '';
  const address = `127.0.0.1:${options.port}`;
  return {
    name: 'server',
    address,
    async start() {
      const server = await startDevServer({
        cliPath: options.cliPath,
        ip: '127.0.0.1',
        port: options.port,
        dbPath: options.dbPath,
        namespace: 'default',
        onOutput: (text) => (recent = (recent + text).slice(-2000)),
      });
      child = server.process;
    },
    async kill() {
      if (!child) return;
      child.kill('SIGKILL');
      await exitOf(child);
    },
    waitReady: (timeoutMs) =>
      pollUntil(
        async () => {
          const connection = await Connection.connect({ address, connectTimeout: 1000 });
          try {
            await connection.workflowService.describeNamespace({ namespace: 'default' });
            return true;
          } finally {
            await connection.close();
          }
        },
        timeoutMs,
        'the Temporal dev server',
      ),
    output: () => recent,
  };
}

/** A Node process running one of our entry points under tsx, with the given environment. */
export function nodeProcess(options: {
  name: 'worker' | 'api';
  script: string;
  env: Record<string, string>;
  readyUrl: string;
}): ManagedProcess {
  let child: ChildProcess | undefined;
  let recent = '';
  return {
    name: options.name,
    start() {
      child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, options.script)], {
        cwd: repoRoot,
        env: { ...process.env, LOG_LEVEL: 'warn', ...options.env },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      child.stderr?.on('data', (chunk: Buffer) => (recent = (recent + chunk.toString()).slice(-2000)));
      return Promise.resolve();
    },
    async kill() {
      if (!child) return;
      child.kill('SIGKILL');
      await exitOf(child);
    },
    waitReady: (timeoutMs) => pollUntil(() => httpReady(options.readyUrl), timeoutMs, `the ${options.name}`),
    output: () => recent,
  };
}
