/**
 * The strategy backtest engine: a pure, resumable day-by-day replay of the signal logic over one symbol's
 * adjusted closes. `runBacktestChunk` simulates days [startIndex, endIndex) from a JSON-serializable state and
 * returns the new state and one equity point per day, so a workflow can run it chunk by chunk, heartbeat the
 * state, and resume after a killed worker; any split into chunks gives bit-identical results.
 *
 * Timing (no look-ahead): on day t the engine
 *   1. marks the position to the close of day t:              equity⁻ₜ = cash + units · closeₜ
 *   2. executes the order decided at the close of day t − 1 at the close of day t (with costs, below);
 *   3. records the equity point of day t:                      equityₜ = cash + units · closeₜ
 *   4. decides on closes[0..t] (nothing later) — the order executes at the close of day t + 1.
 * So a decision made on day t changes equity from day t + 1 on (its costs on day t + 1, its price P&L from
 * day t + 2), never on or before day t.
 *
 * Decisions are exactly generateSignal's: computeIndicators → deterministicAnalyst → assessSignalRisk →
 * decideAction, called synchronously (no LangGraph) with the same resolved parameters and no external risk input.
 *
 * Orders: BUY → target +positionSize × equity⁻ₜ / closeₜ units; SELL → −positionSize × equity⁻ₜ / closeₜ
 * (or 0 when allowShort is false); HOLD → no order. Without `rebalance`, an order in the direction already held
 * does not trade. A fill of Δ units at closeₜ costs |Δ|·closeₜ·costBps/10⁴ commission plus
 * |Δ|·closeₜ·slippageBps/10⁴ slippage (the fill price is closeₜ·(1 ± slippageBps/10⁴), worse for the trader).
 *
 * Trades: a trade opens when the position leaves flat (or flips sign) and closes when it returns to flat (or
 * flips); its P&L is the sum of all its cash flows, costs included. A win is a closed trade with P&L > 0.
 *
 * Ruin: if equity⁻ₜ ≤ 0 the position is liquidated at closeₜ (with costs) and trading halts for good.
 */
import { deterministicAnalyst } from '../signals/analyst';
import { decideAction, type SignalAction } from '../signals/decision';
import { assessSignalRisk } from '../signals/risk-score';
import { computeIndicators } from '../signals/snapshot';
import { resolveBacktestParams, type BacktestParams, type ResolvedBacktestParams } from './params';

const { abs } = Math;

export const BACKTEST_STATE_VERSION = 1;

/** The trade currently open (position non-zero), for hit-rate accounting. */
export interface OpenTrade {
  /** +1 long, −1 short. */
  direction: 1 | -1;
  entryIndex: number;
  entryDate: string;
  /** Sum of the trade's cash flows so far (−Δ·fill price − commission per fill); its P&L once flat. */
  cashFlow: number;
}

/** Everything needed to resume; plain JSON (numbers, strings, booleans, null). */
export interface BacktestState {
  version: number;
  /** Index of the next day to simulate (the next chunk's startIndex). */
  nextIndex: number;
  /** Days simulated so far (equity points emitted). */
  days: number;
  cash: number;
  /** Signed position in units of the symbol (negative = short). */
  units: number;
  /** Equity at the last simulated close, after that day's fill; initialCapital before the first day. */
  equity: number;
  /** Action decided at the last simulated close, executing at the next one; null before the first day. */
  pendingAction: SignalAction | null;
  /** Date and close of the last simulated day (checked on resume so a chunk cannot run on a different series). */
  lastDate: string | null;
  lastClose: number | null;
  /** Orders filled. */
  fills: number;
  /** Σ |Δunits| · close over all fills. */
  tradedNotional: number;
  commissions: number;
  slippage: number;
  closedTrades: number;
  winningTrades: number;
  /** Σ P&L of closed trades (costs included). */
  realizedPnl: number;
  openTrade: OpenTrade | null;
  /** Set when equity reached zero or below: the position was liquidated and no further orders are placed. */
  halted: boolean;
}

/** One simulated day. */
export interface EquityPoint {
  index: number;
  date: string;
  close: number;
  /** Action decided at this close (executes at the next close); HOLD once halted. */
  action: SignalAction;
  /** Position after this day's fill. */
  units: number;
  cash: number;
  /** cash + units · close, after this day's fill and its costs. */
  equity: number;
  /** |Δunits| · close filled today (0 when nothing traded). */
  tradedNotional: number;
  /** Commission + slippage paid today. */
  costs: number;
}

export interface BacktestChunkInput {
  symbol: string;
  /** Adjusted closes, oldest first, covering at least [0, endIndex) (the full history up to the chunk end). */
  closes: readonly number[];
  /** dates[i] is the session of closes[i]; same length as closes, ascending. */
  dates: readonly string[];
  /** First day to simulate; must equal state.nextIndex. */
  startIndex: number;
  /** One past the last day to simulate. */
  endIndex: number;
  state: BacktestState;
  params: BacktestParams;
}

export interface BacktestChunkResult {
  state: BacktestState;
  points: EquityPoint[];
}

/** The state before the first simulated day (index `params.warmup`). Throws RangeError on bad params. */
export function initialBacktestState(params: BacktestParams = {}): BacktestState {
  const p = resolveBacktestParams(params, 'initialBacktestState');
  return {
    version: BACKTEST_STATE_VERSION,
    nextIndex: p.warmup,
    days: 0,
    cash: p.initialCapital,
    units: 0,
    equity: p.initialCapital,
    pendingAction: null,
    lastDate: null,
    lastClose: null,
    fills: 0,
    tradedNotional: 0,
    commissions: 0,
    slippage: 0,
    closedTrades: 0,
    winningTrades: 0,
    realizedPnl: 0,
    openTrade: null,
    halted: false,
  };
}

const FN = 'runBacktestChunk';

function fail(message: string): never {
  throw new RangeError(`${FN}: ${message}`);
}

/** Array check without narrowing (Array.isArray narrows readonly arrays to any[]). */
const isList = (value: unknown): boolean => Array.isArray(value);

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isAction = (v: unknown): v is SignalAction => v === 'BUY' || v === 'SELL' || v === 'HOLD';

function assertState(state: BacktestState): void {
  if (typeof state !== 'object' || state === null) fail('state must be an object');
  if (state.version !== BACKTEST_STATE_VERSION) {
    fail(`state.version must be ${BACKTEST_STATE_VERSION}, got ${String(state.version)}`);
  }
  for (const key of ['nextIndex', 'days', 'fills', 'closedTrades', 'winningTrades'] as const) {
    if (!Number.isSafeInteger(state[key]) || state[key] < 0)
      fail(`state.${key} must be a non-negative integer`);
  }
  for (const key of [
    'cash',
    'units',
    'equity',
    'tradedNotional',
    'commissions',
    'slippage',
    'realizedPnl',
  ] as const) {
    if (!isFiniteNumber(state[key])) fail(`state.${key} must be a finite number, got ${String(state[key])}`);
  }
  if (state.pendingAction !== null && !isAction(state.pendingAction)) {
    fail(`state.pendingAction must be BUY, SELL, HOLD or null, got ${String(state.pendingAction)}`);
  }
  if (typeof state.halted !== 'boolean') fail('state.halted must be a boolean');
  const trade = state.openTrade;
  if (trade !== null) {
    if (typeof trade !== 'object' || (trade.direction !== 1 && trade.direction !== -1)) {
      fail('state.openTrade must be null or { direction: 1 | -1, entryIndex, entryDate, cashFlow }');
    }
    if (!isFiniteNumber(trade.cashFlow)) fail('state.openTrade.cashFlow must be a finite number');
  }
  if ((trade === null) !== (state.units === 0)) fail('state.openTrade must be set exactly when units ≠ 0');
}

function assertInput(input: BacktestChunkInput): void {
  if (typeof input !== 'object' || input === null) fail('input must be an object');
  if (typeof input.symbol !== 'string' || input.symbol.trim() === '')
    fail('symbol must be a non-empty string');
  const { closes, dates, startIndex, endIndex, state } = input;
  if (!isList(closes)) fail('closes must be an array of numbers');
  if (!isList(dates)) fail('dates must be an array of strings');
  if (dates.length !== closes.length) {
    fail(`dates has ${dates.length} entries but closes has ${closes.length}; they must line up`);
  }
  assertState(state);
  if (!Number.isSafeInteger(startIndex) || startIndex !== state.nextIndex) {
    fail(`startIndex must equal state.nextIndex (${state.nextIndex}), got ${String(startIndex)}`);
  }
  if (!Number.isSafeInteger(endIndex) || endIndex < startIndex || endIndex > closes.length) {
    fail(`endIndex must be an integer in [${startIndex}, ${closes.length}], got ${String(endIndex)}`);
  }
  for (let i = 0; i < endIndex; i++) {
    const c = closes[i];
    if (typeof c !== 'number' || !Number.isFinite(c) || c <= 0) {
      fail(`closes[${i}] is ${String(c)}; closes must be finite and positive`);
    }
    if (typeof dates[i] !== 'string') fail(`dates[${i}] must be a string`);
    if (i > 0 && !(dates[i - 1] < dates[i])) {
      fail(`dates must be strictly ascending: dates[${i - 1}] ${dates[i - 1]} ≥ dates[${i}] ${dates[i]}`);
    }
  }
  if (state.days > 0 && startIndex > 0) {
    const prev = startIndex - 1;
    if (state.lastDate !== dates[prev] || state.lastClose !== closes[prev]) {
      fail(
        `state was left at ${String(state.lastDate)} close ${String(state.lastClose)} but the series has ` +
          `${dates[prev]} close ${closes[prev]} at index ${prev}; resume on the same series`,
      );
    }
  }
}

/** Decision at the last close of `history`: the injected function, or the synchronous signal pipeline. */
function decide(history: Float64Array, p: ResolvedBacktestParams): SignalAction {
  if (p.decide) {
    const action = p.decide(history);
    if (!isAction(action)) fail(`decide returned ${String(action)}; expected BUY, SELL or HOLD`);
    return action;
  }
  const s = p.signal;
  const indicators = computeIndicators(history, s.indicators);
  const view = deterministicAnalyst(indicators, s.analyst);
  const risk = assessSignalRisk(indicators, undefined, s.risk);
  return decideAction(view, risk.riskScore, s.decision).action;
}

/** Direction the action asks for (+1 long, −1 short, 0 flat), or null for no order. */
function targetDirection(action: SignalAction | null, p: ResolvedBacktestParams): -1 | 0 | 1 | null {
  if (action === 'BUY') return 1;
  if (action === 'SELL') return p.allowShort ? -1 : 0;
  return null;
}

const sign = (x: number): -1 | 0 | 1 => (x > 0 ? 1 : x < 0 ? -1 : 0);

/** Simulates days [startIndex, endIndex). Pure: the input state is not modified. Throws RangeError on bad input. */
export function runBacktestChunk(input: BacktestChunkInput): BacktestChunkResult {
  assertInput(input);
  const p = resolveBacktestParams(input.params, FN);
  const { closes, dates, startIndex, endIndex } = input;
  const s: BacktestState = {
    ...input.state,
    openTrade: input.state.openTrade === null ? null : { ...input.state.openTrade },
  };
  const prices = new Float64Array(endIndex);
  for (let i = 0; i < endIndex; i++) prices[i] = closes[i];
  const commissionRate = p.costBps / 10_000;
  const slippageRate = p.slippageBps / 10_000;
  const frictionRate = commissionRate + slippageRate;
  const points: EquityPoint[] = [];

  for (let t = startIndex; t < endIndex; t++) {
    const close = prices[t];
    const date = dates[t];
    const before = s.cash + s.units * close;
    let target: number | null = null;

    if (!s.halted && s.units !== 0 && before <= 0) {
      target = 0;
      s.halted = true;
    } else if (!s.halted) {
      const direction = targetDirection(s.pendingAction, p);
      if (direction !== null && (p.rebalance || direction !== sign(s.units))) {
        target = (direction * p.positionSize * before) / close;
      }
    }

    let traded = 0;
    let costs = 0;
    if (target !== null && target !== s.units) {
      const old = s.units;
      const delta = target - old;
      traded = abs(delta) * close;
      const commission = traded * commissionRate;
      const slip = traded * slippageRate;
      costs = commission + slip;
      s.cash -= delta * close + costs;
      s.units = target;
      s.fills += 1;
      s.tradedNotional += traded;
      s.commissions += commission;
      s.slippage += slip;

      const closing = old !== 0 && sign(target) !== sign(old);
      if (closing) {
        // The part of the fill that takes the old position to flat, with its share of the costs.
        const trade = s.openTrade as OpenTrade;
        const closingNotional = abs(old) * close;
        trade.cashFlow += old * close - closingNotional * frictionRate;
        s.closedTrades += 1;
        if (trade.cashFlow > 0) s.winningTrades += 1;
        s.realizedPnl += trade.cashFlow;
        s.openTrade = null;
      }
      if (target !== 0) {
        const opening = closing || old === 0 ? target : delta;
        const flow = -opening * close - abs(opening) * close * frictionRate;
        if (s.openTrade === null) {
          s.openTrade = { direction: target > 0 ? 1 : -1, entryIndex: t, entryDate: date, cashFlow: flow };
        } else {
          s.openTrade.cashFlow += flow;
        }
      }
    }

    const equity = s.cash + s.units * close;
    const action: SignalAction = s.halted ? 'HOLD' : decide(prices.subarray(0, t + 1), p);
    points.push({
      index: t,
      date,
      close,
      action,
      units: s.units,
      cash: s.cash,
      equity,
      tradedNotional: traded,
      costs,
    });

    s.equity = equity;
    s.pendingAction = action;
    s.lastDate = date;
    s.lastClose = close;
    s.nextIndex = t + 1;
    s.days += 1;
  }
  return { state: s, points };
}
