/**
 * `npm run dev`'s launcher, for real: it starts the Temporal dev server (with the Web UI), the worker and the API on
 * the ports it is given, a pipeline triggered over HTTP completes, and SIGTERM stops all three processes.
 */
import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '../../src/temporal/free-port';
import {
  eventually,
  httpJson,
  itEnv,
  runPipelineOverHttp,
  startScript,
  TEST_ADMIN_KEY,
} from '../support/harness';

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
