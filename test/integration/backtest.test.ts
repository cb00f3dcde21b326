/**
 * The backtest workflow end to end over HTTP, cancelling a running backtest (its simulations must stop, not run on),
 * and the resume-from-heartbeat and cancellation paths of its activity.
 */
import type { temporal } from '@temporalio/proto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createBacktestActivities, type SymbolBacktestInput } from '../../src/activities/backtest-activities';
import type { BacktestSummary } from '../../src/backtest';
import { createSyntheticProvider } from '../../src/market-data/providers/synthetic';
import { openStores } from '../../src/store';
import { eventually, httpJson, startStack, type TestStack } from '../support/harness';

const CANCEL_SYMBOLS = Array.from({ length: 20 }, (_, i) => `SYM${String.fromCharCode(65 + i)}`);

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

  it('a cancelled backtest stops simulating within seconds, and the run closes only once it has', async () => {
    // 20 symbols × 10 years: minutes of simulation on this machine, far longer than the cancel may take.
    const started = await httpJson(base, 'POST', '/backtests', {
      symbols: CANCEL_SYMBOLS,
      from: '2015-01-02',
      to: '2024-12-31',
    });
    expect(started.status).toBe(202);
    const backtestId: string = started.body.backtestId;
    const id = encodeURIComponent(backtestId);
    const progressOf = async () =>
      Object.fromEntries(
        (await stack.stores.backtests.getBacktests(backtestId)).map((b) => [
          b.symbol,
          (b.summary as { nextIndex?: number; of?: number }).nextIndex ?? Infinity,
        ]),
      );
    // Simulating: at least one symbol has stored a chunk.
    await eventually(
      async () => (Object.keys(await progressOf()).length > 0 ? true : undefined),
      90_000,
      100,
    );

    const cancelledAt = Date.now();
    const cancel = await httpJson(base, 'POST', `/workflows/${id}/cancel`);
    expect(cancel.status).toBe(202);
    const closed = await eventually(
      async () => {
        const r = await httpJson(base, 'GET', `/backtests/${id}`);
        return r.body.status !== 'RUNNING' ? r : undefined;
      },
      30_000,
      100,
    );
    const closedAfterMs = Date.now() - cancelledAt;
    expect(closed.body.status).toBe('CANCELLED');

    // Every simulation the run started acknowledged the cancel (none completed, none was abandoned running), within
    // a heartbeat throttle of the request.
    const events = (await stack.client.workflow.getHandle(backtestId).fetchHistory()).events ?? [];
    const at = (e: temporal.api.history.v1.IHistoryEvent) =>
      Number(e.eventTime!.seconds) * 1000 + Math.floor((e.eventTime!.nanos ?? 0) / 1e6);
    const requested = events.find((e) => e.workflowExecutionCancelRequestedEventAttributes)!;
    const simulations = new Set(
      events
        .filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'runSymbolBacktest')
        .map((e) => String(e.eventId)),
    );
    const outcomes = events.filter((e) =>
      [
        e.activityTaskCompletedEventAttributes,
        e.activityTaskFailedEventAttributes,
        e.activityTaskTimedOutEventAttributes,
        e.activityTaskCanceledEventAttributes,
      ].some((a) => a && simulations.has(String(a.scheduledEventId))),
    );
    expect(simulations.size).toBe(CANCEL_SYMBOLS.length);
    expect(outcomes).toHaveLength(simulations.size);
    expect(outcomes.every((e) => e.activityTaskCanceledEventAttributes)).toBe(true);
    const stoppedAfterMs = Math.max(...outcomes.map(at)) - at(requested);
    expect(stoppedAfterMs).toBeLessThan(4_000); // measured: 1.3–1.4 s (20 simulations on 2 cores)
    expect(closedAfterMs).toBeLessThan(5_000); // measured: 1.7–1.8 s

    // And the work itself stopped: no simulation stores progress any more, and it stopped short of the end.
    const stopped = await progressOf();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await progressOf()).toEqual(stopped);
    const stored = await stack.stores.backtests.getBacktests(backtestId);
    expect(stored.some((b) => (b.summary as { status?: string }).status === 'running')).toBe(true);
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
    // Heartbeats between two saves repeat the last saved checkpoint; resume from the second one saved.
    const checkpoints = [
      ...new Map(
        heartbeats.map((h) => [(h as { state: { nextIndex: number } }).state.nextIndex, h] as const),
      ).values(),
    ];
    expect(checkpoints.length).toBeGreaterThan(3);
    const second = new MockActivityEnvironment({ attempt: 2, heartbeatDetails: checkpoints[2] });
    const resumed = await run(second, input('bt-resumed'));

    expect(heartbeats.length).toBeGreaterThan(2);
    expect(resumed).toEqual(whole);
    const stored = await stores.backtests.getBacktests('bt-resumed');
    expect(stored[0].equity).toHaveLength(250);
    await stores.close();
  });
});

describe('runSymbolBacktest stops when cancelled', () => {
  it('rejects with the cancellation within one slice, and simulates nothing after it', async () => {
    const stores = openStores(':memory:');
    // ~30 years: tens of seconds of simulation (late sessions cost more: the indicators read the whole history).
    const bars = await createSyntheticProvider({ seed: 5 }).fetchBars({
      symbol: 'AAPL',
      interval: '1d',
      from: '1995-01-01',
      to: '2025-12-31',
    });
    await stores.bars.upsertBars(bars);
    const activities = createBacktestActivities({
      bars: stores.bars,
      backtests: stores.backtests,
      defaultProvider: 'synthetic',
      chunkSessions: 250,
    });
    const env = new MockActivityEnvironment();
    let cancelledAt: number | undefined;
    let cancelledIndex = 0;
    let heartbeatsAfterCancel = 0;
    env.on('heartbeat', (d: { state: { nextIndex: number } }) => {
      if (cancelledAt !== undefined) {
        heartbeatsAfterCancel += 1;
        return;
      }
      // Cancel once a checkpoint beyond the third chunk was heartbeated: deep into the series, mid-run.
      if (d.state.nextIndex >= 60 + 3 * 250) {
        cancelledAt = Date.now();
        cancelledIndex = d.state.nextIndex;
        env.cancel('CANCELLED');
      }
    });
    const outcome = await env
      .run<[SymbolBacktestInput], BacktestSummary, (x: SymbolBacktestInput) => Promise<BacktestSummary>>(
        (x) => activities.runSymbolBacktest(x),
        {
          backtestId: 'bt-cancelled',
          symbol: 'AAPL',
          historyFrom: '1995-01-01',
          from: '1995-04-03',
          to: '2025-12-31',
          params: {},
        },
      )
      .then(
        () => ({ name: 'completed' }),
        (error: Error) => error,
      );
    expect(cancelledAt).toBeDefined();
    expect(outcome.name).toBe('CancelledFailure');
    // One slice (~50 ms) and at most a chunk save stood between the cancel and the throw.
    expect(Date.now() - cancelledAt!).toBeLessThan(1_000);
    expect(heartbeatsAfterCancel).toBeLessThanOrEqual(1);
    const stored = await stores.backtests.getBacktests('bt-cancelled');
    const progress = stored[0].summary as { status: string; nextIndex: number; of: number };
    expect(progress.status).toBe('running');
    expect(progress.nextIndex).toBeLessThanOrEqual(cancelledIndex + 250);
    expect(progress.of).toBeGreaterThan(6000);
    await stores.close();
  });
});
