/**
 * Ingests market data for a list of symbols, one activity per symbol, in parallel: a child of the trading pipeline
 * (one per batch of symbols), or a workflow of its own started from the API (`POST /market-data/ingest`), the
 * Temporal CLI or a schedule — e.g. to keep intraday bars current. Standalone input is validated here, since the
 * CLI passes it through unchecked.
 */
import {
  ApplicationFailure,
  proxyActivities,
  proxyLocalActivities,
  workflowInfo,
} from '@temporalio/workflow';
import type { createMarketDataActivities } from '../activities/market-data-activities';
import { TICKER_PATTERN } from '../contracts/ticker';
import { PIPELINE_STAGE_POLICIES } from './activity-policies';
import { NON_RETRYABLE_ERRORS } from '../contracts/errors';
import { BAR_INTERVALS, isBarInterval, PROVIDER_NAMES } from '../market-data/bar';
import { isIsoDate } from '../market-data/sessions';
import type { IngestMarketDataInput, IngestMarketDataResult } from '../contracts/pipeline';

type MarketDataActivities = ReturnType<typeof createMarketDataActivities>;

const { ingestSymbol } = proxyActivities<MarketDataActivities>(PIPELINE_STAGE_POLICIES.ingestSymbol.remote);
/** For runs whose stages execute as local activities (src/pipeline/stage-execution.ts). */
const { ingestSymbol: ingestSymbolLocally } = proxyLocalActivities<MarketDataActivities>(
  PIPELINE_STAGE_POLICIES.ingestSymbol.local,
);

const MAX_SYMBOLS = 500;

function invalid(field: string, message: string): never {
  throw ApplicationFailure.nonRetryable(
    `Invalid ingest input: ${field}: ${message}`,
    NON_RETRYABLE_ERRORS.invalidInput,
  );
}

/** Checks a standalone start's input field by field, naming the first bad one. */
export function validateIngestInput(input: IngestMarketDataInput): void {
  if (typeof input !== 'object' || input === null) invalid('input', 'must be a JSON object');
  if (!Array.isArray(input.symbols) || input.symbols.length === 0 || input.symbols.length > MAX_SYMBOLS) {
    invalid('symbols', `must list 1-${MAX_SYMBOLS} symbols`);
  }
  input.symbols.forEach((symbol, i) => {
    if (typeof symbol !== 'string' || !TICKER_PATTERN.test(symbol)) {
      invalid(`symbols.${i}`, 'must be an upper-case ticker symbol such as AAPL');
    }
  });
  for (const field of ['from', 'to'] as const) {
    if (!isIsoDate(input[field])) invalid(field, 'must be a real date in YYYY-MM-DD form');
  }
  if (input.from > input.to) invalid('to', `must not be before from (${input.from})`);
  if (!PROVIDER_NAMES.includes(input.provider))
    invalid('provider', `must be one of ${PROVIDER_NAMES.join(', ')}`);
  if (input.interval !== undefined && !isBarInterval(input.interval)) {
    invalid('interval', `must be one of ${BAR_INTERVALS.join(', ')}`);
  }
  if (input.refresh !== undefined && typeof input.refresh !== 'boolean')
    invalid('refresh', 'must be true or false');
}

export async function ingestMarketData(input: IngestMarketDataInput): Promise<IngestMarketDataResult> {
  validateIngestInput(input);
  const { workflowId, runId } = workflowInfo();
  return ingestSymbols({ ...input, run: input.run ?? { workflowId, runId } });
}

/**
 * One `ingestSymbol` activity per symbol, in parallel, from whichever workflow calls it: this workflow, or the
 * trading pipeline itself when its symbols fit one batch (no child workflow needed), then as local activities if
 * the run's stages execute locally.
 */
export async function ingestSymbols(
  input: IngestMarketDataInput & { run: NonNullable<IngestMarketDataInput['run']> },
  { local = false }: { local?: boolean } = {},
): Promise<IngestMarketDataResult> {
  const { run } = input;
  const ingest = local ? ingestSymbolLocally : ingestSymbol;
  const symbols = await Promise.all(
    input.symbols.map((symbol) =>
      ingest({
        run,
        symbol,
        from: input.from,
        to: input.to,
        provider: input.provider,
        ...(input.interval ? { interval: input.interval } : {}),
        refresh: input.refresh,
      }),
    ),
  );
  return { symbols };
}
