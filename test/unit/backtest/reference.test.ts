/** The engine and the summary against the numpy replay in scripts/reference/backtest_reference.py. */
import {
  initialBacktestState,
  runBacktestChunk,
  summarizeBacktest,
  type BacktestParams,
} from '../../../src/backtest';
import { backtestInput, backtestReference, rateKey } from './fixtures';
import { expectAllClose, expectClose } from './helpers';

const { closes, dates, actions, cases } = backtestInput.engine;
const decide: BacktestParams['decide'] = (history) => actions[history.length - 1];

describe.each(Object.entries(cases))('engine case %s vs numpy', (name, engineCase) => {
  const ref = backtestReference.engine[name];
  const params: BacktestParams = { ...engineCase, decide };
  const state = initialBacktestState(params);
  const { points, state: final } = runBacktestChunk({
    symbol: 'REF',
    closes,
    dates,
    startIndex: state.nextIndex,
    endIndex: closes.length,
    state,
    params,
  });

  it('per-day equity, cash, units, traded notional and costs', () => {
    expect(points).toHaveLength(closes.length - engineCase.warmup);
    expectAllClose(
      points.map((p) => p.equity),
      ref.equity,
    );
    expectAllClose(
      points.map((p) => p.cash),
      ref.cash,
    );
    expectAllClose(
      points.map((p) => p.units),
      ref.units,
    );
    expectAllClose(
      points.map((p) => p.tradedNotional),
      ref.dailyTradedNotional,
    );
    expectAllClose(
      points.map((p) => p.costs),
      ref.costs,
    );
  });

  it('counters and trade P&L', () => {
    expect(final).toMatchObject({
      fills: ref.fills,
      closedTrades: ref.closedTrades,
      winningTrades: ref.winningTrades,
    });
    expect(final.openTrade !== null).toBe(ref.openTrade);
    expectClose(final.tradedNotional, ref.tradedNotionalTotal);
    expectClose(final.commissions, ref.commissions);
    expectClose(final.slippage, ref.slippage);
    expectClose(final.realizedPnl, ref.realizedPnl);
  });

  it('summary metrics', () => {
    const summary = summarizeBacktest(points, final, params);
    const m = ref.metrics;
    expectClose(summary.totalReturn, m.totalReturn);
    expectClose(summary.annualizedReturn, m.annualizedReturn);
    expectClose(summary.annualizedVolatility, m.annualizedVolatility);
    const ratios = m.byRiskFreeRate[rateKey(engineCase.riskFreeRate)];
    expectClose(summary.sharpe, ratios.sharpe);
    expectClose(summary.sortino, ratios.sortino);
    expectClose(summary.drawdown.maxDrawdown, m.drawdown.maxDrawdown);
    expect({ ...summary.drawdown, maxDrawdown: 0 }).toEqual({ ...m.drawdown, maxDrawdown: 0 });
    expectClose(summary.turnover.total, ref.turnover.total);
    expectClose(summary.turnover.annualized, ref.turnover.annualized);
    expectClose(summary.exposure, ref.exposure);
    expect(summary.hitRate).toBe(ref.closedTrades === 0 ? null : ref.winningTrades / ref.closedTrades);
  });
});

it('the committed cases cover flips, rebalancing, open and closed trades', () => {
  const e = backtestReference.engine;
  expect(e.longOnly.closedTrades).toBeGreaterThan(2);
  expect(e.longShortRebalance.fills).toBeGreaterThan(e.longShortRebalance.closedTrades * 2);
  expect(e.longShortNoCosts.commissions).toBe(0);
  expect(Object.values(e).some((c) => c.openTrade)).toBe(true);
  expect(Object.values(e).some((c) => c.winningTrades < c.closedTrades)).toBe(true);
});
