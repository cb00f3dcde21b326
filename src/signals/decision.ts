/**
 * The final gate, as in the original design ("BUY with confidence 0.8 when risk_score < 0.5, else HOLD") made
 * symmetric: BUY when the stance is bullish, riskScore < maxRisk and confidence ≥ minConfidence; SELL on the same
 * terms when bearish; HOLD otherwise, naming every condition that failed. The action's confidence is the
 * analyst's confidence in its view (for a HOLD, the rationale says why that view was not acted on).
 */
import type { AnalystView } from './analyst';
import { assertFiniteInRange, withDefaults } from './validation';

export type SignalAction = 'BUY' | 'SELL' | 'HOLD';

export interface DecisionParams {
  /** Trade only when riskScore is strictly below this. */
  maxRisk: number;
  /** Trade only when the analyst's confidence is at least this. */
  minConfidence: number;
}

export const DEFAULT_DECISION_PARAMS: Readonly<DecisionParams> = Object.freeze({
  maxRisk: 0.5,
  minConfidence: 0.55,
});

export interface Decision {
  action: SignalAction;
  confidence: number;
  reasons: string[];
}

export function resolveDecisionParams(overrides?: Partial<DecisionParams>): DecisionParams {
  const params = withDefaults('decideAction', DEFAULT_DECISION_PARAMS, overrides);
  assertFiniteInRange('decideAction', 'maxRisk', params.maxRisk, 0, 1);
  assertFiniteInRange('decideAction', 'minConfidence', params.minConfidence, 0, 1);
  return params;
}

export function decideAction(
  view: Pick<AnalystView, 'stance' | 'confidence'>,
  riskScore: number,
  overrides?: Partial<DecisionParams>,
): Decision {
  const p = resolveDecisionParams(overrides);
  assertFiniteInRange('decideAction', 'riskScore', riskScore, 0, 1);
  const risk = riskScore.toFixed(3);
  const confidence = view.confidence.toFixed(3);
  const blockers: string[] = [];
  if (view.stance === 'neutral') blockers.push('stance neutral');
  if (!(riskScore < p.maxRisk)) blockers.push(`risk score ${risk} ≥ max ${p.maxRisk.toFixed(2)}`);
  if (!(view.confidence >= p.minConfidence)) {
    blockers.push(`confidence ${confidence} < min ${p.minConfidence.toFixed(2)}`);
  }
  if (blockers.length > 0) {
    return { action: 'HOLD', confidence: view.confidence, reasons: [`HOLD: ${blockers.join('; ')}`] };
  }
  const action: SignalAction = view.stance === 'bullish' ? 'BUY' : 'SELL';
  return {
    action,
    confidence: view.confidence,
    reasons: [
      `${action}: ${view.stance}, confidence ${confidence} ≥ ${p.minConfidence.toFixed(2)}, ` +
        `risk score ${risk} < ${p.maxRisk.toFixed(2)}`,
    ],
  };
}
