/** The backtest summary: metrics of the whole run's equity curve plus the run's counters and parameters. */
import type { BacktestState, EquityPoint } from './engine';
import {
  annualizedReturn,
  annualizedVolatility,
  dailyReturns,
  exposure,
  hitRate,
  maxDrawdown,
  sharpeRatio,
  sortinoRatio,
  totalReturn,
  turnover,
  type MaxDrawdown,
  type Turnover,
} from './metrics';
import { resolveBacktestParams, type BacktestParams, type ResolvedBacktestParams } from './params';

/** The resolved parameters as stored in a summary (the decision function, if any, reduced to a flag). */
export type BacktestSummaryParams = Omit<ResolvedBacktestParams, 'decide'> & {
  /** 'signal' for the signal pipeline, 'custom' when a decision function was injected. */
  decisionSource: 'signal' | 'custom';
};

export interface BacktestSummary {
  firstDate: string;
  lastDate: string;
  /** Simulated days (equity points); the run spans days − 1 daily returns. */
  days: number;
  initialEquity: number;
  finalEquity: number;
  totalReturn: number;
  annualizedReturn: number;
  annualizedVolatility: number;
  /** Null when the daily returns have zero standard deviation. */
  sharpe: number | null;
  /** Null when no daily return is negative. */
  sortino: number | null;
  drawdown: MaxDrawdown;
  /** Winning / closed trades; null when no trade closed. */
  hitRate: number | null;
  trades: {
    /** Orders filled. */
    fills: number;
    /** Round trips closed (flat → position → flat, a flip closing one and opening the next). */
    closed: number;
    winning: number;
    /** A position is still open at the end (its P&L is in equity but not in the hit rate). */
    open: boolean;
    /** Σ P&L of closed trades, costs included. */
    realizedPnl: number;
  };
  turnover: Turnover;
  /** Fraction of daily returns earned with a position held. */
  exposure: number;
  costs: { commissions: number; slippage: number; total: number };
  params: BacktestSummaryParams;
}

function fail(message: string): never {
  throw new RangeError(`summarizeBacktest: ${message}`);
}

/** Array check without narrowing (Array.isArray narrows readonly arrays to any[]). */
const isList = (value: unknown): boolean => Array.isArray(value);

/**
 * Summarizes a run from all of its equity points (every chunk's, in order) and its final state. Throws RangeError
 * when there are fewer than 3 points (two daily returns are needed for a standard deviation), when the points
 * are not contiguous or do not match the state, or when equity reached zero (returns are then undefined).
 */
export function summarizeBacktest(
  points: readonly EquityPoint[],
  state: BacktestState,
  params: BacktestParams = {},
): BacktestSummary {
  const p = resolveBacktestParams(params, 'summarizeBacktest');
  if (!isList(points)) fail('points must be an array');
  const n = points.length;
  if (n < 3) fail(`needs at least 3 equity points (2 daily returns), got ${n}`);
  for (let i = 1; i < n; i++) {
    if (points[i].index !== points[i - 1].index + 1) {
      fail(`points must be contiguous: index ${points[i - 1].index} is followed by ${points[i].index}`);
    }
  }
  if (typeof state !== 'object' || state === null) fail('state must be an object');
  if (state.days !== n || state.nextIndex !== points[n - 1].index + 1) {
    fail(
      `the points (${n}, last index ${points[n - 1].index}) do not cover the run in the state ` +
        `(${state.days} days, next index ${state.nextIndex}); pass every chunk's points`,
    );
  }

  const equity = new Float64Array(n);
  const traded = new Float64Array(n);
  const units = new Float64Array(n);
  const dates: string[] = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const point = points[i];
    equity[i] = point.equity;
    traded[i] = point.tradedNotional;
    units[i] = point.units;
    dates[i] = point.date;
  }
  const returns = dailyReturns(equity);
  const ratio = { riskFreeRate: p.riskFreeRate, periodsPerYear: p.periodsPerYear };
  const { decide, ...rest } = p;

  return {
    firstDate: dates[0],
    lastDate: dates[n - 1],
    days: n,
    initialEquity: equity[0],
    finalEquity: equity[n - 1],
    totalReturn: totalReturn(equity),
    annualizedReturn: annualizedReturn(equity, p.periodsPerYear),
    annualizedVolatility: annualizedVolatility(returns, p.periodsPerYear),
    sharpe: sharpeRatio(returns, ratio),
    sortino: sortinoRatio(returns, ratio),
    drawdown: maxDrawdown(equity, dates),
    hitRate: hitRate(state.winningTrades, state.closedTrades),
    trades: {
      fills: state.fills,
      closed: state.closedTrades,
      winning: state.winningTrades,
      open: state.openTrade !== null,
      realizedPnl: state.realizedPnl,
    },
    turnover: turnover(traded, equity, p.periodsPerYear),
    exposure: exposure(units),
    costs: {
      commissions: state.commissions,
      slippage: state.slippage,
      total: state.commissions + state.slippage,
    },
    params: { ...rest, decisionSource: decide ? 'custom' : 'signal' },
  };
}
