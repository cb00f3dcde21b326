/** Whether a run's ingest left each symbol enough bars to go on with; shared by the pipeline and its activities. */
import type { SymbolIngestResult } from '../contracts/pipeline';

/** Symbols with fewer than two valid bars in the run's window: no return can be computed from them. */
export function symbolsWithoutReturns(perSymbol: readonly SymbolIngestResult[]): string[] {
  return perSymbol
    .filter((s) => (s.alreadyStored ?? 0) + s.fetched - s.rejectedCount < 2)
    .map((s) => s.symbol);
}
