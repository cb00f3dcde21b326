/** Public API of the pure risk engine: returns, statistics, VaR/ES, limits and the portfolio risk report. */
export { simpleReturns, logReturns, alignedReturnMatrix } from './returns';
export type { AlignedReturns, DatedPrice, ReturnKind } from './returns';
export {
  mean,
  meanAndVariance,
  variance,
  std,
  skewness,
  excessKurtosis,
  covarianceMatrix,
  correlationMatrix,
  correlationFromCovariance,
} from './stats';
export type { MeanAndVariance } from './stats';
export { cholesky } from './cholesky';
export type { CholeskyOptions } from './cholesky';
export { erfc, normalCdf, normalPdf, inverseNormalCdf } from './normal';
export { QUANTILE_METHODS, quantileInPlace, quantileSorted, selectInPlace, sortedCopy } from './quantile';
export type { QuantileMethod } from './quantile';
export {
  EXPECTED_SHORTFALL_METHODS,
  historicalVaR,
  expectedShortfall,
  parametricVaR,
  parametricES,
  gaussianVaR,
  gaussianES,
  cornishFisherZ,
  scaleToHorizon,
} from './var';
export type { ExpectedShortfallMethod, ParametricOptions } from './var';
export { createRandom } from './random';
export type { RandomSource } from './random';
export { monteCarloVaR, simulatePortfolioReturns } from './monte-carlo';
export { netPositionLines, valuePositions } from './positions';
export type { MarketValuePosition, PositionBasis, QuantityPosition, ValuedPosition } from './positions';
export {
  eulerShares,
  esScenarioWeights,
  historicalContributions,
  parametricContributions,
  scenarioOrder,
  varScenarioWeights,
} from './contributions';
export type {
  HistoricalContributionOptions,
  HistoricalContributions,
  ScenarioWeights,
} from './contributions';
export type { MonteCarloInput, MonteCarloResult, PortfolioSimulationInput } from './monte-carlo';
export {
  assertRiskLimits,
  averagePairwiseCorrelation,
  checkAverageCorrelationLimit,
  checkCorrelationLimit,
  checkNotionalLimits,
  checkPositionLimits,
  checkVaRLimit,
  concentration,
  netPositions,
  tagExposures,
} from './limits';
export type { BreachDriver, BreachKind, LimitBreach, Position, RiskLimits, TagExposure } from './limits';
export {
  buildRiskReport,
  DEFAULT_CONFIDENCE,
  DEFAULT_HORIZON_DAYS,
  DEFAULT_MONTE_CARLO_PATHS,
  DEFAULT_MONTE_CARLO_SEED,
  HORIZON_SCALING,
} from './report';
export type {
  Contribution,
  Exposure,
  ReportBacktest,
  ReportBacktestException,
  RiskMeasures,
  RiskReport,
  RiskReportInput,
  RiskReportInputs,
} from './report';
export {
  backtestHistoricalVaR,
  DEFAULT_BACKTEST_LOOKBACK,
  DEFAULT_BACKTEST_MIN_LOOKBACK,
  DEFAULT_BACKTEST_WINDOW,
  rollingHistoricalVaR,
} from './rolling-backtest';
export type {
  BacktestException,
  RollingBacktestOptions,
  RollingBacktestSettings,
  RollingVaRBacktest,
} from './rolling-backtest';
export {
  backtestVaR,
  baselTrafficLight,
  chiSquare1Survival,
  chiSquare2Survival,
  christoffersenIndependence,
  conditionalCoverage,
  kupiecPOF,
  transitionCounts,
  varExceptions,
} from './backtest';
export type { TestStatistic, TrafficLightZone, TransitionCounts, VaRBacktest } from './backtest';
