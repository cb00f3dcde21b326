/** Activities for the pipeline's non-ingest stages: thin adapters between the stores and the pure domain code. */
import { Context } from '@temporalio/activity';
import type { ProviderName } from '../market-data/bar';
import {
  type AnalystKind,
  DEFAULT_TRADE_NOTIONAL,
  describeIssues,
  type ResolvedPipelineInput,
} from '../pipeline/input';
import type { RequestBounds } from '../pipeline/bounds';
import { resolvePipelineInput } from '../pipeline/resolve';
import { chooseStageExecution, type StageExecutionContext } from '../pipeline/stage-execution';
import { buildRiskReport, type DatedPrice } from '../risk';
import {
  buildSignalGraph,
  generateSignal,
  generateSignals as generateSignalsInOneRun,
  type Signal,
  type SignalGraph,
} from '../signals';
import type { SignalGate } from '../signals/graph';
import type { LlmAnalyst } from '../signals/llm-analyst';
import { gateSignals, type GateSignal } from '../signals/risk-gate';
import type { Approval } from '../contracts/approvals';
import type { BarStore } from '../store/bar-store';
import type { RunStatus, RunStore } from '../store/run-store';
import type { RiskStageReport, RunRef, TradingPipelineResult } from '../contracts/pipeline';
import { invalidInput } from './failures';
import { heartbeatFor } from './heartbeat';

export interface PipelineActivityDeps {
  bars: BarStore;
  runs: RunStore;
  defaultProvider: ProviderName;
  /** The analyst runs use unless their input names one (default deterministic). */
  defaultAnalyst?: AnalystKind;
  /** Builds the LLM analyst from configuration and secrets; absent when no model is configured. */
  llmAnalyst?: () => LlmAnalyst | Promise<LlmAnalyst>;
  /** Builds the supervisor analyst (roles; on the configured model, or on rules without one). */
  supervisorAnalyst?: () => LlmAnalyst | Promise<LlmAnalyst>;
  /** Whether runs may execute their stages as local activities (absent: never). */
  stageExecution?: Omit<StageExecutionContext, 'defaultAnalyst'>;
  /** The configured request maxima (config.requestBounds), the same the API checks; absent: the defaults. */
  requestBounds?: RequestBounds;
}

export interface StageInput {
  run: RunRef;
  symbols: string[];
  from: string;
  asOf: string;
}

export interface GenerateSignalsInput extends StageInput {
  analyst?: AnalystKind;
  /** The book the signals act on: gives the analysts its risk snapshot and gates each signal's trade. */
  book?: BookInput;
}

export interface BookInput {
  positions: ResolvedPipelineInput['positions'];
  limits: ResolvedPipelineInput['limits'];
  tradeNotional: number;
  confidence: number;
  horizonDays: number;
}

/** Paths for the Monte Carlo part of the book snapshot: signals read only limits and historical VaR from it. */
const SNAPSHOT_MONTE_CARLO_PATHS = 1_000;

/**
 * The book as the signal graph sees it: today's risk report on the run's prices, each symbol's risk snapshot
 * (VaR utilisation, breaches, weight), the VaR utilisation as the risk score's external input, and the gate.
 */
function bookContext(book: BookInput, pricesBySymbol: Record<string, DatedPrice[]>) {
  const report = buildRiskReport({
    pricesBySymbol,
    positions: book.positions,
    limits: book.limits,
    confidence: book.confidence,
    horizonDays: book.horizonDays,
    monteCarlo: { paths: SNAPSHOT_MONTE_CARLO_PATHS },
  });
  const maxVaR = book.limits.maxVaR;
  const varUtilisation = maxVaR ? report.historical.varAmount / maxVaR : undefined;
  const gate: SignalGate = (symbol, action) =>
    gateSignals({
      signals: [{ symbol, action }],
      pricesBySymbol,
      positions: book.positions,
      limits: book.limits,
      tradeNotional: book.tradeNotional,
      confidence: book.confidence,
      horizonDays: book.horizonDays,
      current: report,
    })[0];
  return {
    forSymbol: (symbol: string) => ({
      bookRisk: {
        ...(varUtilisation !== undefined ? { varUtilisation } : {}),
        breaches: report.breaches.length,
        weight: report.exposures.find((e) => e.symbol === symbol)?.weight ?? 0,
      },
      ...(varUtilisation !== undefined ? { riskInput: { varUtilisation } } : {}),
      gate,
    }),
  };
}

export interface AssessRiskInput extends StageInput {
  positions: ResolvedPipelineInput['positions'];
  limits: ResolvedPipelineInput['limits'];
  confidence: number;
  monteCarloPaths: number;
  seed: number;
  horizonDays?: number;
  varBacktest?: { window: number };
  /** The run's signals: the risk gate checks the trade each BUY/SELL implies (absent: no gate). */
  signals?: GateSignal[];
  tradeNotional?: number;
}

/** The current activity's context, or undefined when called outside an activity (e.g. from a script). */
function activityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

export function createPipelineActivities(deps: PipelineActivityDeps) {
  const graphs = new Map<AnalystKind, SignalGraph>();
  /** The graph for an analyst kind, built once: undefined is the shared deterministic graph. */
  async function graphFor(kind: AnalystKind): Promise<SignalGraph | undefined> {
    if (kind === 'deterministic') return undefined;
    let graph = graphs.get(kind);
    if (!graph) {
      const build = kind === 'llm' ? deps.llmAnalyst : deps.supervisorAnalyst;
      if (!build) {
        throw invalidInput(`The ${kind} analyst is not configured on this worker`, { field: 'analyst' });
      }
      let analyst: LlmAnalyst;
      try {
        analyst = await build();
      } catch (error) {
        // A configuration mistake: retrying cannot fix it.
        throw invalidInput(`The ${kind} analyst cannot be built: ${(error as Error).message}`, {
          field: 'analyst',
        });
      }
      graph = buildSignalGraph({ llm: analyst });
      graphs.set(kind, graph);
    }
    return graph;
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
        bounds: deps.requestBounds,
      });
      if (!resolved.ok) {
        return Promise.reject(
          invalidInput(`Invalid pipeline input: ${describeIssues(resolved.issues)}`, resolved.issues),
        );
      }
      if (!deps.stageExecution) return Promise.resolve(resolved.value);
      const stageExecution = chooseStageExecution(resolved.value, {
        ...deps.stageExecution,
        defaultAnalyst: deps.defaultAnalyst ?? 'deterministic',
      });
      return Promise.resolve({ ...resolved.value, stageExecution });
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
      const kind = input.analyst ?? deps.defaultAnalyst ?? 'deterministic';
      const graph = await graphFor(kind);
      const pricesBySymbol: Record<string, DatedPrice[]> = {};
      for (const symbol of input.symbols)
        pricesBySymbol[symbol] = await closesFor(symbol, input.from, input.asOf);
      const book = input.book ? bookContext(input.book, pricesBySymbol) : undefined;
      const inputFor = (symbol: string) => ({
        symbol,
        asOf: input.asOf,
        closes: pricesBySymbol[symbol].map((p) => p.price),
        ...book?.forSymbol(symbol),
      });
      let signals: Signal[];
      if (kind === 'deterministic') {
        // No model calls: one graph run over every symbol. Milliseconds for a typical run, but at the request maxima
        // (100 symbols that all trade) the risk gate holds the thread for seconds without a heartbeat
        // (docs/performance.md, "Per-run budget"), well inside the 20 s heartbeat timeout.
        signals = await generateSignalsInOneRun(input.symbols.map(inputFor), graph);
      } else {
        signals = [];
        // Model calls can be slow: heartbeat while working so Temporal can tell a slow model from a dead worker.
        const report = heartbeatFor(activityContext());
        const heartbeat = () => report({ symbolsDone: signals.length });
        const timer = setInterval(heartbeat, 5_000);
        try {
          for (const symbol of input.symbols) {
            signals.push(await generateSignal(inputFor(symbol), graph));
            heartbeat();
          }
        } finally {
          clearInterval(timer);
        }
      }
      await deps.runs.saveSignals(input.run, signals);
      return signals;
    },

    async assessRisk(input: AssessRiskInput): Promise<RiskStageReport> {
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
      const stage: RiskStageReport = input.signals
        ? {
            ...report,
            signalGate: gateSignals({
              signals: input.signals,
              pricesBySymbol,
              positions: input.positions,
              limits: input.limits,
              tradeNotional: input.tradeNotional ?? DEFAULT_TRADE_NOTIONAL,
              confidence: input.confidence,
              horizonDays: input.horizonDays ?? 1,
              current: report,
            }),
          }
        : report;
      await deps.runs.saveRiskReport(input.run, stage);
      return stage;
    },

    async recordApprovals(input: { run: RunRef; approvals: Approval[] }): Promise<void> {
      await deps.runs.saveApprovals(input.run, input.approvals);
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
