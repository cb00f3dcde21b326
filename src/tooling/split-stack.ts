/**
 * The stack the way `npm run dev` runs it, on free ports with a scratch data folder: `src/scripts/dev.ts` starts the
 * Temporal dev server, the worker (at `nice 10`) and the API as three processes. The load suites measure the API in
 * its own process with it (`npm run load:capacity -- --stack split`), as the capacity figures in
 * docs/performance.md are taken; the standalone stack (standalone-stack.ts) runs the API and the worker in one.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CONFIG_VARIABLES } from '../config';
import { freePort } from '../temporal/free-port';

const repoRoot = path.resolve(__dirname, '../..');

export interface SplitStackOptions {
  /** Extra configuration for the launcher, the worker and the API (the variables `loadConfig` reads). */
  env?: Record<string, string>;
  /** How long to wait for the launcher's "Tradeflow is up" (default 3 minutes: the worker bundles its workflows). */
  readyTimeoutMs?: number;
}

export interface SplitStack {
  /** The API, e.g. `http://127.0.0.1:41234`. */
  baseUrl: string;
  /** The launcher's process id (its children are the worker and the API). */
  launcherPid: number;
  /** The admin key the launcher seeded (TRADEFLOW_BOOTSTRAP_ADMIN_KEY); send it as `X-API-Key`. */
  apiKey: string;
  /** What the launcher and its children printed so far. */
  output(): string;
  /** Stops the launcher as Ctrl-C would (API, then worker, then server), then removes the scratch folder. */
  stop(): Promise<void>;
}

/**
 * This process's environment without the stack's configuration, which may come from a developer's .env (a
 * PostgreSQL DATABASE_URL, Vault, fixed metrics ports): the stack gets its own below. `WORKER_*` tuning and the
 * Temporal CLI's path stay, so
 * `WORKER_MAX_CONCURRENT_WORKFLOW_TASKS=40 npm run load:capacity -- --stack split` compares settings.
 */
function inheritedEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of CONFIG_VARIABLES) {
    if (!name.startsWith('WORKER_') && name !== 'TEMPORAL_CLI_PATH') delete env[name];
  }
  return env;
}

export async function startSplitStack(options: SplitStackOptions = {}): Promise<SplitStack> {
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'tradeflow-split-'));
  const [temporalPort, uiPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  const apiKey = `tfk_split_${randomBytes(24).toString('base64url')}`;
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'src/scripts/dev.ts')], {
    cwd: repoRoot,
    env: {
      ...inheritedEnv(),
      // Nor may the processes load the repo's .env themselves.
      DOTENV_CONFIG_PATH: path.join(workDir, 'no.env'),
      TEMPORAL_DEV_IP: '127.0.0.1',
      TEMPORAL_DEV_PORT: String(temporalPort),
      TEMPORAL_DEV_UI_PORT: String(uiPort),
      TEMPORAL_DEV_DB_PATH: path.join(workDir, 'temporal.db'),
      API_HOST: '127.0.0.1',
      API_PORT: String(apiPort),
      TRADEFLOW_DB_PATH: path.join(workDir, 'tradeflow.db'),
      AUDIT_LOG_FILE: path.join(workDir, 'audit.log'),
      AUDIT_ARCHIVE_DIR: path.join(workDir, 'audit-archive'),
      TRADEFLOW_BOOTSTRAP_ADMIN_KEY: apiKey,
      // Load, not abuse: the suites' clients all share one key and one address.
      API_RATE_LIMIT_PER_KEY: '1000000',
      API_RATE_LIMIT_PER_IP: '1000000',
      LOG_LEVEL: 'warn',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGINT');
      const forced = setTimeout(() => child.kill('SIGKILL'), 60_000);
      await exited;
      clearTimeout(forced);
    }
    await rm(workDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 180_000);
  while (!output.includes('Tradeflow is up')) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(
        `the split stack (npm run dev's launcher) did not come up: ${
          child.exitCode !== null ? `it exited with code ${child.exitCode}` : 'no "Tradeflow is up" in time'
        }\n${output.slice(-2000)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    baseUrl: `http://127.0.0.1:${apiPort}`,
    launcherPid: child.pid!,
    apiKey,
    output: () => output,
    stop,
  };
}
