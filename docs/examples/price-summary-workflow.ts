/**
 * The price-summary example workflow (docs/user-guide.md): summarizes the stored daily closes of a few symbols over
 * a date window. Workflow code only orchestrates: it validates, calls activities and returns their JSON.
 */
import { ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { PriceSummary } from './price-summary';
import type { createPriceSummaryActivities } from './price-summary-activities';

export const PRICE_SUMMARY_WORKFLOW = 'priceSummary';

export interface PriceSummaryInput {
  symbols: string[];
  /** Inclusive session dates, YYYY-MM-DD. */
  from: string;
  to: string;
}

export interface PriceSummaryResult {
  summaries: PriceSummary[];
}

/** Workflow IDs say what the run is: `price-summary:<from>:<to>:<key>`. */
export function priceSummaryWorkflowId(input: PriceSummaryInput, key: string): string {
  return `price-summary:${input.from}:${input.to}:${key}`;
}

const { summarizePrices } = proxyActivities<ReturnType<typeof createPriceSummaryActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumAttempts: 5 },
});

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function invalid(field: string, message: string): never {
  throw ApplicationFailure.nonRetryable(
    `Invalid price-summary input: ${field}: ${message}`,
    'InvalidPriceSummaryInput',
  );
}

export async function priceSummary(input: PriceSummaryInput): Promise<PriceSummaryResult> {
  if (!Array.isArray(input?.symbols) || input.symbols.length === 0 || input.symbols.length > 20) {
    invalid('symbols', 'must list 1-20 symbols');
  }
  if (!DATE.test(input.from)) invalid('from', 'must be a date in YYYY-MM-DD form');
  if (!DATE.test(input.to) || input.to < input.from) invalid('to', 'must be a date on or after from');
  const summaries = await Promise.all(
    input.symbols.map((symbol) => summarizePrices({ symbol, from: input.from, to: input.to })),
  );
  return { summaries };
}
