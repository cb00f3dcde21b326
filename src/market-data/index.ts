/**
 * The market-data domain's public API: the Bar vocabulary, session calendar, providers and quality checks.
 * Workflow code must not import this barrel (it pulls in node:fs and yahoo-finance2): import './bar' or
 * './sessions' directly there.
 */
export * from './bar';
export {
  addDays,
  dayNumberOf,
  formatDayNumber,
  isIsoDate,
  isTradingSession,
  nextSession,
  parseIsoDate,
  previousSession,
  sessionsBack,
  tradingSessions,
  weekdayName,
} from './sessions';
export { checkBarQuality, type BarQualityReport, type QualityRange, type RejectedBar } from './quality';
export { createProvider, ProviderConfigError, type ProviderOptions } from './registry';
export { choleskyOfCorrelation } from './cholesky';
export {
  createSyntheticProvider,
  SYNTHETIC_EPOCH,
  SYNTHETIC_SYMBOL_PATTERN,
  type SyntheticCorrelation,
  type SyntheticProvider,
  type SyntheticProviderOptions,
} from './providers/synthetic';
export { createCsvProvider, parseBarsCsv, type CsvProvider, type CsvProviderOptions } from './providers/csv';
export {
  createQuietYahooFinance,
  createYahooProvider,
  type YahooFinanceClient,
  type YahooProvider,
  type YahooProviderOptions,
} from './providers/yahoo';
export { toProviderError } from './providers/yahoo-errors';
