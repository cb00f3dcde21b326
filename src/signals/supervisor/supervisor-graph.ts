/**
 * The hierarchical analyst: a LangGraph StateGraph in which a supervisor node routes one symbol's snapshot through
 * three roles and back, with deterministic routing (no model decides the route):
 *
 *   START → supervisor ─┬→ research    → supervisor     notes missing
 *                       ├→ financial   → supervisor     view missing, or the risk officer sent it back
 *                       ├→ riskOfficer → supervisor     the latest view is not reviewed yet
 *                       ├→ finish      → END            reviewed: approve or cap applied
 *                       └→ fallback    → END            a role gave no valid answer in its attempts
 *
 * With a chat model each role calls it with its own prompt, and each answer is validated (strict zod schema, then
 * the situation) and retried with the reason, up to `maxAttempts` calls per role turn, each bounded by
 * `timeoutMs`, as the flat LLM analyst does. If a role fails every attempt, the whole supervisor falls back to the
 * deterministic analyst and says so in `run.fallback`. The risk officer may send a view back at most `maxRevisions`
 * times (default 1). Without a model the roles run deterministic rules (roles.ts), so the graph also runs offline.
 *
 * `createSupervisorAnalyst` returns the same `LlmAnalyst` function type as `createLlmAnalyst`, so it plugs into
 * `buildSignalGraph({ llm })` unchanged; `run.steps` records every role turn (summary, ms, model calls, tokens).
 */
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { type AIMessage, type BaseMessage, HumanMessage, SystemMessage } from '@langchain/core/messages';
import { Annotation, END, START, StateGraph } from '@langchain/langgraph';
import { type AnalystParams, type AnalystView, deterministicAnalyst, resolveAnalystParams } from '../analyst';
import {
  addUsage,
  type AnalystContext,
  type AnalystRun,
  type AnalystStep,
  invokeWithTimeout,
  type LlmAnalyst,
  type LlmView,
  promptFor,
  textOf,
  toAnalystView,
  type TokenUsage,
  validateModelAnswer,
} from '../llm-analyst';
import type { IndicatorSnapshot } from '../snapshot';
import {
  checkResearchAnswer,
  checkRiskReviewAnswer,
  type CheckResult,
  describeReview,
  FINANCIAL_PROMPT,
  RESEARCH_PROMPT,
  type ResearchNotes,
  researchNotesFromRules,
  resolveRiskOfficerLimits,
  reviewByRules,
  RISK_OFFICER_PROMPT,
  riskOfficerPrompt,
  type RiskOfficerLimits,
  type RiskReview,
  type Role,
  ROLE_LABELS,
} from './roles';

export interface SupervisorAnalystOptions {
  /** The chat model every role calls; absent: every role runs its deterministic rules (offline). */
  model?: BaseChatModel;
  /** Required with `model`, e.g. "openai:gpt-4o-mini"; recorded as "supervisor(openai:gpt-4o-mini)". */
  modelName?: string;
  /** Model calls allowed per role turn, retries included (default 3). */
  maxAttempts?: number;
  /** Per call (default 30 s). */
  timeoutMs?: number;
  /** How many times the risk officer may send a view back to the financial analyst (default 1, at most 5). */
  maxRevisions?: number;
  /** Parameters of the deterministic analyst: the offline financial analyst and the fallback. */
  fallbackParams?: Partial<AnalystParams>;
  /** The desk's risk limits: the offline risk officer applies them, the model's risk officer is shown them. */
  riskLimits?: Partial<RiskOfficerLimits>;
  /** The clock latency is measured with (default performance.now). */
  now?: () => number;
}

export const SUPERVISOR_ROUTES = ['research', 'financial', 'riskOfficer', 'finish', 'fallback'] as const;
export type SupervisorRoute = (typeof SUPERVISOR_ROUTES)[number];

/** The financial analyst's view; `round` 0 is the first, n the n-th revision. */
export interface Draft {
  view: AnalystView;
  /** The model's answer, when a model produced the view. */
  llmView?: LlmView;
  round: number;
}

export interface ReviewRecord {
  review: RiskReview;
  /** The draft round this review is about. */
  round: number;
}

export interface RoleFailure {
  role: Role;
  reason: string;
}

/** What the routing depends on. */
export interface RoutingState {
  notes: ResearchNotes | null;
  draft: Draft | null;
  review: ReviewRecord | null;
  failure: RoleFailure | null;
}

/**
 * The supervisor's routing, a pure function of the state: research until there are notes, then the financial
 * analyst until there is a view, then the risk officer until the latest view is reviewed; a "revise" goes back to
 * the financial analyst while revisions are left; anything else finishes. A failed role ends in the fallback.
 */
export function routeNext(state: RoutingState, maxRevisions: number): SupervisorRoute {
  if (state.failure) return 'fallback';
  if (!state.notes) return 'research';
  if (!state.draft) return 'financial';
  if (!state.review || state.review.round < state.draft.round) return 'riskOfficer';
  if (state.review.review.decision === 'revise' && state.draft.round < maxRevisions) return 'financial';
  return 'finish';
}

const lastValue = <T>() => Annotation<T | null>({ reducer: (_previous, next) => next, default: () => null });
const appended = <T>() =>
  Annotation<T[]>({ reducer: (list, entries) => list.concat(entries), default: () => [] });

export const SupervisorState = Annotation.Root({
  symbol: Annotation<string>,
  snapshot: Annotation<IndicatorSnapshot>,
  /** Recent returns and the book's risk snapshot, when the signal graph passes them. */
  context: Annotation<AnalystContext | undefined>,
  next: Annotation<SupervisorRoute>,
  notes: lastValue<ResearchNotes>(),
  draft: lastValue<Draft>(),
  review: lastValue<ReviewRecord>(),
  failure: lastValue<RoleFailure>(),
  final: lastValue<AnalystView>(),
  /** Every routing decision, in order (START's first visit included). */
  route: appended<SupervisorRoute>(),
  /** The risk officer's reasons for each revision asked for. */
  objections: appended<string>(),
  steps: appended<AnalystStep>(),
  rejections: appended<string>(),
});

type State = typeof SupervisorState.State;
type Update = typeof SupervisorState.Update;

interface ResolvedOptions {
  model?: BaseChatModel;
  modelName?: string;
  maxAttempts: number;
  timeoutMs: number;
  maxRevisions: number;
  analystParams: AnalystParams;
  limits: RiskOfficerLimits;
  now: () => number;
}

function resolveOptions(options: SupervisorAnalystOptions): ResolvedOptions {
  const maxAttempts = options.maxAttempts ?? 3;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxRevisions = options.maxRevisions ?? 1;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 10) {
    throw new RangeError(`maxAttempts must be a whole number from 1 to 10, got ${maxAttempts}`);
  }
  if (!(timeoutMs > 0)) throw new RangeError(`timeoutMs must be positive, got ${timeoutMs}`);
  if (!Number.isInteger(maxRevisions) || maxRevisions < 0 || maxRevisions > 5) {
    throw new RangeError(`maxRevisions must be a whole number from 0 to 5, got ${maxRevisions}`);
  }
  if (options.model && !options.modelName?.trim()) {
    throw new RangeError('modelName is required with a model (e.g. "openai:gpt-4o-mini")');
  }
  return {
    model: options.model,
    modelName: options.modelName,
    maxAttempts,
    timeoutMs,
    maxRevisions,
    analystParams: resolveAnalystParams(options.fallbackParams),
    limits: resolveRiskOfficerLimits(options.riskLimits),
    now: options.now ?? (() => performance.now()),
  };
}

/** "supervisor(openai:gpt-4o-mini)", or "supervisor(rules)" offline. */
export function supervisorLabel(modelName: string | undefined): string {
  return `supervisor(${modelName ?? 'rules'})`;
}

interface Asked<T> {
  value: T | null;
  modelCalls: number;
  tokens: TokenUsage | null;
  rejections: string[];
}

/**
 * One role turn against the model: up to `maxAttempts` calls, each answer checked; a rejected answer goes back to
 * the model with the reason, as in the flat LLM analyst. A failed or timed-out call counts as an attempt.
 */
async function askModel<T>(
  o: ResolvedOptions & { model: BaseChatModel },
  role: Role,
  prompt: { system: string; human: string },
  check: (text: string) => CheckResult<T>,
): Promise<Asked<T>> {
  const messages: BaseMessage[] = [new SystemMessage(prompt.system), new HumanMessage(prompt.human)];
  const rejections: string[] = [];
  let tokens: TokenUsage | null = null;
  let modelCalls = 0;
  for (let attempt = 1; attempt <= o.maxAttempts; attempt += 1) {
    modelCalls += 1;
    const label = `${ROLE_LABELS[role]} attempt ${attempt}`;
    let answer: AIMessage;
    try {
      answer = await invokeWithTimeout(o.model, messages, o.timeoutMs);
    } catch (error) {
      rejections.push(`${label}: model call failed: ${(error as Error).message}`);
      continue;
    }
    tokens = addUsage(tokens, answer);
    const checked = check(textOf(answer));
    if (checked.ok) return { value: checked.value, modelCalls, tokens, rejections };
    rejections.push(`${label}: ${checked.reason}`);
    messages.push(
      answer,
      new HumanMessage(`Your answer was rejected: ${checked.reason}. Reply with the JSON only.`),
    );
  }
  return { value: null, modelCalls, tokens, rejections };
}

const fixed = (x: number) => x.toFixed(2);

/** What a role turn produced: the state update, its step record (timed by the caller), its rejected answers. */
interface TurnResult {
  update: Update;
  step: Omit<AnalystStep, 'role' | 'ms'>;
  rejections?: string[];
}

/** The reviewed draft as the final view: the cap applied, the research summary and the review in the rationale. */
function finalView(state: State, o: ResolvedOptions): AnalystView {
  const draft = state.draft as Draft;
  const review = (state.review as ReviewRecord).review;
  const notes = state.notes as ResearchNotes;
  // A "revise" with no revision left cannot pass validation; should one arrive anyway, cap as the rules would.
  const cap =
    review.decision === 'cap'
      ? review.maxConfidence
      : review.decision === 'revise'
        ? o.limits.confidenceCap
        : null;
  let view = draft.view;
  if (cap !== null && view.confidence > cap) {
    view = draft.llmView
      ? toAnalystView({ ...draft.llmView, confidence: cap })
      : { ...view, confidence: cap };
  }
  return {
    ...view,
    rationale: [
      ...view.rationale,
      `research analyst: ${notes.summary}`,
      ...state.objections.map(
        (reason, i) => `revision ${i + 1} after the risk officer's objection: ${reason}`,
      ),
      `risk officer: ${describeReview(review)}`,
    ],
  };
}

/** Builds the compiled supervisor graph (exposed for tests and tools; `createSupervisorAnalyst` wraps it). */
export function buildSupervisorGraph(options: SupervisorAnalystOptions = {}) {
  const o = resolveOptions(options);
  const label = supervisorLabel(o.modelName);

  /** Runs one role turn, timing it and recording its step (and its rejections). */
  const turn =
    (role: Role | 'fallback', work: (state: State) => Promise<TurnResult>) =>
    async (state: State): Promise<Update> => {
      const started = o.now();
      const { update, step, rejections = [] } = await work(state);
      const ms = Math.round((o.now() - started) * 1000) / 1000;
      return { ...update, steps: [{ role, ms, ...step }], rejections };
    };

  /** A role that gave no valid answer: the failure routes to the fallback. */
  const failed = (role: Role, asked: Asked<unknown>) => ({
    update: {
      failure: {
        role,
        reason: `${o.modelName} as ${ROLE_LABELS[role]} gave no valid answer in ${o.maxAttempts} attempt(s)`,
      },
    },
    step: {
      summary: `no valid answer in ${o.maxAttempts} attempt(s)`,
      modelCalls: asked.modelCalls,
      tokens: asked.tokens,
    },
    rejections: asked.rejections,
  });

  const supervisor = (state: State): Promise<Update> => {
    const next = routeNext(state, o.maxRevisions);
    const review = state.review?.review;
    const revising = next === 'financial' && review?.decision === 'revise';
    return Promise.resolve({ next, route: [next], objections: revising ? [review.reason] : [] });
  };

  const research = turn('research', async (state) => {
    if (!o.model) {
      const notes = researchNotesFromRules(state.snapshot, o.limits);
      return { update: { notes }, step: { summary: notes.summary, modelCalls: 0, tokens: null } };
    }
    const asked = await askModel(
      { ...o, model: o.model },
      'research',
      { system: RESEARCH_PROMPT, human: promptFor(state.symbol, state.snapshot, state.context) },
      (text) => checkResearchAnswer(text, state.snapshot),
    );
    if (!asked.value) return failed('research', asked);
    return {
      update: { notes: asked.value },
      step: {
        summary: `${asked.value.notes.length} notes (${asked.value.notes.map((n) => n.indicator).join(', ')}): ${asked.value.summary}`,
        modelCalls: asked.modelCalls,
        tokens: asked.tokens,
      },
      rejections: asked.rejections,
    };
  });

  const financial = turn('financial', async (state) => {
    const previous = state.draft;
    const objection =
      previous && state.review?.review.decision === 'revise' ? state.review.review.reason : null;
    const round = previous ? previous.round + 1 : 0;
    const prefix = objection ? `revision ${round}: ` : '';
    if (!o.model) {
      const view = deterministicAnalyst(state.snapshot, o.analystParams);
      return {
        update: { draft: { view, round } },
        step: {
          summary: `${prefix}${view.stance} (confidence ${fixed(view.confidence)})`,
          modelCalls: 0,
          tokens: null,
        },
      };
    }
    const { params, ...indicators } = state.snapshot;
    const human = JSON.stringify({
      symbol: state.symbol,
      indicators,
      indicatorParams: params,
      researchNotes: state.notes,
      ...(objection && previous
        ? { previousView: previous.llmView ?? previous.view, riskOfficerObjection: objection }
        : {}),
    });
    const asked = await askModel(
      { ...o, model: o.model },
      'financial',
      { system: FINANCIAL_PROMPT, human },
      (text) => {
        const checked = validateModelAnswer(text);
        return checked.ok ? { ok: true, value: checked.view } : checked;
      },
    );
    if (!asked.value) return failed('financial', asked);
    const llmView = asked.value;
    return {
      update: { draft: { view: toAnalystView(llmView), llmView, round } },
      step: {
        summary: `${prefix}${llmView.direction} (confidence ${fixed(llmView.confidence)}, horizon ${llmView.horizon})`,
        modelCalls: asked.modelCalls,
        tokens: asked.tokens,
      },
      rejections: asked.rejections,
    };
  });

  const riskOfficer = turn('riskOfficer', async (state) => {
    const draft = state.draft as Draft;
    const revisionAvailable = draft.round < o.maxRevisions;
    if (!o.model) {
      const review = reviewByRules(draft.view, state.snapshot, o.limits);
      return {
        update: { review: { review, round: draft.round } },
        step: { summary: describeReview(review), modelCalls: 0, tokens: null },
      };
    }
    const asked = await askModel(
      { ...o, model: o.model },
      'riskOfficer',
      {
        system: RISK_OFFICER_PROMPT,
        human: riskOfficerPrompt(
          state.symbol,
          state.snapshot,
          draft.llmView ?? draft.view,
          o.limits,
          revisionAvailable,
        ),
      },
      (text) => checkRiskReviewAnswer(text, draft.view.confidence, revisionAvailable),
    );
    if (!asked.value) return failed('riskOfficer', asked);
    return {
      update: { review: { review: asked.value, round: draft.round } },
      step: { summary: describeReview(asked.value), modelCalls: asked.modelCalls, tokens: asked.tokens },
      rejections: asked.rejections,
    };
  });

  const finish = (state: State): Promise<Update> => Promise.resolve({ final: finalView(state, o) });

  const fallback = turn('fallback', (state) => {
    const reason = (state.failure as RoleFailure).reason;
    const view = deterministicAnalyst(state.snapshot, o.analystParams);
    return Promise.resolve({
      update: { final: { ...view, rationale: [...view.rationale, `${reason}; deterministic analyst used`] } },
      step: {
        summary: `deterministic analyst: ${view.stance} (confidence ${fixed(view.confidence)})`,
        modelCalls: 0,
        tokens: null,
      },
    });
  });

  const graph = new StateGraph(SupervisorState)
    .addNode('supervisor', supervisor)
    .addNode('research', research)
    .addNode('financial', financial)
    .addNode('riskOfficer', riskOfficer)
    .addNode('finish', finish)
    .addNode('fallback', fallback)
    .addEdge(START, 'supervisor')
    .addConditionalEdges('supervisor', (state: State) => state.next, [...SUPERVISOR_ROUTES])
    .addEdge('research', 'supervisor')
    .addEdge('financial', 'supervisor')
    .addEdge('riskOfficer', 'supervisor')
    .addEdge('finish', END)
    .addEdge('fallback', END)
    .compile({ name: 'supervisor' });

  // Supersteps one symbol can take: each role turn and the finish, each after a supervisor visit.
  const recursionLimit = 2 * (3 + 2 * (o.maxRevisions + 1));
  return {
    graph,
    label,
    options: o,
    /** Runs the graph for one symbol; the final state carries the route, steps, rejections and final view. */
    run: (symbol: string, snapshot: IndicatorSnapshot, context?: AnalystContext) =>
      graph.invoke({ symbol, snapshot, context }, { recursionLimit }),
  };
}

export type SupervisorGraph = ReturnType<typeof buildSupervisorGraph>;
export type SupervisorFinalState = State;

function sumTokens(steps: AnalystStep[]): TokenUsage | null {
  return steps.reduce<TokenUsage | null>((total, step) => {
    if (!step.tokens) return total;
    const base = total ?? { input: 0, output: 0, total: 0 };
    return {
      input: base.input + step.tokens.input,
      output: base.output + step.tokens.output,
      total: base.total + step.tokens.total,
    };
  }, null);
}

/**
 * The supervisor graph as an `LlmAnalyst`: `buildSignalGraph({ llm: createSupervisorAnalyst({ model, modelName }) })`
 * runs it in place of the flat LLM analyst; `createSupervisorAnalyst()` runs it offline on rules.
 */
export function createSupervisorAnalyst(options: SupervisorAnalystOptions = {}): LlmAnalyst {
  const supervisor = buildSupervisorGraph(options);
  const o = supervisor.options;
  return async (symbol, snapshot, context) => {
    const started = o.now();
    const state = await supervisor.run(symbol, snapshot, context);
    const view = state.final as AnalystView;
    const steps = state.steps;
    const fallback = state.failure ? { reason: state.failure.reason } : undefined;
    const horizon = !fallback ? state.draft?.llmView?.horizon : undefined;
    const run: AnalystRun = {
      kind: o.model && !fallback ? 'llm' : 'deterministic',
      model: supervisor.label,
      modelCalls: steps.reduce((sum, step) => sum + step.modelCalls, 0),
      tokens: sumTokens(steps),
      latencyMs: Math.round(o.now() - started),
      rejections: state.rejections,
      ...(fallback ? { fallback } : {}),
      ...(horizon ? { horizon } : {}),
      steps,
    };
    return { view, run };
  };
}
