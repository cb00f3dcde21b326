import {
  initialBacktestState,
  runBacktestChunk,
  type BacktestParams,
  type BacktestState,
  type EquityPoint,
} from '../../../src/backtest';
import { generateSignal } from '../../../src/signals';
import type { SignalAction } from '../../../src/signals/decision';
import { cyclingCloses, expectAllClose, expectClose, isoDates, scripted } from './helpers';

const SYMBOL = 'TOY';

/** Runs [state.nextIndex, closes.length) in one chunk. */
function runAll(closes: number[], params: BacktestParams, dates = isoDates(closes.length)) {
  const state = initialBacktestState(params);
  return runBacktestChunk({
    symbol: SYMBOL,
    closes,
    dates,
    startIndex: state.nextIndex,
    endIndex: closes.length,
    state,
    params,
  });
}

/** Runs the same days in chunks ending at `ends`, passing the state through JSON as a heartbeat would. */
function runChunked(
  closes: number[],
  params: BacktestParams,
  ends: number[],
  dates = isoDates(closes.length),
) {
  let state: BacktestState = initialBacktestState(params);
  const points: EquityPoint[] = [];
  for (const end of ends) {
    // The input covers the history up to the chunk end only, as the workflow would load it.
    const result = runBacktestChunk({
      symbol: SYMBOL,
      closes: closes.slice(0, end),
      dates: dates.slice(0, end),
      startIndex: state.nextIndex,
      endIndex: end,
      state,
      params,
    });
    points.push(...(JSON.parse(JSON.stringify(result.points)) as EquityPoint[]));
    state = JSON.parse(JSON.stringify(result.state)) as BacktestState;
  }
  return { state, points };
}

// The 5-day toy: 10 bps commission + 20 bps slippage = 0.3 % of traded notional per fill.
const toyCloses = [100, 125, 100, 80, 100];
const toyParams = (decisions: Record<number, SignalAction>, extra: BacktestParams = {}): BacktestParams => ({
  initialCapital: 10_000,
  positionSize: 1,
  allowShort: true,
  costBps: 10,
  slippageBps: 20,
  decide: scripted(decisions),
  ...extra,
});

describe('runBacktestChunk: hand-worked costs, slippage and timing', () => {
  it('BUY at day 0 fills at day 1; SELL at day 2 flips short at day 3', () => {
    const { state, points } = runAll(toyCloses, toyParams({ 0: 'BUY', 2: 'SELL' }));
    // Day 1 @125: buy 10 000 / 125 = 80 units; commission 10, slippage 20; cash −30; equity 80·125 − 30.
    // Day 2 @100: no order (HOLD); equity −30 + 8 000.
    // Day 3 @80: pre-trade equity −30 + 6 400 = 6 370 → target −6 370 / 80 = −79.625; sell 159.625 units
    //   = 12 770 notional, commission 12.77, slippage 25.54; cash −30 + 12 770 − 38.31 = 12 701.69;
    //   equity 12 701.69 − 79.625·80 = 6 331.69.
    // Day 4 @100: equity 12 701.69 − 7 962.5 = 4 739.19.
    expect(points.map((p) => p.index)).toEqual([0, 1, 2, 3, 4]);
    expect(points.map((p) => p.action)).toEqual(['BUY', 'HOLD', 'SELL', 'HOLD', 'HOLD']);
    expectAllClose(
      points.map((p) => p.units),
      [0, 80, 80, -79.625, -79.625],
    );
    expectAllClose(
      points.map((p) => p.cash),
      [10_000, -30, -30, 12_701.69, 12_701.69],
    );
    expectAllClose(
      points.map((p) => p.equity),
      [10_000, 9_970, 7_970, 6_331.69, 4_739.19],
    );
    expectAllClose(
      points.map((p) => p.tradedNotional),
      [0, 10_000, 0, 12_770, 0],
    );
    expectAllClose(
      points.map((p) => p.costs),
      [0, 30, 0, 38.31, 0],
    );
    expect(state).toMatchObject({ nextIndex: 5, days: 5, fills: 2, closedTrades: 1, winningTrades: 0 });
    expect(state.pendingAction).toBe('HOLD');
    expectClose(state.tradedNotional, 22_770);
    expectClose(state.commissions, 22.77);
    expectClose(state.slippage, 45.54);
    // Long trade: −10 000 − 30 in, +6 400 − 19.2 out (its share of the day-3 costs) = −3 649.2.
    expectClose(state.realizedPnl, -3_649.2);
    // The short opened with +6 370 − 19.11; equity = capital + realized + open cash flow + units · close.
    expect(state.openTrade).toMatchObject({ direction: -1, entryIndex: 3, entryDate: isoDates(5)[3] });
    expectClose(state.openTrade!.cashFlow, 6_350.89);
    expectClose(10_000 + state.realizedPnl + state.openTrade!.cashFlow - 79.625 * 100, state.equity);
    expectClose(state.equity, 4_739.19);
  });

  it('without allowShort a SELL only closes the long position', () => {
    const { state, points } = runAll(
      toyCloses,
      toyParams({ 0: 'BUY', 2: 'SELL', 3: 'SELL' }, { allowShort: false }),
    );
    // Day 3 @80: sell 80 units = 6 400 notional, costs 19.2; cash −30 + 6 400 − 19.2 = 6 350.8; then flat.
    expectAllClose(
      points.map((p) => p.equity),
      [10_000, 9_970, 7_970, 6_350.8, 6_350.8],
    );
    expect(points.map((p) => p.units)).toEqual([0, 80, 80, 0, 0]);
    expect(state).toMatchObject({ fills: 2, closedTrades: 1, winningTrades: 0, openTrade: null, units: 0 });
    expectClose(state.realizedPnl, -3_649.2);
    expectClose(state.realizedPnl, state.equity - 10_000);
  });

  it('positionSize scales the target, and zero costs leave the fill at the close', () => {
    const { points, state } = runAll(
      toyCloses,
      toyParams({ 0: 'BUY' }, { positionSize: 0.5, costBps: 0, slippageBps: 0 }),
    );
    // 5 000 / 125 = 40 units; then equity = 5 000 cash + 40 · close.
    expect(points.map((p) => p.units)).toEqual([0, 40, 40, 40, 40]);
    expectAllClose(
      points.map((p) => p.equity),
      [10_000, 10_000, 9_000, 8_200, 9_000],
    );
    expect(state.commissions + state.slippage).toBe(0);
  });

  it('a winning round trip counts as a win', () => {
    // Buy at 80 (day 3), sell at 100 (day 4): 125 units, +2 500 gross, costs 0.3 % of 10 000 and of 12 500.
    const { state } = runAll(
      [100, 100, 100, 80, 100, 100],
      toyParams({ 2: 'BUY', 3: 'SELL' }, { allowShort: false }),
    );
    expect(state).toMatchObject({ closedTrades: 1, winningTrades: 1, openTrade: null });
    expectClose(state.realizedPnl, 2_500 - 30 - 37.5);
  });
});

describe('runBacktestChunk: no look-ahead', () => {
  it('a decision on day t changes equity from day t + 1 on: costs at t + 1, price P&L from t + 2', () => {
    const idle = runAll(toyCloses, toyParams({})).points.map((p) => p.equity);
    const traded = runAll(toyCloses, toyParams({ 2: 'BUY' })).points.map((p) => p.equity);
    expect(idle).toEqual([10_000, 10_000, 10_000, 10_000, 10_000]);
    expect(traded.slice(0, 3)).toEqual(idle.slice(0, 3));
    // Day 3 @80: 125 units bought, only the 0.3 % costs hit equity; day 4 @100: +125 · 20.
    expectClose(traded[3], 10_000 - 30);
    expectClose(traded[4], 10_000 - 30 + 2_500);
  });

  it('the decision function sees closes[0..t] only', () => {
    const seen: number[][] = [];
    const params: BacktestParams = {
      decide: (closes) => {
        seen.push(Array.from(closes));
        return 'HOLD';
      },
    };
    runAll(toyCloses, params);
    expect(seen).toEqual(toyCloses.map((_, t) => toyCloses.slice(0, t + 1)));
  });

  it('with the signal logic, changing later closes does not change earlier days', () => {
    const closes = cyclingCloses(200);
    const shocked = closes.map((c, i) => (i >= 120 ? c * (i % 2 === 0 ? 0.7 : 1.4) : c));
    const params: BacktestParams = { allowShort: true };
    const a = runAll(closes, params).points;
    const b = runAll(shocked, params).points;
    expect(b.slice(0, 120)).toEqual(a.slice(0, 120));
    expect(b[120]).not.toEqual(a[120]);
  });
});

describe('runBacktestChunk: resumable', () => {
  const closes = cyclingCloses(240);
  const cases: [string, BacktestParams][] = [
    [
      'signal logic, long/short, rebalancing, warmup',
      { allowShort: true, rebalance: true, warmup: 5, positionSize: 0.9 },
    ],
    ['signal logic, long only', {}],
    [
      'scripted decisions',
      {
        allowShort: true,
        decide: (h) => (['BUY', 'HOLD', 'SELL', 'HOLD', 'HOLD'] as const)[(h.length * 7) % 5],
        costBps: 3,
      },
    ],
  ];

  it.each(cases)('%s: any chunking gives identical points and state', (_, params) => {
    const whole = runAll(closes, params);
    const start = whole.points[0].index;
    for (const ends of [
      [start + 1, start + 2, 13, 40, 41, 100, 180, 240],
      [120, 240],
      Array.from({ length: 240 - start }, (_v, i) => start + i + 1),
    ]) {
      const chunked = runChunked(closes, params, ends);
      expect(chunked.points).toEqual(whole.points);
      expect(chunked.state).toEqual(whole.state);
    }
  });

  it('the runs above trade: BUYs, SELLs, fills and closed trades all occur', () => {
    const { points, state } = runAll(closes, { allowShort: true });
    const actions = new Set(points.map((p) => p.action));
    expect(actions).toEqual(new Set(['BUY', 'SELL', 'HOLD']));
    expect(state.fills).toBeGreaterThan(3);
    expect(state.closedTrades).toBeGreaterThan(2);
  });

  it('an empty chunk returns the state unchanged; the input state is never modified', () => {
    const params: BacktestParams = { allowShort: true };
    const state = initialBacktestState(params);
    const frozen = JSON.stringify(state);
    const first = runBacktestChunk({
      symbol: SYMBOL,
      closes,
      dates: isoDates(240),
      startIndex: 0,
      endIndex: 150,
      state,
      params,
    });
    expect(JSON.stringify(state)).toBe(frozen);
    const snapshot = JSON.stringify(first.state);
    const empty = runBacktestChunk({
      symbol: SYMBOL,
      closes,
      dates: isoDates(240),
      startIndex: 150,
      endIndex: 150,
      state: first.state,
      params,
    });
    expect(empty.points).toEqual([]);
    expect(empty.state).toEqual(first.state);
    runBacktestChunk({
      symbol: SYMBOL,
      closes,
      dates: isoDates(240),
      startIndex: 150,
      endIndex: 240,
      state: first.state,
      params,
    });
    expect(JSON.stringify(first.state)).toBe(snapshot);
  });
});

describe('runBacktestChunk: same decisions as generateSignal', () => {
  const closes = cyclingCloses(240);
  const dates = isoDates(240);

  it.each([
    ['default signal params', undefined],
    [
      'overridden signal params',
      { indicators: { smaFastWindow: 5, smaSlowWindow: 20 }, decision: { maxRisk: 0.7, minConfidence: 0.5 } },
    ],
  ])('%s', async (_, signal) => {
    const { points } = runAll(closes, signal ? { signal } : {}, dates);
    for (let t = 0; t < closes.length; t += 7) {
      const expected = await generateSignal({
        symbol: SYMBOL,
        asOf: dates[t],
        closes: closes.slice(0, t + 1),
        params: signal,
      });
      expect([t, points[t].action]).toEqual([t, expected.action]);
    }
  });

  it('signal params reach the signal logic', () => {
    const base = runAll(closes, {}).points.map((p) => p.action);
    const fast = runAll(closes, {
      signal: { indicators: { smaFastWindow: 5, smaSlowWindow: 20 } },
    }).points.map((p) => p.action);
    expect(fast).not.toEqual(base);
  });
});

describe('runBacktestChunk: sizing policies and ruin', () => {
  const closes = [100, 100, 200, 200];
  const always = (action: SignalAction) => () => action;

  it('rebalance re-sizes a repeated BUY to positionSize × equity; without it the position drifts', () => {
    const base: BacktestParams = {
      initialCapital: 1_000,
      positionSize: 0.5,
      costBps: 0,
      slippageBps: 0,
      decide: always('BUY'),
    };
    // Day 1 @100: 5 units (500), cash 500. Day 2 @200: equity 1 500, target 0.5 · 1 500 / 200 = 3.75 units.
    const resized = runAll(closes, { ...base, rebalance: true });
    expect(resized.points.map((p) => p.units)).toEqual([0, 5, 3.75, 3.75]);
    expect(resized.points.map((p) => p.equity)).toEqual([1_000, 1_000, 1_500, 1_500]);
    expect(resized.state.fills).toBe(2);
    const drifting = runAll(closes, base);
    expect(drifting.points.map((p) => p.units)).toEqual([0, 5, 5, 5]);
    expect(drifting.state.fills).toBe(1);
    expect(drifting.state.closedTrades).toBe(0);
  });

  it('equity at or below zero liquidates the position and halts trading', () => {
    const { points, state } = runAll([100, 100, 250, 50, 60], {
      initialCapital: 1_000,
      allowShort: true,
      costBps: 0,
      slippageBps: 0,
      decide: scripted({ 0: 'SELL', 2: 'BUY', 3: 'BUY' }),
    });
    // Day 1: short 10 @100 (cash 2 000). Day 2 @250: equity 2 000 − 2 500 = −500 → buy back 10, halt.
    expect(points.map((p) => p.units)).toEqual([0, -10, 0, 0, 0]);
    expect(points.map((p) => p.equity)).toEqual([1_000, 1_000, -500, -500, -500]);
    expect(points.map((p) => p.action)).toEqual(['SELL', 'HOLD', 'HOLD', 'HOLD', 'HOLD']);
    expect(state).toMatchObject({
      halted: true,
      closedTrades: 1,
      winningTrades: 0,
      realizedPnl: -1_500,
      fills: 2,
    });
  });
});

describe('runBacktestChunk: input checks', () => {
  const closes = [100, 101, 102, 103];
  const dates = isoDates(4);
  const params: BacktestParams = { decide: scripted({}) };
  const input = (overrides: object = {}) => ({
    symbol: SYMBOL,
    closes,
    dates,
    startIndex: 0,
    endIndex: 4,
    state: initialBacktestState(params),
    params,
    ...overrides,
  });

  it('rejects a start other than state.nextIndex and an end outside the series', () => {
    expect(() => runBacktestChunk(input({ startIndex: 1 }))).toThrow(
      new RangeError('runBacktestChunk: startIndex must equal state.nextIndex (0), got 1'),
    );
    expect(() => runBacktestChunk(input({ endIndex: 5 }))).toThrow(
      /endIndex must be an integer in \[0, 4\], got 5/,
    );
    expect(() => runBacktestChunk(input({ endIndex: 1.5 }))).toThrow(RangeError);
  });

  it('rejects bad series', () => {
    expect(() => runBacktestChunk(input({ dates: dates.slice(0, 3) }))).toThrow(
      /dates has 3 entries but closes has 4/,
    );
    expect(() => runBacktestChunk(input({ closes: [100, 0, 1, 2] }))).toThrow(
      /closes\[1\] is 0; closes must be finite and positive/,
    );
    expect(() => runBacktestChunk(input({ closes: [100, NaN, 1, 2] }))).toThrow(/closes\[1\] is NaN/);
    expect(() => runBacktestChunk(input({ dates: [dates[0], dates[0], dates[2], dates[3]] }))).toThrow(
      /dates must be strictly ascending/,
    );
    expect(() => runBacktestChunk(input({ symbol: ' ' }))).toThrow(/symbol must be a non-empty string/);
  });

  it('refuses to resume on a different series', () => {
    const first = runBacktestChunk(input({ endIndex: 2 }));
    expect(() =>
      runBacktestChunk(input({ closes: [100, 111, 102, 103], startIndex: 2, state: first.state })),
    ).toThrow(/state was left at 2026-01-06 close 101 but the series has 2026-01-06 close 111 at index 1/);
    expect(() => runBacktestChunk(input({ startIndex: 2, state: first.state }))).not.toThrow();
  });

  it('rejects corrupt state and bad params', () => {
    const state = initialBacktestState(params);
    expect(() => runBacktestChunk(input({ state: { ...state, version: 2 } }))).toThrow(
      /state.version must be 1/,
    );
    expect(() => runBacktestChunk(input({ state: { ...state, cash: NaN } }))).toThrow(
      /state.cash must be a finite number/,
    );
    expect(() => runBacktestChunk(input({ state: { ...state, units: 3 } }))).toThrow(
      /state.openTrade must be set exactly when units ≠ 0/,
    );
    expect(() => runBacktestChunk(input({ params: { positionSize: 0 } }))).toThrow(
      /runBacktestChunk: positionSize must be a number in \(0, 1\], got 0/,
    );
    expect(() => runBacktestChunk(input({ params: { costBps: -1 } }))).toThrow(
      /costBps must be a number in \[0, 10000\]/,
    );
    expect(() => runBacktestChunk(input({ params: { slipageBps: 5 } }))).toThrow(
      /unknown parameter "slipageBps"/,
    );
    expect(() => runBacktestChunk(input({ params: { signal: { indicator: {} } } }))).toThrow(
      /unknown signal params section "indicator"/,
    );
    expect(() =>
      runBacktestChunk(input({ params: { signal: { indicators: { smaFastWindow: 40 } } } })),
    ).toThrow(/smaFastWindow \(40\) must be shorter than smaSlowWindow/);
    expect(() => initialBacktestState({ warmup: -1 })).toThrow(
      /initialBacktestState: warmup must be a non-negative integer/,
    );
    expect(() => runBacktestChunk(input({ params: { decide: () => 'buy' } }))).toThrow(
      /decide returned buy; expected BUY, SELL or HOLD/,
    );
  });

  it('the initial state is plain JSON and starts at the warmup index', () => {
    const state = initialBacktestState({ initialCapital: 5_000, warmup: 30 });
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    expect(state).toMatchObject({
      nextIndex: 30,
      days: 0,
      cash: 5_000,
      equity: 5_000,
      units: 0,
      pendingAction: null,
    });
  });
});
