/** The HTTP API against the real dev server: trigger → status → result, listing, cancelling, market data, bad input. */
import { randomUUID } from 'node:crypto';
import {
  eventually,
  httpJson,
  startApiOnly,
  startStack,
  testConfig,
  type TestStack,
} from '../support/harness';

describe('HTTP API', () => {
  let stack: TestStack;
  let base: string;
  beforeAll(async () => {
    stack = await startStack();
    base = stack.baseUrl!;
  });
  afterAll(async () => {
    await stack.stop();
  });

  const trigger = (parameters: unknown, extra: Record<string, unknown> = {}) =>
    httpJson(base, 'POST', '/workflows/trigger', { workflow_id: 'trading_pipeline', parameters, ...extra });

  async function waitForResult(workflowId: string) {
    return eventually(async () => {
      const r = await httpJson(base, 'GET', `/workflows/${encodeURIComponent(workflowId)}/result`);
      return r.status === 200 ? r : undefined;
    });
  }

  it('answers liveness and readiness', async () => {
    expect((await httpJson(base, 'GET', '/health/live')).status).toBe(200);
    const ready = await httpJson(base, 'GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.checks.temporal.ok).toBe(true);
  });

  it('triggers a pipeline (202), reports status with progress, then the result', async () => {
    const started = await trigger({
      symbols: ['AAPL', 'msft'],
      provider: 'synthetic',
      asOf: '2026-11-20',
      lookbackDays: 60,
    });
    expect(started.status).toBe(202);
    expect(started.body.workflowId).toMatch(/^pipeline:default:2026-11-20:[0-9a-f]{8}$/);
    expect(started.body.runId).toEqual(expect.any(String));
    expect(started.headers.get('x-request-id')).toEqual(expect.any(String));
    const id = encodeURIComponent(started.body.workflowId);

    const status = await httpJson(base, 'GET', `/workflows/${id}/status`);
    expect(status.status).toBe(200);
    expect(['RUNNING', 'COMPLETED']).toContain(status.body.status);
    expect(status.body.symbols).toEqual(['AAPL', 'MSFT']);

    // A long poll: one request held until the run closes.
    const result = await httpJson(base, 'GET', `/workflows/${id}/result?waitSeconds=30`);
    expect(result.status).toBe(200);
    expect(result.body.status).toBe('COMPLETED');
    expect(result.body.result.signals).toHaveLength(2);
    expect(result.body.result.input.symbols).toEqual(['AAPL', 'MSFT']);
    expect(result.body.result.providers).toEqual(['synthetic']);

    const after = await httpJson(base, 'GET', `/workflows/${id}/status`);
    expect(after.body).toMatchObject({ status: 'COMPLETED', stage: 'completed' });
    expect(after.body.progress.stage).toBe('completed');

    const bars = await httpJson(base, 'GET', '/market-data/aapl?from=2026-11-17&to=2026-11-20');
    expect(bars.status).toBe(200);
    expect(bars.body.bars.map((b: { date: string }) => b.date)).toEqual([
      '2026-11-17',
      '2026-11-18',
      '2026-11-19',
      '2026-11-20',
    ]);
    expect(bars.body.bars[0].source).toBe('synthetic');
    expect(bars.body.events).toEqual([]); // the synthetic provider reports no splits or dividends

    const report = await httpJson(base, 'GET', `/risk/reports/${started.body.runId}`);
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({
      workflowId: started.body.workflowId,
      report: { asOfDate: '2026-11-20' },
    });
    expect((await httpJson(base, 'GET', '/risk/reports/00000000-0000-0000-0000-000000000000')).status).toBe(
      404,
    );
    expect((await httpJson(base, 'GET', '/risk/reports/not-a-run')).body.error.message).toMatch(
      /params\.runId/,
    );
    const backtests = await httpJson(base, 'GET', '/risk/backtests/var?book=default&limit=50');
    expect(backtests.body.backtests.map((b: { runId: string }) => b.runId)).toContain(started.body.runId);
  });

  it('lists runs through visibility, filtered by symbol and stage, paginated', async () => {
    const symbol = `T${randomUUID().replace(/-/g, '').slice(0, 6).toUpperCase()}`;
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const r = await trigger({ symbols: [symbol], asOf: '2026-11-20', lookbackDays: 30 });
      ids.push(r.body.workflowId);
    }
    for (const id of ids) await waitForResult(id);
    const page1 = await eventually(async () => {
      const r = await httpJson(base, 'GET', `/workflows?symbol=${symbol}&stage=completed&pageSize=2`);
      return r.body.runs?.length === 2 ? r : undefined;
    });
    expect(page1.body.nextPageToken).toEqual(expect.any(String));
    const page2 = await httpJson(
      base,
      'GET',
      `/workflows?symbol=${symbol}&stage=completed&pageSize=2&pageToken=${page1.body.nextPageToken}`,
    );
    expect(page2.status).toBe(200);
    const listed = [...page1.body.runs, ...page2.body.runs]
      .map((r: { workflowId: string }) => r.workflowId)
      .sort();
    expect(listed).toEqual([...ids].sort());
    expect(page1.body.runs[0]).toMatchObject({ status: 'COMPLETED', stage: 'completed', symbols: [symbol] });
  });

  it('returns 409 when an idempotency key is reused for the same book and day', async () => {
    const key = `k-${randomUUID().slice(0, 8)}`;
    const first = await trigger(
      { symbols: ['SPY'], asOf: '2026-11-20', lookbackDays: 30 },
      { idempotency_key: key },
    );
    expect(first.status).toBe(202);
    const second = await trigger(
      { symbols: ['SPY'], asOf: '2026-11-20', lookbackDays: 30 },
      { idempotency_key: key },
    );
    expect(second.status).toBe(409);
    expect(second.body.error.message).toMatch(/already exists/);
  });

  it('ingests intraday bars on demand (POST /market-data/ingest) and serves them by interval', async () => {
    const started = await httpJson(base, 'POST', '/market-data/ingest', {
      symbols: ['qqq'],
      from: '2026-11-24',
      to: '2026-11-27',
      interval: '15m',
      provider: 'synthetic',
    });
    expect(started.status).toBe(202);
    expect(started.body.workflowId).toMatch(/^ingest:15m:2026-11-24:2026-11-27:[0-9a-f]{8}$/);
    const result = await waitForResult(started.body.workflowId);
    expect(result.body.status).toBe('COMPLETED');
    // Tue and Wed full sessions (26 bars each), Thanksgiving closed, Friday closes at 13:00 (14 bars).
    expect(result.body.result.symbols).toEqual([
      expect.objectContaining({ symbol: 'QQQ', interval: '15m', inserted: 66, missingSessions: [] }),
    ]);

    const friday = await httpJson(base, 'GET', '/market-data/QQQ?from=2026-11-27&to=2026-11-27&interval=15m');
    expect(friday.status).toBe(200);
    expect(friday.body).toMatchObject({ interval: '15m', count: 14 });
    expect(friday.body.bars[0]).toMatchObject({ date: '2026-11-27', time: '2026-11-27T14:30:00.000Z' });
    expect(friday.body.bars[13].time).toBe('2026-11-27T17:45:00.000Z');
    // Daily bars of the symbol were not ingested: the daily query is empty, not a 404.
    const daily = await httpJson(base, 'GET', '/market-data/QQQ?from=2026-11-24&to=2026-11-27');
    expect(daily.body).toMatchObject({ interval: '1d', count: 0 });
  });

  describe('bad input gets a clear 4xx naming the field', () => {
    it('intraday ingest and queries', async () => {
      const wrongInterval = await httpJson(base, 'GET', '/market-data/AAPL?interval=3m');
      expect(wrongInterval.status).toBe(400);
      expect(wrongInterval.body.error.message).toMatch(/query\.interval: must be one of 1d, 1m, 2m, 5m/);
      const backwards = await httpJson(base, 'POST', '/market-data/ingest', {
        symbols: ['AAPL'],
        from: '2026-11-25',
        to: '2026-11-24',
      });
      expect(backwards.status).toBe(400);
      expect(backwards.body.error.message).toMatch(/body\.to: must not be before from/);
      const badDate = await httpJson(base, 'POST', '/market-data/ingest', {
        symbols: ['AAPL'],
        from: '2026-02-30',
        to: '2026-03-02',
      });
      expect(badDate.body.error.message).toMatch(/body\.from: must be a real calendar date/);
    });

    it.each([
      ['missing symbols', { provider: 'synthetic' }, /body\.parameters\.symbols/],
      ['empty symbols', { symbols: [] }, /symbols: must list at least one symbol/],
      ['symbol not a ticker', { symbols: ['AA PL!'] }, /body\.parameters\.symbols\.0/],
      ['duplicate symbols', { symbols: ['AAPL', 'aapl'] }, /must not repeat a symbol/],
      ['unknown provider', { symbols: ['AAPL'], provider: 'bloomberg' }, /body\.parameters\.provider/],
      [
        'bad date',
        { symbols: ['AAPL'], asOf: '2026-02-30' },
        /body\.parameters\.asOf: must be a real calendar date/,
      ],
      [
        'weekend date',
        { symbols: ['AAPL'], asOf: '2026-11-21' },
        /asOf: 2026-11-21 is not a trading session/,
      ],
      ['lookback too short', { symbols: ['AAPL'], lookbackDays: 2 }, /body\.parameters\.lookbackDays/],
      ['confidence out of range', { symbols: ['AAPL'], confidence: 1.5 }, /body\.parameters\.confidence/],
      [
        'position for another symbol',
        { symbols: ['AAPL'], positions: [{ symbol: 'MSFT', quantity: 1 }] },
        /positions\.0\.symbol/,
      ],
      [
        'non-numeric quantity',
        { symbols: ['AAPL'], positions: [{ symbol: 'AAPL', quantity: 'lots' }] },
        /positions\.0: must have a finite quantity or a finite marketValue/,
      ],
      ['unknown field', { symbols: ['AAPL'], sybmols: ['X'] }, /sybmols/],
      [
        'quantity and marketValue together',
        { symbols: ['AAPL'], positions: [{ symbol: 'AAPL', quantity: 1, marketValue: 100 }] },
        /positions\.0/,
      ],
      ['horizon out of range', { symbols: ['AAPL'], horizonDays: 0 }, /body\.parameters\.horizonDays/],
      ['negative limit', { symbols: ['AAPL'], limits: { maxGrossNotional: -5 } }, /limits\.maxGrossNotional/],
    ])('%s', async (_name, parameters, message) => {
      const r = await trigger(parameters);
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('invalid_request');
      expect(r.body.error.message).toMatch(message);
    });

    it('wrong workflow name', async () => {
      const r = await httpJson(base, 'POST', '/workflows/trigger', {
        workflow_id: 'nope',
        parameters: { symbols: ['AAPL'] },
      });
      expect(r.status).toBe(400);
      expect(r.body.error.message).toMatch(/body\.workflow_id/);
    });

    it('malformed JSON', async () => {
      const r = await httpJson(base, 'POST', '/workflows/trigger', '{"workflow_id": ', {
        'content-type': 'application/json',
      });
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('invalid_json');
      expect(JSON.stringify(r.body)).not.toMatch(/at .*\.js/); // no stack trace
    });

    it('list filters are validated', async () => {
      const r = await httpJson(base, 'GET', "/workflows?stage=done' OR 1=1");
      expect(r.status).toBe(400);
      expect(r.body.error.message).toMatch(/query\.stage/);
      // A page token that no page handed out is a 400 at once, not a retried server error turned 503.
      for (const token of ['abc', 'AAAA']) {
        const page = await httpJson(base, 'GET', `/workflows?pageToken=${token}`);
        expect(page.status).toBe(400);
        expect(page.body.error.message).toMatch(
          /query\.pageToken: must be a token returned by a previous page/,
        );
      }
    });

    it('market-data dates are validated and unknown symbols are 404', async () => {
      expect((await httpJson(base, 'GET', '/market-data/AAPL?from=yesterday')).body.error.message).toMatch(
        /query\.from/,
      );
      const r = await httpJson(base, 'GET', '/market-data/NOSUCH');
      expect(r.status).toBe(404);
      expect(r.body.error.message).toMatch(/NOSUCH/);
    });

    it('a result wait outside 0-60 seconds is a 400 naming query.waitSeconds', async () => {
      for (const wait of ['61', '-1', 'soon']) {
        const r = await httpJson(base, 'GET', `/workflows/any-run/result?waitSeconds=${wait}`);
        expect(r.status).toBe(400);
        expect(r.body.error.message).toMatch(/query\.waitSeconds/);
      }
    });

    it('unknown runs are 404 for status, result and cancel', async () => {
      for (const route of ['/workflows/nope-123/status', '/workflows/nope-123/result']) {
        const r = await httpJson(base, 'GET', route);
        expect(r.status).toBe(404);
      }
      expect((await httpJson(base, 'POST', '/workflows/nope-123/cancel')).status).toBe(404);
    });

    it('a path with malformed percent-encoding is a 400, not an internal error', async () => {
      const r = await httpJson(base, 'GET', '/workflows/abc%2/status');
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('invalid_path');
    });

    it('unknown routes are a JSON 404', async () => {
      const r = await httpJson(base, 'GET', '/nope');
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe('not_found');
    });
  });
});

describe('cancelling over HTTP', () => {
  it('cancels a running pipeline and marks it cancelled', async () => {
    // Simulated vendor latency keeps the run in its ingest stage long enough to cancel it.
    // A short Temporal deadline per request, which the long poll below outlasts.
    const stack = await startStack({
      config: testConfig({ TRADEFLOW_SYNTHETIC_LATENCY_MS: '2000', API_TEMPORAL_TIMEOUT_MS: '2000' }),
    });
    try {
      const base = stack.baseUrl!;
      const started = await httpJson(base, 'POST', '/workflows/trigger', {
        workflow_id: 'trading_pipeline',
        parameters: { symbols: ['AAPL', 'MSFT'], asOf: '2026-11-20', lookbackDays: 252 },
      });
      const id = encodeURIComponent(started.body.workflowId);
      await eventually(async () => {
        const s = await httpJson(base, 'GET', `/workflows/${id}/status`);
        return s.body.stage === 'ingest' ? s : undefined;
      });
      // A long poll that ends before the run does answers 202 after the wait, not at once, even when the wait
      // outlasts the request's Temporal deadline (API_TEMPORAL_TIMEOUT_MS, 2 s here).
      const waitStarted = Date.now();
      const stillRunning = await httpJson(base, 'GET', `/workflows/${id}/result?waitSeconds=3`);
      expect(stillRunning.status).toBe(202);
      expect(stillRunning.body.status).toBe('RUNNING');
      expect(Date.now() - waitStarted).toBeGreaterThanOrEqual(2900);
      // A long poll waiting when the run is cancelled answers with the cancellation, not a result.
      const waiting = httpJson(base, 'GET', `/workflows/${id}/result?waitSeconds=30`);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const cancel = await httpJson(base, 'POST', `/workflows/${id}/cancel`);
      expect(cancel.status).toBe(202);
      const waited = await waiting;
      expect(waited.status).toBe(200);
      expect(waited.body.status).toBe('CANCELLED');
      expect(waited.body.result).toBeUndefined();
      const result = await eventually(async () => {
        const r = await httpJson(base, 'GET', `/workflows/${id}/result`);
        return r.status === 200 ? r : undefined;
      });
      expect(result.body.status).toBe('CANCELLED');
      const status = await httpJson(base, 'GET', `/workflows/${id}/status`);
      expect(status.body.stage).toBe('cancelled');
      const again = await httpJson(base, 'POST', `/workflows/${id}/cancel`);
      expect(again.status).toBe(409);
      expect(again.body.error.message).toMatch(/CANCELLED/);
      expect((await stack.stores.runs.getLatestRun(started.body.workflowId))?.status).toBe('cancelled');
    } finally {
      await stack.stop();
    }
  });
});

describe('HTTP API with Temporal unreachable', () => {
  it('answers 503 with a clear message, and readiness fails, without crashing', async () => {
    const api = await startApiOnly(
      testConfig({ TEMPORAL_ADDRESS: '127.0.0.1:1', API_TEMPORAL_TIMEOUT_MS: '2000' }),
    );
    try {
      const trigger = await httpJson(api.baseUrl, 'POST', '/workflows/trigger', {
        workflow_id: 'trading_pipeline',
        parameters: { symbols: ['AAPL'] },
      });
      expect(trigger.status).toBe(503);
      expect(trigger.body.error.code).toBe('temporal_unavailable');
      expect(trigger.body.error.message).toMatch(/Temporal service is unreachable/);
      const ready = await httpJson(api.baseUrl, 'GET', '/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body.checks.temporal.ok).toBe(false);
      expect((await httpJson(api.baseUrl, 'GET', '/health/live')).status).toBe(200);
    } finally {
      await api.stop();
    }
  });
});
