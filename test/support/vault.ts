/**
 * A real HashiCorp Vault dev server for one test file: `vault server -dev` (in memory) on a free loopback port with
 * a known root token, found the same way scripts/setup.sh installs it. Vault 1.15+ is under the BSL: we build it for
 * local development and tests only and never ship it.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../src/temporal/free-port';
import { findPinnedTool } from '../../src/tooling/find-tool';

export const VAULT_VERSION = '1.21.0';
const run = promisify(execFile);

/** VAULT_CLI_PATH, then PATH, then .tools/bin, then the per-user tools cache — the order of scripts/setup.sh. */
export function findVault(explicitPath: string | undefined = process.env.VAULT_CLI_PATH): string {
  return findPinnedTool(
    {
      binary: 'vault',
      version: VAULT_VERSION,
      pathVariable: 'VAULT_CLI_PATH',
      installHint:
        'Run `npm run setup` to build it (needs Go; 9-20 minutes the first time), or set VAULT_CLI_PATH.',
    },
    { ...process.env, VAULT_CLI_PATH: explicitPath },
  );
}

export interface VaultApiResponse {
  status: number;
  body: any;
}

export interface VaultDevServer {
  /** e.g. http://127.0.0.1:41234 */
  address: string;
  rootToken: string;
  /** The dev server's single unseal key, from its start-up banner. */
  unsealKey: string;
  binary: string;
  process: ChildProcess;
  /** A raw Vault HTTP API call (default: with the root token). */
  api(method: string, apiPath: string, body?: unknown, token?: string): Promise<VaultApiResponse>;
  /** Like api(), but throws unless Vault answers 2xx. */
  apiOk(method: string, apiPath: string, body?: unknown, token?: string): Promise<any>;
  /** Runs the vault CLI against this server with the root token, e.g. cli('operator', 'seal'). */
  cli(...args: string[]): Promise<{ stdout: string; stderr: string }>;
  waitUntilHealthy(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** The environment for the vault binary: this server only, nothing from the caller's VAULT_* settings. */
function vaultEnv(address: string, home: string, token?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('VAULT_')) env[k] = v;
  return { ...env, HOME: home, VAULT_ADDR: address, ...(token ? { VAULT_TOKEN: token } : {}) };
}

export interface VaultDevServerOptions {
  binary?: string;
  startTimeoutMs?: number;
}

export async function startVaultDevServer(options: VaultDevServerOptions = {}): Promise<VaultDevServer> {
  const binary = options.binary ?? findVault();
  // The dev server also listens on port + 1 (cluster traffic); if that one is taken, try another port.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(binary, await freePort(), options);
    } catch (error) {
      if (attempt >= 3 || !/address already in use/i.test(String(error))) throw error;
    }
  }
}

async function startOnce(
  binary: string,
  port: number,
  options: VaultDevServerOptions,
): Promise<VaultDevServer> {
  const address = `http://127.0.0.1:${port}`;
  const rootToken = `root-${randomUUID()}`;
  // A throwaway HOME: the CLI must never touch the developer's ~/.vault-token.
  const home = mkdtempSync(path.join(os.tmpdir(), 'tradeflow-vault-'));
  const child = spawn(
    binary,
    [
      'server',
      '-dev',
      `-dev-listen-address=127.0.0.1:${port}`,
      `-dev-root-token-id=${rootToken}`,
      '-dev-no-store-token',
      '-log-level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: vaultEnv(address, home) },
  );
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<never>((_, reject) => {
    child.once('exit', (code, signal) =>
      reject(
        new Error(`vault server -dev exited early (code ${code}, signal ${signal}):\n${output.slice(-4000)}`),
      ),
    );
    child.once('error', reject);
  });
  exited.catch(() => undefined);

  const api = async (method: string, apiPath: string, body?: unknown, token = rootToken) => {
    const response = await fetch(`${address}/v1/${apiPath}`, {
      method,
      headers: {
        'X-Vault-Token': token,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  const apiOk = async (method: string, apiPath: string, body?: unknown, token?: string) => {
    const r = await api(method, apiPath, body, token);
    if (r.status < 200 || r.status > 299) {
      throw new Error(`${method} ${apiPath}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
    }
    return r.body;
  };
  const waitUntilHealthy = async (timeoutMs = options.startTimeoutMs ?? 60_000) => {
    const deadline = Date.now() + timeoutMs;
    let last = 'no answer';
    while (Date.now() < deadline) {
      try {
        // 200 = initialized, unsealed and active.
        const response = await fetch(`${address}/v1/sys/health`);
        if (response.status === 200) return;
        last = `HTTP ${response.status}`;
      } catch (error) {
        last = String(error);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(
      `Vault at ${address} was not healthy after ${timeoutMs} ms (${last}):\n${output.slice(-4000)}`,
    );
  };

  // Healthy, and the banner (printed after the listener is up) has told us the unseal key.
  const ready = async () => {
    await waitUntilHealthy();
    const deadline = Date.now() + 10_000;
    while (!/Root Token: /.test(output) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  try {
    await Promise.race([ready(), exited]);
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(home, { recursive: true, force: true });
    throw error;
  }
  const unsealKey = /Unseal Key: (\S+)/.exec(output)?.[1];
  if (!unsealKey) {
    await stopChild(child);
    rmSync(home, { recursive: true, force: true });
    throw new Error(`vault server -dev printed no unseal key:\n${output.slice(-4000)}`);
  }

  const stop = async () => {
    await stopChild(child);
    rmSync(home, { recursive: true, force: true });
  };

  return {
    address,
    rootToken,
    unsealKey,
    binary,
    process: child,
    api,
    apiOk,
    cli: (...args: string[]) =>
      run(binary, args, { env: vaultEnv(address, home, rootToken), timeout: 30_000 }),
    waitUntilHealthy,
    stop,
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
