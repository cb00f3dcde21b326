/** Names callers rely on: workflow types, queries, and the ID scheme. Kept as constants so API, CLI and tests agree. */
import { defineQuery } from '@temporalio/workflow';
import type { PipelineProgress } from './pipeline';

export const TRADING_PIPELINE_WORKFLOW = 'tradingPipeline';
export const INGEST_MARKET_DATA_WORKFLOW = 'ingestMarketData';

/** The name the original Airflow-era API used for this pipeline in `POST /workflows/trigger`. */
export const TRADING_PIPELINE_API_NAME = 'trading_pipeline';

export const progressQuery = defineQuery<PipelineProgress>('progress');

/** Workflow IDs say what the run is: `pipeline:<book>:<asOf>:<key>` (key: caller's idempotency key or random). */
export function pipelineWorkflowId(book: string, asOf: string, key: string): string {
  return `pipeline:${book}:${asOf}:${key}`;
}

export function ingestBatchWorkflowId(parentWorkflowId: string, batchIndex: number): string {
  return `${parentWorkflowId}/ingest-${batchIndex}`;
}
