/**
 * Analysts turn an indicator snapshot into a view (stance, score, confidence, reasons). The deterministic analyst
 * here is rules over the indicators; other analysts (e.g. LLM-backed) plug in through the `Analyst` type and are
 * held to the same `analystViewSchema`.
 *
 * Deterministic rules, each voting its weight towards +1 (bullish) or −1 (bearish):
 *   1. SMA crossover state: fast SMA above slow → +crossoverWeight, below → −crossoverWeight.
 *   2. EMA trend: fast EMA above slow → +emaTrendWeight, below → −emaTrendWeight.
 *   3. Momentum: above +momentumDeadband → +momentumWeight, below −momentumDeadband → −momentumWeight.
 *   4. RSI (contrarian): above rsiOverbought → −rsiWeight, below rsiOversold → +rsiWeight (strict inequalities).
 * score = sum of votes clamped to [−1, 1]; stance bullish when score ≥ stanceThreshold, bearish when
 * ≤ −stanceThreshold, else neutral. The default threshold (0.35) exceeds every single weight, so a stance needs at
 * least two agreeing rules. confidence = 0.5 + 0.5·|score|, multiplied by volatilityCeiling / realizedVolatility
 * when volatility is above the ceiling (a trend in a wild market is less trustworthy); 0 when no rule could be
 * evaluated. Indicators missing from a short series simply do not vote.
 */
import { z } from 'zod';
import { compareWithTolerance } from './indicators';
import type { IndicatorSnapshot } from './snapshot';
import { assertFiniteInRange, withDefaults } from './validation';

export type Stance = 'bullish' | 'bearish' | 'neutral';

export interface AnalystView {
  stance: Stance;
  /** Net evidence in [−1, 1]: −1 all bearish, +1 all bullish. */
  score: number;
  /** How much to trust the stance, in [0, 1]. */
  confidence: number;
  /** One line per rule that fired (with its numbers), then the summary. */
  rationale: string[];
  /** Snapshot keys the view relied on. */
  citedIndicators: string[];
}

/** Pluggable analyst: the deterministic one below by default, an LLM-backed one later. */
export type Analyst = (snapshot: IndicatorSnapshot) => Promise<AnalystView>;

/** What any analyst must return; the graph checks pluggable analysts' output against it. */
export const analystViewSchema = z.object({
  stance: z.enum(['bullish', 'bearish', 'neutral']),
  score: z.number().min(-1).max(1),
  confidence: z.number().min(0).max(1),
  rationale: z.array(z.string()),
  citedIndicators: z.array(z.string()),
});

export interface AnalystParams {
  crossoverWeight: number;
  emaTrendWeight: number;
  momentumWeight: number;
  rsiWeight: number;
  rsiOverbought: number;
  rsiOversold: number;
  /** |momentum| at or below this does not vote (a flat series must not vote on rounding noise). */
  momentumDeadband: number;
  stanceThreshold: number;
  /** Annualized volatility above which confidence is scaled down by ceiling / volatility. */
  volatilityCeiling: number;
}

export const DEFAULT_ANALYST_PARAMS: Readonly<AnalystParams> = Object.freeze({
  crossoverWeight: 0.3,
  emaTrendWeight: 0.3,
  momentumWeight: 0.2,
  rsiWeight: 0.2,
  rsiOverbought: 70,
  rsiOversold: 30,
  momentumDeadband: 0.01,
  stanceThreshold: 0.35,
  volatilityCeiling: 0.4,
});

export function resolveAnalystParams(overrides?: Partial<AnalystParams>): AnalystParams {
  const fn = 'deterministicAnalyst';
  const params = withDefaults(fn, DEFAULT_ANALYST_PARAMS, overrides);
  for (const key of ['crossoverWeight', 'emaTrendWeight', 'momentumWeight', 'rsiWeight'] as const) {
    assertFiniteInRange(fn, key, params[key], 0, 1);
  }
  assertFiniteInRange(fn, 'rsiOversold', params.rsiOversold, 0, 100);
  assertFiniteInRange(fn, 'rsiOverbought', params.rsiOverbought, params.rsiOversold, 100);
  assertFiniteInRange(fn, 'momentumDeadband', params.momentumDeadband, 0, Number.MAX_VALUE);
  assertFiniteInRange(fn, 'stanceThreshold', params.stanceThreshold, Number.MIN_VALUE, 1);
  assertFiniteInRange(fn, 'volatilityCeiling', params.volatilityCeiling, Number.MIN_VALUE, Number.MAX_VALUE);
  return params;
}

/**
 * Rounds away float dust (0.3 + 0.3 + 0.2 − 0.2 = 0.6000000000000001) so scores compare cleanly to thresholds;
 * `+ 0` turns −0 into 0.
 */
export function tidy(x: number): number {
  return Math.round(x * 1e12) / 1e12 + 0;
}

const price = (x: number) => x.toFixed(2);
const percent = (x: number) => `${(x * 100).toFixed(2)}%`;
const vote = (x: number) => (x >= 0 ? `+${x.toFixed(2)}` : x.toFixed(2));

interface Vote {
  weight: number;
  line: string;
  cited: string[];
}

function crossoverVote(s: IndicatorSnapshot, p: AnalystParams): Vote | null {
  const c = s.crossover;
  if (c === null || c.state === 'neutral') return null;
  const weight = c.state === 'bullish' ? p.crossoverWeight : -p.crossoverWeight;
  const relation = c.state === 'bullish' ? '>' : '<';
  const crossed = c.crossedToday ? ', crossed today' : '';
  return {
    weight,
    line:
      `SMA(${s.params.smaFastWindow}) ${price(c.fast)} ${relation} SMA(${s.params.smaSlowWindow}) ` +
      `${price(c.slow)}: ${c.state} crossover${crossed} (${vote(weight)})`,
    cited: ['crossover'],
  };
}

function emaTrendVote(s: IndicatorSnapshot, p: AnalystParams): Vote | null {
  if (s.emaFast === null || s.emaSlow === null) return null;
  const order = compareWithTolerance(s.emaFast, s.emaSlow);
  if (order === 0) return null;
  const weight = order > 0 ? p.emaTrendWeight : -p.emaTrendWeight;
  return {
    weight,
    line:
      `EMA(${s.params.emaFastSpan}) ${price(s.emaFast)} ${order > 0 ? '>' : '<'} EMA(${s.params.emaSlowSpan}) ` +
      `${price(s.emaSlow)}: ${order > 0 ? 'up' : 'down'}trend (${vote(weight)})`,
    cited: ['emaFast', 'emaSlow'],
  };
}

function momentumVote(s: IndicatorSnapshot, p: AnalystParams): Vote | null {
  if (s.momentum === null || Math.abs(s.momentum) <= p.momentumDeadband) return null;
  const weight = s.momentum > 0 ? p.momentumWeight : -p.momentumWeight;
  return {
    weight,
    line:
      `${s.params.momentumLookback}-period momentum ${percent(s.momentum)} ${s.momentum > 0 ? '>' : '<'} ` +
      `${s.momentum > 0 ? '+' : '-'}${percent(p.momentumDeadband)} (${vote(weight)})`,
    cited: ['momentum'],
  };
}

function rsiVote(s: IndicatorSnapshot, p: AnalystParams): Vote | null {
  if (s.rsi === null) return null;
  const label = `RSI(${s.params.rsiPeriod}) ${s.rsi.toFixed(1)}`;
  if (s.rsi > p.rsiOverbought) {
    return {
      weight: -p.rsiWeight,
      line: `${label} > ${p.rsiOverbought}: overbought (${vote(-p.rsiWeight)})`,
      cited: ['rsi'],
    };
  }
  if (s.rsi < p.rsiOversold) {
    return {
      weight: p.rsiWeight,
      line: `${label} < ${p.rsiOversold}: oversold (${vote(p.rsiWeight)})`,
      cited: ['rsi'],
    };
  }
  return null;
}

/** Rules over the snapshot; see the module comment for the exact rules. Pure and synchronous. */
export function deterministicAnalyst(
  snapshot: IndicatorSnapshot,
  overrides?: Partial<AnalystParams>,
): AnalystView {
  const p = resolveAnalystParams(overrides);
  const evaluable = [snapshot.crossover, snapshot.emaFast, snapshot.momentum, snapshot.rsi].some(
    (v) => v !== null,
  );
  if (!evaluable) {
    return {
      stance: 'neutral',
      score: 0,
      confidence: 0,
      rationale: [`insufficient history: ${snapshot.observations} closes, no indicator available`],
      citedIndicators: [],
    };
  }

  const votes = [
    crossoverVote(snapshot, p),
    emaTrendVote(snapshot, p),
    momentumVote(snapshot, p),
    rsiVote(snapshot, p),
  ].filter((v): v is Vote => v !== null);
  const rawScore = votes.reduce((sum, v) => sum + v.weight, 0);
  const score = tidy(Math.max(-1, Math.min(1, rawScore)));
  const stance: Stance =
    score >= p.stanceThreshold ? 'bullish' : score <= -p.stanceThreshold ? 'bearish' : 'neutral';

  const rationale = votes.map((v) => v.line);
  const cited = votes.flatMap((v) => v.cited);
  let confidence = 0.5 + 0.5 * Math.abs(score);
  const volatility = snapshot.realizedVolatility;
  if (volatility !== null && volatility > p.volatilityCeiling) {
    const damping = p.volatilityCeiling / volatility;
    confidence *= damping;
    rationale.push(
      `realized volatility ${percent(volatility)} > ${percent(p.volatilityCeiling)}: confidence × ${damping.toFixed(2)}`,
    );
    cited.push('realizedVolatility');
  }
  confidence = tidy(confidence);
  rationale.push(
    stance === 'neutral'
      ? `score ${vote(score)} within ±${p.stanceThreshold.toFixed(2)}: neutral`
      : `score ${vote(score)} ${stance === 'bullish' ? '≥' : '≤'} ${stance === 'bullish' ? '' : '-'}` +
          `${p.stanceThreshold.toFixed(2)}: ${stance}, confidence ${confidence.toFixed(2)}`,
  );
  return { stance, score, confidence, rationale, citedIndicators: cited };
}

/** The deterministic analyst behind the pluggable `Analyst` signature, with fixed parameters. */
export function createDeterministicAnalyst(overrides?: Partial<AnalystParams>): Analyst {
  const params = resolveAnalystParams(overrides);
  return (snapshot) => Promise.resolve(deterministicAnalyst(snapshot, params));
}
