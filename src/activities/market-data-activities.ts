/**
 * Ingest activity: fetch a symbol's bars chunk by chunk, check their quality, upsert the good ones and keep the bad
 * ones with their reasons. Progress is heartbeated after each stored chunk, so a retry after a worker crash resumes
 * where the last attempt left off instead of fetching everything again.
 */
import { Context } from '@temporalio/activity';
import type { MarketDataProvider, ProviderName } from '../market-data/bar';
import { checkBarQuality } from '../market-data/quality';
import { tradingSessions } from '../market-data/sessions';
import type { BarStore } from '../store/bar-store';
import type { RunStore } from '../store/run-store';
import type { RejectedBarSummary, RunRef, SymbolIngestResult } from '../workflows/pipeline-types';
import { toActivityFailure } from './failures';

export interface MarketDataActivityDeps {
  providerFor(name: ProviderName): MarketDataProvider;
  bars: BarStore;
  runs: RunStore;
  /** Sessions fetched per provider call (and per heartbeat). */
  chunkSessions?: number;
  /** How many rejected bars each symbol's result carries inline. */
  rejectedInResult?: number;
}

export interface IngestSymbolInput {
  run: RunRef;
  symbol: string;
  from: string;
  to: string;
  provider: ProviderName;
}

interface IngestCheckpoint {
  nextChunk: number;
  totals: Omit<SymbolIngestResult, 'symbol' | 'provider'>;
}

export function createMarketDataActivities(deps: MarketDataActivityDeps) {
  const chunkSessions = deps.chunkSessions ?? 63;
  const rejectedInResult = deps.rejectedInResult ?? 20;

  async function ingestSymbol(input: IngestSymbolInput): Promise<SymbolIngestResult> {
    const context = Context.current();
    const provider = deps.providerFor(input.provider);
    const sessions = tradingSessions(input.from, input.to);
    const chunks: string[][] = [];
    for (let i = 0; i < sessions.length; i += chunkSessions)
      chunks.push(sessions.slice(i, i + chunkSessions));

    const resumed = context.info.heartbeatDetails as IngestCheckpoint | undefined;
    const checkpoint: IngestCheckpoint = resumed ?? {
      nextChunk: 0,
      totals: {
        fetched: 0,
        inserted: 0,
        updated: 0,
        unchanged: 0,
        rejectedCount: 0,
        rejected: [],
        missingSessions: [],
      },
    };
    if (resumed)
      context.log.info('Resuming ingest from heartbeat', { symbol: input.symbol, chunk: resumed.nextChunk });

    for (let index = checkpoint.nextChunk; index < chunks.length; index += 1) {
      const range = { from: chunks[index][0], to: chunks[index][chunks[index].length - 1] };
      const bars = await whileHeartbeating(context, checkpoint, () =>
        provider.fetchBars({ symbol: input.symbol, interval: '1d', ...range }),
      );
      const quality = checkBarQuality(bars, range);
      const written = await deps.bars.upsertBars(quality.accepted);
      const rejected: (RejectedBarSummary & { bar: unknown })[] = quality.rejected.map((r) => ({
        symbol: input.symbol,
        date: r.bar.date,
        reasons: r.reasons,
        bar: r.bar,
      }));
      await deps.runs.saveRejectedBars(input.run, rejected);

      const t = checkpoint.totals;
      t.fetched += bars.length;
      t.inserted += written.inserted;
      t.updated += written.updated;
      t.unchanged += written.unchanged;
      t.rejectedCount += rejected.length;
      t.rejected.push(
        ...rejected
          .slice(0, rejectedInResult - t.rejected.length)
          .map(({ symbol, date, reasons }) => ({ symbol, date, reasons })),
      );
      t.missingSessions.push(...quality.missingSessions);
      checkpoint.nextChunk = index + 1;
      context.heartbeat(checkpoint);
    }
    return { symbol: input.symbol, provider: provider.name, ...checkpoint.totals };
  }

  return {
    ingestSymbol: async (input: IngestSymbolInput): Promise<SymbolIngestResult> => {
      try {
        return await ingestSymbol(input);
      } catch (error) {
        throw toActivityFailure(error);
      }
    },
  };
}

/** Keeps heartbeating (with the last checkpoint) while a slow provider call is in flight. */
async function whileHeartbeating<T>(
  context: Context,
  checkpoint: IngestCheckpoint,
  work: () => Promise<T>,
): Promise<T> {
  const timer = setInterval(() => context.heartbeat(checkpoint), 1000);
  try {
    return await Promise.race([work(), context.cancelled]);
  } finally {
    clearInterval(timer);
  }
}
