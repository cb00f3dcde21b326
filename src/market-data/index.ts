/**
 * The market-data domain's public API: the Bar vocabulary, session calendar, NYSE holiday calendar, providers and
 * quality checks. Workflow code must not import this barrel (it pulls in node:fs and yahoo-finance2): import
 * './bar', './sessions' or './calendar' directly there.
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
export {
  earlyCloses,
  easterSunday,
  holidayName,
  isEarlyClose,
  isNyseCalendarYear,
  isNyseHoliday,
  NYSE_CALENDAR_FIRST_YEAR,
  NYSE_CALENDAR_LAST_YEAR,
  NYSE_SPECIAL_CLOSURES,
  nyseHolidays,
  type EarlyClose,
  type MarketClosure,
} from './calendar';
export { checkBarQuality, type BarQualityReport, type QualityRange, type RejectedBar } from './quality';
export {
  createProvider,
  parseProviderFallbacks,
  ProviderConfigError,
  type ProviderOptions,
  type YahooRegistryOptions,
} from './registry';
export {
  createFallbackProvider,
  type FallbackEvent,
  type FallbackOptions,
  type FallbackProvider,
  type ProviderFailure,
  type ServedBars,
} from './fallback';
export { TokenBucket, withRateLimit, type RateLimitClock, type RateLimitOptions } from './rate-limit';
export { choleskyOfCorrelation } from './cholesky';
export {
  createSyntheticProvider,
  SYNTHETIC_EPOCH,
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
export {
  createRecordingFetch,
  createReplayFetch,
  MissingRecordingError,
  recordingFileName,
  type RecordedBody,
  type RecordedCall,
} from './providers/yahoo-recording';
