/**
 * Ingest activity: fetch a symbol's bars chunk by chunk, check their quality, upsert the good ones and keep the bad
 * ones with their reasons. Progress is heartbeated after each stored chunk, so a retry after a worker crash resumes
 * where the last attempt left off instead of fetching everything again.
 */
import { Context } from '@temporalio/activity';
import {
  type BarInterval,
  type IntradayInterval,
  isIntradayInterval,
  type MarketDataProvider,
  type ProviderName,
} from '../market-data/bar';
import { sessionWindow } from '../market-data/intraday';
import { checkBarQuality } from '../market-data/quality';
import { tradingSessions } from '../market-data/sessions';
import { ingestRangeProblem, type RequestBounds } from '../pipeline/bounds';
import type { BarStore } from '../store/bar-store';
import type { RunStore } from '../store/run-store';
import type { RejectedBarSummary, RunRef, SymbolIngestResult } from '../contracts/pipeline';
import { invalidInput, toActivityFailure } from './failures';
import { heartbeatFor } from './heartbeat';

export interface MarketDataActivityDeps {
  providerFor(name: ProviderName): MarketDataProvider;
  bars: BarStore;
  runs: RunStore;
  /** Sessions of daily bars fetched per provider call (and per heartbeat). */
  chunkSessions?: number;
  /** Sessions of intraday bars per provider call: default 4 for 1m bars (Yahoo's 8-day cap), 20 otherwise. */
  intradayChunkSessions?: Partial<Record<IntradayInterval, number>>;
  /** The clock that decides whether a stored intraday session was complete when it was written. */
  now?: () => number;
  /** How many rejected bars each symbol's result carries inline. */
  rejectedInResult?: number;
  /** The configured request maxima (config.requestBounds): no range beyond them is walked; absent: the defaults. */
  requestBounds?: RequestBounds;
}

export interface IngestSymbolInput {
  run: RunRef;
  symbol: string;
  from: string;
  to: string;
  provider: ProviderName;
  /** Bar interval (default 1d). */
  interval?: BarInterval;
  /** Fetch every session again; by default only sessions not yet stored are fetched. */
  refresh?: boolean;
}

interface IngestCheckpoint {
  nextChunk: number;
  totals: Required<Omit<SymbolIngestResult, 'symbol' | 'provider' | 'sources' | 'interval'>>;
}

export function createMarketDataActivities(deps: MarketDataActivityDeps) {
  const chunkSessions = deps.chunkSessions ?? 63;
  const rejectedInResult = deps.rejectedInResult ?? 20;
  const now = deps.now ?? Date.now;

  function sessionsPerChunk(interval: BarInterval): number {
    if (!isIntradayInterval(interval)) return chunkSessions;
    return deps.intradayChunkSessions?.[interval] ?? (interval === '1m' ? 4 : 20);
  }

  async function ingestSymbol(input: IngestSymbolInput): Promise<SymbolIngestResult> {
    const context = Context.current();
    const heartbeat = heartbeatFor(context);
    const provider = deps.providerFor(input.provider);
    const interval = input.interval ?? '1d';
    const perChunk = sessionsPerChunk(interval);
    // Before any calendar work: a CLI-started ingest reaches here unchecked (the API refuses such a range with 400).
    const problem = ingestRangeProblem(input.from, input.to, deps.requestBounds);
    if (problem) {
      throw invalidInput(`Invalid ingest input: ${problem.field}: ${problem.message}`, [problem]);
    }
    const sessions = tradingSessions(input.from, input.to);
    const chunks: string[][] = [];
    for (let i = 0; i < sessions.length; i += perChunk) chunks.push(sessions.slice(i, i + perChunk));

    const resumed = context.info.heartbeatDetails as IngestCheckpoint | undefined;
    const checkpoint: IngestCheckpoint = resumed ?? {
      nextChunk: 0,
      totals: {
        alreadyStored: 0,
        eventsStored: 0,
        fetched: 0,
        inserted: 0,
        updated: 0,
        unchanged: 0,
        rejectedCount: 0,
        rejected: [],
        missingSessions: [],
      },
    };
    // A checkpoint heartbeated by an older worker may predate some counters.
    checkpoint.totals.alreadyStored ??= 0;
    checkpoint.totals.eventsStored ??= 0;
    if (resumed)
      context.log.info('Resuming ingest from heartbeat', { symbol: input.symbol, chunk: resumed.nextChunk });

    for (let index = checkpoint.nextChunk; index < chunks.length; index += 1) {
      const chunk = chunks[index];
      const range = await rangeToFetch(input, interval, chunk);
      checkpoint.totals.alreadyStored += chunk.length - (range?.sessions ?? 0);
      if (!range) {
        checkpoint.nextChunk = index + 1;
        heartbeat(checkpoint);
        continue;
      }
      const request = { symbol: input.symbol, interval, from: range.from, to: range.to };
      const { bars, events } = await whileHeartbeating(
        context,
        () => heartbeat(checkpoint),
        () =>
          provider.fetchBarsWithEvents
            ? provider.fetchBarsWithEvents(request)
            : provider.fetchBars(request).then((fetched) => ({ bars: fetched, events: [] })),
      );
      const quality = checkBarQuality(bars, range);
      const written = await deps.bars.upsertBars(quality.accepted);
      checkpoint.totals.eventsStored += await deps.bars.upsertEvents(events);
      const rejected: (RejectedBarSummary & { bar: unknown })[] = quality.rejected.map((r) => ({
        symbol: input.symbol,
        date: r.bar.time ?? r.bar.date,
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
      heartbeat(checkpoint);
    }
    const sources = await deps.bars.sourceCounts({
      symbol: input.symbol,
      interval,
      from: input.from,
      to: input.to,
    });
    return { symbol: input.symbol, provider: input.provider, interval, sources, ...checkpoint.totals };
  }

  /**
   * The part of a chunk that must be fetched: all of it with `refresh`, else from its first to its last session not
   * yet stored (one provider call), or nothing when every session is stored. An intraday session counts as stored
   * once bars of it were written after its close; one stored while it was still trading is fetched again.
   */
  async function rangeToFetch(
    input: IngestSymbolInput,
    interval: BarInterval,
    chunk: string[],
  ): Promise<{ from: string; to: string; sessions: number } | undefined> {
    const first = chunk[0];
    const last = chunk[chunk.length - 1];
    if (input.refresh) return { from: first, to: last, sessions: chunk.length };
    const query = { symbol: input.symbol, from: first, to: last };
    const stored = isIntradayInterval(interval)
      ? await completeIntradaySessions({ ...query, interval })
      : await deps.bars.storedDates(query);
    const missing = chunk.filter((date) => !stored.has(date));
    if (missing.length === 0) return undefined;
    const from = missing[0];
    const to = missing[missing.length - 1];
    return { from, to, sessions: chunk.filter((date) => date >= from && date <= to).length };
  }

  async function completeIntradaySessions(query: {
    symbol: string;
    interval: IntradayInterval;
    from: string;
    to: string;
  }): Promise<Set<string>> {
    const coverage = await deps.bars.intradayCoverage(query);
    const complete = new Set<string>();
    for (const [date, { bars, lastIngestedAt }] of coverage) {
      const closed = sessionWindow(date).closesAt;
      if (bars > 0 && Date.parse(lastIngestedAt) >= closed && now() >= closed) complete.add(date);
    }
    return complete;
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
  heartbeat: () => void,
  work: () => Promise<T>,
): Promise<T> {
  const timer = setInterval(heartbeat, 1000);
  try {
    return await Promise.race([work(), context.cancelled]);
  } finally {
    clearInterval(timer);
  }
}
