/**
 * What the pipeline's risk and signal stages are given, built from the run's resolved input.
 */
import type { AssessRiskInput, GenerateSignalsInput } from '../activities/pipeline-activities';
import { DEFAULT_TRADE_NOTIONAL } from '../contracts/approvals';
import type { RunRef } from '../contracts/pipeline';
import type { ResolvedPipelineInput } from './input';

/** The signal stage's input since the risk gate moved into the signal graph: the book the signals act on. */
export function signalStageInput(run: RunRef, resolved: ResolvedPipelineInput): GenerateSignalsInput {
  return {
    run,
    symbols: resolved.symbols,
    from: resolved.from,
    asOf: resolved.asOf,
    ...(resolved.analyst ? { analyst: resolved.analyst } : {}),
    book: {
      positions: resolved.positions,
      limits: resolved.limits,
      tradeNotional: resolved.tradeNotional ?? DEFAULT_TRADE_NOTIONAL,
      confidence: resolved.confidence,
      horizonDays: resolved.horizonDays,
    },
  };
}

export function riskStageInput(run: RunRef, resolved: ResolvedPipelineInput): AssessRiskInput {
  return {
    run,
    symbols: resolved.symbols,
    from: resolved.from,
    asOf: resolved.asOf,
    positions: resolved.positions,
    limits: resolved.limits,
    confidence: resolved.confidence,
    monteCarloPaths: resolved.monteCarloPaths,
    seed: resolved.seed,
    horizonDays: resolved.horizonDays,
    varBacktest: resolved.varBacktest,
  };
}
