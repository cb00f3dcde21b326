import {
  assessSignalRisk,
  buildSignalGraph,
  computeIndicators,
  DEFAULT_RISK_PARAMS as R,
  deterministicAnalyst,
  generateSignal,
  generateSignals,
  resolveSignalParams,
  type Analyst,
  type AnalystView,
  type Signal,
  type SymbolWork,
} from '../../../src/signals';
import { trendingCloses, wildCloses, zigzagCloses } from './helpers';

const input = (closes: number[]) => ({ symbol: 'AAPL', asOf: '2026-11-20', closes });
const NODES = ['gatherContext', 'analyst', 'validate', 'assessRisk', 'riskGate', 'decide'];
const withoutTimings = (signal: Signal) => ({
  ...signal,
  trace: signal.trace.map((t) => t.node),
  analystRun: { ...signal.analystRun, latencyMs: 0 },
});

describe('generateSignal with the deterministic analyst', () => {
  it('BUYs a rising series, with the analyst confidence and the risk score from the snapshot', async () => {
    const closes = trendingCloses(0.004);
    const signal = await generateSignal(input(closes));
    const snapshot = computeIndicators(closes);
    const view = deterministicAnalyst(snapshot);
    expect(signal.action).toBe('BUY');
    expect(signal.stance).toBe('bullish');
    expect(signal.confidence).toBe(view.confidence);
    expect(signal.confidence).toBeGreaterThanOrEqual(0.55);
    const expectedRisk =
      (R.volatilityWeight * Math.min(1, snapshot.realizedVolatility! / R.volatilityCap) +
        R.drawdownWeight * Math.min(1, -snapshot.drawdown! / R.drawdownCap)) /
      (R.volatilityWeight + R.drawdownWeight);
    expect(signal.riskScore).toBeCloseTo(expectedRisk, 11);
    expect(signal.riskScore).toBeLessThan(0.5);
    expect(signal.indicators).toEqual(snapshot);
    expect(signal.analyst).toBe('deterministic');
    expect(signal.rationale.at(-1)).toMatch(/^BUY: bullish, confidence/);
  });

  it('SELLs a falling series', async () => {
    const signal = await generateSignal(input(trendingCloses(-0.004)));
    expect(signal.action).toBe('SELL');
    expect(signal.stance).toBe('bearish');
    expect(signal.riskScore).toBeLessThan(0.5);
    expect(signal.rationale.at(-1)).toMatch(/^SELL: bearish/);
  });

  it('HOLDs a trendless zigzag because the stance is neutral', async () => {
    const signal = await generateSignal(input(zigzagCloses()));
    expect(signal.action).toBe('HOLD');
    expect(signal.stance).toBe('neutral');
    expect(signal.rationale.at(-1)).toBe('HOLD: stance neutral');
  });

  it('HOLDs a rising but very volatile series, citing risk and dampened confidence', async () => {
    const signal = await generateSignal(input(wildCloses(0.004, 0.04)));
    expect(signal.stance).toBe('bullish');
    expect(signal.action).toBe('HOLD');
    expect(signal.riskScore).toBeGreaterThanOrEqual(0.5);
    expect(signal.rationale.at(-1)).toMatch(
      /^HOLD: risk score \d\.\d{3} ≥ max 0\.50; confidence \d\.\d{3} < min 0\.55$/,
    );
    expect(signal.rationale.some((line) => line.startsWith('realized volatility'))).toBe(true);
  });

  it('HOLDs a rising series when the portfolio VaR limit is already used up', async () => {
    const closes = trendingCloses(0.004);
    expect((await generateSignal({ ...input(closes), riskInput: { varUtilisation: 0.5 } })).action).toBe(
      'BUY',
    );
    const blocked = await generateSignal({ ...input(closes), riskInput: { varUtilisation: 1.2 } });
    expect(blocked.action).toBe('HOLD');
    expect(blocked.riskScore).toBe(1);
    expect(blocked.rationale).toContain('VaR limit reached: risk score 1.00');
  });

  it('HOLDs with the reasons when there are too few closes, including none', async () => {
    for (const closes of [[], trendingCloses(0.004, 8)]) {
      const signal = await generateSignal(input(closes));
      expect(signal.action).toBe('HOLD');
      expect(signal.confidence).toBe(0);
      expect(signal.riskScore).toBe(1);
      expect(signal.rationale[0]).toBe(
        `insufficient history: ${closes.length} closes, no indicator available`,
      );
    }
  });

  it('passes parameter overrides to every stage', async () => {
    const closes = trendingCloses(0.004);
    const strict = await generateSignal({ ...input(closes), params: { decision: { minConfidence: 0.95 } } });
    expect(strict.action).toBe('HOLD');
    expect(strict.rationale.at(-1)).toMatch(/confidence 0\.800 < min 0\.95/);
    const short = await generateSignal({ ...input(closes), params: { indicators: { smaFastWindow: 5 } } });
    expect(short.indicators.params.smaFastWindow).toBe(5);
    expect(short.rationale[0]).toMatch(/^SMA\(5\)/);
  });

  it('is deterministic apart from trace timings', async () => {
    const closes = trendingCloses(-0.003);
    const a = await generateSignal(input(closes));
    const b = await generateSignal(input(closes));
    expect(withoutTimings(a)).toEqual(withoutTimings(b));
  });

  it('returns plain JSON (a round trip changes nothing)', async () => {
    const signal = await generateSignal({
      ...input(trendingCloses(0.004)),
      riskInput: { varUtilisation: 0.3 },
    });
    expect(JSON.parse(JSON.stringify(signal))).toEqual(signal);
  });

  it('runs gatherContext → analyst → validate → assessRisk → decide, once each, as the trace shows', async () => {
    const signal = await generateSignal(input(trendingCloses(0.004)));
    expect(signal.trace.map((t) => t.node)).toEqual(NODES);
    for (const entry of signal.trace) expect(entry.ms).toBeGreaterThanOrEqual(0);
    expect(signal.trace[0].summary).toMatch(/^\d+ closes; RSI \d+\.\d/);
    expect(signal.trace[0].input).toMatch(/^\d+ closes$/);
    expect(signal.trace[1].input).toMatch(/^analyst on \d+-close snapshot, 5 recent returns$/);
    expect(signal.trace[4].input).toBe('no gate for this run');
    for (const entry of signal.trace) expect(entry.input).toEqual(expect.any(String));
    expect(signal.trace[1].summary).toBe(`${signal.stance} (confidence ${signal.confidence.toFixed(2)})`);
    expect(signal.trace[5].summary).toBe(`${signal.action} (confidence ${signal.confidence.toFixed(2)})`);
    expect(signal.analystRun).toMatchObject({
      kind: 'deterministic',
      modelCalls: 0,
      tokens: null,
      rejections: [],
    });
  });

  it('rejects invalid input with RangeError before running the graph', async () => {
    await expect(generateSignal(input([100, Number.NaN]))).rejects.toThrow(
      'generateSignal: closes[1] is NaN',
    );
    await expect(generateSignal({ ...input([100]), symbol: ' ' })).rejects.toThrow(RangeError);
    await expect(generateSignal({ ...input([100]), params: { decision: { maxRisk: 2 } } })).rejects.toThrow(
      RangeError,
    );
    await expect(generateSignal({ ...input([100]), params: { risks: {} } as never })).rejects.toThrow(
      'generateSignal: unknown params section "risks"',
    );
    await expect(generateSignal({ ...input([100]), riskInput: { varUtilisation: -1 } })).rejects.toThrow(
      RangeError,
    );
  });
});

describe('the signal graph with a pluggable analyst', () => {
  const fixedAnalyst =
    (view: AnalystView): Analyst =>
    () =>
      Promise.resolve(view);
  const view = (stance: AnalystView['stance'], confidence: number): AnalystView => ({
    stance,
    score: stance === 'bullish' ? 0.5 : stance === 'bearish' ? -0.5 : 0,
    confidence,
    rationale: [`fixed ${stance} view`],
    citedIndicators: ['momentum'],
  });

  it('records the analyst name and uses its view; the confidence threshold is inclusive', async () => {
    const closes = trendingCloses(0.001);
    const atThreshold = buildSignalGraph({
      analyst: fixedAnalyst(view('bullish', 0.55)),
      analystName: 'fixed',
    });
    const signal = await generateSignal(input(closes), atThreshold);
    expect(signal.analyst).toBe('fixed');
    expect(signal.action).toBe('BUY');
    expect(signal.confidence).toBe(0.55);
    expect(signal.rationale[0]).toBe('fixed bullish view');

    const below = buildSignalGraph({ analyst: fixedAnalyst(view('bullish', 0.549)) });
    const held = await generateSignal(input(closes), below);
    expect(held.analyst).toBe('custom');
    expect(held.action).toBe('HOLD');
  });

  it('gives the analyst the indicator snapshot of the input closes', async () => {
    const closes = trendingCloses(-0.002, 40);
    const seen: unknown[] = [];
    const spy: Analyst = (snapshot) => {
      seen.push(snapshot);
      return Promise.resolve(view('bearish', 0.9));
    };
    const signal = await generateSignal(input(closes), buildSignalGraph({ analyst: spy }));
    expect(seen).toEqual([computeIndicators(closes)]);
    expect(signal.action).toBe('SELL');
  });

  it('rejects an analyst view that breaks the schema', async () => {
    const broken = buildSignalGraph({
      analyst: fixedAnalyst({ ...view('bullish', 0.9), confidence: 1.5 }),
      analystName: 'llm',
    });
    await expect(generateSignal(input(trendingCloses(0.004)), broken)).rejects.toThrow(
      /Analyst "llm" returned an invalid view: confidence/,
    );
  });

  it('exposes the intermediate state when the compiled graph is invoked directly', async () => {
    const closes = trendingCloses(0.004);
    const {
      items: [state],
    } = await buildSignalGraph().invoke({
      items: [
        {
          symbol: 'MSFT',
          asOf: '2026-11-20',
          closes,
          params: resolveSignalParams(),
          trace: [],
        } as unknown as SymbolWork,
      ],
    });
    const snapshot = computeIndicators(closes);
    expect(state.indicators).toEqual(snapshot);
    expect(state.view).toEqual(deterministicAnalyst(snapshot));
    expect(state.risk).toEqual(assessSignalRisk(snapshot));
    expect(state.decision.action).toBe('BUY');
    expect(state.trace.map((t) => t.node)).toEqual(NODES);
  });
});

describe('generateSignals: one graph run for several symbols', () => {
  const untimed = (signal: Signal) => ({
    ...signal,
    trace: signal.trace.map((entry) => ({ ...entry, ms: 0 })),
    analystRun: signal.analystRun && { ...signal.analystRun, latencyMs: 0 },
  });

  it('gives each symbol the signal generateSignal gives it alone, in input order, with its own trace', async () => {
    const inputs = [
      { ...input(trendingCloses(0.004)), symbol: 'UP' },
      { ...input(trendingCloses(-0.004)), symbol: 'DOWN' },
      { ...input(trendingCloses(0)), symbol: 'FLAT' },
    ];
    const batch = await generateSignals(inputs);
    const alone = await Promise.all(inputs.map((one) => generateSignal(one)));
    expect(batch.map((s) => s.symbol)).toEqual(['UP', 'DOWN', 'FLAT']);
    expect(batch.map(untimed)).toEqual(alone.map(untimed));
    expect(new Set(batch.map((s) => s.action)).size).toBeGreaterThan(1);
    for (const signal of batch) expect(signal.trace.map((t) => t.node)).toEqual(NODES);
  });

  it('checks every input before the graph runs, naming the bad field', async () => {
    const analyst = jest.fn<ReturnType<Analyst>, Parameters<Analyst>>((snapshot) =>
      Promise.resolve(deterministicAnalyst(snapshot)),
    );
    const graph = buildSignalGraph({ analyst });
    await expect(
      generateSignals(
        [input(trendingCloses(0.004)), { ...input(trendingCloses(0.004)), symbol: ' ' }],
        graph,
      ),
    ).rejects.toThrow(/symbol must be a non-empty string/);
    expect(analyst).not.toHaveBeenCalled();
  });

  it('answers no signals for no symbols', async () => {
    await expect(generateSignals([])).resolves.toEqual([]);
  });
});

describe('the riskGate node and the analyst context', () => {
  const verdict = (symbol: string, action: 'BUY' | 'SELL', flagged: boolean) => ({
    symbol,
    action,
    tradeNotional: action === 'BUY' ? 100_000 : -100_000,
    flagged,
    reasons: flagged ? ['new breach: position AAPL 200,000 exceeds the limit 150,000'] : [],
    varBefore: 1_000,
    varAfter: 1_500,
  });

  it('checks the trade a BUY would make; a flagged one keeps its action and says it needs approval', async () => {
    const calls: [string, string][] = [];
    const signal = await generateSignal({
      ...input(trendingCloses(0.004)),
      gate: (symbol, action) => {
        calls.push([symbol, action]);
        return verdict(symbol, action, true);
      },
    });
    expect(signal.action).toBe('BUY');
    expect(calls).toEqual([['AAPL', 'BUY']]);
    expect(signal.gate).toMatchObject({ flagged: true, tradeNotional: 100_000 });
    expect(signal.rationale[signal.rationale.length - 1]).toBe(
      'needs approval: the risk gate flagged it (new breach: position AAPL 200,000 exceeds the limit 150,000)',
    );
    expect(signal.trace.find((t) => t.node === 'riskGate')?.summary).toBe(
      'BUY 100000: flagged (1 reason(s))',
    );
  });

  it('does not call the gate for a HOLD, and passes an unflagged trade without comment', async () => {
    const gate = jest.fn((symbol: string, action: 'BUY' | 'SELL') => verdict(symbol, action, false));
    const hold = await generateSignal({ ...input(zigzagCloses()), gate });
    expect(hold.action).toBe('HOLD');
    expect(gate).not.toHaveBeenCalled();
    expect(hold.gate).toBeUndefined();
    const sell = await generateSignal({ ...input(trendingCloses(-0.004)), gate });
    expect(sell.action).toBe('SELL');
    expect(sell.gate?.flagged).toBe(false);
    expect(sell.rationale.some((line) => line.startsWith('needs approval'))).toBe(false);
  });

  it('gives an LLM analyst the recent returns and the book risk snapshot', async () => {
    const seen: unknown[] = [];
    const graph = buildSignalGraph({
      llm: (_symbol, snapshot, context) => {
        seen.push(context);
        return Promise.resolve({
          view: deterministicAnalyst(snapshot),
          run: { kind: 'llm', model: 'spy', modelCalls: 1, tokens: null, latencyMs: 0, rejections: [] },
        });
      },
    });
    const closes = [100, 101, 99.99, 101.9899, 100, 102, 103.02];
    await generateSignal(
      { ...input(closes), bookRisk: { varUtilisation: 0.4, breaches: 0, weight: 0.25 } },
      graph,
    );
    const [context] = seen as { recentReturns: number[]; bookRisk: unknown }[];
    expect(context.recentReturns.map((r) => Number(r.toFixed(4)))).toEqual([
      -0.01, 0.02, -0.0195, 0.02, 0.01,
    ]);
    expect(context.bookRisk).toEqual({ varUtilisation: 0.4, breaches: 0, weight: 0.25 });
  });
});
