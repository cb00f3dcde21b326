/** The failure types shared by activities (which raise them), workflows (whose retry policies never retry them) and the API. */
/** Failures that retrying cannot fix: bad input, a symbol the vendor does not know, data that cannot be parsed. */
export const NON_RETRYABLE_ERRORS = {
  /** The run's (or ingest's, or backtest's) input breaks its contract; the message names the field. */
  invalidInput: 'InvalidPipelineInput',
  unknownSymbol: 'UnknownSymbolError',
  malformedMarketData: 'MalformedMarketDataError',
  /** A symbol has fewer than two valid bars in the window: nothing to compute returns from. */
  insufficientMarketData: 'InsufficientMarketData',
  /** The audit chain does not verify, or moved under a retention cut. */
  auditChainBroken: 'AuditChainBroken',
  auditChainConflict: 'AuditChainConflict',
} as const;
