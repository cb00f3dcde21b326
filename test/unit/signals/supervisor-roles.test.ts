/**
 * The supervisor graph's roles on their own: the answer checks applied to a chat model's output (schema, then the
 * situation) and the deterministic rules each role runs offline. Model answers here are literal strings, as the
 * scripted fake chat models that stand in for the unreachable model endpoints return them.
 */
import { computeIndicators, deterministicAnalyst } from '../../../src/signals';
import {
  checkResearchAnswer,
  checkRiskReviewAnswer,
  DEFAULT_RISK_OFFICER_LIMITS,
  describeReview,
  limitBreaches,
  researchNotesFromRules,
  resolveRiskOfficerLimits,
  reviewByRules,
  riskOfficerPrompt,
} from '../../../src/signals/supervisor';

const calm = computeIndicators(
  Array.from({ length: 80 }, (_, i) => 100 * Math.exp(0.004 * i + 0.01 * Math.sin(i))),
);
const wild = computeIndicators(
  Array.from({ length: 80 }, (_, i) => 100 * Math.exp(0.004 * i + 0.05 * Math.sin(i * 1.7))),
);
const falling = computeIndicators(
  Array.from({ length: 80 }, (_, i) => 100 * Math.exp(-0.006 * i + 0.01 * Math.sin(i))),
);
const short = computeIndicators([100, 101, 102, 101, 103]);
const limits = DEFAULT_RISK_OFFICER_LIMITS;
const answer = (body: unknown) => JSON.stringify(body);

describe('research analyst', () => {
  const notes = {
    notes: [
      { indicator: 'crossover', note: 'SMA(10) 134.94 above SMA(30) 129.57: the trend is up.' },
      { indicator: 'rsi', note: 'RSI 77.5 is overbought, so the entry is late.' },
    ],
    summary: 'Uptrend, but overbought.',
  };

  it('accepts notes on available indicators, also inside a ```json fence', () => {
    expect(checkResearchAnswer(answer(notes), calm)).toEqual({ ok: true, value: notes });
    expect(checkResearchAnswer('```json\n' + answer(notes) + '\n```', calm)).toMatchObject({ ok: true });
  });

  it('rejects with the reason: not JSON, unknown indicator or key, no notes, a note on a null indicator', () => {
    expect(checkResearchAnswer('Looks bullish to me.', calm)).toEqual({
      ok: false,
      reason: expect.stringMatching(/^not valid JSON/),
    });
    expect(
      checkResearchAnswer(answer({ ...notes, notes: [{ indicator: 'astrology', note: 'x' }] }), calm),
    ).toMatchObject({ ok: false, reason: expect.stringMatching(/^schema: notes\.0\.indicator/) });
    expect(checkResearchAnswer(answer({ ...notes, verdict: 'buy' }), calm)).toMatchObject({
      reason: expect.stringMatching(/Unrecognized key.*verdict/),
    });
    expect(checkResearchAnswer(answer({ ...notes, notes: [] }), calm)).toMatchObject({
      reason: expect.stringMatching(/^schema: notes/),
    });
    // Five closes: no SMA crossover and no RSI yet; a note about either is made up.
    expect(checkResearchAnswer(answer(notes), short)).toEqual({
      ok: false,
      reason:
        'notes.0.indicator: crossover is null for this series; notes.1.indicator: rsi is null for this series',
    });
  });

  it('offline: one note per available indicator, with its number, and a summary', () => {
    const offline = researchNotesFromRules(calm, limits);
    expect(offline.notes.map((n) => n.indicator)).toEqual([
      'crossover',
      'emaFast',
      'rsi',
      'momentum',
      'realizedVolatility',
      'drawdown',
    ]);
    expect(offline.notes[0].note).toBe('SMA(10) 134.94 vs SMA(30) 129.57: bullish crossover');
    expect(offline.notes[2].note).toBe('RSI(14) 77.5: overbought');
    expect(offline.notes[4].note).toBe('annualized volatility 11.3%, within the 40.0% limit');
    expect(offline.summary).toBe('6 indicators from 80 closes; trend bullish, volatility 11.3%');
    expect(researchNotesFromRules(wild, limits).notes[4].note).toMatch(/85\.8%, above the 40\.0% limit/);
    expect(researchNotesFromRules(falling, limits).notes[5].note).toBe(
      '-38.2% from the peak, beyond the -20.0% limit',
    );
    const few = researchNotesFromRules(short, limits);
    expect(few.notes.map((n) => n.indicator)).toEqual(['drawdown']);
    expect(few.summary).toBe('1 indicator from 5 closes; trend unknown, volatility unknown');
  });
});

describe('risk officer', () => {
  it('accepts approve, cap below the confidence, and revise while a revision is left', () => {
    expect(checkRiskReviewAnswer(answer({ decision: 'approve', reason: 'calm market' }), 0.8, true)).toEqual({
      ok: true,
      value: { decision: 'approve', reason: 'calm market' },
    });
    expect(
      checkRiskReviewAnswer(answer({ decision: 'cap', maxConfidence: 0.5, reason: 'vol 86%' }), 0.8, false),
    ).toMatchObject({ ok: true, value: { maxConfidence: 0.5 } });
    expect(
      checkRiskReviewAnswer(answer({ decision: 'revise', reason: 'too sure' }), 0.8, true),
    ).toMatchObject({
      ok: true,
    });
  });

  it('rejects with the reason: unknown decision, missing or useless cap, revise with none left, extra keys', () => {
    expect(checkRiskReviewAnswer(answer({ decision: 'veto', reason: 'no' }), 0.8, true)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^schema: decision/),
    });
    expect(checkRiskReviewAnswer(answer({ decision: 'cap', reason: 'vol' }), 0.8, true)).toMatchObject({
      reason: expect.stringMatching(/^schema: maxConfidence/),
    });
    expect(
      checkRiskReviewAnswer(answer({ decision: 'cap', maxConfidence: 1.4, reason: 'vol' }), 0.8, true),
    ).toMatchObject({ reason: expect.stringMatching(/maxConfidence.*<=1/) });
    expect(
      checkRiskReviewAnswer(answer({ decision: 'cap', maxConfidence: 0.8, reason: 'vol' }), 0.8, true),
    ).toEqual({
      ok: false,
      reason: "maxConfidence 0.8 must be below the view's confidence 0.8 (approve instead)",
    });
    expect(checkRiskReviewAnswer(answer({ decision: 'revise', reason: 'again' }), 0.8, false)).toEqual({
      ok: false,
      reason: 'decision: no revision left; approve or cap',
    });
    expect(
      checkRiskReviewAnswer(answer({ decision: 'approve', reason: 'ok', maxConfidence: 0.5 }), 0.8, true),
    ).toMatchObject({ reason: expect.stringMatching(/Unrecognized key.*maxConfidence/) });
  });

  it('offline: approves within limits, caps a confident view beyond them, approves an already modest one', () => {
    const calmView = deterministicAnalyst(calm);
    expect(limitBreaches(calm, limits)).toEqual([]);
    expect(reviewByRules(calmView, calm, limits)).toEqual({
      decision: 'approve',
      reason: 'volatility and drawdown within limits',
    });

    const fallingView = deterministicAnalyst(falling);
    expect(fallingView.confidence).toBe(0.8);
    expect(reviewByRules(fallingView, falling, limits)).toEqual({
      decision: 'cap',
      maxConfidence: 0.6,
      reason: 'drawdown -38.2% beyond -20.0%',
    });

    // The deterministic analyst already damps confidence in a wild market (0.42 < 0.6): nothing to cap.
    const wildView = deterministicAnalyst(wild);
    expect(reviewByRules(wildView, wild, limits)).toEqual({
      decision: 'approve',
      reason: 'realized volatility 85.8% > 40.0%, but confidence 0.42 is within the 0.60 cap',
    });
    expect(reviewByRules(calmView, calm, { ...limits, volatility: 0.05 })).toMatchObject({
      decision: 'cap',
      reason: 'realized volatility 11.3% > 5.0%',
    });
  });

  it("shows the model the view, the risk context, the desk's limits and whether a revision is left", () => {
    const prompt = JSON.parse(
      riskOfficerPrompt('AAPL', wild, deterministicAnalyst(wild), limits, false),
    ) as Record<string, unknown>;
    expect(prompt).toMatchObject({
      symbol: 'AAPL',
      riskContext: { realizedVolatility: wild.realizedVolatility, drawdown: wild.drawdown, observations: 80 },
      policy: { volatilityLimit: 0.4, drawdownLimit: -0.2, confidenceCapBeyondLimits: 0.6 },
      revisionAvailable: false,
    });
  });

  it('describes reviews and refuses nonsense limits', () => {
    expect(describeReview({ decision: 'cap', maxConfidence: 0.5, reason: 'vol' })).toBe(
      'confidence capped at 0.50: vol',
    );
    expect(describeReview({ decision: 'revise', reason: 'why so sure' })).toBe(
      'sent back for revision: why so sure',
    );
    expect(() => resolveRiskOfficerLimits({ confidenceCap: 1.5 })).toThrow(/riskLimits\.confidenceCap/);
    expect(() => resolveRiskOfficerLimits({ drawdown: 0 })).toThrow(/riskLimits\.drawdown/);
    expect(() => resolveRiskOfficerLimits({ vol: 0.3 } as never)).toThrow(/vol/);
  });
});
