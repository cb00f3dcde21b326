/**
 * Backtest parameters: defaults, validation and the resolved (fully filled, JSON-friendly) form. Validation runs
 * before any day is simulated, so a typo in a parameter name or a negative cost fails at once with a RangeError
 * naming the parameter, not after hours of replay.
 */
import type { ResolvedSignalParams, SignalParams } from '../signals/graph';
import { resolveAnalystParams } from '../signals/analyst';
import type { SignalAction } from '../signals/decision';
import { resolveDecisionParams } from '../signals/decision';
import { resolveRiskParams } from '../signals/risk-score';
import { resolveIndicatorParams } from '../signals/snapshot';

/**
 * Test hook replacing the signal logic: receives the closes up to and including the decision day (a view, oldest
 * first; never later closes) and returns the action decided at that close. Not serializable — a workflow never
 * passes one; JSON drops it.
 */
export type DecisionFunction = (closes: Float64Array) => SignalAction;

export interface BacktestParams {
  /** Starting cash; default 100 000. */
  initialCapital?: number;
  /** Target |position notional| as a fraction of equity when a BUY (or, with `allowShort`, a SELL) executes; in (0, 1], default 1. */
  positionSize?: number;
  /** SELL goes short when true; when false (the default) a SELL only closes a long position (target flat). */
  allowShort?: boolean;
  /** Commission in basis points of traded notional (|Δunits| × close); default 5. */
  costBps?: number;
  /** Slippage in basis points: buys fill at close × (1 + s), sells at close × (1 − s); default 5. */
  slippageBps?: number;
  /**
   * When false (the default) a BUY while already long (or a SELL while already short) does not trade, so the
   * position drifts with the price between signals; when true it re-sizes to `positionSize` × current equity.
   */
  rebalance?: boolean;
  /** Leading closes used only as signal history: the first simulated day is index `warmup`; default 0. */
  warmup?: number;
  /** Annual risk-free rate for the Sharpe and Sortino ratios (0.03 = 3 %), spread evenly per period; default 0. */
  riskFreeRate?: number;
  /** Periods per year used to annualize (252 trading days for daily closes). */
  periodsPerYear?: number;
  /** Overrides for the signal stages (indicators, analyst, risk, decision), as for `generateSignal`. */
  signal?: SignalParams;
  /** Test hook replacing the signal logic; see `DecisionFunction`. */
  decide?: DecisionFunction;
}

export interface ResolvedBacktestParams {
  initialCapital: number;
  positionSize: number;
  allowShort: boolean;
  costBps: number;
  slippageBps: number;
  rebalance: boolean;
  warmup: number;
  riskFreeRate: number;
  periodsPerYear: number;
  signal: ResolvedSignalParams;
  decide?: DecisionFunction;
}

export const DEFAULT_BACKTEST_PARAMS = Object.freeze({
  initialCapital: 100_000,
  positionSize: 1,
  allowShort: false,
  costBps: 5,
  slippageBps: 5,
  rebalance: false,
  warmup: 0,
  riskFreeRate: 0,
  periodsPerYear: 252,
});

const KNOWN_KEYS = new Set([...Object.keys(DEFAULT_BACKTEST_PARAMS), 'signal', 'decide']);
const SIGNAL_SECTIONS = new Set(['indicators', 'analyst', 'risk', 'decision']);

function fail(fn: string, message: string): never {
  throw new RangeError(`${fn}: ${message}`);
}

function finiteIn(
  fn: string,
  name: string,
  value: unknown,
  min: number,
  max: number,
  openMin = false,
): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    fail(fn, `${name} must be a number in ${openMin ? '(' : '['}${min}, ${max}], got ${String(value)}`);
  }
  if (openMin && value === min) fail(fn, `${name} must be a number in (${min}, ${max}], got ${value}`);
  return value;
}

function bool(fn: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') fail(fn, `${name} must be a boolean, got ${String(value)}`);
  return value;
}

function resolveSignal(fn: string, signal: SignalParams | undefined): ResolvedSignalParams {
  if (signal !== undefined) {
    if (typeof signal !== 'object' || signal === null) fail(fn, 'signal must be an object');
    for (const key of Object.keys(signal)) {
      if (!SIGNAL_SECTIONS.has(key)) fail(fn, `unknown signal params section "${key}"`);
    }
  }
  return {
    indicators: resolveIndicatorParams(signal?.indicators),
    analyst: resolveAnalystParams(signal?.analyst),
    risk: resolveRiskParams(signal?.risk),
    decision: resolveDecisionParams(signal?.decision),
  };
}

/** Fills defaults and validates every field (unknown keys are rejected). Throws RangeError. */
export function resolveBacktestParams(params: BacktestParams = {}, fn = 'backtest'): ResolvedBacktestParams {
  if (typeof params !== 'object' || params === null) fail(fn, 'params must be an object');
  for (const key of Object.keys(params)) {
    if (!KNOWN_KEYS.has(key)) fail(fn, `unknown parameter "${key}"`);
  }
  const d = DEFAULT_BACKTEST_PARAMS;
  const resolved: ResolvedBacktestParams = {
    initialCapital: finiteIn(
      fn,
      'initialCapital',
      params.initialCapital ?? d.initialCapital,
      0,
      Number.MAX_VALUE,
      true,
    ),
    positionSize: finiteIn(fn, 'positionSize', params.positionSize ?? d.positionSize, 0, 1, true),
    allowShort: bool(fn, 'allowShort', params.allowShort ?? d.allowShort),
    costBps: finiteIn(fn, 'costBps', params.costBps ?? d.costBps, 0, 10_000),
    slippageBps: finiteIn(fn, 'slippageBps', params.slippageBps ?? d.slippageBps, 0, 10_000),
    rebalance: bool(fn, 'rebalance', params.rebalance ?? d.rebalance),
    warmup: params.warmup ?? d.warmup,
    riskFreeRate: finiteIn(fn, 'riskFreeRate', params.riskFreeRate ?? d.riskFreeRate, -1, 1),
    periodsPerYear: finiteIn(
      fn,
      'periodsPerYear',
      params.periodsPerYear ?? d.periodsPerYear,
      0,
      100_000,
      true,
    ),
    signal: resolveSignal(fn, params.signal),
  };
  if (!Number.isSafeInteger(resolved.warmup) || resolved.warmup < 0) {
    fail(fn, `warmup must be a non-negative integer, got ${String(resolved.warmup)}`);
  }
  if (params.decide !== undefined) {
    if (typeof params.decide !== 'function') fail(fn, 'decide must be a function');
    resolved.decide = params.decide;
  }
  return resolved;
}
