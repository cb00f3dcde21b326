/**
 * Strategy backtest: validate → make sure the bars are stored (the ingest child workflow, incremental) → replay the
 * signal logic over them per symbol, in heartbeated chunks. Results (summary and equity curve) go to the backtest
 * store; the workflow returns the summaries.
 */
import { defineQuery, executeChild, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { createBacktestActivities } from '../activities/backtest-activities';
import type { BacktestSummary } from '../backtest';
import type { BacktestRequest } from '../backtest/input';
import { ingestBatchWorkflowId } from './definitions';
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

const { validateBacktestInput } = proxyActivities<ReturnType<typeof createBacktestActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 3, nonRetryableErrorTypes: ['InvalidPipelineInput'] },
});

const { runSymbolBacktest } = proxyActivities<ReturnType<typeof createBacktestActivities>>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '30 seconds',
    maximumAttempts: 5,
    nonRetryableErrorTypes: ['InvalidPipelineInput'],
  },
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
  await Promise.all(
    resolved.symbols.map(async (symbol) => {
      summaries[symbol] = await runSymbolBacktest({
        backtestId: workflowId,
        symbol,
        historyFrom: resolved.historyFrom,
        from: resolved.from,
        to: resolved.to,
        params: resolved.params,
      });
      progress.symbolsDone.push(symbol);
    }),
  );
  progress.stage = 'completed';
  return { backtestId: workflowId, from: resolved.from, to: resolved.to, summaries };
}
