/**
 * Near-real-time quotes: polls the latest quote of each symbol every `intervalSeconds` during market hours, stores
 * them, continues as new every `iterationsPerRun` polls (keeping history small), and stops on the `stopPolling`
 * signal or at the close.
 */
import {
  ApplicationFailure,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { ACTIVITY_POLICIES } from './activity-policies';
import { TICKER_PATTERN } from '../contracts/ticker';
import type { createQuoteActivities } from '../activities/quote-activities';
import type { Quote } from '../market-data/quotes/quote';

export const QUOTE_POLLING_WORKFLOW = 'quotePolling';
export const QUOTE_PROVIDERS = ['synthetic', 'yahoo'] as const;

export interface QuotePollingInput {
  symbols: string[];
  provider?: (typeof QUOTE_PROVIDERS)[number];
  /** Seconds between polls (0.1–3600; default 60). */
  intervalSeconds?: number;
  /** Polls per run before continue-as-new (default 500). */
  iterationsPerRun?: number;
  /** Stop at this ISO instant; default: today's regular close. */
  stopAt?: string;
  /** Poll even when the market is closed (tests, demos); needs stopAt or stops after 8 hours. */
  ignoreMarketHours?: boolean;
  /** Carried across continue-as-new; not for callers. */
  carried?: { iterations: number; quotesStored: number; runs: number };
}

export type StopReason = 'signal' | 'close' | 'market-closed';

export interface QuotePollingProgress {
  symbols: string[];
  iterations: number;
  quotesStored: number;
  runs: number;
  stopAt?: string;
  lastQuotes: Quote[];
  stopping: boolean;
}

export interface QuotePollingResult extends QuotePollingProgress {
  stoppedBy: StopReason;
}

export const stopPollingSignal = defineSignal<[{ reason?: string }?]>('stopPolling');
export const quotePollingProgressQuery = defineQuery<QuotePollingProgress>('progress');

const { marketHours, pollQuotes } = proxyActivities<ReturnType<typeof createQuoteActivities>>(
  ACTIVITY_POLICIES.quotes,
);

function invalid(field: string, message: string): never {
  throw ApplicationFailure.nonRetryable(
    `Invalid quote-polling input: ${field}: ${message}`,
    'InvalidQuotePollingInput',
  );
}

function validate(
  input: QuotePollingInput,
): Required<Pick<QuotePollingInput, 'provider' | 'intervalSeconds' | 'iterationsPerRun'>> {
  if (!Array.isArray(input?.symbols) || input.symbols.length === 0 || input.symbols.length > 50) {
    invalid('symbols', 'must list 1-50 symbols');
  }
  input.symbols.forEach((s, i) => {
    if (typeof s !== 'string' || !TICKER_PATTERN.test(s))
      invalid(`symbols.${i}`, 'must be an upper-case ticker symbol');
  });
  const provider = input.provider ?? 'synthetic';
  if (!QUOTE_PROVIDERS.includes(provider))
    invalid('provider', `must be one of ${QUOTE_PROVIDERS.join(', ')}`);
  const intervalSeconds = input.intervalSeconds ?? 60;
  if (typeof intervalSeconds !== 'number' || !(intervalSeconds >= 0.1 && intervalSeconds <= 3600)) {
    invalid('intervalSeconds', 'must be a number from 0.1 to 3600');
  }
  const iterationsPerRun = input.iterationsPerRun ?? 500;
  if (!Number.isInteger(iterationsPerRun) || iterationsPerRun < 1 || iterationsPerRun > 10_000) {
    invalid('iterationsPerRun', 'must be a whole number from 1 to 10000');
  }
  if (input.stopAt !== undefined && Number.isNaN(Date.parse(input.stopAt)))
    invalid('stopAt', 'must be an ISO instant');
  return { provider, intervalSeconds, iterationsPerRun };
}

export async function quotePolling(input: QuotePollingInput): Promise<QuotePollingResult> {
  const { provider, intervalSeconds, iterationsPerRun } = validate(input);
  const carried = input.carried ?? { iterations: 0, quotesStored: 0, runs: 0 };
  const progress: QuotePollingProgress = {
    symbols: input.symbols,
    iterations: carried.iterations,
    quotesStored: carried.quotesStored,
    runs: carried.runs + 1,
    stopAt: input.stopAt,
    lastQuotes: [],
    stopping: false,
  };
  setHandler(stopPollingSignal, () => {
    progress.stopping = true;
  });
  setHandler(quotePollingProgressQuery, () => progress);
  const finish = (stoppedBy: StopReason): QuotePollingResult => ({ ...progress, stoppedBy });

  if (!progress.stopAt) {
    const hours = await marketHours({ at: new Date().toISOString() });
    if (!hours.isOpen && !input.ignoreMarketHours) return finish('market-closed');
    progress.stopAt = hours.isOpen ? hours.closesAt : new Date(Date.now() + 8 * 3600 * 1000).toISOString();
  }
  const stopAt = Date.parse(progress.stopAt!);

  for (let thisRun = 0; ;) {
    if (progress.stopping) return finish('signal');
    if (Date.now() >= stopAt) return finish('close');
    const polled = await pollQuotes({ symbols: input.symbols, provider, at: new Date().toISOString() });
    progress.iterations += 1;
    progress.quotesStored += polled.stored;
    progress.lastQuotes = polled.quotes;
    thisRun += 1;
    if (thisRun >= iterationsPerRun || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof quotePolling>({
        ...input,
        stopAt: progress.stopAt,
        carried: {
          iterations: progress.iterations,
          quotesStored: progress.quotesStored,
          runs: progress.runs,
        },
      });
    }
    await condition(
      () => progress.stopping,
      Math.max(1, Math.min(intervalSeconds * 1000, stopAt - Date.now())),
    );
  }
}
