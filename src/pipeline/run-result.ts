/**
 * A pipeline run's result, put together from its stages' outputs: pure, shared by the pipeline workflow and the
 * activity that runs a local run's stages (which records the result when no signal waits for approval).
 */
import type { ProviderName } from '../market-data/bar';
import type {
  PipelineSignal,
  RiskStageReport,
  RunRef,
  SymbolIngestResult,
  TradingPipelineResult,
} from '../contracts/pipeline';
import type { ResolvedPipelineInput } from './input';

/** How many rejected bars the result carries inline; all of them are stored with the run. */
const REJECTED_BARS_IN_RESULT = 100;

/** The risk report with the gate's verdicts, gathered from the signals the graph gated. */
export function withSignalGate(risk: RiskStageReport, signals: PipelineSignal[]): RiskStageReport {
  return { ...risk, signalGate: signals.flatMap((signal) => (signal.gate ? [signal.gate] : [])) };
}

export function summarize(
  run: RunRef,
  input: ResolvedPipelineInput,
  perSymbol: SymbolIngestResult[],
  signals: TradingPipelineResult['signals'],
  risk: TradingPipelineResult['risk'],
): TradingPipelineResult {
  const total = (pick: (s: SymbolIngestResult) => number) => perSymbol.reduce((sum, s) => sum + pick(s), 0);
  return {
    workflowId: run.workflowId,
    runId: run.runId,
    input,
    providers: [...new Set(perSymbol.flatMap((s) => providersOf(s)))].sort(),
    ingest: {
      barsAlreadyStored: total((s) => s.alreadyStored ?? 0),
      barsFetched: total((s) => s.fetched),
      barsInserted: total((s) => s.inserted),
      barsUpdated: total((s) => s.updated),
      barsUnchanged: total((s) => s.unchanged),
      barsRejected: total((s) => s.rejectedCount),
      perSymbol,
    },
    rejectedBars: perSymbol.flatMap((s) => s.rejected).slice(0, REJECTED_BARS_IN_RESULT),
    signals,
    risk,
    breaches: risk.breaches,
    riskStatus: risk.status,
  };
}

/**
 * Which providers served a symbol's bars. Ingest results recorded before `sources` existed (histories of runs
 * started by older workers) only name the requested provider; replaying them must still work.
 */
function providersOf(result: SymbolIngestResult): ProviderName[] {
  return result.sources ? (Object.keys(result.sources) as ProviderName[]) : [result.provider];
}
