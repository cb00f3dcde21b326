/**
 * A local run in one local activity (patch `pipeline-v2`): validation, and when it chooses local stages (local
 * data, a small universe, the deterministic analyst; src/pipeline/stage-execution.ts), the 'running' record and
 * the ingest, then the risk report and the signals side by side. A local run's local activities are all recorded
 * when its one workflow task completes, so splitting them bought no durability, and each cost the worker a
 * dispatch through the SDK (about 2 ms of CPU, and a wait in the worker's queues under load). When no signal
 * waits for approval it also records the run's result, which the workflow would otherwise record in a local
 * activity of its own right after (the same `summarize` of the same outputs). It composes the
 * stage activities themselves, so what each stage does and stores is theirs; a retry runs them again, as a retry
 * of each would (they are idempotent).
 */
import type { ResolvedPipelineInput } from '../pipeline/input';
import { summarize, withSignalGate } from '../pipeline/run-result';
import { ingestRunInput, riskStageInput, signalStageInput } from '../pipeline/stage-inputs';
import { symbolsWithoutReturns } from '../pipeline/usable-bars';
import type { Signal } from '../signals';
import type {
  RiskStageReport,
  RunRef,
  SymbolIngestResult,
  TradingPipelineResult,
} from '../workflows/pipeline-types';
import type { IngestRunLocallyInput } from './market-data-activities';
import type { AssessRiskInput, GenerateSignalsInput } from './pipeline-activities';

export interface LocalRunStageActivities {
  validatePipelineInput(input: { request: unknown; referenceTime: string }): Promise<ResolvedPipelineInput>;
  ingestRunLocally(input: IngestRunLocallyInput): Promise<{ symbols: SymbolIngestResult[] }>;
  assessRisk(input: AssessRiskInput): Promise<RiskStageReport>;
  generateSignals(input: GenerateSignalsInput): Promise<Signal[]>;
  recordRunResult(input: {
    run: RunRef;
    book: string;
    asOf: string;
    result: TradingPipelineResult;
  }): Promise<void>;
}

export interface ValidateAndRunLocallyInput {
  run: RunRef;
  request: unknown;
  referenceTime: string;
}

/**
 * A local run's stages: the ingest results, then (unless a symbol has too few bars to go on, which the workflow
 * turns into the run's failure) the risk report and the signals.
 */
export interface LocalStagesResult {
  symbols: SymbolIngestResult[];
  risk?: RiskStageReport;
  signals?: Signal[];
  /** The run's result is recorded (no signal was flagged, so nothing waits for approval). */
  resultRecorded?: boolean;
}

export interface ValidateAndRunLocallyResult {
  resolved: ResolvedPipelineInput;
  /** Present when validation chose local stages. */
  stages?: LocalStagesResult;
}

export function createLocalRunActivities(activities: LocalRunStageActivities) {
  async function runStages(run: RunRef, resolved: ResolvedPipelineInput): Promise<LocalStagesResult> {
    const { symbols } = await activities.ingestRunLocally(ingestRunInput(run, resolved));
    if (symbolsWithoutReturns(symbols).length > 0) return { symbols };
    const [risk, signals] = await Promise.all([
      activities.assessRisk(riskStageInput(run, resolved)),
      activities.generateSignals(signalStageInput(run, resolved)),
    ]);
    const gated = withSignalGate(risk, signals);
    if (gated.signalGate?.some((verdict) => verdict.flagged)) return { symbols, risk, signals };
    await activities.recordRunResult({
      run,
      book: resolved.book,
      asOf: resolved.asOf,
      result: summarize(run, resolved, symbols, signals, gated),
    });
    return { symbols, risk, signals, resultRecorded: true };
  }

  return {
    async validateAndRunLocally(input: ValidateAndRunLocallyInput): Promise<ValidateAndRunLocallyResult> {
      const resolved = await activities.validatePipelineInput({
        request: input.request,
        referenceTime: input.referenceTime,
      });
      if (resolved.stageExecution?.execution !== 'local') return { resolved };
      return { resolved, stages: await runStages(input.run, resolved) };
    },
  };
}
