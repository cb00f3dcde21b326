/** Public API of the pure risk engine: returns, statistics, VaR/ES, limits and the portfolio risk report. */
export { simpleReturns, logReturns, alignedReturnMatrix } from './returns';
export type { AlignedReturns, DatedPrice, ReturnKind } from './returns';
export {
  mean,
  variance,
  std,
  skewness,
  excessKurtosis,
  covarianceMatrix,
  correlationMatrix,
  correlationFromCovariance,
} from './stats';
export { cholesky } from './cholesky';
export type { CholeskyOptions } from './cholesky';
export { erfc, normalCdf, normalPdf, inverseNormalCdf } from './normal';
export { QUANTILE_METHODS, quantileSorted, sortedCopy } from './quantile';
export type { QuantileMethod } from './quantile';
export {
  EXPECTED_SHORTFALL_METHODS,
  historicalVaR,
  expectedShortfall,
  parametricVaR,
  parametricES,
  gaussianVaR,
  gaussianES,
} from './var';
export type { ExpectedShortfallMethod, ParametricOptions } from './var';
export { createRandom } from './random';
export type { RandomSource } from './random';
export { monteCarloVaR, simulatePortfolioReturns } from './monte-carlo';
export type { MonteCarloInput, MonteCarloResult, PortfolioSimulationInput } from './monte-carlo';
export { checkPositionLimits, checkCorrelationLimit, checkVaRLimit, netPositions } from './limits';
export type { BreachKind, LimitBreach, Position, RiskLimits } from './limits';
export {
  buildRiskReport,
  DEFAULT_CONFIDENCE,
  DEFAULT_MONTE_CARLO_PATHS,
  DEFAULT_MONTE_CARLO_SEED,
} from './report';
export type { Exposure, RiskMeasures, RiskReport, RiskReportInput } from './report';
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
