/** Activities for the pipeline's non-ingest stages: thin adapters between the stores and the pure domain code. */
import type { ProviderName } from '../market-data/bar';
import { type AnalystKind, describeIssues, type ResolvedPipelineInput } from '../pipeline/input';
import { resolvePipelineInput } from '../pipeline/resolve';
import { buildRiskReport, type RiskReport } from '../risk';
import { buildSignalGraph, generateSignal, type Signal, type SignalGraph } from '../signals';
import type { LlmAnalyst } from '../signals/llm-analyst';
import type { BarStore } from '../store/bar-store';
import type { RunStatus, RunStore } from '../store/run-store';
import type { RunRef, TradingPipelineResult } from '../workflows/pipeline-types';
import { invalidInput } from './failures';

export interface PipelineActivityDeps {
  bars: BarStore;
  runs: RunStore;
  defaultProvider: ProviderName;
  /** The analyst runs use unless their input names one (default deterministic). */
  defaultAnalyst?: AnalystKind;
  /** Builds the LLM analyst from configuration; absent when no model is configured. */
  llmAnalyst?: () => LlmAnalyst;
}

export interface StageInput {
  run: RunRef;
  symbols: string[];
  from: string;
  asOf: string;
}

export interface GenerateSignalsInput extends StageInput {
  analyst?: AnalystKind;
}

export interface AssessRiskInput extends StageInput {
  positions: ResolvedPipelineInput['positions'];
  limits: ResolvedPipelineInput['limits'];
  confidence: number;
  monteCarloPaths: number;
  seed: number;
  horizonDays?: number;
  varBacktest?: { window: number };
}

export function createPipelineActivities(deps: PipelineActivityDeps) {
  let llmGraph: SignalGraph | undefined;
  /** The graph for an analyst kind: undefined is the shared deterministic graph. */
  function graphFor(kind: AnalystKind): SignalGraph | undefined {
    if (kind === 'deterministic') return undefined;
    if (!deps.llmAnalyst) {
      throw invalidInput(
        'The llm analyst is not configured on this worker (set LLM_PROVIDER and LLM_MODEL)',
        {
          field: 'analyst',
        },
      );
    }
    if (!llmGraph) {
      let analyst: LlmAnalyst;
      try {
        analyst = deps.llmAnalyst();
      } catch (error) {
        // A configuration mistake: retrying cannot fix it.
        throw invalidInput(`The llm analyst cannot be built: ${(error as Error).message}`, {
          field: 'analyst',
        });
      }
      llmGraph = buildSignalGraph({ llm: analyst });
    }
    return llmGraph;
  }

  const closesFor = async (symbol: string, from: string, to: string) =>
    (await deps.bars.getBars({ symbol, from, to })).map((bar) => ({ date: bar.date, price: bar.adjClose }));

  return {
    validatePipelineInput({
      request,
      referenceTime,
    }: {
      request: unknown;
      referenceTime: string;
    }): Promise<ResolvedPipelineInput> {
      const resolved = resolvePipelineInput(request, {
        referenceTime,
        defaultProvider: deps.defaultProvider,
      });
      if (!resolved.ok) {
        return Promise.reject(
          invalidInput(`Invalid pipeline input: ${describeIssues(resolved.issues)}`, resolved.issues),
        );
      }
      return Promise.resolve(resolved.value);
    },

    async recordRunStatus(input: {
      run: RunRef;
      status: RunStatus;
      book?: string;
      asOf?: string;
    }): Promise<void> {
      await deps.runs.recordStatus(input.run, input.status, { book: input.book, asOf: input.asOf });
    },

    async generateSignals(input: GenerateSignalsInput): Promise<Signal[]> {
      const graph = graphFor(input.analyst ?? deps.defaultAnalyst ?? 'deterministic');
      const signals: Signal[] = [];
      for (const symbol of input.symbols) {
        const series = await closesFor(symbol, input.from, input.asOf);
        signals.push(
          await generateSignal({ symbol, asOf: input.asOf, closes: series.map((p) => p.price) }, graph),
        );
      }
      await deps.runs.saveSignals(input.run, signals);
      return signals;
    },

    async assessRisk(input: AssessRiskInput): Promise<RiskReport> {
      const pricesBySymbol: Record<string, { date: string; price: number }[]> = {};
      for (const symbol of input.symbols)
        pricesBySymbol[symbol] = await closesFor(symbol, input.from, input.asOf);
      const report = buildRiskReport({
        pricesBySymbol,
        positions: input.positions,
        limits: input.limits,
        confidence: input.confidence,
        horizonDays: input.horizonDays ?? 1,
        monteCarlo: { paths: input.monteCarloPaths, seed: input.seed },
        ...(input.varBacktest ? { backtest: { window: input.varBacktest.window } } : {}),
      });
      await deps.runs.saveRiskReport(input.run, report);
      return report;
    },

    async recordRunResult(input: {
      run: RunRef;
      book: string;
      asOf: string;
      result: TradingPipelineResult;
    }): Promise<void> {
      await deps.runs.saveResult(input.run, input);
    },
  };
}
