/** Typed access to the committed inputs and numpy reference numbers (scripts/reference/backtest_reference.py). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SignalAction } from '../../../src/signals/decision';

export interface CurveInput {
  dates: string[];
  equity: number[];
}

export interface EngineCase {
  initialCapital: number;
  positionSize: number;
  allowShort: boolean;
  costBps: number;
  slippageBps: number;
  rebalance: boolean;
  warmup: number;
  riskFreeRate: number;
  periodsPerYear: number;
}

export interface BacktestInput {
  riskFreeRates: number[];
  curves: Record<string, CurveInput>;
  engine: {
    dates: string[];
    closes: number[];
    actions: SignalAction[];
    cases: Record<string, EngineCase>;
  };
}

export interface DrawdownReference {
  maxDrawdown: number;
  peakIndex: number | null;
  troughIndex: number | null;
  recoveryIndex: number | null;
  peakDate: string | null;
  troughDate: string | null;
  recoveryDate: string | null;
}

export interface CurveReference {
  n: number;
  totalReturn: number;
  annualizedReturn: number;
  annualizedVolatility: number;
  downsideDeviation: number;
  byRiskFreeRate: Record<string, { sharpe: number | null; sortino: number | null }>;
  drawdown: DrawdownReference;
}

export interface EngineReference {
  equity: number[];
  cash: number[];
  units: number[];
  dailyTradedNotional: number[];
  costs: number[];
  fills: number;
  tradedNotionalTotal: number;
  commissions: number;
  slippage: number;
  closedTrades: number;
  winningTrades: number;
  realizedPnl: number;
  openTrade: boolean;
  metrics: CurveReference;
  turnover: { total: number; annualized: number };
  exposure: number;
}

export interface BacktestReference {
  curves: Record<string, CurveReference>;
  engine: Record<string, EngineReference>;
}

const read = <T>(name: string): T => JSON.parse(readFileSync(join(__dirname, 'fixtures', name), 'utf8')) as T;

export const backtestInput = read<BacktestInput>('backtest-input.json');
export const backtestReference = read<BacktestReference>('backtest-reference.json');

/** The reference script keys rates by Python's repr(float(rate)): 0 → "0.0", 0.035 → "0.035". */
export const rateKey = (rate: number): string => (Number.isInteger(rate) ? rate.toFixed(1) : String(rate));
