/**
 * Version 2 of the price-summary example (docs/user-guide.md, "Changing a workflow that has runs"): each summary
 * also lists the sessions of the window that have no stored bar. That adds an activity call, which runs recorded by
 * version 1 do not have, so the new call sits behind `patched()`: new runs make it, replays of old runs skip it.
 * (In the repository you edit the workflow in place; the example keeps both versions so its test can replay one
 * against the other.)
 */
import { ApplicationFailure, patched, proxyActivities } from '@temporalio/workflow';
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
  /** `missingSessions` is absent in results of runs started by version 1. */
  summaries: (PriceSummary & { missingSessions?: string[] })[];
}

/** Workflow IDs say what the run is: `price-summary:<from>:<to>:<key>`. */
export function priceSummaryWorkflowId(input: PriceSummaryInput, key: string): string {
  return `price-summary:${input.from}:${input.to}:${key}`;
}

const { summarizePrices, missingSessions } = proxyActivities<ReturnType<typeof createPriceSummaryActivities>>(
  {
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '1 second', maximumAttempts: 5 },
  },
);

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
  const withGaps = patched('price-summary-missing-sessions');
  const summaries = await Promise.all(
    input.symbols.map(async (symbol) => {
      const window = { symbol, from: input.from, to: input.to };
      if (!withGaps) return summarizePrices(window);
      const [summary, missing] = await Promise.all([summarizePrices(window), missingSessions(window)]);
      return { ...summary, missingSessions: missing };
    }),
  );
  return { summaries };
}
