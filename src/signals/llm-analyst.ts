/**
 * An analyst backed by a chat model (any LangChain chat model: OpenAI-compatible, Ollama, or a scripted fake in
 * tests). The model gets the indicator snapshot as JSON and must answer with one JSON object that `llmViewSchema`
 * accepts: direction, confidence in [0, 1], horizon, rationale and the indicators it relied on.
 *
 * Untrusted output is never used as is: an answer that is not JSON, or fails the schema (e.g. confidence 1.3, an
 * indicator that does not exist), is rejected with the reason, and the model is asked again with that reason, up to
 * `maxAttempts` calls in all. A call that errors or exceeds `timeoutMs` counts as a failed attempt too. When every
 * attempt fails, the deterministic analyst answers instead and the view says so (`run.fallback`). Each view carries
 * what the call cost: model calls, tokens (as the provider reports them) and latency.
 */
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { type AIMessage, HumanMessage, SystemMessage, type BaseMessage } from '@langchain/core/messages';
import { z } from 'zod';
import { type AnalystParams, type AnalystView, deterministicAnalyst, tidy } from './analyst';
import type { IndicatorSnapshot } from './snapshot';

/** Snapshot fields an LLM may cite (everything but the bookkeeping `observations` and `params`). */
export const CITABLE_INDICATORS = [
  'lastClose',
  'smaFast',
  'smaSlow',
  'emaFast',
  'emaSlow',
  'crossover',
  'rsi',
  'momentum',
  'realizedVolatility',
  'drawdown',
] as const;

export const HORIZONS = ['1d', '1w', '1m', '3m'] as const;

/** What the model must return. Strict: unknown keys are a rejection, not silently dropped. */
export const llmViewSchema = z
  .object({
    direction: z.enum(['long', 'short', 'flat']),
    confidence: z.number().min(0).max(1),
    horizon: z.enum(HORIZONS),
    rationale: z.string().trim().min(1).max(2000),
    citedIndicators: z.array(z.enum(CITABLE_INDICATORS)).min(1).max(CITABLE_INDICATORS.length),
  })
  .strict();

export type LlmView = z.infer<typeof llmViewSchema>;

export interface TokenUsage {
  input: number;
  output: number;
  total: number;
}

/** One role's turn in a multi-role analyst (the supervisor graph): what it produced and what it cost. */
export interface AnalystStep {
  /** e.g. "research", "financial", "riskOfficer". */
  role: string;
  summary: string;
  ms: number;
  modelCalls: number;
  tokens: TokenUsage | null;
}

/** How an analyst produced its view: recorded with the signal and in the graph's trace. */
export interface AnalystRun {
  /**
   * 'llm' when the model's answer was used; 'deterministic' by configuration or after a fallback; 'custom' for an
   * analyst plugged in through `SignalGraphOptions.analyst`.
   */
  kind: 'llm' | 'deterministic' | 'custom';
  /** e.g. "openai:gpt-4o-mini" or "ollama:llama3.1"; absent for the deterministic analyst by configuration. */
  model?: string;
  /** Model calls made (0 for the deterministic analyst). */
  modelCalls: number;
  /** Summed over all calls; null when the provider reported no usage. */
  tokens: TokenUsage | null;
  latencyMs: number;
  /** Why each rejected attempt was rejected, in order. */
  rejections: string[];
  /** Set when the LLM failed every attempt and the deterministic analyst answered instead. */
  fallback?: { reason: string };
  /** The model's horizon, when its answer was used. */
  horizon?: (typeof HORIZONS)[number];
  /** Multi-role analysts (the supervisor graph): each role's turn, in order; revisions appear as repeated roles. */
  steps?: AnalystStep[];
}

export interface LlmAnalystOptions {
  model: BaseChatModel;
  /** Recorded on each view, e.g. "openai:gpt-4o-mini". */
  modelName: string;
  /** Model calls allowed per view, retries included (default 3). */
  maxAttempts?: number;
  /** Per call (default 30 s). */
  timeoutMs?: number;
  /** Parameters of the deterministic fallback. */
  fallbackParams?: Partial<AnalystParams>;
  /** The clock latency is measured with (default performance.now). */
  now?: () => number;
}

export const SYSTEM_PROMPT = [
  'You are an equity analyst. You receive one symbol and its technical indicators as JSON.',
  'Answer with exactly one JSON object and nothing else, with these keys:',
  '"direction": "long" | "short" | "flat";',
  '"confidence": a number from 0 to 1;',
  `"horizon": one of ${HORIZONS.map((h) => `"${h}"`).join(', ')};`,
  '"rationale": one or two sentences that cite the numbers you used;',
  `"citedIndicators": the indicator keys you relied on, from ${CITABLE_INDICATORS.join(', ')}.`,
].join('\n');

/** The user message: the symbol, its indicators (and their parameters), and the context when there is one. */
export function promptFor(symbol: string, snapshot: IndicatorSnapshot, context?: AnalystContext): string {
  const { params, ...indicators } = snapshot;
  return JSON.stringify({
    symbol,
    indicators,
    indicatorParams: params,
    ...(context ? { recentDailyReturns: context.recentReturns } : {}),
    ...(context?.bookRisk ? { bookRisk: context.bookRisk } : {}),
  });
}

/** The JSON object inside a model's text answer, tolerating a ```json fence around it. */
export function parseModelJson(text: string): unknown {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(text);
  const body = (fenced ? fenced[1] : text).trim();
  try {
    return JSON.parse(body) as unknown;
  } catch (error) {
    throw new Error(`not valid JSON (${(error as Error).message}): ${JSON.stringify(body.slice(0, 120))}`, {
      cause: error,
    });
  }
}

/** Checks a model answer against the schema; returns the view or the reason it was rejected. */
export function validateModelAnswer(
  text: string,
): { ok: true; view: LlmView } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = parseModelJson(text);
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
  const parsed = llmViewSchema.safeParse(json);
  if (parsed.success) return { ok: true, view: parsed.data };
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  return { ok: false, reason: `schema: ${issues}` };
}

/** The LLM's answer in the analyst vocabulary shared with the deterministic analyst. */
export function toAnalystView(view: LlmView): AnalystView {
  const stance = view.direction === 'long' ? 'bullish' : view.direction === 'short' ? 'bearish' : 'neutral';
  const score = stance === 'bullish' ? view.confidence : stance === 'bearish' ? -view.confidence : 0;
  return {
    stance,
    score: tidy(score),
    confidence: view.confidence,
    rationale: [view.rationale, `LLM view: ${view.direction}, horizon ${view.horizon}`],
    citedIndicators: [...view.citedIndicators],
  };
}

export function textOf(message: AIMessage): string {
  if (typeof message.content === 'string') return message.content;
  return message.content
    .map((part) => (typeof part === 'string' ? part : part.type === 'text' ? String(part.text) : ''))
    .join('');
}

export function addUsage(total: TokenUsage | null, message: AIMessage): TokenUsage | null {
  const usage = message.usage_metadata;
  if (!usage) return total;
  const base = total ?? { input: 0, output: 0, total: 0 };
  return {
    input: base.input + usage.input_tokens,
    output: base.output + usage.output_tokens,
    total: base.total + usage.total_tokens,
  };
}

/**
 * One model call that gives up after `timeoutMs`: the abort signal cancels the HTTP request of real clients, and
 * the race makes sure a client that ignores it cannot hold the analyst longer.
 */
export async function invokeWithTimeout(model: BaseChatModel, messages: BaseMessage[], timeoutMs: number) {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new Error(`timed out after ${timeoutMs} ms`);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    return await Promise.race([model.invoke(messages, { signal: controller.signal }), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** The book as the run's risk stage saw it: what an analyst may weigh beyond the symbol's own prices. */
export interface BookRiskSnapshot {
  /** Historical VaR over the VaR limit, when the book has one (≥ 1: at or over the limit). */
  varUtilisation?: number;
  /** Limit breaches the book has today. */
  breaches: number;
  /** The symbol's signed share of the book's gross notional (0 when not held). */
  weight: number;
}

/** Context beside the indicator snapshot. */
export interface AnalystContext {
  /** The latest daily simple returns, oldest first. */
  recentReturns: number[];
  bookRisk?: BookRiskSnapshot;
}

export interface LlmAnalyst {
  (
    symbol: string,
    snapshot: IndicatorSnapshot,
    context?: AnalystContext,
  ): Promise<{ view: AnalystView; run: AnalystRun }>;
}

export function createLlmAnalyst(options: LlmAnalystOptions): LlmAnalyst {
  const maxAttempts = options.maxAttempts ?? 3;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const now = options.now ?? (() => performance.now());
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 10) {
    throw new RangeError(`maxAttempts must be a whole number from 1 to 10, got ${maxAttempts}`);
  }
  if (!(timeoutMs > 0)) throw new RangeError(`timeoutMs must be positive, got ${timeoutMs}`);

  return async (symbol, snapshot, context) => {
    const started = now();
    const messages: BaseMessage[] = [
      new SystemMessage(SYSTEM_PROMPT),
      new HumanMessage(promptFor(symbol, snapshot, context)),
    ];
    const rejections: string[] = [];
    let tokens: TokenUsage | null = null;
    let modelCalls = 0;
    for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
      modelCalls += 1;
      let answer: AIMessage;
      try {
        answer = await invokeWithTimeout(options.model, messages, timeoutMs);
      } catch (error) {
        rejections.push(`attempt ${attempt}: model call failed: ${(error as Error).message}`);
        continue;
      }
      tokens = addUsage(tokens, answer);
      const text = textOf(answer);
      const checked = validateModelAnswer(text);
      if (checked.ok) {
        return {
          view: toAnalystView(checked.view),
          run: {
            kind: 'llm',
            model: options.modelName,
            modelCalls,
            tokens,
            latencyMs: Math.round(now() - started),
            rejections,
            horizon: checked.view.horizon,
          },
        };
      }
      rejections.push(`attempt ${attempt}: ${checked.reason}`);
      // Show the model its answer and why it was refused, so the retry can correct it.
      messages.push(
        answer,
        new HumanMessage(`Your answer was rejected: ${checked.reason}. Reply with the JSON only.`),
      );
    }
    const reason = `${options.modelName} gave no valid answer in ${maxAttempts} attempt(s)`;
    const fallback = deterministicAnalyst(snapshot, options.fallbackParams);
    return {
      view: { ...fallback, rationale: [...fallback.rationale, `${reason}; deterministic analyst used`] },
      run: {
        kind: 'deterministic',
        model: options.modelName,
        modelCalls,
        tokens,
        latencyMs: Math.round(now() - started),
        rejections,
        fallback: { reason },
      },
    };
  };
}
