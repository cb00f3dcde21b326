/**
 * Backtest activities: validate the request, and run one symbol's backtest in chunks of sessions. After each chunk
 * the equity curve so far is stored and the engine state heartbeated, so a retry after a crash resumes from the
 * last chunk instead of starting over.
 *
 * Cancellation: the engine is synchronous and a late session costs more than an early one (the indicators look at
 * the whole history), so a chunk can hold the event loop for seconds. Each chunk therefore runs in slices of about
 * `sliceMs`, each in its own turn on the worker's thread (cpu-turns.ts: one slice per event-loop iteration across
 * all simulations, so I/O is polled between any two); between slices the activity heartbeats (which is how a
 * cancel request reaches it) and throws the CancelledFailure once one has arrived. A cancelled backtest stops within a heartbeat
 * throttle interval (the worker's WORKER_MAX_HEARTBEAT_THROTTLE_MS, 1 s by default) instead of running to the end.
 */
import { Context } from '@temporalio/activity';
import {
  initialBacktestState,
  runBacktestChunk,
  summarizeBacktest,
  type BacktestParams,
  type BacktestState,
  type BacktestSummary,
  type EquityPoint,
} from '../backtest';
import { resolveBacktestInput, type ResolvedBacktestInput } from '../backtest/input';
import type { ProviderName } from '../market-data/bar';
import type { RequestBounds } from '../pipeline/bounds';
import { describeIssues } from '../pipeline/input';
import type { BacktestStore } from '../store/backtest-store';
import type { BarStore } from '../store/bar-store';
import { createCpuTurns, type CpuTurns } from './cpu-turns';
import { invalidInput } from './failures';

export interface BacktestActivityDeps {
  bars: BarStore;
  backtests: BacktestStore;
  defaultProvider: ProviderName;
  /** Sessions simulated between two saves of the equity curve (the checkpoint a retry resumes from). */
  chunkSessions?: number;
  /** Longest the engine runs without yielding, heartbeating and checking cancellation; default 50 ms. */
  sliceMs?: number;
  /** The configured request maxima (config.requestBounds), the same the API checks; absent: the defaults. */
  requestBounds?: RequestBounds;
  /** Turns for the engine's slices, shared by every simulation of this worker; absent: one set per factory call. */
  cpuTurns?: CpuTurns;
}

export interface SymbolBacktestInput {
  backtestId: string;
  symbol: string;
  historyFrom: string;
  from: string;
  to: string;
  params: BacktestParams;
}

interface BacktestCheckpoint {
  state: BacktestState;
}

export function createBacktestActivities(deps: BacktestActivityDeps) {
  const chunkSessions = deps.chunkSessions ?? 250;
  const sliceMs = deps.sliceMs ?? DEFAULT_SLICE_MS;
  if (!Number.isSafeInteger(chunkSessions) || chunkSessions < 1) {
    throw new RangeError(
      `createBacktestActivities: chunkSessions must be a positive integer, got ${chunkSessions}`,
    );
  }
  if (!Number.isFinite(sliceMs) || sliceMs <= 0) {
    throw new RangeError(`createBacktestActivities: sliceMs must be a positive number, got ${sliceMs}`);
  }
  const turns = deps.cpuTurns ?? createCpuTurns();

  return {
    validateBacktestInput: ({ request }: { request: unknown }): Promise<ResolvedBacktestInput> => {
      const resolved = resolveBacktestInput(request, deps.defaultProvider, deps.requestBounds);
      if (!resolved.ok) {
        return Promise.reject(
          invalidInput(`Invalid backtest input: ${describeIssues(resolved.issues)}`, resolved.issues),
        );
      }
      return Promise.resolve(resolved.value);
    },

    runSymbolBacktest: async (input: SymbolBacktestInput): Promise<BacktestSummary> => {
      const context = Context.current();
      const bars = await deps.bars.getBars({ symbol: input.symbol, from: input.historyFrom, to: input.to });
      const dates = bars.map((b) => b.date);
      const closes = bars.map((b) => b.adjClose);
      const firstIndex = dates.findIndex((d) => d >= input.from);
      if (firstIndex < 0 || dates.length - firstIndex < 3) {
        throw invalidInput(`No stored bars for ${input.symbol} between ${input.from} and ${input.to}`, input);
      }
      const params: BacktestParams = { ...input.params, warmup: firstIndex };

      const resumed = context.info.heartbeatDetails as BacktestCheckpoint | undefined;
      let state = resumed?.state ?? initialBacktestState(params);
      // Points stored by the previous attempt, cut back to the heartbeated state (a chunk stored after it is redone).
      const points: EquityPoint[] = resumed
        ? (
            (await deps.backtests.getBacktests(input.backtestId)).find((b) => b.symbol === input.symbol)
              ?.equity ?? []
          )
            .map((p) => p as EquityPoint)
            .filter((p) => p.index < state.nextIndex)
        : [];
      // What a retry may resume from: only a state whose points are stored (heartbeats between saves repeat it).
      let checkpoint: BacktestCheckpoint = { state };
      const checkIn = () => {
        context.heartbeat(checkpoint);
        context.cancellationSignal.throwIfAborted();
      };
      checkIn();

      let slice = 1; // sessions per slice, adapted so that one slice takes about sliceMs
      while (state.nextIndex < closes.length && !state.halted) {
        const chunkEnd = Math.min(closes.length, state.nextIndex + chunkSessions);
        while (state.nextIndex < chunkEnd && !state.halted) {
          await turns.take(context.cancellationSignal);
          try {
            const startedAt = performance.now();
            const endIndex = Math.min(chunkEnd, state.nextIndex + slice);
            const ran = endIndex - state.nextIndex;
            const chunk = runBacktestChunk({
              symbol: input.symbol,
              closes,
              dates,
              startIndex: state.nextIndex,
              endIndex,
              state,
              params,
            });
            state = chunk.state;
            for (const point of chunk.points) points.push(point);
            slice = nextSliceSize(ran, performance.now() - startedAt, sliceMs);
          } finally {
            turns.release();
          }
          checkIn();
        }
        await deps.backtests.saveBacktest({
          backtestId: input.backtestId,
          symbol: input.symbol,
          summary: { status: 'running', nextIndex: state.nextIndex, of: closes.length },
          equity: points,
        });
        checkpoint = { state };
        checkIn();
      }
      const summary = summarizeBacktest(points, state, params);
      await deps.backtests.saveBacktest({
        backtestId: input.backtestId,
        symbol: input.symbol,
        summary,
        equity: points,
      });
      return summary;
    },
  };
}

/** Default for BacktestActivityDeps.sliceMs: short enough that a heartbeat or a cancel is never held up for long. */
export const DEFAULT_SLICE_MS = 50;

/** Sessions for the next slice: scaled from the last one so that a slice takes about `targetMs`. */
export function nextSliceSize(sessions: number, elapsedMs: number, targetMs: number): number {
  if (elapsedMs <= 0) return Math.min(sessions * 2, MAX_SLICE_SESSIONS);
  const scaled = Math.floor((sessions * targetMs) / elapsedMs);
  // Grow at most 2× per slice (a late session costs more than an early one), and never below one session.
  return Math.max(1, Math.min(scaled, sessions * 2, MAX_SLICE_SESSIONS));
}

const MAX_SLICE_SESSIONS = 10_000;
