/**
 * The daily trading pipeline: validate → ingest (child workflows per symbol batch) → signals → risk (with the risk
 * gate on each signal's trade) → approval of flagged signals (waits for `approve` / `reject` signals up to a
 * deadline, then rejects) → record.
 * It only orchestrates; every computation and all I/O happen in activities. A small run on local data with the
 * deterministic analyst runs its stages as local activities, in one workflow task (src/pipeline/stage-execution.ts).
 * Stage and risk status are upserted as search attributes so runs can be found in the Web UI and with
 * `temporal workflow list --query`.
 */
import {
  ApplicationFailure,
  CancellationScope,
  condition,
  executeChild,
  isCancellation,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import {
  applyDecision,
  type Approval,
  type ApprovalDecisionInput,
  approvalsQuery,
  approveSignal,
  DEFAULT_APPROVAL_TIMEOUT_SECONDS,
  decisionProblem,
  expirePending,
  rejectSignal,
} from './approvals';
import type { createLocalRunActivities, LocalStagesResult } from '../activities/local-run-activities';
import type { createMarketDataActivities } from '../activities/market-data-activities';
import type { createPipelineActivities } from '../activities/pipeline-activities';
import type { ResolvedPipelineInput } from '../pipeline/input';
import { summarize, withSignalGate } from '../pipeline/run-result';
import { ingestRunInput, riskStageInput, signalStageInput } from '../pipeline/stage-inputs';
import { symbolsWithoutReturns } from '../pipeline/usable-bars';
import { ingestBatchWorkflowId, progressQuery } from './definitions';
import { ingestMarketData, ingestSymbols } from './ingest-market-data';
import type {
  IngestMarketDataResult,
  PipelineProgress,
  PipelineSignal,
  RiskStageReport,
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

// Start-to-close timeouts are what a SIGKILLed worker costs: an activity it had started is retried elsewhere only
// once the timeout passes (npm run chaos measures it). So they sit just above each activity's worst case, and the
// long-running one heartbeats instead.
const bookkeepingRetry = { initialInterval: '500 milliseconds', maximumAttempts: 5, nonRetryableErrorTypes };
const remoteBookkeeping = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '10 seconds',
  retry: bookkeepingRetry,
});
const remoteRecords = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '15 seconds',
  retry: stageRetryFor(nonRetryableErrorTypes),
});
// Since patch `local-bookkeeping-activities`: validation and the run records are local activities. They take
// milliseconds, so running them inside the workflow task saves a task dispatch and a workflow task each (about
// 40-100 ms apiece on the dev server); the stages that do real work stay ordinary activities.
const localBookkeeping = proxyLocalActivities<PipelineActivities>({
  startToCloseTimeout: '10 seconds',
  retry: bookkeepingRetry,
});
const localRecords = proxyLocalActivities<PipelineActivities>({
  startToCloseTimeout: '15 seconds',
  retry: stageRetryFor(nonRetryableErrorTypes),
});
const LOCAL_BOOKKEEPING = 'local-bookkeeping-activities';

function stageRetryFor(nonRetryable: string[]) {
  return {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts: 5,
    nonRetryableErrorTypes: nonRetryable,
  };
}
const stageRetry = stageRetryFor(nonRetryableErrorTypes);

// A 500-symbol book with 10,000 Monte Carlo paths takes seconds; the records are single transactions.
const { assessRisk } = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '1 minute',
  retry: stageRetry,
});

// Signals may call a model per symbol (each call with its own timeout and bounded attempts), so the activity
// heartbeats every 5 s while it works and gets a long start-to-close; a dead worker is noticed within 20 s.
const { generateSignals } = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '20 seconds',
  retry: stageRetry,
});

// Since patch `local-stages`: a run whose validation chose local stages (src/pipeline/stage-execution.ts: local
// data, a small universe, the deterministic analyst) runs ingest, risk and signals as local activities too, so the
// whole run completes in one workflow task; it also writes its 'running' record while it ingests, and runs risk
// and signals side by side. Same timeouts as the ordinary ones; signals need no heartbeat here, since the
// deterministic analyst makes no model calls.
const localStages = proxyLocalActivities<PipelineActivities>({
  startToCloseTimeout: '1 minute',
  retry: stageRetry,
});
const LOCAL_STAGES = 'local-stages';

// Since patch `local-ingest-batch`: a local run's ingest stage is one local activity that writes the 'running'
// record and ingests each symbol, instead of one for the record and one per symbol. Its local activities are
// recorded together when its one workflow task completes, so the split bought no durability; each local activity
// cost the worker about 2 ms of dispatch.
const { ingestRunLocally } = proxyLocalActivities<ReturnType<typeof createMarketDataActivities>>({
  startToCloseTimeout: '1 minute',
  retry: stageRetry,
});
const LOCAL_INGEST_BATCH = 'local-ingest-batch';

// Since patch `pipeline-v2`, which stands for all the patches above (a run records its one marker instead of
// four, each with the TemporalChangeVersion upsert the SDK adds to a patch):
// - validation and, when it chooses local stages, the stages themselves are one local activity (ingest, then
//   risk and signals side by side, and the run's result when nothing waits for approval; see
//   local-run-activities.ts), so a local run makes one local activity instead of five;
// - search attributes are upserted only when they can be seen: a stage is visible once the workflow task that
//   entered it completes, so the stages a local run passes inside its one workflow task are not upserted, and
//   `Symbols` goes with the first stage upsert after validation.
// Runs started before it replay on the paths their own markers chose.
const PIPELINE_V2 = 'pipeline-v2';
const { validateAndRunLocally } = proxyLocalActivities<ReturnType<typeof createLocalRunActivities>>({
  startToCloseTimeout: '1 minute',
  retry: stageRetry,
});

interface StageActivities {
  assessRisk: PipelineActivities['assessRisk'];
  generateSignals: PipelineActivities['generateSignals'];
  /** Ingest through local activities (a local run's single batch is always ingested inline). */
  localIngest: boolean;
}
const REMOTE_STAGES: StageActivities = { assessRisk, generateSignals, localIngest: false };
const LOCAL_STAGE_ACTIVITIES: StageActivities = {
  assessRisk: localStages.assessRisk,
  generateSignals: localStages.generateSignals,
  localIngest: true,
};

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
  // Approvals exist once the run reaches the approval stage; the handlers are there from the start so an early
  // query answers [] and an early decision (nothing pending yet) is ignored rather than left unhandled.
  const approvals: Approval[] = [];
  setHandler(approvalsQuery, () => approvals);
  const onDecision = (status: 'approved' | 'rejected') => (decision: ApprovalDecisionInput) => {
    const problem = decisionProblem(decision);
    if (problem) {
      log.warn('Ignored an approval decision', { status, problem });
      return;
    }
    const decided = applyDecision(approvals, decision, status, new Date().toISOString());
    log.info('Approval decision', { status, approver: decision.approver, symbols: decided });
  };
  setHandler(approveSignal, onDecision('approved'));
  setHandler(rejectSignal, onDecision('rejected'));

  const v2 = patched(PIPELINE_V2);
  /** Whether an earlier patch applies: always since pipeline-v2, else as the run's own markers say. */
  const isPatched = (patchId: string) => v2 || patched(patchId);
  // Since pipeline-v2, Symbols waits for the next stage upsert.
  let symbolsToUpsert: string[] | undefined;
  const enterStage = (stage: PipelineStage, riskStatus?: RiskStatus, options: { upsert?: boolean } = {}) => {
    progress.stage = stage;
    if (riskStatus) progress.riskStatus = riskStatus;
    if (options.upsert === false) return;
    upsertSearchAttributes([
      { key: PIPELINE_STAGE, value: stage },
      { key: RISK_STATUS, value: progress.riskStatus },
      ...(symbolsToUpsert ? [{ key: SYMBOLS, value: symbolsToUpsert }] : []),
    ]);
    symbolsToUpsert = undefined;
  };

  const local = isPatched(LOCAL_BOOKKEEPING);
  const { validatePipelineInput, recordRunStatus } = local ? localBookkeeping : remoteBookkeeping;
  const { recordRunResult, recordApprovals } = local ? localRecords : remoteRecords;

  try {
    // Validation is a local activity: its stage ends inside the first workflow task, unseen.
    enterStage('validating', 'pending', { upsert: !v2 });
    let resolved: ResolvedPipelineInput;
    let localStages: LocalStagesResult | undefined;
    if (v2) {
      ({ resolved, stages: localStages } = await validateAndRunLocally({
        run,
        request: input,
        referenceTime: referenceTime(),
      }));
    } else {
      resolved = await validatePipelineInput({ request: input, referenceTime: referenceTime() });
    }
    progress.symbols = resolved.symbols;
    progress.asOf = resolved.asOf;
    progress.provider = resolved.provider;
    if (v2) symbolsToUpsert = resolved.symbols;
    else upsertSearchAttributes([{ key: SYMBOLS, value: resolved.symbols }]);
    const local = resolved.stageExecution?.execution === 'local' && isPatched(LOCAL_STAGES);
    const { perSymbol, signals, risk } =
      local && localStages
        ? afterLocalStages(localStages, resolved, progress, enterStage)
        : await runStagesOneByOne(run, resolved, progress, enterStage, {
            stages: local ? LOCAL_STAGE_ACTIVITIES : REMOTE_STAGES,
            local,
            isPatched,
            recordRunning: () =>
              recordRunStatus({ run, book: resolved.book, asOf: resolved.asOf, status: 'running' }),
          });

    const flagged = (risk.signalGate ?? []).filter((verdict) => verdict.flagged);
    if (flagged.length > 0) {
      enterStage('awaiting_approval');
      const timeoutSeconds = resolved.approvalTimeoutSeconds ?? DEFAULT_APPROVAL_TIMEOUT_SECONDS;
      const now = Date.now();
      for (const verdict of flagged) {
        approvals.push({
          symbol: verdict.symbol,
          action: verdict.action,
          tradeNotional: verdict.tradeNotional,
          reasons: verdict.reasons,
          status: 'pending',
          requestedAt: new Date(now).toISOString(),
          deadline: new Date(now + timeoutSeconds * 1000).toISOString(),
        });
      }
      progress.pendingApprovals = approvals.length;
      await recordApprovals({ run, approvals });
      const decided = await condition(
        () => approvals.every((a) => a.status !== 'pending'),
        timeoutSeconds * 1000,
      );
      if (!decided) expirePending(approvals, new Date().toISOString(), timeoutSeconds);
      progress.pendingApprovals = 0;
      await recordApprovals({ run, approvals });
    }

    const decidedSignals = applyApprovals(signals, approvals, risk);
    const result = summarize(run, resolved, perSymbol, decidedSignals, risk);
    if (approvals.length > 0) result.approvals = approvals;
    // A local run without approvals had its result recorded by its stages' activity (patch pipeline-v2).
    if (!(localStages?.resultRecorded && approvals.length === 0)) {
      await recordRunResult({ run, book: resolved.book, asOf: resolved.asOf, result });
    }
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

/**
 * Runs since this patch assess the book first, then generate signals with it: the signal graph's context carries
 * the book's risk snapshot and its riskGate node checks each BUY/SELL's trade. The gate's verdicts are gathered
 * into `risk.signalGate` as before.
 */
const RISK_GATE_IN_SIGNAL_GRAPH = 'risk-gate-in-signal-graph';

type EnterStage = (stage: PipelineStage, riskStatus?: RiskStatus, options?: { upsert?: boolean }) => void;

interface OneByOne {
  stages: StageActivities;
  local: boolean;
  isPatched: (patchId: string) => boolean;
  recordRunning: () => Promise<void>;
}

/** The stages as separate activities (every run before pipeline-v2, and every run that is not local). */
async function runStagesOneByOne(
  run: RunRef,
  resolved: ResolvedPipelineInput,
  progress: PipelineProgress,
  enterStage: EnterStage,
  { stages, local, isPatched, recordRunning }: OneByOne,
): Promise<{ perSymbol: SymbolIngestResult[]; signals: PipelineSignal[]; risk: RiskStageReport }> {
  let perSymbol: SymbolIngestResult[];
  if (local) {
    // Nothing waits on the 'running' record, so a local run writes it while it ingests.
    enterStage('ingest');
    if (isPatched(LOCAL_INGEST_BATCH)) {
      perSymbol = await ingestRunInOneActivity(run, resolved, progress);
    } else {
      [, perSymbol] = await Promise.all([
        recordRunning(),
        ingestAll(run, resolved, progress, stages, isPatched),
      ]);
    }
  } else {
    await recordRunning();
    enterStage('ingest');
    perSymbol = await ingestAll(run, resolved, progress, stages, isPatched);
  }

  const { signals, risk } = !isPatched(RISK_GATE_IN_SIGNAL_GRAPH)
    ? await signalsThenRisk(run, resolved, progress, enterStage, stages)
    : local
      ? await riskAndSignalsSideBySide(run, resolved, progress, enterStage, stages)
      : await riskThenSignals(run, resolved, progress, enterStage, stages);
  return { perSymbol, signals, risk };
}

async function riskThenSignals(
  run: RunRef,
  resolved: ResolvedPipelineInput,
  progress: PipelineProgress,
  enterStage: EnterStage,
  { assessRisk, generateSignals }: StageActivities,
): Promise<{ signals: PipelineSignal[]; risk: RiskStageReport }> {
  enterStage('risk');
  const risk = await assessRisk(riskStageInput(run, resolved));
  progress.breaches = risk.breaches.length;

  enterStage('signals');
  const signals = await generateSignals(signalStageInput(run, resolved));
  progress.signalsGenerated = signals.length;
  return { signals, risk: withSignalGate(risk, signals) };
}

/**
 * A local run's risk and signal stages, side by side: the signal graph builds its own view of the book's risk (it
 * does not wait on the risk report), so the two need not run one after the other. The stage reads `risk` until
 * both are done.
 */
async function riskAndSignalsSideBySide(
  run: RunRef,
  resolved: ResolvedPipelineInput,
  progress: PipelineProgress,
  enterStage: EnterStage,
  { assessRisk, generateSignals }: StageActivities,
): Promise<{ signals: PipelineSignal[]; risk: RiskStageReport }> {
  enterStage('risk');
  const [risk, signals] = await Promise.all([
    assessRisk(riskStageInput(run, resolved)),
    generateSignals(signalStageInput(run, resolved)),
  ]);
  progress.breaches = risk.breaches.length;
  progress.signalsGenerated = signals.length;
  return { signals, risk: withSignalGate(risk, signals) };
}

/** Runs started before the patch: signals first, then the risk stage (which gated them, once the gate existed). */
async function signalsThenRisk(
  run: RunRef,
  resolved: ResolvedPipelineInput,
  progress: PipelineProgress,
  enterStage: EnterStage,
  { assessRisk, generateSignals }: StageActivities,
): Promise<{ signals: PipelineSignal[]; risk: RiskStageReport }> {
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
    ...riskStageInput(run, resolved),
    // Inputs resolved by older workers lack tradeNotional; their runs had no gate.
    ...(resolved.tradeNotional !== undefined
      ? {
          signals: signals.map(({ symbol, action }) => ({ symbol, action })),
          tradeNotional: resolved.tradeNotional,
        }
      : {}),
  });
  progress.breaches = risk.breaches.length;
  return { signals, risk };
}

/**
 * The signals as decided: each flagged one carries its approval, and a rejected one becomes a HOLD that says who
 * rejected it and why (`approval.originalAction` keeps what it asked for).
 */
function applyApprovals(
  signals: PipelineSignal[],
  approvals: readonly Approval[],
  risk: RiskStageReport,
): PipelineSignal[] {
  if (approvals.length === 0) return signals;
  const bySymbol = new Map(approvals.map((a) => [a.symbol, a]));
  return signals.map((signal) => {
    const approval = bySymbol.get(signal.symbol);
    if (!approval) return signal;
    const verdict = risk.signalGate?.find((v) => v.symbol === signal.symbol);
    const record = {
      status: approval.status,
      approver: approval.approver,
      decisionReason: approval.decisionReason,
      decidedAt: approval.decidedAt,
      originalAction: signal.action,
    };
    if (approval.status === 'approved') {
      return {
        ...signal,
        approval: record,
        rationale: [...signal.rationale, `approved by ${approval.approver}: ${approval.decisionReason}`],
      };
    }
    return {
      ...signal,
      action: 'HOLD',
      approval: record,
      rationale: [
        ...signal.rationale,
        `risk gate: ${verdict?.reasons.join('; ') ?? 'flagged'}`,
        `${approval.status === 'auto_rejected' ? 'rejected automatically' : `rejected by ${approval.approver}`}: ${approval.decisionReason}`,
      ],
    };
  });
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

const INGEST_SINGLE_BATCH_INLINE = 'ingest-single-batch-inline';

async function ingestAll(
  run: RunRef,
  resolved: ResolvedPipelineInput,
  progress: PipelineProgress,
  stages: StageActivities,
  isPatched: (patchId: string) => boolean,
): Promise<SymbolIngestResult[]> {
  const batches = chunk(resolved.symbols, resolved.ingestBatchSize);
  progress.ingest.batchesTotal = batches.length;
  // Since patch `ingest-single-batch-inline`: one batch is ingested by the pipeline itself. A child workflow per
  // batch exists to bound each history and to fan out large universes; for a single batch it only adds a workflow
  // start, two workflow tasks and a completion (about 30 ms on the dev server, and load on the server).
  const inline = batches.length === 1 && isPatched(INGEST_SINGLE_BATCH_INLINE);
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
      const batch: IngestMarketDataResult = inline
        ? await ingestSymbols(batchInput, { local: stages.localIngest })
        : await executeChild(ingestMarketData, {
            workflowId: ingestBatchWorkflowId(run.workflowId, index),
            args: [batchInput],
          });
      countIngestedBatch(progress, batch.symbols);
      return batch.symbols;
    }),
  );
  return usableOrFail(results.flat(), resolved);
}

/** A local run's ingest (patch local-ingest-batch): its one batch, and its 'running' record, in one local activity. */
async function ingestRunInOneActivity(
  run: RunRef,
  resolved: ResolvedPipelineInput,
  progress: PipelineProgress,
): Promise<SymbolIngestResult[]> {
  progress.ingest.batchesTotal = 1;
  const { symbols } = await ingestRunLocally(ingestRunInput(run, resolved));
  countIngestedBatch(progress, symbols);
  return usableOrFail(symbols, resolved);
}

/**
 * A local run's stages since patch pipeline-v2, which ran in the validation's local activity. The stages it
 * passed are not upserted: they began and ended inside the run's one workflow task, so no one could see them (the
 * progress query still follows them).
 */
function afterLocalStages(
  stages: LocalStagesResult,
  resolved: ResolvedPipelineInput,
  progress: PipelineProgress,
  enterStage: EnterStage,
): { perSymbol: SymbolIngestResult[]; signals: PipelineSignal[]; risk: RiskStageReport } {
  enterStage('ingest', undefined, { upsert: false });
  progress.ingest.batchesTotal = 1;
  countIngestedBatch(progress, stages.symbols);
  const perSymbol = usableOrFail(stages.symbols, resolved);
  if (!stages.risk || !stages.signals) {
    throw ApplicationFailure.nonRetryable(
      'The local stages returned no risk report or signals',
      'StageError',
    );
  }
  enterStage('risk', undefined, { upsert: false });
  progress.breaches = stages.risk.breaches.length;
  progress.signalsGenerated = stages.signals.length;
  return { perSymbol, signals: stages.signals, risk: withSignalGate(stages.risk, stages.signals) };
}

/** The progress query's ingest counters after a batch completes. */
function countIngestedBatch(progress: PipelineProgress, symbols: SymbolIngestResult[]): void {
  progress.ingest.batchesCompleted += 1;
  progress.ingest.symbolsIngested += symbols.length;
  progress.ingest.barsInserted += symbols.reduce((sum, s) => sum + s.inserted, 0);
}

/** The ingest results, unless a symbol has fewer than two valid bars to compute returns from. */
function usableOrFail(
  perSymbol: SymbolIngestResult[],
  resolved: ResolvedPipelineInput,
): SymbolIngestResult[] {
  const unusable = symbolsWithoutReturns(perSymbol);
  if (unusable.length > 0) {
    throw ApplicationFailure.nonRetryable(
      `Not enough valid bars to continue for ${unusable.join(', ')} between ${resolved.from} and ${resolved.asOf}`,
      'InsufficientMarketData',
    );
  }
  return perSymbol;
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
