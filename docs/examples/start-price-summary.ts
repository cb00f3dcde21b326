/**
 * Starting the price-summary example from code, as an API route or a script would: the workflow's name, id helper
 * and types come from the workflow module; the task queue from configuration.
 */
import type { Client, WorkflowHandle } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import {
  PRICE_SUMMARY_WORKFLOW,
  priceSummaryWorkflowId,
  type priceSummary,
  type PriceSummaryInput,
} from './price-summary-workflow';

export function startPriceSummary(
  client: Client,
  taskQueue: string,
  input: PriceSummaryInput,
  key: string,
): Promise<WorkflowHandle<typeof priceSummary>> {
  return client.workflow.start<typeof priceSummary>(PRICE_SUMMARY_WORKFLOW, {
    taskQueue,
    workflowId: priceSummaryWorkflowId(input, key),
    args: [input],
    // The same key for the same window is the same run: a second start fails instead of running twice.
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
  });
}
