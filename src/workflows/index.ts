/** The workflow bundle's entry point: every workflow the worker registers. */
export { tradingPipeline } from './trading-pipeline';
export { ingestMarketData } from './ingest-market-data';
export { quotePolling } from './quote-polling';
export { backtest } from './backtest';
export { auditRetention } from './audit-retention';
