/**
 * GET /workflows shares one visibility query among identical lists within API_LIST_CACHE_MS, and
 * GET /workflows/:id/status one describe + progress query per run within API_STATUS_CACHE_MS.
 */
import { eventually, httpJson, startStack, testConfig, type TestStack } from '../support/harness';

// A symbol no other test uses: the dev server's namespace is shared by every test file.
const SYMBOL = 'LCQA';

describe('API read caches', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({
      config: testConfig({ API_LIST_CACHE_MS: '60000', API_STATUS_CACHE_MS: '60000' }),
      worker: false,
    });
  });
  afterAll(() => stack.stop());

  it('answers an identical list from the cache and a different list afresh', async () => {
    const base = stack.baseUrl!;
    const trigger = () =>
      httpJson(base, 'POST', '/workflows/trigger', {
        workflow_id: 'trading_pipeline',
        parameters: { symbols: [SYMBOL], lookbackDays: 30 },
      });
    expect((await trigger()).status).toBe(202);
    // Visibility is eventually consistent: wait until a fresh list (its own cache key) shows the first run.
    await eventually(async () => {
      const r = await httpJson(
        base,
        'GET',
        `/workflows?symbol=${SYMBOL}&pageSize=${10 + Math.floor(Math.random() * 80)}`,
      );
      return r.body.runs.length === 1 ? true : undefined;
    });
    const first = await httpJson(base, 'GET', `/workflows?symbol=${SYMBOL}&pageSize=5`);
    expect(first.body.runs).toHaveLength(1);

    expect((await trigger()).status).toBe(202);
    await eventually(async () => {
      const r = await httpJson(
        base,
        'GET',
        `/workflows?symbol=${SYMBOL}&pageSize=${100 + Math.floor(Math.random() * 100)}`,
      );
      return r.body.runs.length === 2 ? true : undefined;
    });
    // The same list as before: still the cached answer, one run.
    const again = await httpJson(base, 'GET', `/workflows?symbol=${SYMBOL}&pageSize=5`);
    expect(again.body).toEqual(first.body);
  });

  it("answers a run's status from the cache within the TTL, even after the run ended", async () => {
    const base = stack.baseUrl!;
    const started = await httpJson(base, 'POST', '/workflows/trigger', {
      workflow_id: 'trading_pipeline',
      parameters: { symbols: [SYMBOL], lookbackDays: 30 },
    });
    const path = `/workflows/${encodeURIComponent(started.body.workflowId)}/status`;
    const before = await httpJson(base, 'GET', path);
    expect(before.body.status).toBe('RUNNING');
    await stack.client.workflow.getHandle(started.body.workflowId).terminate('status cache test');
    const describe = await stack.client.workflow.getHandle(started.body.workflowId).describe();
    expect(describe.status.name).toBe('TERMINATED');
    expect((await httpJson(base, 'GET', path)).body).toEqual(before.body);
  });
});
