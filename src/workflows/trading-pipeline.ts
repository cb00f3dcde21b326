/**
 * The daily trading pipeline, and the one place its stage order lives:
 *
 *   validate → ingest (with the 'running' record) → risk ∥ signals → approval of flagged signals → record the result
 *
 * It only orchestrates; every computation and all I/O happen in activities, one per stage (ingest: one per symbol),
 * each visible in the run's history with its attempts and timing. Validation decides once whether the stages run as
 * ordinary or as local activities (src/pipeline/stage-execution.ts); their timeouts and retries are one table,
 * src/workflows/activity-policies.ts. Stage and risk status are upserted as search attributes, so runs can be found
 * in the Web UI and with `temporal workflow list --query`.
 */
import {
  ApplicationFailure,
  CancellationScope,
  executeChild,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { createPipelineActivities } from '../activities/pipeline-activities';
import type { ResolvedPipelineInput } from '../pipeline/input';
import { summarize, withSignalGate } from '../pipeline/run-result';
import type { StageExecution } from '../pipeline/stage-execution';
import { riskStageInput, signalStageInput } from '../pipeline/stage-inputs';
import { symbolsWithoutReturns } from '../pipeline/usable-bars';
import { PIPELINE_STAGE_POLICIES } from './activity-policies';
import { NON_RETRYABLE_ERRORS } from '../contracts/errors';
import { DEFAULT_APPROVAL_TIMEOUT_SECONDS } from '../contracts/approvals';
import { applyApprovals, awaitDecisions, handleApprovals } from './approval-stage';
import { ingestBatchWorkflowId, progressQuery } from '../contracts/workflow-names';
import { ingestMarketData, ingestSymbols } from './ingest-market-data';
import type {
  PipelineProgress,
  RunRef,
  SymbolIngestResult,
  TradingPipelineInput,
  TradingPipelineResult,
} from '../contracts/pipeline';
import {
  PIPELINE_STAGE,
  RISK_STATUS,
  SYMBOLS,
  type PipelineStage,
  type RiskStatus,
} from '../contracts/search-attributes';

type PipelineActivities = ReturnType<typeof createPipelineActivities>;
type Execution = 'local' | 'remote';

/** A stage's activities with its row of the policy table, as ordinary or as local activities. */
function stageProxy(stage: keyof typeof PIPELINE_STAGE_POLICIES, execution: Execution) {
  const policy = PIPELINE_STAGE_POLICIES[stage];
  return execution === 'local'
    ? proxyLocalActivities<PipelineActivities>(policy.local)
    : proxyActivities<PipelineActivities>(policy.remote);
}

/**
 * Bookkeeping takes milliseconds and runs as local activities in every run: validation (which decides how the
 * work stages run) and the run's records in the store.
 */
const { validatePipelineInput } = stageProxy('validate', 'local');
const { recordRunStatus, recordApprovals, recordRunResult } = stageProxy('record', 'local');

/** The work stages, as ordinary or as local activities (ingest's are in ingest-market-data.ts). */
function workStages(execution: Execution) {
  return {
    local: execution === 'local',
    assessRisk: stageProxy('assessRisk', execution).assessRisk,
    generateSignals: stageProxy('generateSignals', execution).generateSignals,
  };
}
const WORK_STAGES = { remote: workStages('remote'), local: workStages('local') };

const WORK_STAGE_NAMES: readonly PipelineStage[] = ['ingest', 'risk', 'signals'];

/** The one place the run's stage execution is read. */
function workStagesOf(execution: StageExecution | undefined) {
  return WORK_STAGES[execution === 'local' ? 'local' : 'remote'];
}

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
  const approvals = handleApprovals();

  // Search attributes are upserted where they can be seen. A local run's work stages begin and end inside its one
  // workflow task, so only its outcome is upserted (with Symbols); the progress query follows every stage.
  let symbolsToUpsert: string[] | undefined;
  let workStagesUnseen = false;
  const enterStage = (stage: PipelineStage, riskStatus?: RiskStatus) => {
    progress.stage = stage;
    if (riskStatus) progress.riskStatus = riskStatus;
    if (workStagesUnseen && WORK_STAGE_NAMES.includes(stage)) return;
    upsertSearchAttributes([
      { key: PIPELINE_STAGE, value: stage },
      { key: RISK_STATUS, value: progress.riskStatus },
      ...(symbolsToUpsert ? [{ key: SYMBOLS, value: symbolsToUpsert }] : []),
    ]);
    symbolsToUpsert = undefined;
  };

  try {
    const resolved = await validatePipelineInput({ request: input, referenceTime: referenceTime() });
    progress.symbols = resolved.symbols;
    progress.asOf = resolved.asOf;
    progress.provider = resolved.provider;
    const stages = workStagesOf(resolved.stageExecution?.execution);
    symbolsToUpsert = resolved.symbols;
    workStagesUnseen = stages.local;

    // Nothing waits on the 'running' record, so it is written while the run ingests; both settle before going on
    // (a failed ingest must not be overtaken by a late 'running').
    enterStage('ingest');
    const [running, ingested] = await Promise.allSettled([
      recordRunStatus({ run, book: resolved.book, asOf: resolved.asOf, status: 'running' }),
      ingest(run, resolved, progress, stages.local),
    ]);
    if (running.status === 'rejected') throw running.reason;
    if (ingested.status === 'rejected') throw ingested.reason;
    const perSymbol = ingested.value;

    // The signal graph builds its own view of the book's risk, so the two stages run side by side.
    // The stage reads `risk` until the risk report is in, then `signals` if they are still being generated.
    enterStage('risk');
    let signalsDone = false;
    const [risk, signals] = await Promise.all([
      stages.assessRisk(riskStageInput(run, resolved)).then((report) => {
        progress.breaches = report.breaches.length;
        if (!signalsDone) enterStage('signals');
        return report;
      }),
      stages.generateSignals(signalStageInput(run, resolved)).then((generated) => {
        signalsDone = true;
        progress.signalsGenerated = generated.length;
        return generated;
      }),
    ]);
    const gated = withSignalGate(risk, signals);

    const flagged = (gated.signalGate ?? []).filter((verdict) => verdict.flagged);
    if (flagged.length > 0) {
      enterStage('awaiting_approval');
      await awaitDecisions(approvals, flagged, {
        timeoutSeconds: resolved.approvalTimeoutSeconds ?? DEFAULT_APPROVAL_TIMEOUT_SECONDS,
        progress,
        record: () => recordApprovals({ run, approvals }),
      });
    }

    const result = summarize(run, resolved, perSymbol, applyApprovals(signals, approvals, gated), gated);
    if (approvals.length > 0) result.approvals = approvals;
    await recordRunResult({ run, book: resolved.book, asOf: resolved.asOf, result });
    enterStage('completed', gated.status);
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

/**
 * The ingest stage: one batch is ingested by the pipeline itself; a larger universe fans out to one child workflow
 * per batch, which bounds each history. Fails the run when a symbol has too few valid bars to compute returns.
 */
async function ingest(
  run: RunRef,
  resolved: ResolvedPipelineInput,
  progress: PipelineProgress,
  local: boolean,
): Promise<SymbolIngestResult[]> {
  const batches = chunk(resolved.symbols, resolved.ingestBatchSize);
  progress.ingest.batchesTotal = batches.length;
  const results = await Promise.all(
    batches.map(async (symbols, index) => {
      const batchInput = {
        run,
        symbols,
        from: resolved.from,
        to: resolved.asOf,
        provider: resolved.provider,
        refresh: resolved.refresh,
      };
      const batch =
        batches.length === 1
          ? await ingestSymbols(batchInput, { local })
          : await executeChild(ingestMarketData, {
              workflowId: ingestBatchWorkflowId(run.workflowId, index),
              args: [batchInput],
            });
      progress.ingest.batchesCompleted += 1;
      progress.ingest.symbolsIngested += batch.symbols.length;
      progress.ingest.barsInserted += batch.symbols.reduce((sum, s) => sum + s.inserted, 0);
      return batch.symbols;
    }),
  );
  const perSymbol = results.flat();
  const unusable = symbolsWithoutReturns(perSymbol);
  if (unusable.length > 0) {
    throw ApplicationFailure.nonRetryable(
      `Not enough valid bars to continue for ${unusable.join(', ')} between ${resolved.from} and ${resolved.asOf}`,
      NON_RETRYABLE_ERRORS.insufficientMarketData,
    );
  }
  return perSymbol;
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

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
