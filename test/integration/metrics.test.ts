/**
 * Prometheus metrics from the real processes, as the container starts them: the API (`src/api/main.ts`) serves its
 * request metrics on API_METRICS_PORT and the worker (`src/worker.ts`) the Temporal SDK's on WORKER_METRICS_PORT;
 * a pipeline triggered over HTTP shows up in both.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '../../src/temporal/free-port';
import { eventually, httpJson, runPipelineOverHttp, TEST_ADMIN_KEY, testConfig } from '../support/harness';

const repoRoot = path.resolve(__dirname, '../..');

function start(script: string, env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, script)], {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

async function scrape(port: number): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  if (response.status !== 200) throw new Error(`metrics answered ${response.status}`);
  return response.text();
}

describe('metrics endpoints', () => {
  it('the API and the worker expose Prometheus metrics of a pipeline run', async () => {
    const config = testConfig();
    const [apiPort, apiMetricsPort, workerMetricsPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    const shared = {
      TEMPORAL_ADDRESS: config.temporal.address,
      TEMPORAL_TASK_QUEUE: config.temporal.taskQueue,
      TRADEFLOW_DB_PATH: config.store.dbPath,
      AUDIT_LOG_FILE: config.audit.logFile,
    };
    const api = start('src/api/main.ts', {
      ...shared,
      API_HOST: '127.0.0.1',
      API_PORT: String(apiPort),
      API_METRICS_HOST: '127.0.0.1',
      API_METRICS_PORT: String(apiMetricsPort),
      TRADEFLOW_BOOTSTRAP_ADMIN_KEY: TEST_ADMIN_KEY,
    });
    const worker = start('src/worker.ts', {
      ...shared,
      WORKER_BUNDLE_PATH: config.worker.bundlePath!,
      WORKER_HEALTH_HOST: '127.0.0.1',
      WORKER_METRICS_PORT: String(workerMetricsPort),
    });
    const base = `http://127.0.0.1:${apiPort}`;
    try {
      await eventually(
        async () => ((await httpJson(base, 'GET', '/health/ready')).status === 200 ? true : undefined),
        60_000,
      );
      // Two ingest batches: the stages run as ordinary activities (a one-batch run would run them locally), so the
      // activity metrics exist too.
      await runPipelineOverHttp(base, { symbols: ['AAPL', 'MSFT'], lookbackDays: 30, ingestBatchSize: 1 });
      // A request without a key is refused, and still counted.
      expect((await httpJson(base, 'GET', '/workflows', undefined, { 'X-API-Key': '' })).status).toBe(401);

      const apiText = await scrape(apiMetricsPort);
      expect(apiText).toContain(
        'tradeflow_http_requests_total{method="POST",route="/workflows/trigger",status="202"} 1',
      );
      expect(apiText).toContain('tradeflow_pipelines_triggered_total{analyst="deterministic"} 1');
      expect(apiText).toContain(
        'tradeflow_http_request_errors_total{method="GET",route="/workflows",kind="client"} 1',
      );
      expect(apiText).toMatch(
        /tradeflow_http_request_duration_seconds_bucket\{le="0\.1",method="POST",route="\/workflows\/trigger"/,
      );
      expect(apiText).toMatch(/^tradeflow_api_process_resident_memory_bytes \d+/m);
      // The metrics listener is not the API: no /metrics on the API port (it needs a key, and is not a route).
      expect((await httpJson(base, 'GET', '/metrics')).status).toBe(404);

      // The SDK's exporter: schedule-to-start latency, slots and the sticky cache, for this task queue.
      const workerText = await eventually(async () => {
        const text = await scrape(workerMetricsPort);
        return text.includes('temporal_activity_schedule_to_start_latency') ? text : undefined;
      }, 30_000);
      for (const name of [
        'temporal_workflow_task_schedule_to_start_latency',
        'temporal_activity_schedule_to_start_latency',
        'temporal_worker_task_slots_available',
        'temporal_worker_task_slots_used',
        'temporal_sticky_cache_size',
      ]) {
        expect(workerText).toContain(name);
      }
      // Every metric the Grafana dashboard charts is really exported by one of the two.
      const dashboard = readFileSync(path.join(repoRoot, 'helm/tradeflow/dashboards/tradeflow.json'), 'utf8');
      const charted = [
        ...new Set([...dashboard.matchAll(/\b((?:tradeflow|temporal)_[a-z_]+)\{/g)].map((m) => m[1])),
      ];
      expect(charted.length).toBeGreaterThan(10);
      const exported = new Set(
        [...`${apiText}\n${workerText}`.matchAll(/^([a-z_]+)[{ ]/gm)].map((m) => m[1]),
      );
      expect(charted.filter((name) => !exported.has(name))).toEqual([]);
      expect(workerText).toContain(`task_queue="${config.temporal.taskQueue}"`);
      // Seconds, with the fine buckets the worker asks for (dispatch latency is tens of milliseconds).
      expect(workerText).toMatch(/temporal_activity_schedule_to_start_latency_bucket\{[^}]*le="0\.025"\}/);
    } catch (error) {
      throw new Error(`${String(error)}\napi stderr:\n${api.output()}\nworker stderr:\n${worker.output()}`, {
        cause: error,
      });
    } finally {
      api.child.kill('SIGTERM');
      worker.child.kill('SIGTERM');
      await Promise.all(
        [api.child, worker.child].map(
          (c) => new Promise((resolve) => (c.exitCode !== null ? resolve(null) : c.once('exit', resolve))),
        ),
      );
    }
  }, 120_000);
});
