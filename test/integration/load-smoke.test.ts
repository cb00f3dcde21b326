/**
 * The Artillery smoke suite (artillery/smoke.yml), run for real by bench/load.ts's runner against a stack on the
 * suite's dev server: every pipeline completes, the JSON report carries the custom metrics, the ensure checks pass,
 * and they fail when they should (bad key, a latency limit nobody can meet).
 */
import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import { createApiKey } from '../../src/auth/api-keys';
import { startSplitStack } from '../../src/tooling/split-stack';
import { TRADING_PIPELINE_WORKFLOW } from '../../src/contracts/workflow-names';
import { runLoadSuite, summarize, type LoadRunResult } from '../../bench/load';
import { eventually, itEnv, startStack, type TestStack } from '../support/harness';

const SMOKE_PIPELINES = 8; // artillery/smoke.yml: arrivalCount 8 over 2 s

describe('Artillery smoke suite', () => {
  let stack: TestStack;
  let apiKey: string;
  let reportDir: string;
  beforeAll(async () => {
    stack = await startStack();
    ({ key: apiKey } = await createApiKey(stack.stores.apiKeys, { name: 'load-smoke', role: 'operator' }));
    reportDir = mkdtempSync(path.join(itEnv().workDir, 'load-reports-'));
  });
  afterAll(async () => {
    await stack.stop();
  });

  const smoke = (overrides: { apiKey?: string; p95?: number } = {}) =>
    runLoadSuite({
      suite: 'smoke',
      target: stack.baseUrl!,
      apiKey: overrides.apiKey ?? apiKey,
      reportDir,
      p95: overrides.p95,
      echo: false,
    });

  const explain = (result: LoadRunResult) =>
    `${summarize(result, 'smoke')}\n--- artillery output ---\n${result.output}`;

  it('runs every pipeline to COMPLETED with no errors, and the ensure checks pass', async () => {
    const result = await smoke();
    if (!result.passed) throw new Error(explain(result));
    expect(result.exitCode).toBe(0);

    const { counters, summaries } = result.report!.aggregate;
    expect(counters['vusers.created']).toBe(SMOKE_PIPELINES);
    expect(counters['vusers.completed']).toBe(SMOKE_PIPELINES);
    expect(counters['vusers.failed']).toBe(0);
    expect(counters['pipeline.triggered']).toBe(SMOKE_PIPELINES);
    expect(counters['pipeline.completed']).toBe(SMOKE_PIPELINES);
    expect(counters['pipeline.failed']).toBeUndefined();
    expect(Object.keys(counters).filter((name) => name.startsWith('errors.'))).toEqual([]);
    // Only 202 (trigger, still running) and 200 (finished) answers, one 200 per pipeline.
    expect(
      Object.keys(counters)
        .filter((name) => name.startsWith('http.codes.'))
        .sort(),
    ).toEqual(['http.codes.200', 'http.codes.202']);
    expect(counters['http.codes.200']).toBe(SMOKE_PIPELINES);
    // Results are long polls: each run's result request is answered when the run closes, so a smoke run makes
    // about one result request per pipeline (a few more only if a wait ends first).
    expect(counters['http.requests']).toBeLessThan(4 * SMOKE_PIPELINES);
    expect(summaries['pipeline.polls'].max).toBeLessThanOrEqual(2);

    // The custom end-to-end metric: one sample per pipeline.
    const e2e = summaries['pipeline.e2e_ms'];
    expect(e2e.count).toBe(SMOKE_PIPELINES);
    expect(e2e.min).toBeGreaterThan(0);
    expect(e2e.max).toBeLessThan(60_000);
    expect(summaries['pipeline.in_flight'].max).toBeGreaterThanOrEqual(1);
    expect(summaries['http.response_time'].count).toBe(counters['http.responses']);

    expect(result.checks.map((c) => c.check).sort()).toEqual(
      [
        '(vusers.failed or 0) == 0 and (vusers.skipped or 0) == 0',
        'plugins.metrics-by-endpoint.response_time.trigger.p95 < 1000',
        'plugins.metrics-by-endpoint.response_time.trigger.p99 < 2000',
        'maxErrorRate < 0',
        'pipeline.completed == vusers.created',
      ].sort(),
    );
    expect(result.checks.every((c) => c.ok)).toBe(true);

    // The server agrees: this test's task queue ran exactly the smoke suite's pipelines, all COMPLETED.
    const runs = await eventually(async () => {
      const found: { id: string; status: string }[] = [];
      for await (const w of stack.client.workflow.list({
        query: `WorkflowType = '${TRADING_PIPELINE_WORKFLOW}' AND TaskQueue = '${stack.config.temporal.taskQueue}'`,
      })) {
        found.push({ id: w.workflowId, status: w.status.name });
      }
      return found.length === SMOKE_PIPELINES && found.every((r) => r.status === 'COMPLETED')
        ? found
        : undefined;
    });
    for (const run of runs) expect(run.id).toMatch(/^pipeline:load:2026-09-15:load-[0-9a-f-]{36}$/);
  }, 60_000);

  it('fails the run (exit 1, maxErrorRate and VU checks) when every request is refused', async () => {
    const result = await smoke({ apiKey: 'tfk_not-a-key-of-this-api-0123456789abcdef' });
    expect(result.passed).toBe(false);
    expect(result.exitCode).toBe(1);
    const { counters } = result.report!.aggregate;
    expect(counters['errors.http_401']).toBe(SMOKE_PIPELINES);
    expect(counters['vusers.failed']).toBe(SMOKE_PIPELINES);
    expect(counters['pipeline.completed']).toBeUndefined();
    const failed = result.checks.filter((c) => !c.ok).map((c) => c.check);
    expect(failed).toEqual(
      expect.arrayContaining([
        'maxErrorRate < 0',
        'pipeline.completed == vusers.created',
        '(vusers.failed or 0) == 0 and (vusers.skipped or 0) == 0',
      ]),
    );
  }, 60_000);

  it('fails on a latency threshold alone when the pipelines all complete', async () => {
    const result = await smoke({ p95: 1 });
    expect(result.report!.aggregate.counters['pipeline.completed']).toBe(SMOKE_PIPELINES);
    expect(result.exitCode).toBe(1);
    expect(result.passed).toBe(false);
    expect(result.checks.filter((c) => !c.ok).map((c) => c.check)).toEqual([
      'plugins.metrics-by-endpoint.response_time.trigger.p95 < 1',
    ]);
  }, 60_000);
});

describe('Artillery smoke suite against the split stack (--stack split)', () => {
  it("brings up npm run dev's three processes on free ports, passes the suite against them, and stops them", async () => {
    const reportDir = mkdtempSync(path.join(itEnv().workDir, 'load-reports-split-'));
    // A developer's own settings (here an unreachable PostgreSQL) must not leak into the stack it starts.
    const saved = process.env.DATABASE_URL;
    process.env.DATABASE_URL = 'postgres://tradeflow@127.0.0.1:1/unreachable';
    const split = await startSplitStack({
      env: { WORKER_BUNDLE_PATH: itEnv().bundlePath, TEMPORAL_TASK_QUEUE: 'load-smoke-split' },
    }).finally(() => {
      if (saved === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = saved;
    });
    try {
      expect(split.output()).toContain(`API            ${split.baseUrl.replace('127.0.0.1', 'localhost')}`);
      const result = await runLoadSuite({
        suite: 'smoke',
        target: split.baseUrl,
        apiKey: split.apiKey,
        reportDir,
        echo: false,
      });
      if (!result.passed) throw new Error(`${summarize(result, 'split smoke')}\n${result.output}`);
      expect(result.report!.aggregate.counters['pipeline.completed']).toBe(SMOKE_PIPELINES);
      expect(result.report!.aggregate.counters['vusers.failed']).toBe(0);
    } finally {
      await split.stop();
    }
    expect(split.output()).toContain('[dev] stopped');
    await expect(fetch(`${split.baseUrl}/health/live`)).rejects.toThrow();
  }, 240_000);
});
