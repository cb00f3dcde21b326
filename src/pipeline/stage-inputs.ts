/**
 * What the pipeline's ingest, risk and signal stages are given, built from the run's resolved input. Shared by the
 * pipeline workflow and the activity that runs a local run's stages (so both send the same inputs).
 */
import type { IngestRunLocallyInput } from '../activities/market-data-activities';
import type { AssessRiskInput, GenerateSignalsInput } from '../activities/pipeline-activities';
import { DEFAULT_TRADE_NOTIONAL } from '../workflows/approvals';
import type { RunRef } from '../workflows/pipeline-types';
import type { ResolvedPipelineInput } from './input';

/** A local run's ingest stage in one activity: its symbols, and its 'running' record. */
export function ingestRunInput(run: RunRef, resolved: ResolvedPipelineInput): IngestRunLocallyInput {
  return {
    run,
    book: resolved.book,
    asOf: resolved.asOf,
    symbols: resolved.symbols,
    from: resolved.from,
    to: resolved.asOf,
    provider: resolved.provider,
    refresh: resolved.refresh,
  };
}

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
