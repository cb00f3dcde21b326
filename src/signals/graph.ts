/**
 * The signal graph: a LangGraph StateGraph
 * START → gatherContext → analyst → validate → assessRisk → riskGate → decide → END, the TypeScript form of the
 * original Python agent (analyze_market → risk_assessment → generate_trading_signal).
 *   gatherContext computes the indicator snapshot and the recent returns, beside the book's risk snapshot (if given);
 *   analyst       runs the configured analyst on it: the deterministic rules, a pluggable `Analyst`, or an LLM
 *                 analyst (which validates, retries and falls back by itself, see llm-analyst.ts);
 *   validate      holds the view to `analystViewSchema` whatever produced it;
 *   assessRisk    scores risk in [0, 1] from volatility, drawdown and the optional external VaR utilisation;
 *   riskGate      when the run gives a gate: checks the trade the view would lead to against the book's limits;
 *   decide        turns stance, confidence and risk into BUY / SELL / HOLD (below the confidence threshold: HOLD);
 *                 a BUY/SELL the gate flagged keeps its action and is marked as needing a person's approval.
 * Every node appends { node, ms, summary } to the trace; the analyst node adds model, model calls and tokens. With
 * the deterministic analyst the output is a pure function of the input (trace timings aside). Runs in activities,
 * never in workflow code (LangGraph is not sandbox-safe).
 */
import { Annotation, END, START, StateGraph } from '@langchain/langgraph';
import { analystViewSchema, deterministicAnalyst, resolveAnalystParams, type Analyst } from './analyst';
import type { AnalystParams, AnalystView, Stance } from './analyst';
import { decideAction, resolveDecisionParams, type Decision, type DecisionParams } from './decision';
import type { SignalAction } from './decision';
import { assessSignalRisk, resolveRiskParams, validateRiskInput } from './risk-score';
import type { RiskAssessment, RiskInput, RiskParams } from './risk-score';
import type { AnalystContext, AnalystRun, BookRiskSnapshot, LlmAnalyst, TokenUsage } from './llm-analyst';
import type { GateVerdict } from './risk-gate';
import { computeIndicators, resolveIndicatorParams } from './snapshot';
import type { IndicatorParams, IndicatorSnapshot } from './snapshot';
import { assertPriceSeries } from './validation';

/** Overrides for any stage; omitted fields keep their defaults. */
export interface SignalParams {
  indicators?: Partial<IndicatorParams>;
  /** Used by the default deterministic analyst only. */
  analyst?: Partial<AnalystParams>;
  risk?: Partial<RiskParams>;
  decision?: Partial<DecisionParams>;
}

export interface ResolvedSignalParams {
  indicators: IndicatorParams;
  analyst: AnalystParams;
  risk: RiskParams;
  decision: DecisionParams;
}

export interface TraceEntry {
  node: string;
  /** Wall-clock time the node took (the only nondeterministic part of a signal). */
  ms: number;
  /** What the node worked on, in one line. */
  input?: string;
  /** What the node produced, in one line. */
  summary?: string;
  /** The analyst node of an LLM analyst: which model, how many calls, how many tokens. */
  model?: string;
  modelCalls?: number;
  tokens?: TokenUsage | null;
}

export interface Signal {
  symbol: string;
  asOf: string;
  action: SignalAction;
  /** The analyst's confidence in its view, in [0, 1]. */
  confidence: number;
  riskScore: number;
  /** The analyst's stance (a HOLD may still carry a bullish or bearish view that risk or confidence blocked). */
  stance: Stance;
  /** Analyst lines, then risk lines, then the decision line. */
  rationale: string[];
  indicators: IndicatorSnapshot;
  /** Name of the analyst that produced the view. */
  analyst: string;
  /** How the view was produced: model, calls, tokens, latency, rejected answers, fallback. */
  analystRun?: AnalystRun;
  /** The risk gate's verdict on the signal's trade (runs with a gate, BUY/SELL only). */
  gate?: GateVerdict;
  trace: TraceEntry[];
}

/** Checks the trade a BUY or SELL of `symbol` implies against the book (see risk-gate.ts). */
export type SignalGate = (symbol: string, action: 'BUY' | 'SELL') => GateVerdict;

/** How many of the latest daily returns the context (and an LLM's prompt) carries. */
export const RECENT_RETURNS = 5;

export interface GenerateSignalInput {
  symbol: string;
  asOf: string;
  /** Closes, oldest first; finite and positive. Too few closes yield a HOLD with the reason. */
  closes: readonly number[] | Float64Array;
  params?: SignalParams;
  riskInput?: RiskInput;
  /** The book as the run's risk stage saw it, for the analyst's context. */
  bookRisk?: BookRiskSnapshot;
  /** The run's risk gate; without one, signals are not gated. */
  gate?: SignalGate;
}

export interface SignalGraphOptions {
  /** Defaults to the deterministic analyst, configured from the input's `params.analyst`. */
  analyst?: Analyst;
  /** An LLM analyst (createLlmAnalyst); takes precedence over `analyst`. */
  llm?: LlmAnalyst;
  /** Recorded on each signal; defaults to 'deterministic', or 'custom' when an analyst is given. */
  analystName?: string;
}

/** One symbol's signal as it moves through the graph: its input, then what each node adds. */
export interface SymbolWork {
  symbol: string;
  asOf: string;
  closes: number[];
  params: ResolvedSignalParams;
  riskInput?: RiskInput;
  bookRisk?: BookRiskSnapshot;
  gate?: SignalGate;
  context: AnalystContext;
  verdict?: GateVerdict;
  analystName: string;
  indicators: IndicatorSnapshot;
  view: AnalystView;
  analystRun: AnalystRun;
  risk: RiskAssessment;
  decision: Decision;
  trace: TraceEntry[];
}

/**
 * The graph's state: the run's symbols, each carried through every node. One invocation covers all of a run's
 * symbols, so the framework's per-step set-up (config, run tree, checkpoint ids: about 2 ms per invocation) is
 * paid once per run rather than once per symbol; each node still works on, and traces, each symbol on its own.
 */
export const SignalState = Annotation.Root({
  items: Annotation<SymbolWork[]>,
});

type State = SymbolWork;
type Update = Partial<SymbolWork>;
type GraphState = typeof SignalState.State;

/**
 * A graph node: runs `run` on each symbol in turn and records, per symbol, how long it took and what it
 * produced in that symbol's trace.
 */
function timed(
  node: string,
  run: (state: State) => Promise<Update>,
  describe: (update: Update) => Omit<TraceEntry, 'node' | 'ms' | 'input'>,
): (state: GraphState) => Promise<Partial<GraphState>> {
  return async ({ items }) => {
    const next: SymbolWork[] = [];
    for (const item of items) {
      const started = performance.now();
      const update = await run(item);
      const ms = Math.round((performance.now() - started) * 1000) / 1000;
      const entry: TraceEntry = { node, ms, input: NODE_INPUTS[node]?.(item), ...describe(update) };
      next.push({ ...item, ...update, trace: [...item.trace, entry] });
    }
    return { items: next };
  };
}

/** One line per node on what it worked on (the trace's `input`). */
const NODE_INPUTS: Record<string, (state: State) => string> = {
  gatherContext: (s) => `${s.closes.length} closes${s.bookRisk ? ', book risk snapshot' : ''}`,
  analyst: (s) =>
    `${s.analystName ?? 'analyst'} on ${s.indicators.observations}-close snapshot, ${s.context.recentReturns.length} recent returns${s.context.bookRisk ? ', book risk' : ''}`,
  validate: (s) =>
    `${s.view.stance} view, confidence ${fixed(s.view.confidence)}, ${s.view.citedIndicators.length} cited`,
  assessRisk: (s) =>
    `volatility ${fixed(s.indicators.realizedVolatility, 4)}, drawdown ${fixed(s.indicators.drawdown, 4)}, VaR utilisation ${fixed(s.riskInput?.varUtilisation)}`,
  riskGate: (s) =>
    s.gate ? `${s.view.stance} view, risk score ${fixed(s.risk.riskScore)}` : 'no gate for this run',
  decide: (s) =>
    `${s.view.stance}, confidence ${fixed(s.view.confidence)}, risk score ${fixed(s.risk.riskScore)}${s.verdict?.flagged ? ', gate flagged' : ''}`,
};

const fixed = (x: number | null | undefined, digits = 2) =>
  typeof x === 'number' ? x.toFixed(digits) : 'n/a';

function checkedView(analystName: string, view: unknown): AnalystView {
  const parsed = analystViewSchema.safeParse(view);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`Analyst "${analystName}" returned an invalid view: ${issues}`);
  }
  return parsed.data;
}

/**
 * What a signal names as its analyst: `llm:<model>` when a model's view was used, the rule-based supervisor as
 * `supervisor(rules)`, and `deterministic` for the rules, including after an LLM fell back to them.
 */
/** The last `count` simple returns of the closes, oldest first (fewer for a short series). */
function recentReturns(closes: readonly number[], count: number): number[] {
  const out: number[] = [];
  for (let i = Math.max(1, closes.length - count); i < closes.length; i += 1) {
    out.push(closes[i] / closes[i - 1] - 1);
  }
  return out;
}

function analystNameOf(run: AnalystRun): string {
  if (run.kind === 'llm') return `llm:${run.model}`;
  if (!run.fallback && run.model?.startsWith('supervisor(')) return run.model;
  return 'deterministic';
}

export function buildSignalGraph(options: SignalGraphOptions = {}) {
  const analystName = options.analystName ?? (options.analyst ? 'custom' : 'deterministic');
  const customAnalyst = options.analyst;

  const llm = options.llm;

  const gatherContext = (state: State): Promise<Update> =>
    Promise.resolve({
      indicators: computeIndicators(state.closes, state.params.indicators),
      context: {
        recentReturns: recentReturns(state.closes, RECENT_RETURNS),
        ...(state.bookRisk ? { bookRisk: state.bookRisk } : {}),
      },
    });

  const analyst = async (state: State): Promise<Update> => {
    if (llm) {
      const { view, run } = await llm(state.symbol, state.indicators, state.context);
      return {
        view,
        analystRun: run,
        analystName: analystNameOf(run),
      };
    }
    const started = performance.now();
    const view = customAnalyst
      ? await customAnalyst(state.indicators)
      : deterministicAnalyst(state.indicators, state.params.analyst);
    const run: AnalystRun = {
      kind: customAnalyst ? 'custom' : 'deterministic',
      modelCalls: 0,
      tokens: null,
      latencyMs: Math.round(performance.now() - started),
      rejections: [],
    };
    return { view, analystRun: customAnalyst ? { ...run, model: analystName } : run, analystName };
  };

  const validate = (state: State): Promise<Update> =>
    Promise.resolve({ view: checkedView(state.analystName, state.view) });

  const assessRisk = (state: State): Promise<Update> =>
    Promise.resolve({ risk: assessSignalRisk(state.indicators, state.riskInput, state.params.risk) });

  // The gate checks the trade the decision would make, before it is made: only a BUY or SELL trades.
  const riskGate = (state: State): Promise<Update> => {
    if (!state.gate) return Promise.resolve({ verdict: undefined });
    const prospective = decideAction(state.view, state.risk.riskScore, state.params.decision).action;
    if (prospective === 'HOLD') return Promise.resolve({ verdict: undefined });
    return Promise.resolve({ verdict: state.gate(state.symbol, prospective) });
  };

  const decide = (state: State): Promise<Update> => {
    const decision = decideAction(state.view, state.risk.riskScore, state.params.decision);
    if (state.verdict?.flagged) {
      decision.reasons.push(`needs approval: the risk gate flagged it (${state.verdict.reasons.join('; ')})`);
    }
    return Promise.resolve({ decision });
  };

  return new StateGraph(SignalState)
    .addNode(
      'gatherContext',
      timed('gatherContext', gatherContext, ({ indicators: i }) => ({
        summary: `${i?.observations} closes; RSI ${fixed(i?.rsi, 1)}, momentum ${fixed(i?.momentum, 4)}, volatility ${fixed(i?.realizedVolatility, 4)}`,
      })),
    )
    .addNode(
      'analyst',
      timed('analyst', analyst, ({ view, analystRun }) => ({
        summary: `${view?.stance} (confidence ${fixed(view?.confidence)})${analystRun?.fallback ? ` after fallback: ${analystRun.fallback.reason}` : ''}`,
        ...(analystRun?.model
          ? { model: analystRun.model, modelCalls: analystRun.modelCalls, tokens: analystRun.tokens }
          : {}),
      })),
    )
    .addNode(
      'validate',
      timed('validate', validate, () => ({ summary: 'view matches the analyst schema' })),
    )
    .addNode(
      'assessRisk',
      timed('assessRisk', assessRisk, ({ risk }) => ({ summary: `risk score ${fixed(risk?.riskScore)}` })),
    )
    .addNode(
      'riskGate',
      timed('riskGate', riskGate, ({ verdict }) => ({
        summary: !verdict
          ? 'no trade to check'
          : `${verdict.action} ${fixed(verdict.tradeNotional, 0)}: ${verdict.flagged ? `flagged (${verdict.reasons.length} reason(s))` : 'within limits'}`,
      })),
    )
    .addNode(
      'decide',
      timed('decide', decide, ({ decision }) => ({
        summary: `${decision?.action} (confidence ${fixed(decision?.confidence)})`,
      })),
    )
    .addEdge(START, 'gatherContext')
    .addEdge('gatherContext', 'analyst')
    .addEdge('analyst', 'validate')
    .addEdge('validate', 'assessRisk')
    .addEdge('assessRisk', 'riskGate')
    .addEdge('riskGate', 'decide')
    .addEdge('decide', END)
    .compile({ name: 'signal' });
}

export type SignalGraph = ReturnType<typeof buildSignalGraph>;

/** Validates and fills every stage's parameters up front, so bad params fail before the graph runs. */
export function resolveSignalParams(params: SignalParams = {}): ResolvedSignalParams {
  if (typeof params !== 'object' || params === null)
    throw new RangeError('generateSignal: params must be an object');
  for (const key of Object.keys(params)) {
    if (!['indicators', 'analyst', 'risk', 'decision'].includes(key)) {
      throw new RangeError(`generateSignal: unknown params section "${key}"`);
    }
  }
  return {
    indicators: resolveIndicatorParams(params.indicators),
    analyst: resolveAnalystParams(params.analyst),
    risk: resolveRiskParams(params.risk),
    decision: resolveDecisionParams(params.decision),
  };
}

function assertNonEmptyString(name: string, value: unknown): void {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new RangeError(`generateSignal: ${name} must be a non-empty string, got ${JSON.stringify(value)}`);
  }
}

let defaultGraph: SignalGraph | undefined;

/**
 * Runs the signal graph for one symbol. Pass a prebuilt graph (from `buildSignalGraph`) to use another analyst;
 * by default a shared graph with the deterministic analyst is used. Throws RangeError on invalid input.
 */
export async function generateSignal(input: GenerateSignalInput, graph?: SignalGraph): Promise<Signal> {
  const [signal] = await generateSignals([input], graph);
  return signal;
}

/**
 * Runs the signal graph once for several symbols: the same signals, in the same order, as `generateSignal` on
 * each, for one invocation's framework overhead. Every input is checked before the graph runs.
 */
export async function generateSignals(
  inputs: readonly GenerateSignalInput[],
  graph?: SignalGraph,
): Promise<Signal[]> {
  const items = inputs.map((input): SymbolWork => {
    assertNonEmptyString('symbol', input.symbol);
    assertNonEmptyString('asOf', input.asOf);
    assertPriceSeries('generateSignal', 'closes', input.closes, 0);
    const params = resolveSignalParams(input.params);
    validateRiskInput(input.riskInput);
    // The fields the nodes fill in start out unset; the graph's nodes run in order, each after the one it reads.
    return {
      symbol: input.symbol,
      asOf: input.asOf,
      closes: Array.from(input.closes),
      params,
      riskInput: input.riskInput,
      bookRisk: input.bookRisk,
      gate: input.gate,
      trace: [],
    } as unknown as SymbolWork;
  });
  if (items.length === 0) return [];

  const run = graph ?? (defaultGraph ??= buildSignalGraph());
  const { items: done } = await run.invoke({ items });
  return done.map((state) => ({
    symbol: state.symbol,
    asOf: state.asOf,
    action: state.decision.action,
    confidence: state.decision.confidence,
    riskScore: state.risk.riskScore,
    stance: state.view.stance,
    rationale: [...state.view.rationale, ...state.risk.rationale, ...state.decision.reasons],
    indicators: state.indicators,
    analyst: state.analystName,
    analystRun: state.analystRun,
    ...(state.verdict ? { gate: state.verdict } : {}),
    trace: state.trace,
  }));
}
