import {
  analystViewSchema,
  createDeterministicAnalyst,
  DEFAULT_ANALYST_PARAMS as P,
  deterministicAnalyst,
  type IndicatorSnapshot,
} from '../../../src/signals';
import { emptySnapshot } from './helpers';

const bullishCrossover = { fast: 105, slow: 100, state: 'bullish' as const, crossedToday: false };
const bearishCrossover = { fast: 95, slow: 100, state: 'bearish' as const, crossedToday: false };

describe('deterministicAnalyst: each rule', () => {
  it('SMA crossover state votes ± crossoverWeight and cites the crossover', () => {
    const up = deterministicAnalyst(emptySnapshot({ crossover: bullishCrossover }));
    expect(up.score).toBe(P.crossoverWeight);
    expect(up.rationale[0]).toBe('SMA(10) 105.00 > SMA(30) 100.00: bullish crossover (+0.30)');
    expect(up.citedIndicators).toEqual(['crossover']);

    const down = deterministicAnalyst(emptySnapshot({ crossover: bearishCrossover }));
    expect(down.score).toBe(-P.crossoverWeight);
    expect(down.rationale[0]).toBe('SMA(10) 95.00 < SMA(30) 100.00: bearish crossover (-0.30)');
  });

  it('mentions a crossover that happened today', () => {
    const view = deterministicAnalyst(
      emptySnapshot({ crossover: { ...bullishCrossover, crossedToday: true } }),
    );
    expect(view.rationale[0]).toContain('bullish crossover, crossed today');
  });

  it('a neutral crossover state does not vote', () => {
    const view = deterministicAnalyst(
      emptySnapshot({ crossover: { fast: 100, slow: 100, state: 'neutral', crossedToday: false } }),
    );
    expect(view.score).toBe(0);
    expect(view.citedIndicators).toEqual([]);
  });

  it('EMA trend votes ± emaTrendWeight, and equal EMAs do not vote', () => {
    const up = deterministicAnalyst(emptySnapshot({ emaFast: 101, emaSlow: 100 }));
    expect(up.score).toBe(P.emaTrendWeight);
    expect(up.rationale[0]).toBe('EMA(12) 101.00 > EMA(26) 100.00: uptrend (+0.30)');
    expect(up.citedIndicators).toEqual(['emaFast', 'emaSlow']);

    const down = deterministicAnalyst(emptySnapshot({ emaFast: 99, emaSlow: 100 }));
    expect(down.score).toBe(-P.emaTrendWeight);
    expect(down.rationale[0]).toContain('downtrend (-0.30)');

    const tie = deterministicAnalyst(emptySnapshot({ emaFast: 100 + 1e-9, emaSlow: 100 }));
    expect(tie.score).toBe(0);
  });

  it('momentum votes ± momentumWeight outside the deadband; the deadband edge itself does not vote', () => {
    const up = deterministicAnalyst(emptySnapshot({ momentum: 0.05 }));
    expect(up.score).toBe(P.momentumWeight);
    expect(up.rationale[0]).toBe('20-period momentum 5.00% > +1.00% (+0.20)');

    const down = deterministicAnalyst(emptySnapshot({ momentum: -0.05 }));
    expect(down.score).toBe(-P.momentumWeight);
    expect(down.rationale[0]).toBe('20-period momentum -5.00% < -1.00% (-0.20)');

    expect(deterministicAnalyst(emptySnapshot({ momentum: P.momentumDeadband })).score).toBe(0);
    expect(deterministicAnalyst(emptySnapshot({ momentum: -P.momentumDeadband })).score).toBe(0);
    expect(deterministicAnalyst(emptySnapshot({ momentum: P.momentumDeadband + 1e-6 })).score).toBe(
      P.momentumWeight,
    );
  });

  it('RSI above 70 votes bearish (overbought), below 30 bullish (oversold); 70 and 30 themselves do not', () => {
    const overbought = deterministicAnalyst(emptySnapshot({ rsi: 75 }));
    expect(overbought.score).toBe(-P.rsiWeight);
    expect(overbought.rationale[0]).toBe('RSI(14) 75.0 > 70: overbought (-0.20)');
    expect(overbought.citedIndicators).toEqual(['rsi']);

    const oversold = deterministicAnalyst(emptySnapshot({ rsi: 25 }));
    expect(oversold.score).toBe(P.rsiWeight);
    expect(oversold.rationale[0]).toBe('RSI(14) 25.0 < 30: oversold (+0.20)');

    expect(deterministicAnalyst(emptySnapshot({ rsi: 70 })).score).toBe(0);
    expect(deterministicAnalyst(emptySnapshot({ rsi: 30 })).score).toBe(0);
    expect(deterministicAnalyst(emptySnapshot({ rsi: 70.05 })).score).toBe(-P.rsiWeight);
    expect(deterministicAnalyst(emptySnapshot({ rsi: 29.95 })).score).toBe(P.rsiWeight);
  });
});

describe('deterministicAnalyst: stance, score and confidence', () => {
  const trendUp: Partial<IndicatorSnapshot> = { crossover: bullishCrossover, emaFast: 103, emaSlow: 100 };

  it('two agreeing trend rules make a bullish stance with confidence 0.5 + 0.5·|score|', () => {
    const view = deterministicAnalyst(emptySnapshot(trendUp));
    const score = P.crossoverWeight + P.emaTrendWeight;
    expect(view.stance).toBe('bullish');
    expect(view.score).toBeCloseTo(score, 12);
    expect(view.confidence).toBeCloseTo(0.5 + 0.5 * score, 12);
    expect(view.rationale.at(-1)).toBe(
      `score +0.60 ≥ 0.35: bullish, confidence ${(0.5 + 0.5 * score).toFixed(2)}`,
    );
  });

  it('a single rule is not enough for a stance with the default threshold', () => {
    const view = deterministicAnalyst(emptySnapshot({ crossover: bullishCrossover }));
    expect(view.stance).toBe('neutral');
    expect(view.rationale.at(-1)).toBe('score +0.30 within ±0.35: neutral');
  });

  it('sums all four rules: a bearish trend with an oversold RSI nets −(0.3 + 0.3 + 0.2 − 0.2)', () => {
    const view = deterministicAnalyst(
      emptySnapshot({ crossover: bearishCrossover, emaFast: 97, emaSlow: 100, momentum: -0.08, rsi: 20 }),
    );
    const score = -(P.crossoverWeight + P.emaTrendWeight + P.momentumWeight) + P.rsiWeight;
    expect(view.stance).toBe('bearish');
    expect(view.score).toBeCloseTo(score, 12);
    expect(view.confidence).toBeCloseTo(0.5 + 0.5 * Math.abs(score), 12);
    expect(view.citedIndicators).toEqual(['crossover', 'emaFast', 'emaSlow', 'momentum', 'rsi']);
    expect(view.rationale).toHaveLength(5); // four rules + summary
  });

  it('a score exactly at the threshold takes the stance (≥), just below stays neutral', () => {
    const at = deterministicAnalyst(emptySnapshot({ crossover: bullishCrossover }), {
      crossoverWeight: 0.35,
    });
    expect(at.stance).toBe('bullish');
    const below = deterministicAnalyst(emptySnapshot({ crossover: bullishCrossover }), {
      crossoverWeight: 0.34,
    });
    expect(below.stance).toBe('neutral');
    const bearishAt = deterministicAnalyst(emptySnapshot({ crossover: bearishCrossover }), {
      crossoverWeight: 0.35,
    });
    expect(bearishAt.stance).toBe('bearish');
  });

  it('volatility above the ceiling scales confidence by ceiling / volatility; at the ceiling it does not', () => {
    const calm = deterministicAnalyst(emptySnapshot({ ...trendUp, realizedVolatility: P.volatilityCeiling }));
    const wild = deterministicAnalyst(emptySnapshot({ ...trendUp, realizedVolatility: 0.8 }));
    expect(calm.confidence).toBeCloseTo(0.8, 12);
    expect(wild.confidence).toBeCloseTo(0.8 * (P.volatilityCeiling / 0.8), 12);
    expect(wild.stance).toBe('bullish'); // volatility dampens confidence, not direction
    expect(wild.rationale).toContain('realized volatility 80.00% > 40.00%: confidence × 0.50');
    expect(wild.citedIndicators).toContain('realizedVolatility');
    expect(calm.citedIndicators).not.toContain('realizedVolatility');
  });

  it('clamps the score to [−1, 1] when weights add up to more than 1', () => {
    const view = deterministicAnalyst(emptySnapshot({ ...trendUp, momentum: 0.1, rsi: 20 }), {
      crossoverWeight: 1,
      emaTrendWeight: 1,
      momentumWeight: 1,
      rsiWeight: 1,
    });
    expect(view.score).toBe(1);
    expect(view.confidence).toBe(1);
  });

  it('has zero confidence and says so when no indicator is available', () => {
    const view = deterministicAnalyst(emptySnapshot({ observations: 4, realizedVolatility: null }));
    expect(view).toEqual({
      stance: 'neutral',
      score: 0,
      confidence: 0,
      rationale: ['insufficient history: 4 closes, no indicator available'],
      citedIndicators: [],
    });
  });

  it('always returns a view that satisfies analystViewSchema', () => {
    const views = [
      deterministicAnalyst(emptySnapshot()),
      deterministicAnalyst(emptySnapshot(trendUp)),
      deterministicAnalyst(emptySnapshot({ ...trendUp, realizedVolatility: 2 })),
    ];
    for (const view of views) expect(analystViewSchema.safeParse(view).success).toBe(true);
  });

  it('rejects bad parameters', () => {
    expect(() => deterministicAnalyst(emptySnapshot(), { rsiOverbought: 20 })).toThrow(RangeError);
    expect(() => deterministicAnalyst(emptySnapshot(), { stanceThreshold: 0 })).toThrow(RangeError);
    expect(() => deterministicAnalyst(emptySnapshot(), { weight: 1 } as never)).toThrow(
      'deterministicAnalyst: unknown parameter "weight"',
    );
  });

  it('createDeterministicAnalyst wraps the rules in the async Analyst signature', async () => {
    const analyst = createDeterministicAnalyst({ stanceThreshold: 0.25 });
    const snapshot = emptySnapshot({ crossover: bullishCrossover });
    await expect(analyst(snapshot)).resolves.toEqual(
      deterministicAnalyst(snapshot, { stanceThreshold: 0.25 }),
    );
    expect((await analyst(snapshot)).stance).toBe('bullish');
  });
});
