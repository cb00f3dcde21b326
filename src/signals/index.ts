/** Signal generation: indicators, analysts, risk gate and the LangGraph signal graph. */
export {
  compareWithTolerance,
  drawdown,
  ema,
  momentum,
  realizedVolatility,
  rsi,
  sma,
  smaCrossover,
  TIE_TOLERANCE,
  trailingMean,
  type Series,
  type SmaCrossover,
  type TrendState,
} from './indicators';
export {
  computeIndicators,
  DEFAULT_INDICATOR_PARAMS,
  resolveIndicatorParams,
  type IndicatorParams,
  type IndicatorSnapshot,
} from './snapshot';
export {
  analystViewSchema,
  createDeterministicAnalyst,
  DEFAULT_ANALYST_PARAMS,
  deterministicAnalyst,
  resolveAnalystParams,
  type Analyst,
  type AnalystParams,
  type AnalystView,
  type Stance,
} from './analyst';
export {
  assessSignalRisk,
  DEFAULT_RISK_PARAMS,
  resolveRiskParams,
  type RiskAssessment,
  type RiskComponents,
  type RiskInput,
  type RiskParams,
} from './risk-score';
export {
  decideAction,
  DEFAULT_DECISION_PARAMS,
  resolveDecisionParams,
  type Decision,
  type DecisionParams,
  type SignalAction,
} from './decision';
export {
  buildSignalGraph,
  generateSignal,
  generateSignals,
  resolveSignalParams,
  SignalState,
  type GenerateSignalInput,
  type ResolvedSignalParams,
  type Signal,
  type SignalGraph,
  type SignalGraphOptions,
  type SignalParams,
  type SymbolWork,
  type TraceEntry,
} from './graph';
export {
  buildSupervisorGraph,
  createSupervisorAnalyst,
  routeNext,
  supervisorLabel,
  type SupervisorAnalystOptions,
  type SupervisorGraph,
  type SupervisorRoute,
} from './supervisor/supervisor-graph';
export {
  DEFAULT_RISK_OFFICER_LIMITS,
  type ResearchNotes,
  type RiskOfficerLimits,
  type RiskReview,
} from './supervisor/roles';
