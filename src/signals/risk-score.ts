/**
 * The signal graph's risk score in [0, 1]: how risky it is to act on any view for this symbol right now.
 * It does not depend on the stance, so a BUY and a SELL face the same gate (as in the original design, where
 * BUY needed risk_score < 0.5).
 *
 * Components, each clamped to [0, 1]:
 *   volatility = realizedVolatility / volatilityCap      (annualized; 60 % vol or more → 1)
 *   drawdown   = −drawdown / drawdownCap                 (distance below the series' peak; 50 % or more → 1)
 *   external   = riskInput.varUtilisation                (share of the portfolio's VaR limit in use, when given)
 * riskScore = weighted mean of the available components (weights renormalized over those present). A series too
 * short to measure volatility makes the score 1 (unknown risk is not low risk), and a VaR utilisation ≥ 1 (limit
 * reached or breached) forces 1 whatever the market components say.
 */
import type { IndicatorSnapshot } from './snapshot';
import { assertFiniteInRange, withDefaults } from './validation';

/** Risk known outside this symbol's prices, e.g. from the portfolio risk report. */
export interface RiskInput {
  /** Current VaR over the VaR limit (0.4 = 40 % of the limit used; ≥ 1 = at or over the limit). */
  varUtilisation?: number;
}

export interface RiskParams {
  volatilityCap: number;
  drawdownCap: number;
  volatilityWeight: number;
  drawdownWeight: number;
  externalWeight: number;
}

export const DEFAULT_RISK_PARAMS: Readonly<RiskParams> = Object.freeze({
  volatilityCap: 0.6,
  drawdownCap: 0.5,
  volatilityWeight: 0.6,
  drawdownWeight: 0.25,
  externalWeight: 0.15,
});

export interface RiskComponents {
  volatility: number | null;
  drawdown: number | null;
  external: number | null;
}

export interface RiskAssessment {
  riskScore: number;
  components: RiskComponents;
  rationale: string[];
}

export function resolveRiskParams(overrides?: Partial<RiskParams>): RiskParams {
  const fn = 'assessSignalRisk';
  const params = withDefaults(fn, DEFAULT_RISK_PARAMS, overrides);
  assertFiniteInRange(fn, 'volatilityCap', params.volatilityCap, Number.MIN_VALUE, Number.MAX_VALUE);
  assertFiniteInRange(fn, 'drawdownCap', params.drawdownCap, Number.MIN_VALUE, 1);
  for (const key of ['volatilityWeight', 'drawdownWeight', 'externalWeight'] as const) {
    assertFiniteInRange(fn, key, params[key], 0, Number.MAX_VALUE);
  }
  if (params.volatilityWeight + params.drawdownWeight + params.externalWeight <= 0) {
    throw new RangeError(`${fn}: at least one risk weight must be positive`);
  }
  return params;
}

export function validateRiskInput(riskInput: RiskInput | undefined): void {
  if (riskInput == null) return;
  if (typeof riskInput !== 'object') throw new RangeError('generateSignal: riskInput must be an object');
  for (const key of Object.keys(riskInput)) {
    if (key !== 'varUtilisation') throw new RangeError(`generateSignal: unknown riskInput field "${key}"`);
  }
  if (riskInput.varUtilisation !== undefined) {
    assertFiniteInRange(
      'generateSignal',
      'riskInput.varUtilisation',
      riskInput.varUtilisation,
      0,
      Number.MAX_VALUE,
    );
  }
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));
const percent = (x: number) => `${(x * 100).toFixed(2)}%`;

/** See the module comment for the formula. Pure. */
export function assessSignalRisk(
  snapshot: IndicatorSnapshot,
  riskInput?: RiskInput,
  overrides?: Partial<RiskParams>,
): RiskAssessment {
  const p = resolveRiskParams(overrides);
  validateRiskInput(riskInput);
  const rationale: string[] = [];
  const components: RiskComponents = { volatility: null, drawdown: null, external: null };
  let weighted = 0;
  let totalWeight = 0;

  if (snapshot.realizedVolatility !== null) {
    components.volatility = clamp01(snapshot.realizedVolatility / p.volatilityCap);
    weighted += p.volatilityWeight * components.volatility;
    totalWeight += p.volatilityWeight;
    rationale.push(
      `volatility risk ${components.volatility.toFixed(2)} (realized ${percent(snapshot.realizedVolatility)} ` +
        `vs cap ${percent(p.volatilityCap)})`,
    );
  }
  if (snapshot.drawdown !== null) {
    components.drawdown = clamp01(-snapshot.drawdown / p.drawdownCap);
    weighted += p.drawdownWeight * components.drawdown;
    totalWeight += p.drawdownWeight;
    rationale.push(
      `drawdown risk ${components.drawdown.toFixed(2)} (${percent(-snapshot.drawdown)} below peak ` +
        `vs cap ${percent(p.drawdownCap)})`,
    );
  }
  const utilisation = riskInput?.varUtilisation;
  if (utilisation !== undefined) {
    components.external = clamp01(utilisation);
    weighted += p.externalWeight * components.external;
    totalWeight += p.externalWeight;
    rationale.push(`portfolio VaR utilisation ${percent(utilisation)}`);
  }

  let riskScore: number;
  if (utilisation !== undefined && utilisation >= 1) {
    riskScore = 1;
    rationale.push('VaR limit reached: risk score 1.00');
  } else if (snapshot.realizedVolatility === null) {
    // Drawdown alone (or VaR alone) says too little about a symbol whose volatility we cannot measure yet.
    riskScore = 1;
    rationale.push(
      `volatility unavailable (${snapshot.observations} closes, needs ${snapshot.params.volatilityWindow + 1}): ` +
        'risk score 1.00',
    );
  } else if (totalWeight === 0) {
    riskScore = 1;
    rationale.push('no weighted risk component available: risk score 1.00');
  } else {
    riskScore = Math.round((weighted / totalWeight) * 1e12) / 1e12;
    rationale.push(`risk score ${riskScore.toFixed(2)}`);
  }
  return { riskScore, components, rationale };
}
