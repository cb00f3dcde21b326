import {
  assessSignalRisk,
  decideAction,
  DEFAULT_DECISION_PARAMS as D,
  DEFAULT_RISK_PARAMS as R,
} from '../../../src/signals';
import { emptySnapshot } from './helpers';

describe('assessSignalRisk', () => {
  it('is the weighted mean of volatility / cap and drawdown / cap when no external input is given', () => {
    const risk = assessSignalRisk(emptySnapshot({ realizedVolatility: 0.3, drawdown: -0.1 }));
    const volatility = 0.3 / R.volatilityCap;
    const dd = 0.1 / R.drawdownCap;
    const expected =
      (R.volatilityWeight * volatility + R.drawdownWeight * dd) / (R.volatilityWeight + R.drawdownWeight);
    expect(risk.components.volatility).toBeCloseTo(volatility, 12);
    expect(risk.components.drawdown).toBeCloseTo(dd, 12);
    expect(risk.components.external).toBeNull();
    expect(risk.riskScore).toBeCloseTo(expected, 11);
    expect(risk.rationale).toContain('volatility risk 0.50 (realized 30.00% vs cap 60.00%)');
    expect(risk.rationale).toContain('drawdown risk 0.20 (10.00% below peak vs cap 50.00%)');
  });

  it('adds the VaR utilisation with its weight when given', () => {
    const risk = assessSignalRisk(emptySnapshot({ realizedVolatility: 0.3, drawdown: 0 }), {
      varUtilisation: 0.8,
    });
    const expected = (R.volatilityWeight * 0.5 + R.drawdownWeight * 0 + R.externalWeight * 0.8) / 1;
    expect(R.volatilityWeight + R.drawdownWeight + R.externalWeight).toBeCloseTo(1, 12);
    expect(risk.components.external).toBe(0.8);
    expect(risk.riskScore).toBeCloseTo(expected, 11);
    expect(risk.rationale).toContain('portfolio VaR utilisation 80.00%');
  });

  it('clamps each component to [0, 1]', () => {
    const risk = assessSignalRisk(emptySnapshot({ realizedVolatility: 3, drawdown: -0.9 }));
    expect(risk.components).toEqual({ volatility: 1, drawdown: 1, external: null });
    expect(risk.riskScore).toBe(1);
  });

  it('forces 1 when the VaR limit is reached, whatever the market says', () => {
    const calm = emptySnapshot({ realizedVolatility: 0.05, drawdown: 0 });
    expect(assessSignalRisk(calm, { varUtilisation: 0.99 }).riskScore).toBeLessThan(0.5);
    const atLimit = assessSignalRisk(calm, { varUtilisation: 1 });
    expect(atLimit.riskScore).toBe(1);
    expect(atLimit.rationale).toContain('VaR limit reached: risk score 1.00');
  });

  it('is 1 (unknown, not low) when volatility cannot be measured yet', () => {
    const risk = assessSignalRisk(emptySnapshot({ observations: 12, drawdown: 0 }));
    expect(risk.riskScore).toBe(1);
    expect(risk.rationale.at(-1)).toBe('volatility unavailable (12 closes, needs 21): risk score 1.00');
  });

  it('rejects a negative or non-finite VaR utilisation and unknown fields', () => {
    const s = emptySnapshot({ realizedVolatility: 0.2, drawdown: 0 });
    expect(() => assessSignalRisk(s, { varUtilisation: -0.1 })).toThrow(RangeError);
    expect(() => assessSignalRisk(s, { varUtilisation: Number.NaN })).toThrow(RangeError);
    expect(() => assessSignalRisk(s, { var: 0.2 } as never)).toThrow(
      'generateSignal: unknown riskInput field "var"',
    );
    expect(() => assessSignalRisk(s, undefined, { drawdownCap: 0 })).toThrow(RangeError);
  });
});

describe('decideAction (BUY/SELL need risk < maxRisk and confidence ≥ minConfidence)', () => {
  it('BUYs a confident bullish view under the risk limit, SELLs the bearish mirror', () => {
    const buy = decideAction({ stance: 'bullish', confidence: 0.8 }, 0.2);
    expect(buy).toEqual({
      action: 'BUY',
      confidence: 0.8,
      reasons: ['BUY: bullish, confidence 0.800 ≥ 0.55, risk score 0.200 < 0.50'],
    });
    expect(decideAction({ stance: 'bearish', confidence: 0.8 }, 0.2).action).toBe('SELL');
  });

  it('HOLDs at exactly maxRisk (strict <) and trades just below it', () => {
    expect(decideAction({ stance: 'bullish', confidence: 0.8 }, D.maxRisk)).toMatchObject({
      action: 'HOLD',
      reasons: ['HOLD: risk score 0.500 ≥ max 0.50'],
    });
    expect(decideAction({ stance: 'bullish', confidence: 0.8 }, D.maxRisk - 1e-9).action).toBe('BUY');
    expect(decideAction({ stance: 'bearish', confidence: 0.8 }, D.maxRisk).action).toBe('HOLD');
  });

  it('trades at exactly minConfidence (≥) and HOLDs just below it', () => {
    expect(decideAction({ stance: 'bearish', confidence: D.minConfidence }, 0.1).action).toBe('SELL');
    expect(decideAction({ stance: 'bearish', confidence: D.minConfidence - 1e-9 }, 0.1)).toMatchObject({
      action: 'HOLD',
      reasons: ['HOLD: confidence 0.550 < min 0.55'],
    });
  });

  it('HOLDs a neutral view and lists every failed condition', () => {
    expect(decideAction({ stance: 'neutral', confidence: 0.9 }, 0.1).reasons).toEqual([
      'HOLD: stance neutral',
    ]);
    expect(decideAction({ stance: 'neutral', confidence: 0.3 }, 0.7).reasons).toEqual([
      'HOLD: stance neutral; risk score 0.700 ≥ max 0.50; confidence 0.300 < min 0.55',
    ]);
  });

  it('keeps the analyst confidence on a HOLD', () => {
    expect(decideAction({ stance: 'bullish', confidence: 0.8 }, 0.9).confidence).toBe(0.8);
  });

  it('honours custom thresholds and rejects invalid ones', () => {
    expect(decideAction({ stance: 'bullish', confidence: 0.6 }, 0.6, { maxRisk: 0.7 }).action).toBe('BUY');
    expect(decideAction({ stance: 'bullish', confidence: 0.6 }, 0.2, { minConfidence: 0.65 }).action).toBe(
      'HOLD',
    );
    expect(() => decideAction({ stance: 'bullish', confidence: 0.6 }, 0.2, { maxRisk: 1.5 })).toThrow(
      RangeError,
    );
    expect(() => decideAction({ stance: 'bullish', confidence: 0.6 }, Number.NaN)).toThrow(RangeError);
  });
});
