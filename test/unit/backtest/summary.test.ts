import {
  initialBacktestState,
  runBacktestChunk,
  summarizeBacktest,
  type BacktestParams,
  type BacktestSummary,
} from '../../../src/backtest';
import { cyclingCloses, expectClose, isoDates, scripted } from './helpers';

const closes = [100, 125, 100, 80, 100];
const dates = isoDates(5);
const params: BacktestParams = {
  initialCapital: 10_000,
  allowShort: true,
  costBps: 10,
  slippageBps: 20,
  decide: scripted({ 0: 'BUY', 2: 'SELL' }),
};

function run(p: BacktestParams, c: number[] = closes, d: string[] = dates) {
  const state = initialBacktestState(p);
  return runBacktestChunk({
    symbol: 'TOY',
    closes: c,
    dates: d,
    startIndex: state.nextIndex,
    endIndex: c.length,
    state,
    params: p,
  });
}

describe('summarizeBacktest', () => {
  it('summarizes the hand-worked toy run', () => {
    const { points, state } = run(params);
    const s = summarizeBacktest(points, state, params);
    // Equity 10 000, 9 970, 7 970, 6 331.69, 4 739.19 (see engine.test.ts).
    expect(s).toMatchObject({ firstDate: dates[0], lastDate: dates[4], days: 5, initialEquity: 10_000 });
    expectClose(s.finalEquity, 4_739.19);
    expectClose(s.totalReturn, 4_739.19 / 10_000 - 1);
    expectClose(s.annualizedReturn, 0.473919 ** (252 / 4) - 1);
    // Deepest fall: from the 10 000 start to the last day.
    expectClose(s.drawdown.maxDrawdown, 1 - 0.473919);
    expect(s.drawdown).toMatchObject({ peakDate: dates[0], troughDate: dates[4], recoveryDate: null });
    expect(s.hitRate).toBe(0);
    expect(s.trades).toMatchObject({ fills: 2, closed: 1, winning: 0, open: true });
    expectClose(s.trades.realizedPnl, -3_649.2);
    expectClose(s.costs.commissions, 22.77);
    expectClose(s.costs.slippage, 45.54);
    expectClose(s.costs.total, 68.31);
    // Positions held over returns 1–4: after day 0 none, after days 1–3 yes → 3/4.
    expect(s.exposure).toBe(0.75);
    const averageEquity = (10_000 + 9_970 + 7_970 + 6_331.69 + 4_739.19) / 5;
    expectClose(s.turnover.averageEquity, averageEquity);
    expectClose(s.turnover.total, 22_770 / averageEquity);
    expectClose(s.turnover.annualized, ((22_770 / averageEquity) * 252) / 4);
    expect(s.params).toMatchObject({
      initialCapital: 10_000,
      positionSize: 1,
      allowShort: true,
      costBps: 10,
      slippageBps: 20,
      rebalance: false,
      warmup: 0,
      riskFreeRate: 0,
      periodsPerYear: 252,
      decisionSource: 'custom',
    });
    expect(s.params).not.toHaveProperty('decide');
  });

  it('is plain JSON, with resolved signal params, for a signal-driven run', () => {
    const p: BacktestParams = { allowShort: true, riskFreeRate: 0.02 };
    const c = cyclingCloses(150);
    const { points, state } = run(p, c, isoDates(150));
    const s: BacktestSummary = summarizeBacktest(points, state, p);
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
    expect(s.params.decisionSource).toBe('signal');
    expect(s.params.signal.indicators.smaSlowWindow).toBe(30);
    expect(s.params.signal.decision.maxRisk).toBe(0.5);
    expect(s.sharpe).not.toBeNull();
    expect(s.trades.fills).toBeGreaterThan(0);
  });

  it('rejects short, gapped or mismatched points and ruined runs', () => {
    const { points, state } = run(params);
    expect(() => summarizeBacktest(points.slice(0, 2), { ...state, days: 2, nextIndex: 2 }, params)).toThrow(
      new RangeError('summarizeBacktest: needs at least 3 equity points (2 daily returns), got 2'),
    );
    expect(() => summarizeBacktest([points[0], points[2], points[3]], state, params)).toThrow(
      /points must be contiguous: index 0 is followed by 2/,
    );
    expect(() => summarizeBacktest(points.slice(1), state, params)).toThrow(
      /do not cover the run in the state \(5 days, next index 5\); pass every chunk's points/,
    );
    expect(() => summarizeBacktest(points, state, { costBps: -2 })).toThrow(/summarizeBacktest: costBps/);
    const ruinParams: BacktestParams = {
      initialCapital: 1_000,
      allowShort: true,
      costBps: 0,
      slippageBps: 0,
      decide: scripted({ 0: 'SELL' }),
    };
    const ruined = run(ruinParams, [100, 100, 250, 50], isoDates(4));
    expect(() => summarizeBacktest(ruined.points, ruined.state, ruinParams)).toThrow(
      /equity\[2\] is -500; equity must be positive \(the run was ruined\)/,
    );
  });
});
