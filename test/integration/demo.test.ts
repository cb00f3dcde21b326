/**
 * `npm run demo` for real: the launcher brings up its own Temporal dev server (with the Web UI), worker and API on
 * free ports with a temporary data folder, creates the sample schedules and runs, prints its banner, and SIGINT
 * stops everything with exit code 0. A second start on the same data reuses the schedules and starts new runs.
 */
import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import { CSV_FALLBACK_SYMBOL, DEMO_READY_LINE, SYNTHETIC_SYMBOLS } from '../../src/scripts/demo-samples';
import { freePort } from '../../src/temporal/free-port';
import {
  eventually,
  httpJson,
  itEnv,
  startScript,
  TEST_ADMIN_KEY,
  type RunningScript,
} from '../support/harness';

type RunningDemo = RunningScript;

const startDemo = (env: NodeJS.ProcessEnv): RunningDemo => startScript('src/scripts/demo.ts', env);

/** Waits for the banner; fails with the demo's output if it exits or takes too long. */
async function ready(demo: RunningDemo): Promise<string> {
  let exitCode: number | null | undefined;
  void demo.exited.then((code) => (exitCode = code));
  try {
    await eventually(
      () => {
        if (exitCode !== undefined) throw new Error(`the demo exited with code ${exitCode}`);
        return Promise.resolve(demo.output().includes('Press Ctrl-C to stop.') ? true : undefined);
      },
      150_000,
      200,
    );
  } catch (error) {
    throw new Error(`${String(error)}\n--- demo output ---\n${demo.output()}`, { cause: error });
  }
  const output = demo.output();
  expect(output).toContain(`${DEMO_READY_LINE}:`);
  return output;
}

/** The value printed after a banner label, e.g. `  Temporal UI    http://…`. */
const bannerValue = (output: string, label: string) =>
  new RegExp(`^  ${label} +(\\S+)`, 'm').exec(output)?.[1];
const runId = (output: string, pattern: string) => new RegExp(pattern, 'm').exec(output)?.[1];

describe('demo launcher (npm run demo)', () => {
  it('creates sample schedules, runs, an approval and a backtest, prints working URLs, and stops on SIGINT', async () => {
    const dataDir = mkdtempSync(path.join(itEnv().workDir, 'demo-'));
    const [temporalPort, uiPort, apiPort] = [await freePort(), await freePort(), await freePort()];
    const env = {
      ...process.env,
      TEMPORAL_DEV_PORT: String(temporalPort),
      TEMPORAL_DEV_UI_PORT: String(uiPort),
      TEMPORAL_DEV_DB_PATH: path.join(dataDir, 'temporal.db'),
      TEMPORAL_TASK_QUEUE: 'demo-launcher-test',
      API_PORT: String(apiPort),
      API_HOST: '127.0.0.1',
      TRADEFLOW_DB_PATH: path.join(dataDir, 'tradeflow.db'),
      AUDIT_LOG_FILE: path.join(dataDir, 'audit.log'),
      AUDIT_ARCHIVE_DIR: path.join(dataDir, 'audit-archive'),
      TRADEFLOW_BOOTSTRAP_ADMIN_KEY: TEST_ADMIN_KEY,
      WORKER_BUNDLE_PATH: itEnv().bundlePath,
      // The demo's own defaults: the committed CSV sample, a csv → synthetic fallback, Web UI links to its UI.
      TRADEFLOW_CSV_DIR: '',
      TRADEFLOW_PROVIDER_FALLBACKS: '',
      TEMPORAL_UI_URL: '',
      LOG_LEVEL: '',
    };
    const base = `http://127.0.0.1:${apiPort}`;

    const first = startDemo(env);
    try {
      const output = await ready(first);

      // The printed URLs: the API and the Temporal Web UI (plain and filtered to the demo's runs) answer; the
      // dashboard and the API docs come from other work and may still be 404, but must answer without a 5xx.
      expect(bannerValue(output, 'API')).toBe(base);
      expect(bannerValue(output, 'Temporal UI')).toBe(`http://127.0.0.1:${uiPort}`);
      expect((await httpJson(base, 'GET', '/health/ready')).status).toBe(200);
      const apiRoot = await fetch(base, { headers: { 'x-api-key': TEST_ADMIN_KEY }, redirect: 'manual' });
      expect(apiRoot.status).toBeLessThan(500);
      for (const label of ['Temporal UI', 'Demo runs']) {
        expect((await fetch(bannerValue(output, label)!)).status).toBe(200);
      }
      expect(bannerValue(output, 'Demo runs')).toContain('/namespaces/default/workflows?query=');
      for (const label of ['Dashboard', 'API docs']) {
        const url = bannerValue(output, label)!;
        expect(url).toBe(`${base}/${label === 'Dashboard' ? 'dashboard' : 'docs'}`);
        const answer = await fetch(url, { headers: { 'x-api-key': TEST_ADMIN_KEY }, redirect: 'manual' });
        expect(answer.status).toBeLessThan(500);
      }
      // Piped (not a terminal): the banner says where the key is and never prints it.
      expect(output).toContain('Admin API key  (not printed: the output is not a terminal;');
      expect(output).not.toContain(TEST_ADMIN_KEY);
      expect(output).toMatch(
        /curl -s -H "X-API-Key: \$KEY" 'http:\/\/127\.0\.0\.1:\d+\/approvals\?status=pending'/,
      );

      // Schedules: the end-of-day one active, the weekly one paused.
      const schedules = await httpJson(base, 'GET', '/schedules');
      expect(schedules.status).toBe(200);
      const byId = new Map(
        (schedules.body.schedules as { scheduleId: string; paused: boolean }[]).map((s) => [s.scheduleId, s]),
      );
      expect(byId.get('demo-eod')).toMatchObject({ paused: false, cron: ['30 17 * * MON-FRI'] });
      expect(byId.get('demo-weekly-risk')).toMatchObject({ paused: true });
      expect(output).toMatch(/demo-eod: .* — created/);

      // The synthetic and csv samples completed, and the banner says which provider served each symbol.
      const syntheticId = runId(output, '^  synthetic: (pipeline:demo:\\S+) COMPLETED');
      const csvId = runId(output, '^  csv: (pipeline:demo:2026-02-25:\\S+) COMPLETED');
      expect(syntheticId).toBeDefined();
      expect(csvId).toBeDefined();
      expect(output).toContain(`served by: ${SYNTHETIC_SYMBOLS.join(', ')} ← synthetic`);
      expect(output).toContain(
        `served by: AAPL, MSFT ← csv; ${CSV_FALLBACK_SYMBOL} ← synthetic (fallback from csv)`,
      );
      const csvResult = await httpJson(base, 'GET', `/workflows/${encodeURIComponent(csvId!)}/result`);
      expect(csvResult.body.status).toBe('COMPLETED');
      const sources = Object.fromEntries(
        (csvResult.body.result.ingest.perSymbol as { symbol: string; sources: object }[]).map((s) => [
          s.symbol,
          Object.keys(s.sources),
        ]),
      );
      expect(sources).toEqual({ AAPL: ['csv'], MSFT: ['csv'], [CSV_FALLBACK_SYMBOL]: ['synthetic'] });
      const syntheticResult = await httpJson(
        base,
        'GET',
        `/workflows/${encodeURIComponent(syntheticId!)}/result`,
      );
      expect(syntheticResult.body.status).toBe('COMPLETED');

      // The flagged run waits for a human.
      const approvalId = runId(output, '^  approval: (pipeline:demo:\\S+) AWAITING APPROVAL');
      expect(approvalId).toBeDefined();
      const status = await httpJson(base, 'GET', `/workflows/${encodeURIComponent(approvalId!)}/status`);
      expect(status.body).toMatchObject({ status: 'RUNNING', stage: 'awaiting_approval' });
      const pending = await httpJson(
        base,
        'GET',
        `/approvals?status=pending&workflowId=${encodeURIComponent(approvalId!)}`,
      );
      expect(pending.body.approvals).toEqual([
        expect.objectContaining({ status: 'pending', reasons: [expect.stringMatching(/^new breach: /)] }),
      ]);

      // The backtest left equity curves.
      const backtestId = runId(output, '^  backtest: (backtest:\\S+) COMPLETED');
      expect(backtestId).toBeDefined();
      const backtest = await httpJson(base, 'GET', `/backtests/${encodeURIComponent(backtestId!)}`);
      expect(backtest.body.status).toBe('COMPLETED');
      expect(backtest.body.results).toHaveLength(2);
      for (const result of backtest.body.results as { equity: unknown[] }[]) {
        expect(result.equity.length).toBeGreaterThan(100);
      }
    } finally {
      first.child.kill('SIGINT');
    }
    expect(await first.exited).toBe(0);
    expect(first.output()).toContain('[demo] stopped');
    await expect(fetch(`${base}/health/live`)).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${uiPort}/`)).rejects.toThrow();

    // Again on the same data: the schedules are reused and the new runs do not collide with the first ones.
    const second = startDemo(env);
    try {
      const again = await ready(second);
      expect(again).toMatch(/demo-eod: .* — reused/);
      expect(again).toMatch(/demo-weekly-risk: .* \(paused\) — reused/);
      const syntheticAgain = runId(again, '^  synthetic: (pipeline:demo:\\S+) COMPLETED');
      expect(syntheticAgain).toBeDefined();
      expect(syntheticAgain).not.toBe(runId(first.output(), '^  synthetic: (pipeline:demo:\\S+) COMPLETED'));
      expect(again).toMatch(/^ {2}approval: pipeline:demo:\S+ AWAITING APPROVAL/m);
      const pending = await httpJson(base, 'GET', '/approvals?status=pending');
      expect(pending.body.approvals).toHaveLength(2);
    } finally {
      second.child.kill('SIGINT');
    }
    expect(await second.exited).toBe(0);
  }, 400_000);
});
