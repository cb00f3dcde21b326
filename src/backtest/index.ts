/**
 * Strategy backtesting: a pure, resumable replay of the signal logic over one symbol's adjusted closes, and the
 * performance metrics of the resulting equity curve. No Temporal, network or database code (and no LangGraph:
 * the synchronous signal pieces are called directly). Conventions: docs/backtesting.md.
 */
export {
  BACKTEST_STATE_VERSION,
  initialBacktestState,
  runBacktestChunk,
  type BacktestChunkInput,
  type BacktestChunkResult,
  type BacktestState,
  type EquityPoint,
  type OpenTrade,
} from './engine';
export {
  annualizedReturn,
  annualizedVolatility,
  dailyReturns,
  DEFAULT_PERIODS_PER_YEAR,
  downsideDeviation,
  exposure,
  hitRate,
  maxDrawdown,
  sharpeRatio,
  sortinoRatio,
  totalReturn,
  turnover,
  type MaxDrawdown,
  type RatioOptions,
  type Turnover,
} from './metrics';
export {
  DEFAULT_BACKTEST_PARAMS,
  resolveBacktestParams,
  type BacktestParams,
  type DecisionFunction,
  type ResolvedBacktestParams,
} from './params';
export { summarizeBacktest, type BacktestSummary, type BacktestSummaryParams } from './summary';
