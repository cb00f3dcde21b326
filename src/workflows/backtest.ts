/**
 * Strategy backtest: validate → make sure the bars are stored (the ingest child workflow, incremental) → replay the
 * signal logic over them per symbol, in heartbeated chunks. Results (summary and equity curve) go to the backtest
 * store; the workflow returns the summaries.
 *
 * Cancelling the run cancels the simulations, and the run closes only once
 * every simulation has stopped: each heartbeats every few tens of milliseconds, and the worker sends a heartbeat at
 * least every WORKER_MAX_HEARTBEAT_THROTTLE_MS (1 s by default), so the cancel reaches it within about a second.
 */
import {
  ActivityCancellationType,
  CancellationScope,
  defineQuery,
  executeChild,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { ACTIVITY_POLICIES } from './activity-policies';
import type { createBacktestActivities } from '../activities/backtest-activities';
import type { BacktestSummary } from '../backtest';
import type { BacktestRequest } from '../backtest/input';
import { ingestBatchWorkflowId } from '../contracts/workflow-names';
import { ingestMarketData } from './ingest-market-data';

export const BACKTEST_WORKFLOW = 'backtest';

export type BacktestInput = BacktestRequest;

export interface BacktestProgress {
  stage: 'validating' | 'ingest' | 'simulating' | 'completed';
  symbols: string[];
  symbolsDone: string[];
}

export interface BacktestResult {
  backtestId: string;
  from: string;
  to: string;
  summaries: Record<string, BacktestSummary>;
}

export const backtestProgressQuery = defineQuery<BacktestProgress>('progress');

const { validateBacktestInput } = proxyActivities<ReturnType<typeof createBacktestActivities>>(
  ACTIVITY_POLICIES.validateBacktestInput,
);
/** The run waits until a cancelled simulation acknowledged the cancel (activity-policies.ts: its heartbeat). */
const { runSymbolBacktest } = proxyActivities<ReturnType<typeof createBacktestActivities>>({
  ...ACTIVITY_POLICIES.runSymbolBacktest,
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
});

export async function backtest(input: BacktestInput): Promise<BacktestResult> {
  const { workflowId, runId } = workflowInfo();
  const progress: BacktestProgress = { stage: 'validating', symbols: [], symbolsDone: [] };
  setHandler(backtestProgressQuery, () => progress);

  const resolved = await validateBacktestInput({ request: input });
  progress.symbols = resolved.symbols;

  progress.stage = 'ingest';
  await executeChild(ingestMarketData, {
    workflowId: ingestBatchWorkflowId(workflowId, 0),
    args: [
      {
        run: { workflowId, runId },
        symbols: resolved.symbols,
        from: resolved.historyFrom,
        to: resolved.to,
        provider: resolved.provider,
      },
    ],
  });

  progress.stage = 'simulating';
  const summaries: Record<string, BacktestSummary> = {};
  const simulateSymbol = async (symbol: string) => {
    summaries[symbol] = await runSymbolBacktest({
      backtestId: workflowId,
      symbol,
      historyFrom: resolved.historyFrom,
      from: resolved.from,
      to: resolved.to,
      params: resolved.params,
    });
    progress.symbolsDone.push(symbol);
  };
  // The run closes only when no simulation still holds the worker: the first failure (or the run's cancel)
  // cancels the others, and the run waits for them to stop before it fails (or is cancelled) with that first error.
  const scope = new CancellationScope();
  let firstError: { error: unknown } | undefined;
  const simulations = resolved.symbols.map((symbol) =>
    scope
      .run(() => simulateSymbol(symbol))
      .catch((error: unknown) => {
        firstError ??= { error };
        scope.cancel();
      }),
  );
  await Promise.all(simulations);
  if (firstError) throw firstError.error;
  progress.stage = 'completed';
  return { backtestId: workflowId, from: resolved.from, to: resolved.to, summaries };
}
