/** Plain-JSON contracts of the pipeline workflows: inputs, results and the progress query's answer. */
import type { BarInterval, ProviderName } from '../market-data/bar';
import type { GateVerdict } from '../signals/risk-gate';
import type { Approval } from './approvals';
import type { PipelineInputRequest, ResolvedPipelineInput } from '../pipeline/input';
import type { RiskReport } from '../risk';
import type { Signal } from '../signals';
import type { PipelineStage, RiskStatus } from './search-attributes';

export type TradingPipelineInput = PipelineInputRequest;

/** Which pipeline run a stage works for (a child workflow's activities still write under the parent's run). */
export interface RunRef {
  workflowId: string;
  runId: string;
}

export interface RejectedBarSummary {
  symbol: string;
  /** The bar's session date; for an intraday bar, its start time (ISO 8601 UTC). */
  date: string;
  reasons: string[];
}

export interface SymbolIngestResult {
  symbol: string;
  /** The provider the run asked for. */
  provider: ProviderName;
  /** The bar interval ingested (absent in results of older workers, which ingested daily bars only). */
  interval?: BarInterval;
  /**
   * Which providers served the bars this run uses for the symbol (stored bars in the window, by source).
   * Optional only because results recorded by older workers lack it; current workers always set it.
   */
  sources?: Partial<Record<ProviderName, number>>;
  /** Sessions skipped because their bars were already stored (incremental ingest; `refresh` fetches them again). */
  alreadyStored?: number;
  /** Splits and dividends stored or corrected by this ingest (providers that report them: yahoo). */
  eventsStored?: number;
  fetched: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejectedCount: number;
  /** The first rejected bars with their reasons (all of them are stored with the run). */
  rejected: RejectedBarSummary[];
  missingSessions: string[];
}

export interface IngestMarketDataInput {
  /** The run whose rejected bars this ingest records; defaults to the ingest workflow's own ids. */
  run?: RunRef;
  symbols: string[];
  /** Inclusive first session date, YYYY-MM-DD. */
  from: string;
  /** Inclusive last session date, YYYY-MM-DD. */
  to: string;
  provider: ProviderName;
  /** Bar interval (default 1d); intraday intervals (1m … 90m) store bars keyed by their start time. */
  interval?: BarInterval;
  /** Fetch every session again instead of only the ones not yet stored. */
  refresh?: boolean;
}

export interface IngestMarketDataResult {
  symbols: SymbolIngestResult[];
}

export interface PipelineProgress {
  stage: PipelineStage;
  riskStatus: RiskStatus;
  symbols: string[];
  asOf?: string;
  provider?: ProviderName;
  ingest: { batchesTotal: number; batchesCompleted: number; symbolsIngested: number; barsInserted: number };
  signalsGenerated: number;
  breaches: number;
  /** Flagged signals waiting for approve/reject. */
  pendingApprovals?: number;
  error?: string;
}

export interface TradingPipelineResult {
  workflowId: string;
  runId: string;
  input: ResolvedPipelineInput;
  providers: ProviderName[];
  ingest: {
    barsAlreadyStored: number;
    barsFetched: number;
    barsInserted: number;
    barsUpdated: number;
    barsUnchanged: number;
    barsRejected: number;
    perSymbol: SymbolIngestResult[];
  };
  rejectedBars: RejectedBarSummary[];
  /** The signals as decided: a flagged signal carries its gate verdict and approval; a rejected one is a HOLD. */
  signals: PipelineSignal[];
  risk: RiskStageReport;
  breaches: RiskReport['breaches'];
  riskStatus: RiskStatus;
  /** Decisions on flagged signals (absent when nothing was flagged, and in results of older runs). */
  approvals?: Approval[];
}

/** The risk stage's report: today's book, plus the risk gate's verdict on each signal's trade. */
export type RiskStageReport = RiskReport & { signalGate?: GateVerdict[] };

export type PipelineSignal = Signal & {
  /** The approval of a flagged signal; `originalAction` is what it asked for when it was rejected. */
  approval?: Pick<Approval, 'status' | 'approver' | 'decisionReason' | 'decidedAt'> & {
    originalAction: Signal['action'];
  };
};
