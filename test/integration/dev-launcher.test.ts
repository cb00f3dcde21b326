/**
 * `npm run dev`'s launcher, for real: it starts the Temporal dev server (with the Web UI), the worker and the API on
 * the ports it is given, a pipeline triggered over HTTP completes, the worker runs at a lower CPU priority than the
 * API, and SIGTERM stops all three processes.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findChildProcess } from '../../bench/support/worker-sampler';
import { freePort } from '../../src/temporal/free-port';
import {
  eventually,
  httpJson,
  itEnv,
  runPipelineOverHttp,
  startScript,
  TEST_ADMIN_KEY,
} from '../support/harness';

/** The launcher's child process running `entry` (from /proc): its niceness and environment, if there is one. */
function childProcess(parentPid: number, entry: string): { nice: number; env: string[] } | undefined {
  const pid = findChildProcess(parentPid, entry);
  if (pid === undefined) return undefined;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after "(comm)": state, ppid, ... ; nice is field 19 of stat(5).
  const nice = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  return { nice, env: readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0') };
}

describe('dev launcher (npm run dev)', () => {
  it('brings up server, UI, worker and API, runs a pipeline, and stops everything on SIGTERM', async () => {
    const dataDir = mkdtempSync(path.join(itEnv().workDir, 'dev-'));
    const [temporalPort, uiPort, apiPort] = [await freePort(), await freePort(), await freePort()];
    const env = {
      ...process.env,
      TEMPORAL_DEV_PORT: String(temporalPort),
      TEMPORAL_DEV_UI_PORT: String(uiPort),
      TEMPORAL_DEV_DB_PATH: path.join(dataDir, 'temporal.db'),
      TEMPORAL_TASK_QUEUE: 'dev-launcher-test',
      API_PORT: String(apiPort),
      API_HOST: '127.0.0.1',
      TRADEFLOW_DB_PATH: path.join(dataDir, 'tradeflow.db'),
      TRADEFLOW_BOOTSTRAP_ADMIN_KEY: TEST_ADMIN_KEY,
      WORKER_BUNDLE_PATH: itEnv().bundlePath,
      LOG_LEVEL: 'warn',
      // Unset, as in .env.example: the launcher picks the worker's slots.
      WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '',
    };
    const { child: launcher, output, exited } = startScript('src/scripts/dev.ts', env);
    try {
      await eventually(
        () => Promise.resolve(output().includes('Tradeflow is up') ? true : undefined),
        90_000,
        200,
      );
      expect(output()).toContain(`Temporal UI    http://127.0.0.1:${uiPort}`);
      const base = `http://127.0.0.1:${apiPort}`;
      expect((await httpJson(base, 'GET', '/health/ready')).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${uiPort}/`)).status).toBe(200);

      const { result } = await runPipelineOverHttp(base, { symbols: ['AAPL'], lookbackDays: 30 });
      expect(result.body.status).toBe('COMPLETED');

      // The worker yields the CPU to the API it shares the machine with (WORKER_NICE, 10 by default here), and
      // takes 5 workflow tasks at a time (10 elsewhere).
      const ours = os.getPriority();
      const worker = childProcess(launcher.pid!, 'src/worker.ts');
      expect(worker?.nice).toBe(Math.max(10, ours));
      expect(worker?.env).toContain('WORKER_MAX_CONCURRENT_WORKFLOW_TASKS=5');
      expect(childProcess(launcher.pid!, 'src/api/main.ts')?.nice).toBe(ours);
    } finally {
      launcher.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(output()).toContain('[dev] stopped');
    // Nothing is left listening on the ports it used.
    await expect(fetch(`http://127.0.0.1:${apiPort}/health/live`)).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${uiPort}/`)).rejects.toThrow();
  });
});
