/**
 * The daily trading pipeline: validate → ingest (child workflows per symbol batch) → signals → risk → record.
 * It only orchestrates; every computation and all I/O happen in activities. Stage and risk status are upserted as
 * search attributes so runs can be found in the Web UI and with `temporal workflow list --query`.
 */
import {
  ApplicationFailure,
  CancellationScope,
  executeChild,
  isCancellation,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { createPipelineActivities } from '../activities/pipeline-activities';
import type { ProviderName } from '../market-data/bar';
import type { ResolvedPipelineInput } from '../pipeline/input';
import { ingestBatchWorkflowId, progressQuery } from './definitions';
import { ingestMarketData } from './ingest-market-data';
import type {
  IngestMarketDataResult,
  PipelineProgress,
  RunRef,
  SymbolIngestResult,
  TradingPipelineInput,
  TradingPipelineResult,
} from './pipeline-types';
import {
  PIPELINE_STAGE,
  RISK_STATUS,
  SYMBOLS,
  type PipelineStage,
  type RiskStatus,
} from './search-attributes';

type PipelineActivities = ReturnType<typeof createPipelineActivities>;

const nonRetryableErrorTypes = ['InvalidPipelineInput', 'UnknownSymbolError', 'MalformedMarketDataError'];

const { validatePipelineInput, recordRunStatus } = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 milliseconds', maximumAttempts: 5, nonRetryableErrorTypes },
});

const { generateSignals, assessRisk, recordRunResult } = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '5 minutes',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts: 5,
    nonRetryableErrorTypes,
  },
});

/** How many rejected bars the result carries inline; all of them are stored with the run. */
const REJECTED_BARS_IN_RESULT = 100;

export async function tradingPipeline(input: TradingPipelineInput): Promise<TradingPipelineResult> {
  const info = workflowInfo();
  const run: RunRef = { workflowId: info.workflowId, runId: info.runId };
  const progress: PipelineProgress = {
    stage: 'validating',
    riskStatus: 'pending',
    symbols: [],
    ingest: { batchesTotal: 0, batchesCompleted: 0, symbolsIngested: 0, barsInserted: 0 },
    signalsGenerated: 0,
    breaches: 0,
  };
  setHandler(progressQuery, () => progress);

  const enterStage = (stage: PipelineStage, riskStatus?: RiskStatus) => {
    progress.stage = stage;
    if (riskStatus) progress.riskStatus = riskStatus;
    upsertSearchAttributes([
      { key: PIPELINE_STAGE, value: stage },
      { key: RISK_STATUS, value: progress.riskStatus },
    ]);
  };

  try {
    enterStage('validating', 'pending');
    const resolved = await validatePipelineInput({ request: input, referenceTime: referenceTime() });
    progress.symbols = resolved.symbols;
    progress.asOf = resolved.asOf;
    progress.provider = resolved.provider;
    upsertSearchAttributes([{ key: SYMBOLS, value: resolved.symbols }]);
    await recordRunStatus({ run, book: resolved.book, asOf: resolved.asOf, status: 'running' });

    enterStage('ingest');
    const perSymbol = await ingestAll(run, resolved, progress);

    enterStage('signals');
    const signals = await generateSignals({
      run,
      symbols: resolved.symbols,
      from: resolved.from,
      asOf: resolved.asOf,
      ...(resolved.analyst ? { analyst: resolved.analyst } : {}),
    });
    progress.signalsGenerated = signals.length;

    enterStage('risk');
    const risk = await assessRisk({
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
    });
    progress.breaches = risk.breaches.length;

    const result = summarize(run, resolved, perSymbol, signals, risk);
    await recordRunResult({ run, book: resolved.book, asOf: resolved.asOf, result });
    enterStage('completed', risk.status);
    return result;
  } catch (error) {
    progress.error = error instanceof Error ? error.message : String(error);
    if (isCancellation(error)) {
      // Record the outcome even though the run itself is being cancelled.
      await CancellationScope.nonCancellable(async () => {
        enterStage('cancelled');
        await recordRunStatus({ run, status: 'cancelled' });
      });
    } else {
      enterStage('failed');
      // The run's own failure is what callers must see, even if recording it fails too.
      await recordRunStatus({ run, status: 'failed' }).catch(() => undefined);
    }
    throw error;
  }
}

/** The day the run is for: a schedule's nominal time (so backfills ingest their own dates), else the start time. */
function referenceTime(): string {
  const info = workflowInfo();
  const scheduled = info.searchAttributes?.TemporalScheduledStartTime;
  const first = Array.isArray(scheduled) ? scheduled[0] : undefined;
  if (first instanceof Date) return first.toISOString();
  if (typeof first === 'string') return first;
  return new Date(info.startTime).toISOString();
}

async function ingestAll(
  run: RunRef,
  resolved: ResolvedPipelineInput,
  progress: PipelineProgress,
): Promise<SymbolIngestResult[]> {
  const batches = chunk(resolved.symbols, resolved.ingestBatchSize);
  progress.ingest.batchesTotal = batches.length;
  const results = await Promise.all(
    batches.map(async (symbols, index) => {
      const batch: IngestMarketDataResult = await executeChild(ingestMarketData, {
        workflowId: ingestBatchWorkflowId(run.workflowId, index),
        args: [
          {
            run,
            symbols,
            from: resolved.from,
            to: resolved.asOf,
            provider: resolved.provider,
            refresh: resolved.refresh,
          },
        ],
      });
      progress.ingest.batchesCompleted += 1;
      progress.ingest.symbolsIngested += batch.symbols.length;
      progress.ingest.barsInserted += batch.symbols.reduce((sum, s) => sum + s.inserted, 0);
      return batch.symbols;
    }),
  );
  const perSymbol = results.flat();
  const unusable = perSymbol.filter((s) => (s.alreadyStored ?? 0) + s.fetched - s.rejectedCount < 2);
  if (unusable.length > 0) {
    throw ApplicationFailure.nonRetryable(
      `Not enough valid bars to continue for ${unusable.map((s) => s.symbol).join(', ')} between ${resolved.from} and ${resolved.asOf}`,
      'InsufficientMarketData',
    );
  }
  return perSymbol;
}

function summarize(
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

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
