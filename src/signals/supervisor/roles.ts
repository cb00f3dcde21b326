/**
 * The three roles of the supervisor graph, each in two forms: a prompt plus a zod schema for a chat model's answer,
 * and deterministic rules that produce the same kind of output offline.
 *
 *   research analyst   snapshot → research notes: which indicators matter and why (`researchNotesSchema`);
 *   financial analyst  snapshot + notes (+ the risk officer's objection on a revision) → the trading view, held to
 *                      the flat LLM analyst's `llmViewSchema`; offline it is `deterministicAnalyst`;
 *   risk officer       view + risk context (realized volatility, drawdown) → approve, cap the confidence, or send
 *                      the view back for a revision (`riskReviewSchema`); offline: cap the confidence when
 *                      volatility or drawdown is beyond the desk's limits.
 *
 * Model answers are checked twice: the schema (strict, as for the flat analyst), then against the situation (a
 * note about an indicator the series is too short for, a "cap" that does not lower the confidence, a "revise" when
 * no revision is left). Either failure is a rejection with the reason, which the model sees on its next attempt.
 */
import { z } from 'zod';
import type { AnalystView } from '../analyst';
import { CITABLE_INDICATORS, HORIZONS, parseModelJson, type LlmView } from '../llm-analyst';
import type { IndicatorSnapshot } from '../snapshot';
import { assertFiniteInRange, withDefaults } from '../validation';

export const ROLES = ['research', 'financial', 'riskOfficer'] as const;
export type Role = (typeof ROLES)[number];

/** How each role is named in rationales, rejections and fallback reasons. */
export const ROLE_LABELS: Readonly<Record<Role, string>> = Object.freeze({
  research: 'research analyst',
  financial: 'financial analyst',
  riskOfficer: 'risk officer',
});

export type CheckResult<T> = { ok: true; value: T } | { ok: false; reason: string };

function describeZodIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

/** A model's text answer parsed as JSON (a ```json fence tolerated) and held to `schema`. */
export function checkJsonAnswer<T>(schema: z.ZodType<T>, text: string): CheckResult<T> {
  let json: unknown;
  try {
    json = parseModelJson(text);
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
  const parsed = schema.safeParse(json);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, reason: `schema: ${describeZodIssues(parsed.error)}` };
}

const percent = (x: number) => `${(x * 100).toFixed(1)}%`;

// ---------------------------------------------------------------------------------------------------------------
// Research analyst

export const researchNotesSchema = z
  .object({
    notes: z
      .array(
        z
          .object({
            indicator: z.enum(CITABLE_INDICATORS),
            note: z.string().trim().min(1).max(400),
          })
          .strict(),
      )
      .min(1)
      .max(CITABLE_INDICATORS.length),
    summary: z.string().trim().min(1).max(1000),
  })
  .strict();

export type ResearchNotes = z.infer<typeof researchNotesSchema>;

export const RESEARCH_PROMPT = [
  'You are the research analyst of a trading desk. You receive one symbol and its technical indicators as JSON.',
  'Write short research notes for the financial analyst: which indicators matter for this symbol now, and why.',
  'Answer with exactly one JSON object and nothing else, with these keys:',
  `"notes": 1 to ${CITABLE_INDICATORS.length} objects {"indicator": one of ${CITABLE_INDICATORS.join(', ')}, "note": one sentence that cites its number};`,
  '"summary": one sentence.',
  'Only note indicators whose value is not null.',
].join('\n');

/** Schema, then: every noted indicator must have a value (a null one means the series is too short for it). */
export function checkResearchAnswer(text: string, snapshot: IndicatorSnapshot): CheckResult<ResearchNotes> {
  const checked = checkJsonAnswer(researchNotesSchema, text);
  if (!checked.ok) return checked;
  const missing = checked.value.notes
    .map((n, i) => ({ i, indicator: n.indicator }))
    .filter(({ indicator }) => snapshot[indicator] === null);
  if (missing.length > 0) {
    return {
      ok: false,
      reason: missing
        .map(({ i, indicator }) => `notes.${i}.indicator: ${indicator} is null for this series`)
        .join('; '),
    };
  }
  return checked;
}

/** Offline research notes: one line per available indicator, with its number and reading. */
export function researchNotesFromRules(
  snapshot: IndicatorSnapshot,
  limits: RiskOfficerLimits,
): ResearchNotes {
  const s = snapshot;
  const p = s.params;
  const notes: ResearchNotes['notes'] = [];
  if (s.crossover !== null) {
    const c = s.crossover;
    notes.push({
      indicator: 'crossover',
      note:
        `SMA(${p.smaFastWindow}) ${c.fast.toFixed(2)} vs SMA(${p.smaSlowWindow}) ${c.slow.toFixed(2)}: ` +
        `${c.state} crossover${c.crossedToday ? ', crossed today' : ''}`,
    });
  }
  if (s.emaFast !== null && s.emaSlow !== null) {
    notes.push({
      indicator: 'emaFast',
      note:
        `EMA(${p.emaFastSpan}) ${s.emaFast.toFixed(2)} ${s.emaFast >= s.emaSlow ? '≥' : '<'} ` +
        `EMA(${p.emaSlowSpan}) ${s.emaSlow.toFixed(2)}: ${s.emaFast >= s.emaSlow ? 'up' : 'down'}trend`,
    });
  }
  if (s.rsi !== null) {
    const reading = s.rsi > 70 ? 'overbought' : s.rsi < 30 ? 'oversold' : 'neither overbought nor oversold';
    notes.push({ indicator: 'rsi', note: `RSI(${p.rsiPeriod}) ${s.rsi.toFixed(1)}: ${reading}` });
  }
  if (s.momentum !== null) {
    notes.push({
      indicator: 'momentum',
      note: `${p.momentumLookback}-period momentum ${s.momentum >= 0 ? '+' : ''}${percent(s.momentum)}`,
    });
  }
  if (s.realizedVolatility !== null) {
    const beyond = s.realizedVolatility > limits.volatility;
    notes.push({
      indicator: 'realizedVolatility',
      note: `annualized volatility ${percent(s.realizedVolatility)}, ${beyond ? 'above' : 'within'} the ${percent(limits.volatility)} limit`,
    });
  }
  if (s.drawdown !== null) {
    const beyond = s.drawdown < -limits.drawdown;
    notes.push({
      indicator: 'drawdown',
      note: `${percent(s.drawdown)} from the peak, ${beyond ? 'beyond' : 'within'} the -${percent(limits.drawdown)} limit`,
    });
  }
  const trend = s.crossover?.state ?? 'unknown';
  const summary =
    notes.length === 0
      ? `no indicator available from ${s.observations} closes`
      : `${notes.length} indicator${notes.length === 1 ? '' : 's'} from ${s.observations} closes; trend ${trend}, ` +
        `volatility ${s.realizedVolatility === null ? 'unknown' : percent(s.realizedVolatility)}`;
  return { notes, summary };
}

// ---------------------------------------------------------------------------------------------------------------
// Financial analyst

export const FINANCIAL_PROMPT = [
  'You are the financial analyst of a trading desk. You receive one symbol, its technical indicators and the',
  "research analyst's notes as JSON. On a revision you also receive your previous view and the risk officer's",
  'objection: address it.',
  'Answer with exactly one JSON object and nothing else, with these keys:',
  '"direction": "long" | "short" | "flat";',
  '"confidence": a number from 0 to 1;',
  `"horizon": one of ${HORIZONS.map((h) => `"${h}"`).join(', ')};`,
  '"rationale": one or two sentences that cite the numbers you used;',
  `"citedIndicators": the indicator keys you relied on, from ${CITABLE_INDICATORS.join(', ')}.`,
].join('\n');

// ---------------------------------------------------------------------------------------------------------------
// Risk officer

export interface RiskOfficerLimits {
  /** Annualized realized volatility above which a view's confidence is capped (0.4 = 40 %). */
  volatility: number;
  /** Distance below the peak beyond which a view's confidence is capped (0.2 = a drawdown worse than −20 %). */
  drawdown: number;
  /** The confidence cap applied when a limit is exceeded. */
  confidenceCap: number;
}

export const DEFAULT_RISK_OFFICER_LIMITS: Readonly<RiskOfficerLimits> = Object.freeze({
  volatility: 0.4,
  drawdown: 0.2,
  confidenceCap: 0.6,
});

export function resolveRiskOfficerLimits(overrides?: Partial<RiskOfficerLimits>): RiskOfficerLimits {
  const fn = 'createSupervisorAnalyst';
  const limits = withDefaults(fn, DEFAULT_RISK_OFFICER_LIMITS, overrides);
  assertFiniteInRange(fn, 'riskLimits.volatility', limits.volatility, Number.MIN_VALUE, Number.MAX_VALUE);
  assertFiniteInRange(fn, 'riskLimits.drawdown', limits.drawdown, Number.MIN_VALUE, 1);
  assertFiniteInRange(fn, 'riskLimits.confidenceCap', limits.confidenceCap, 0, 1);
  return limits;
}

const reason = z.string().trim().min(1).max(1000);

export const riskReviewSchema = z.discriminatedUnion('decision', [
  z.object({ decision: z.literal('approve'), reason }).strict(),
  z.object({ decision: z.literal('cap'), maxConfidence: z.number().min(0).max(1), reason }).strict(),
  z.object({ decision: z.literal('revise'), reason }).strict(),
]);

export type RiskReview = z.infer<typeof riskReviewSchema>;

export const RISK_OFFICER_PROMPT = [
  'You are the risk officer of a trading desk. You receive a trading view on one symbol, the risk context',
  "(annualized realized volatility, drawdown from the peak) and the desk's policy limits as JSON.",
  'Decide whether the view may go on, and answer with exactly one JSON object and nothing else:',
  '{"decision": "approve", "reason": "..."} when the confidence is acceptable for the risk;',
  '{"decision": "cap", "maxConfidence": a number below the view\'s confidence, "reason": "..."} to lower it;',
  '{"decision": "revise", "reason": "..."} to send the view back to the financial analyst with your objection,',
  'only when "revisionAvailable" is true.',
].join('\n');

export function riskOfficerPrompt(
  symbol: string,
  snapshot: IndicatorSnapshot,
  view: LlmView | AnalystView,
  limits: RiskOfficerLimits,
  revisionAvailable: boolean,
): string {
  return JSON.stringify({
    symbol,
    view,
    riskContext: {
      realizedVolatility: snapshot.realizedVolatility,
      drawdown: snapshot.drawdown,
      observations: snapshot.observations,
    },
    policy: {
      volatilityLimit: limits.volatility,
      drawdownLimit: -limits.drawdown,
      confidenceCapBeyondLimits: limits.confidenceCap,
    },
    revisionAvailable,
  });
}

/** Schema, then the situation: a cap must lower the confidence, and "revise" needs a revision left. */
export function checkRiskReviewAnswer(
  text: string,
  viewConfidence: number,
  revisionAvailable: boolean,
): CheckResult<RiskReview> {
  const checked = checkJsonAnswer(riskReviewSchema, text);
  if (!checked.ok) return checked;
  const review = checked.value;
  if (review.decision === 'cap' && review.maxConfidence >= viewConfidence) {
    return {
      ok: false,
      reason: `maxConfidence ${review.maxConfidence} must be below the view's confidence ${viewConfidence} (approve instead)`,
    };
  }
  if (review.decision === 'revise' && !revisionAvailable) {
    return { ok: false, reason: 'decision: no revision left; approve or cap' };
  }
  return checked;
}

/** The limits the snapshot breaches, as readable lines (empty: within limits or unknown). */
export function limitBreaches(snapshot: IndicatorSnapshot, limits: RiskOfficerLimits): string[] {
  const breaches: string[] = [];
  if (snapshot.realizedVolatility !== null && snapshot.realizedVolatility > limits.volatility) {
    breaches.push(
      `realized volatility ${percent(snapshot.realizedVolatility)} > ${percent(limits.volatility)}`,
    );
  }
  if (snapshot.drawdown !== null && snapshot.drawdown < -limits.drawdown) {
    breaches.push(`drawdown ${percent(snapshot.drawdown)} beyond -${percent(limits.drawdown)}`);
  }
  return breaches;
}

/**
 * Offline risk officer: beyond a limit, a confidence above the cap is capped; otherwise approved. It never asks for
 * a revision (the deterministic financial analyst would answer the same again).
 */
export function reviewByRules(
  view: AnalystView,
  snapshot: IndicatorSnapshot,
  limits: RiskOfficerLimits,
): RiskReview {
  const breaches = limitBreaches(snapshot, limits);
  if (breaches.length === 0) return { decision: 'approve', reason: 'volatility and drawdown within limits' };
  if (view.confidence > limits.confidenceCap) {
    return { decision: 'cap', maxConfidence: limits.confidenceCap, reason: breaches.join('; ') };
  }
  return {
    decision: 'approve',
    reason: `${breaches.join('; ')}, but confidence ${view.confidence.toFixed(2)} is within the ${limits.confidenceCap.toFixed(2)} cap`,
  };
}

export function describeReview(review: RiskReview): string {
  switch (review.decision) {
    case 'approve':
      return `approved: ${review.reason}`;
    case 'cap':
      return `confidence capped at ${review.maxConfidence.toFixed(2)}: ${review.reason}`;
    case 'revise':
      return `sent back for revision: ${review.reason}`;
  }
}
