/**
 * Every activity's timeouts and retry policy, in one table, and the error types that are never retried. The
 * workflows take their `proxyActivities` / `proxyLocalActivities` options from here and nowhere else, so "which
 * retry policy applies to ingest" is one row below.
 *
 * Start-to-close timeouts are what a SIGKILLed worker costs: an activity it had started is retried elsewhere only
 * once the timeout passes (`npm run chaos` measures it). So they sit just above each activity's worst case, and the
 * long-running ones heartbeat instead. A pipeline stage has a local row too: the options it runs with when the run
 * executes its stages as local activities (src/pipeline/stage-execution.ts). A local activity cannot heartbeat,
 * and a retry of one repeats milliseconds of work on local data.
 *
 * Pure data: imported by workflow code.
 */
import type { ActivityOptions, LocalActivityOptions, RetryPolicy } from '@temporalio/common';
import { NON_RETRYABLE_ERRORS } from '../contracts/errors';

const { invalidInput, unknownSymbol, malformedMarketData, auditChainBroken, auditChainConflict } =
  NON_RETRYABLE_ERRORS;
const PIPELINE_NON_RETRYABLE = [invalidInput, unknownSymbol, malformedMarketData];

/** Exponential backoff from 1 s, capped; `maximumAttempts` and the non-retryable types per row. */
function backoff(
  maximumAttempts: number,
  maximumInterval: string,
  nonRetryableErrorTypes: string[],
): RetryPolicy {
  return {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval,
    maximumAttempts,
    nonRetryableErrorTypes,
  };
}

const stageRetry = backoff(5, '30 seconds', PIPELINE_NON_RETRYABLE);
/** Store writes and validation: milliseconds each, retried quickly. */
const bookkeepingRetry: RetryPolicy = {
  initialInterval: '500 milliseconds',
  maximumAttempts: 5,
  nonRetryableErrorTypes: PIPELINE_NON_RETRYABLE,
};

interface StagePolicy {
  /** As an ordinary activity. */
  remote: ActivityOptions;
  /** As a local activity (a run whose stages execute locally). */
  local: LocalActivityOptions;
}

/** The trading pipeline's stages (src/workflows/trading-pipeline.ts), in the order they run. */
export const PIPELINE_STAGE_POLICIES = {
  validate: {
    remote: { startToCloseTimeout: '10 seconds', retry: bookkeepingRetry },
    local: { startToCloseTimeout: '10 seconds', retry: bookkeepingRetry },
  },
  /** recordRunStatus, recordApprovals, recordRunResult: single transactions. */
  record: {
    remote: { startToCloseTimeout: '15 seconds', retry: bookkeepingRetry },
    local: { startToCloseTimeout: '15 seconds', retry: bookkeepingRetry },
  },
  /** One symbol's bars, fetched in chunks that each heartbeat; a retry resumes from the last stored chunk. */
  ingestSymbol: {
    remote: {
      startToCloseTimeout: '10 minutes',
      heartbeatTimeout: '10 seconds',
      retry: backoff(8, '1 minute', PIPELINE_NON_RETRYABLE),
    },
    local: { startToCloseTimeout: '1 minute', retry: stageRetry },
  },
  /** A 500-symbol book with 10,000 Monte Carlo paths takes seconds. */
  assessRisk: {
    remote: { startToCloseTimeout: '1 minute', retry: stageRetry },
    local: { startToCloseTimeout: '1 minute', retry: stageRetry },
  },
  /**
   * Signals may call a model per symbol (each call with its own timeout and bounded attempts), so the activity
   * heartbeats every 5 s while it works; a dead worker is noticed within 20 s. Locally: the deterministic analyst
   * only (it calls no model).
   */
  generateSignals: {
    remote: { startToCloseTimeout: '1 hour', heartbeatTimeout: '20 seconds', retry: stageRetry },
    local: { startToCloseTimeout: '1 minute', retry: stageRetry },
  },
} as const satisfies Record<string, StagePolicy>;

/** The other workflows' activities (ingestMarketData uses the pipeline's ingestSymbol row). */
export const ACTIVITY_POLICIES = {
  validateBacktestInput: {
    startToCloseTimeout: '30 seconds',
    retry: { maximumAttempts: 3, nonRetryableErrorTypes: [invalidInput] },
  },
  /**
   * The SDK sends heartbeats at most every min(0.8 × heartbeatTimeout, the worker's maxHeartbeatThrottleInterval),
   * and a cancel request comes back only on a sent heartbeat. 5 s tolerates a busy event loop; the worker's 1 s
   * throttle cap (WORKER_MAX_HEARTBEAT_THROTTLE_MS) is what makes a cancel arrive quickly.
   */
  runSymbolBacktest: {
    startToCloseTimeout: '30 minutes',
    heartbeatTimeout: '5 seconds',
    retry: backoff(5, '30 seconds', [invalidInput]),
  },
  /** marketHours, pollQuotes: one vendor call each. */
  quotes: {
    startToCloseTimeout: '30 seconds',
    retry: backoff(5, '10 seconds', [unknownSymbol]),
  },
  /** exportAuditArchive, pruneAuditArchive: pages of the chain, heartbeated. */
  auditRetention: {
    startToCloseTimeout: '15 minutes',
    heartbeatTimeout: '2 minutes',
    retry: {
      initialInterval: '5 seconds',
      maximumInterval: '5 minutes',
      maximumAttempts: 10,
      nonRetryableErrorTypes: [auditChainBroken, auditChainConflict],
    },
  },
} as const satisfies Record<string, ActivityOptions>;
