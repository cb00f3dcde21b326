/**
 * Backtest activities: validate the request, and run one symbol's backtest in chunks of sessions. After each chunk
 * the equity curve so far is stored and the engine state heartbeated, so a retry after a crash resumes from the
 * last chunk instead of starting over.
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
import { describeIssues } from '../pipeline/input';
import type { BacktestStore } from '../store/backtest-store';
import type { BarStore } from '../store/bar-store';
import { invalidInput } from './failures';

export interface BacktestActivityDeps {
  bars: BarStore;
  backtests: BacktestStore;
  defaultProvider: ProviderName;
  /** Sessions simulated per heartbeat. */
  chunkSessions?: number;
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

  return {
    validateBacktestInput: ({ request }: { request: unknown }): Promise<ResolvedBacktestInput> => {
      const resolved = resolveBacktestInput(request, deps.defaultProvider);
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
      let points: EquityPoint[] = resumed
        ? (
            (await deps.backtests.getBacktests(input.backtestId)).find((b) => b.symbol === input.symbol)
              ?.equity ?? []
          )
            .map((p) => p as EquityPoint)
            .filter((p) => p.index < state.nextIndex)
        : [];

      while (state.nextIndex < closes.length) {
        const endIndex = Math.min(closes.length, state.nextIndex + chunkSessions);
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
        points = points.concat(chunk.points);
        await deps.backtests.saveBacktest({
          backtestId: input.backtestId,
          symbol: input.symbol,
          summary: { status: 'running', nextIndex: state.nextIndex, of: closes.length },
          equity: points,
        });
        context.heartbeat({ state } satisfies BacktestCheckpoint);
        if (state.halted) break;
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
