/** The backtest workflow end to end over HTTP, and the resume-from-heartbeat path of its activity. */
import { MockActivityEnvironment } from '@temporalio/testing';
import { createBacktestActivities, type SymbolBacktestInput } from '../../src/activities/backtest-activities';
import type { BacktestSummary } from '../../src/backtest';
import { createSyntheticProvider } from '../../src/market-data/providers/synthetic';
import { openStores } from '../../src/store';
import { eventually, httpJson, startStack, type TestStack } from '../support/harness';

describe('backtests over HTTP', () => {
  let stack: TestStack;
  let base: string;
  beforeAll(async () => {
    stack = await startStack();
    base = stack.baseUrl!;
  });
  afterAll(async () => {
    await stack.stop();
  });

  it('ingests what is missing, replays the signal logic, and serves summaries and equity curves', async () => {
    const started = await httpJson(base, 'POST', '/backtests', {
      symbols: ['AAPL', 'MSFT'],
      from: '2025-01-02',
      to: '2025-12-31',
      params: { costBps: 2, slippageBps: 1, allowShort: true },
    });
    expect(started.status).toBe(202);
    const id = encodeURIComponent(started.body.backtestId);
    const done = await eventually(async () => {
      const r = await httpJson(base, 'GET', `/backtests/${id}`);
      return r.body.status === 'COMPLETED' ? r : undefined;
    }, 90_000);
    expect(done.body.progress).toMatchObject({ stage: 'completed' });
    expect(done.body.results.map((r: { symbol: string }) => r.symbol)).toEqual(['AAPL', 'MSFT']);
    for (const result of done.body.results) {
      expect(result.summary).toMatchObject({ firstDate: '2025-01-02', lastDate: '2025-12-31', days: 250 });
      expect(result.summary.params).toMatchObject({ costBps: 2, slippageBps: 1, allowShort: true });
      expect(result.equity).toHaveLength(250);
      expect(result.equity[result.equity.length - 1].equity).toBeCloseTo(result.summary.finalEquity, 6);
      expect(typeof result.summary.drawdown.maxDrawdown).toBe('number');
    }
    // The bars the backtest needed (including warm-up history before `from`) are now stored.
    expect(await stack.stores.bars.countBars('AAPL')).toBeGreaterThan(250);
  });

  it.each([
    [{ symbols: ['AAPL'], from: '2025-06-01', to: '2025-01-01' }, /body\.to: must not be before from/],
    [{ symbols: ['AAPL'], from: '2025-01-02', to: '2025-01-10' }, /at least 20 trading sessions/],
    [{ symbols: [], from: '2025-01-02', to: '2025-12-31' }, /body\.symbols/],
    [
      { symbols: ['AAPL'], from: '2025-01-02', to: '2025-12-31', params: { positionSize: 2 } },
      /body\.params\.positionSize/,
    ],
  ])('rejects %j with a 400 naming the field', async (body, message) => {
    const r = await httpJson(base, 'POST', '/backtests', body);
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(message);
  });

  it('answers 404 for an unknown backtest and 400 for a malformed id', async () => {
    expect((await httpJson(base, 'GET', '/backtests/backtest:nope1234')).status).toBe(404);
    expect((await httpJson(base, 'GET', '/backtests/whatever')).status).toBe(400);
  });
});

describe('runSymbolBacktest resumes from its heartbeat', () => {
  it('continues from the heartbeated state and gives the same result as one uninterrupted run', async () => {
    const stores = openStores(':memory:');
    const bars = await createSyntheticProvider({ seed: 3 }).fetchBars({
      symbol: 'AAPL',
      interval: '1d',
      from: '2024-09-01',
      to: '2025-12-31',
    });
    await stores.bars.upsertBars(bars);
    const activities = createBacktestActivities({
      bars: stores.bars,
      backtests: stores.backtests,
      defaultProvider: 'synthetic',
      chunkSessions: 50,
    });
    const input = (backtestId: string): SymbolBacktestInput => ({
      backtestId,
      symbol: 'AAPL',
      historyFrom: '2024-09-01',
      from: '2025-01-02',
      to: '2025-12-31',
      params: { costBps: 5, slippageBps: 5 },
    });
    const run = (env: MockActivityEnvironment, i: SymbolBacktestInput) =>
      env.run<[SymbolBacktestInput], BacktestSummary, (x: SymbolBacktestInput) => Promise<BacktestSummary>>(
        (x) => activities.runSymbolBacktest(x),
        i,
      );

    const whole = await run(new MockActivityEnvironment(), input('bt-whole'));

    // A first attempt that heartbeats twice, then "crashes" (the rest of its work is thrown away).
    const first = new MockActivityEnvironment();
    const heartbeats: unknown[] = [];
    first.on('heartbeat', (d: unknown) => heartbeats.push(structuredClone(d)));
    await run(first, input('bt-resumed'));
    const second = new MockActivityEnvironment({ attempt: 2, heartbeatDetails: heartbeats[1] });
    const resumed = await run(second, input('bt-resumed'));

    expect(heartbeats.length).toBeGreaterThan(2);
    expect(resumed).toEqual(whole);
    const stored = await stores.backtests.getBacktests('bt-resumed');
    expect(stored[0].equity).toHaveLength(250);
    await stores.close();
  });
});
