/**
 * The supervisor graph (research analyst → financial analyst → risk officer, routed by a deterministic supervisor
 * node), driven by LangChain's fake chat models with scripted answers: `FakeListChatModel` and the
 * `UsageReportingFakeChatModel` that also reports token usage. They stand in for the model endpoints (OpenAI, vLLM,
 * Ollama), which are behind the internet and unreachable from tests. The scripted answers come in call order:
 * research notes, the financial view, the risk review, then any revision.
 */
import type { BaseMessage } from '@langchain/core/messages';
import { FakeListChatModel } from '@langchain/core/utils/testing';
import {
  buildSignalGraph,
  computeIndicators,
  deterministicAnalyst,
  generateSignal,
} from '../../../src/signals';
import { toAnalystView } from '../../../src/signals/llm-analyst';
import {
  buildSupervisorGraph,
  createConfiguredSupervisorAnalyst,
  createSupervisorAnalyst,
  FINANCIAL_PROMPT,
  RESEARCH_PROMPT,
  RISK_OFFICER_PROMPT,
  routeNext,
  type Draft,
  type RoutingState,
} from '../../../src/signals/supervisor';
import { UsageReportingFakeChatModel } from '../../support/scripted-chat-model';

const closes = Array.from({ length: 80 }, (_, i) => 100 * Math.exp(0.004 * i + 0.01 * Math.sin(i)));
const snapshot = computeIndicators(closes);
const answer = (body: unknown) => JSON.stringify(body);

const notes = {
  notes: [
    { indicator: 'crossover', note: 'SMA(10) 134.94 above SMA(30) 129.57: the trend is up.' },
    { indicator: 'rsi', note: 'RSI 77.5: overbought, the entry is late.' },
  ],
  summary: 'Uptrend, but overbought.',
};
const view = {
  direction: 'long',
  confidence: 0.85,
  horizon: '1w',
  rationale: 'SMA crossover and +7% momentum; RSI 77.5 argues for a short horizon.',
  citedIndicators: ['crossover', 'momentum', 'rsi'],
};
const revised = {
  ...view,
  confidence: 0.6,
  rationale: 'Trend intact but overbought at RSI 77.5: less conviction.',
};
const approve = { decision: 'approve', reason: 'volatility 11% and drawdown under 1% are within limits' };
const revise = { decision: 'revise', reason: 'confidence 0.85 with RSI 77.5 is too high for a late entry' };

/** The messages of the n-th model call. */
const messagesOf = (spy: jest.SpyInstance, n: number) => spy.mock.calls[n][0] as BaseMessage[];
const contentOf = (message: BaseMessage) => message.text;

describe('routing', () => {
  const draft = (round: number): Draft => ({ view: deterministicAnalyst(snapshot), round });
  const base: RoutingState = { notes: null, draft: null, review: null, failure: null };
  const researched = { ...base, notes: { notes: [], summary: 's' } };

  it('research → financial → risk officer → finish', () => {
    expect(routeNext(base, 1)).toBe('research');
    expect(routeNext(researched, 1)).toBe('financial');
    expect(routeNext({ ...researched, draft: draft(0) }, 1)).toBe('riskOfficer');
    const approved = { review: { decision: 'approve', reason: 'ok' } as const, round: 0 };
    expect(routeNext({ ...researched, draft: draft(0), review: approved }, 1)).toBe('finish');
    const capped = { review: { decision: 'cap', maxConfidence: 0.5, reason: 'vol' } as const, round: 0 };
    expect(routeNext({ ...researched, draft: draft(0), review: capped }, 1)).toBe('finish');
  });

  it('a revise goes back to the financial analyst while revisions are left, and the new view is reviewed', () => {
    const sentBack = { review: { decision: 'revise', reason: 'too sure' } as const, round: 0 };
    expect(routeNext({ ...researched, draft: draft(0), review: sentBack }, 1)).toBe('financial');
    expect(routeNext({ ...researched, draft: draft(1), review: sentBack }, 1)).toBe('riskOfficer');
    const again = { ...sentBack, round: 1 };
    expect(routeNext({ ...researched, draft: draft(1), review: again }, 1)).toBe('finish');
    expect(routeNext({ ...researched, draft: draft(1), review: again }, 2)).toBe('financial');
    expect(routeNext({ ...researched, draft: draft(0), review: sentBack }, 0)).toBe('finish');
  });

  it('a failed role ends in the fallback, wherever it happened', () => {
    const failure = { role: 'riskOfficer' as const, reason: 'no answer' };
    expect(routeNext({ ...base, failure }, 1)).toBe('fallback');
    expect(routeNext({ ...researched, draft: draft(0), failure }, 1)).toBe('fallback');
  });
});

describe('offline (no model): deterministic roles', () => {
  it('runs research → financial → risk officer on rules, the view being the deterministic one', async () => {
    const { view: supervised, run } = await createSupervisorAnalyst()('AAPL', snapshot);
    const rules = deterministicAnalyst(snapshot);
    expect(supervised).toEqual({
      ...rules,
      rationale: [
        ...rules.rationale,
        'research analyst: 6 indicators from 80 closes; trend bullish, volatility 11.3%',
        'risk officer: approved: volatility and drawdown within limits',
      ],
    });
    expect(run).toMatchObject({
      kind: 'deterministic',
      model: 'supervisor(rules)',
      modelCalls: 0,
      tokens: null,
      rejections: [],
    });
    expect(run.fallback).toBeUndefined();
    expect(run.steps?.map((s) => [s.role, s.modelCalls, s.tokens])).toEqual([
      ['research', 0, null],
      ['financial', 0, null],
      ['riskOfficer', 0, null],
    ]);
    expect(run.steps?.[1].summary).toBe('bullish (confidence 0.80)');
  });

  it('the risk officer caps the confidence beyond the limits', async () => {
    const { view: capped, run } = await createSupervisorAnalyst({ riskLimits: { volatility: 0.05 } })(
      'AAPL',
      snapshot,
    );
    expect(capped.confidence).toBe(0.6);
    expect(capped.score).toBe(deterministicAnalyst(snapshot).score);
    expect(capped.rationale.at(-1)).toBe(
      'risk officer: confidence capped at 0.60: realized volatility 11.3% > 5.0%',
    );
    expect(run.steps?.[2].summary).toBe('confidence capped at 0.60: realized volatility 11.3% > 5.0%');
  });

  it('the graph visits supervisor → role → supervisor and finishes', async () => {
    const state = await buildSupervisorGraph().run('AAPL', snapshot);
    expect(state.route).toEqual(['research', 'financial', 'riskOfficer', 'finish']);
    expect(state.objections).toEqual([]);
  });
});

describe('with a scripted chat model', () => {
  it('each role calls the model with its own prompt; the approved view is used', async () => {
    const model = new FakeListChatModel({ responses: [answer(notes), answer(view), answer(approve)] });
    const spy = jest.spyOn(model, 'invoke');
    const { view: supervised, run } = await createSupervisorAnalyst({ model, modelName: 'fake:scripted' })(
      'AAPL',
      snapshot,
    );
    const expected = toAnalystView(view as Parameters<typeof toAnalystView>[0]);
    expect(supervised).toEqual({
      ...expected,
      rationale: [
        ...expected.rationale,
        'research analyst: Uptrend, but overbought.',
        `risk officer: approved: ${approve.reason}`,
      ],
    });
    expect(run).toMatchObject({
      kind: 'llm',
      model: 'supervisor(fake:scripted)',
      modelCalls: 3,
      tokens: null,
      rejections: [],
      horizon: '1w',
    });
    expect(run.steps?.map((s) => s.role)).toEqual(['research', 'financial', 'riskOfficer']);
    expect(run.steps?.[1].summary).toBe('long (confidence 0.85, horizon 1w)');

    expect(spy).toHaveBeenCalledTimes(3);
    expect(messagesOf(spy, 0).map(contentOf)[0]).toBe(RESEARCH_PROMPT);
    const [financialSystem, financialHuman] = messagesOf(spy, 1).map(contentOf);
    expect(financialSystem).toBe(FINANCIAL_PROMPT);
    expect(JSON.parse(financialHuman)).toMatchObject({ symbol: 'AAPL', researchNotes: notes });
    const [riskSystem, riskHuman] = messagesOf(spy, 2).map(contentOf);
    expect(riskSystem).toBe(RISK_OFFICER_PROMPT);
    expect(JSON.parse(riskHuman)).toMatchObject({ view, revisionAvailable: true });
  });

  it("the risk officer's cap lowers the confidence (and the score) of the model's view", async () => {
    const cap = { decision: 'cap', maxConfidence: 0.5, reason: 'late entry at RSI 77.5' };
    const model = new FakeListChatModel({ responses: [answer(notes), answer(view), answer(cap)] });
    const { view: supervised, run } = await createSupervisorAnalyst({ model, modelName: 'fake:scripted' })(
      'AAPL',
      snapshot,
    );
    expect(supervised).toMatchObject({ stance: 'bullish', confidence: 0.5, score: 0.5 });
    expect(supervised.rationale.at(-1)).toBe(
      'risk officer: confidence capped at 0.50: late entry at RSI 77.5',
    );
    expect(run.kind).toBe('llm');
  });

  it('revision loop: the risk officer sends the view back once, the revised view is reviewed and approved', async () => {
    const model = new FakeListChatModel({
      responses: [answer(notes), answer(view), answer(revise), answer(revised), answer(approve)],
    });
    const spy = jest.spyOn(model, 'invoke');
    const supervisor = buildSupervisorGraph({ model, modelName: 'fake:scripted' });
    const state = await supervisor.run('AAPL', snapshot);
    expect(state.route).toEqual([
      'research',
      'financial',
      'riskOfficer',
      'financial',
      'riskOfficer',
      'finish',
    ]);
    expect(state.objections).toEqual([revise.reason]);
    expect(state.draft?.round).toBe(1);
    expect(state.final).toMatchObject({ confidence: 0.6, stance: 'bullish' });
    expect(state.final?.rationale).toEqual([
      revised.rationale,
      'LLM view: long, horizon 1w',
      'research analyst: Uptrend, but overbought.',
      `revision 1 after the risk officer's objection: ${revise.reason}`,
      `risk officer: approved: ${approve.reason}`,
    ]);
    // The revision request carries the previous view and the objection; the second review has no revision left.
    expect(JSON.parse(contentOf(messagesOf(spy, 3)[1]))).toMatchObject({
      previousView: view,
      riskOfficerObjection: revise.reason,
    });
    expect(JSON.parse(contentOf(messagesOf(spy, 4)[1]))).toMatchObject({
      view: revised,
      revisionAvailable: false,
    });
    expect(state.steps.map((s) => [s.role, s.summary])).toEqual([
      ['research', '2 notes (crossover, rsi): Uptrend, but overbought.'],
      ['financial', 'long (confidence 0.85, horizon 1w)'],
      ['riskOfficer', `sent back for revision: ${revise.reason}`],
      ['financial', 'revision 1: long (confidence 0.60, horizon 1w)'],
      ['riskOfficer', `approved: ${approve.reason}`],
    ]);
  });

  it('revisions are bounded: a second "revise" is rejected and the risk officer must approve or cap', async () => {
    const model = new FakeListChatModel({
      responses: [
        answer(notes),
        answer(view),
        answer(revise),
        answer(revised),
        answer({ decision: 'revise', reason: 'still too sure' }),
        answer({ decision: 'cap', maxConfidence: 0.4, reason: 'still too sure' }),
      ],
    });
    const { view: supervised, run } = await createSupervisorAnalyst({ model, modelName: 'fake:scripted' })(
      'AAPL',
      snapshot,
    );
    expect(run.modelCalls).toBe(6);
    expect(run.rejections).toEqual(['risk officer attempt 1: decision: no revision left; approve or cap']);
    expect(run.steps?.map((s) => [s.role, s.modelCalls])).toEqual([
      ['research', 1],
      ['financial', 1],
      ['riskOfficer', 1],
      ['financial', 1],
      ['riskOfficer', 2],
    ]);
    expect(supervised.confidence).toBe(0.4);
  });

  it('with maxRevisions 0 a "revise" is never accepted', async () => {
    const model = new FakeListChatModel({
      responses: [answer(notes), answer(view), answer(revise), answer(approve)],
    });
    const { run } = await createSupervisorAnalyst({ model, modelName: 'fake:scripted', maxRevisions: 0 })(
      'AAPL',
      snapshot,
    );
    expect(run.steps?.map((s) => s.role)).toEqual(['research', 'financial', 'riskOfficer']);
    expect(run.rejections).toEqual(['risk officer attempt 1: decision: no revision left; approve or cap']);
  });

  it('each role retries a rejected answer with the reason, within its own attempts', async () => {
    const model = new FakeListChatModel({
      responses: [
        'Notes: the trend is up.',
        answer(notes),
        answer({ ...view, confidence: 1.3 }),
        answer(view),
        answer({ decision: 'cap', maxConfidence: 0.9, reason: 'vol' }),
        answer(approve),
      ],
    });
    const spy = jest.spyOn(model, 'invoke');
    const { run } = await createSupervisorAnalyst({ model, modelName: 'fake:scripted', maxAttempts: 2 })(
      'AAPL',
      snapshot,
    );
    expect(run.kind).toBe('llm');
    expect(run.modelCalls).toBe(6);
    expect(run.rejections).toEqual([
      expect.stringMatching(/^research analyst attempt 1: not valid JSON/),
      expect.stringMatching(/^financial analyst attempt 1: schema: confidence/),
      "risk officer attempt 1: maxConfidence 0.9 must be below the view's confidence 0.85 (approve instead)",
    ]);
    // The retry shows the model its answer and why it was refused.
    const retry = messagesOf(spy, 1);
    expect(retry).toHaveLength(4);
    expect(contentOf(retry[3])).toMatch(/^Your answer was rejected: not valid JSON/);
  });

  it('a role that fails every attempt makes the whole supervisor fall back to the deterministic analyst', async () => {
    const scripted = () =>
      new FakeListChatModel({ responses: [answer(notes), answer(view), 'approve', 'yes, approve'] });
    const state = await buildSupervisorGraph({
      model: scripted(),
      modelName: 'fake:scripted',
      maxAttempts: 2,
    }).run('AAPL', snapshot);
    expect(state.route).toEqual(['research', 'financial', 'riskOfficer', 'fallback']);

    const { view: supervised, run } = await createSupervisorAnalyst({
      model: scripted(),
      modelName: 'fake:scripted',
      maxAttempts: 2,
    })('AAPL', snapshot);
    const rules = deterministicAnalyst(snapshot);
    const reason = 'fake:scripted as risk officer gave no valid answer in 2 attempt(s)';
    expect(supervised).toEqual({
      ...rules,
      rationale: [...rules.rationale, `${reason}; deterministic analyst used`],
    });
    expect(run).toMatchObject({ kind: 'deterministic', model: 'supervisor(fake:scripted)', modelCalls: 4 });
    expect(run.fallback).toEqual({ reason });
    expect(run.horizon).toBeUndefined();
    expect(run.rejections).toHaveLength(2);
    expect(run.steps?.map((s) => [s.role, s.modelCalls])).toEqual([
      ['research', 1],
      ['financial', 1],
      ['riskOfficer', 2],
      ['fallback', 0],
    ]);
  });

  it('a failing research analyst falls back before the other roles run', async () => {
    const model = new FakeListChatModel({ responses: ['?'] });
    const state = await buildSupervisorGraph({ model, modelName: 'fake:bad', maxAttempts: 1 }).run(
      'AAPL',
      snapshot,
    );
    expect(state.route).toEqual(['research', 'fallback']);
    expect(state.failure?.reason).toBe('fake:bad as research analyst gave no valid answer in 1 attempt(s)');
  });

  it('a call slower than the timeout is a failed attempt', async () => {
    const model = new FakeListChatModel({ responses: [answer(notes)], sleep: 500 });
    const started = Date.now();
    const { run } = await createSupervisorAnalyst({
      model,
      modelName: 'fake:slow',
      maxAttempts: 2,
      timeoutMs: 50,
    })('AAPL', snapshot);
    expect(Date.now() - started).toBeLessThan(400);
    expect(run.fallback?.reason).toBe('fake:slow as research analyst gave no valid answer in 2 attempt(s)');
    expect(run.rejections).toEqual([
      expect.stringMatching(/^research analyst attempt 1: model call failed: .*(abort|timeout|time)/i),
      expect.stringMatching(/^research analyst attempt 2: model call failed/),
    ]);
  });

  it('sums the token usage of every call, per role and in the run', async () => {
    const usage = { input_tokens: 400, output_tokens: 60, total_tokens: 460 };
    const model = new UsageReportingFakeChatModel(
      [answer(notes), 'not json', answer(view), answer(approve)],
      usage,
    );
    const { run } = await createSupervisorAnalyst({ model, modelName: 'fake:usage' })('AAPL', snapshot);
    expect(run.modelCalls).toBe(4);
    expect(run.steps?.map((s) => s.tokens?.total)).toEqual([460, 920, 460]);
    expect(run.tokens).toEqual({ input: 1600, output: 240, total: 1840 });
  });

  it('records latency with the given clock, per role and in the run', async () => {
    let clock = 0;
    const model = new FakeListChatModel({ responses: [answer(notes), answer(view), answer(approve)] });
    const original = model.invoke.bind(model);
    jest.spyOn(model, 'invoke').mockImplementation((...args) => {
      clock += 100; // every model call "takes" 100 ms
      return original(...args);
    });
    const { run } = await createSupervisorAnalyst({ model, modelName: 'fake:clock', now: () => clock })(
      'AAPL',
      snapshot,
    );
    expect(run.steps?.map((s) => s.ms)).toEqual([100, 100, 100]);
    expect(run.latencyMs).toBe(300);
  });

  it('refuses nonsense settings', () => {
    const model = new FakeListChatModel({ responses: [] });
    expect(() => createSupervisorAnalyst({ model })).toThrow(/modelName is required/);
    expect(() => createSupervisorAnalyst({ maxRevisions: 6 })).toThrow(/maxRevisions/);
    expect(() => createSupervisorAnalyst({ maxRevisions: 0.5 })).toThrow(/maxRevisions/);
    expect(() => createSupervisorAnalyst({ maxAttempts: 0 })).toThrow(/maxAttempts/);
    expect(() => createSupervisorAnalyst({ timeoutMs: 0 })).toThrow(/timeoutMs/);
    expect(() => createSupervisorAnalyst({ riskLimits: { confidenceCap: 2 } })).toThrow(/confidenceCap/);
  });
});

describe('in the signal graph, in place of the flat LLM analyst', () => {
  it('records the supervisor, its calls, tokens and steps on the signal and in the trace', async () => {
    const model = new UsageReportingFakeChatModel([answer(notes), answer(view), answer(approve)], {
      input_tokens: 300,
      output_tokens: 40,
      total_tokens: 340,
    });
    const graph = buildSignalGraph({ llm: createSupervisorAnalyst({ model, modelName: 'fake:graph' }) });
    const signal = await generateSignal({ symbol: 'AAPL', asOf: '2026-11-25', closes }, graph);
    expect(signal.analyst).toBe('llm:supervisor(fake:graph)');
    expect(signal.stance).toBe('bullish');
    expect(signal.confidence).toBe(0.85);
    expect(signal.rationale[0]).toBe(view.rationale);
    expect(signal.analystRun).toMatchObject({ kind: 'llm', modelCalls: 3, tokens: { total: 1020 } });
    expect(signal.analystRun?.steps).toHaveLength(3);
    expect(signal.trace.find((t) => t.node === 'analyst')).toMatchObject({
      model: 'supervisor(fake:graph)',
      modelCalls: 3,
      tokens: { input: 900, output: 120, total: 1020 },
    });
  });

  it('offline, the signal equals the deterministic one unless the risk officer capped it', async () => {
    const graph = buildSignalGraph({ llm: createSupervisorAnalyst() });
    const [supervised, plain] = await Promise.all([
      generateSignal({ symbol: 'AAPL', asOf: '2026-11-25', closes }, graph),
      generateSignal({ symbol: 'AAPL', asOf: '2026-11-25', closes }),
    ]);
    expect(supervised.analyst).toBe('supervisor(rules)');
    expect(supervised.analystRun).toMatchObject({ kind: 'deterministic', model: 'supervisor(rules)' });
    expect(supervised.action).toBe(plain.action);
    expect(supervised.confidence).toBe(plain.confidence);
  });

  it('from worker settings: offline without them, the configured client with them', async () => {
    const offline = await createConfiguredSupervisorAnalyst(undefined)('AAPL', snapshot);
    expect(offline.run.model).toBe('supervisor(rules)');
    // Nothing listens on port 9: the call fails at once, and the supervisor falls back, naming the model.
    const unreachable = createConfiguredSupervisorAnalyst({
      provider: 'openai',
      model: 'gpt-4o-mini',
      baseUrl: 'http://127.0.0.1:9/v1',
      temperature: 0,
      timeoutMs: 2_000,
      maxAttempts: 1,
    });
    const { run } = await unreachable('AAPL', snapshot);
    expect(run).toMatchObject({
      kind: 'deterministic',
      model: 'supervisor(openai:gpt-4o-mini)',
      modelCalls: 1,
      fallback: { reason: 'openai:gpt-4o-mini as research analyst gave no valid answer in 1 attempt(s)' },
    });
  });
});
