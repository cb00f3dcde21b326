/**
 * The LLM analyst, driven by LangChain's fake chat models with scripted answers. They stand in for model endpoints
 * (OpenAI, vLLM, Ollama), which are behind the internet and unreachable from tests: malformed JSON, out-of-range
 * confidence, unknown indicators, slow calls, and token usage as providers report it.
 */
import { FakeListChatModel } from '@langchain/core/utils/testing';
import {
  buildSignalGraph,
  computeIndicators,
  deterministicAnalyst,
  generateSignal,
} from '../../../src/signals';
import {
  createLlmAnalyst,
  parseModelJson,
  promptFor,
  SYSTEM_PROMPT,
  validateModelAnswer,
} from '../../../src/signals/llm-analyst';
import { UsageReportingFakeChatModel } from '../../support/scripted-chat-model';

const closes = Array.from({ length: 80 }, (_, i) => 100 * Math.exp(0.004 * i + 0.01 * Math.sin(i)));
const snapshot = computeIndicators(closes);
const valid = {
  direction: 'long',
  confidence: 0.72,
  horizon: '1w',
  rationale: 'Fast SMA above slow and RSI 61 shows momentum without being overbought.',
  citedIndicators: ['crossover', 'rsi'],
};
const answer = (body: unknown) => JSON.stringify(body);

describe('validating model answers', () => {
  it('accepts the schema, also inside a ```json fence', () => {
    expect(validateModelAnswer(answer(valid))).toEqual({ ok: true, view: valid });
    expect(validateModelAnswer('```json\n' + answer(valid) + '\n```')).toMatchObject({ ok: true });
  });

  it('rejects with the reason: not JSON, out of range, unknown keys and indicators, wrong horizon', () => {
    expect(validateModelAnswer('Buy it, I think.')).toEqual({
      ok: false,
      reason: expect.stringMatching(/^not valid JSON .*"Buy it, I think\."$/),
    });
    expect(validateModelAnswer(answer({ ...valid, confidence: 1.3 }))).toEqual({
      ok: false,
      reason: expect.stringMatching(/^schema: confidence: .*<=1/),
    });
    expect(validateModelAnswer(answer({ ...valid, citedIndicators: ['astrology'] }))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/citedIndicators\.0/),
    });
    expect(validateModelAnswer(answer({ ...valid, target: 300 }))).toMatchObject({
      reason: expect.stringMatching(/Unrecognized key.*target/),
    });
    expect(validateModelAnswer(answer({ ...valid, horizon: 'forever' }))).toMatchObject({
      reason: expect.stringMatching(/horizon/),
    });
    expect(() => parseModelJson('{"direction": ')).toThrow(/not valid JSON/);
  });
});

describe('createLlmAnalyst with scripted models', () => {
  it('uses a valid first answer: one call, stance and confidence from the model', async () => {
    const model = new FakeListChatModel({ responses: [answer(valid)] });
    const { view, run } = await createLlmAnalyst({ model, modelName: 'fake:scripted' })('AAPL', snapshot);
    expect(view).toEqual({
      stance: 'bullish',
      score: 0.72,
      confidence: 0.72,
      rationale: [valid.rationale, 'LLM view: long, horizon 1w'],
      citedIndicators: ['crossover', 'rsi'],
    });
    expect(run).toMatchObject({
      kind: 'llm',
      model: 'fake:scripted',
      modelCalls: 1,
      rejections: [],
      horizon: '1w',
    });
    expect(run.fallback).toBeUndefined();
  });

  it('retries a malformed and an out-of-range answer, showing the model why, and uses the third', async () => {
    const model = new FakeListChatModel({
      responses: [
        '{"direction": "long", confidence: high}',
        answer({ ...valid, confidence: 7 }),
        answer({ ...valid, direction: 'short' }),
      ],
    });
    const spy = jest.spyOn(model, 'invoke');
    const { view, run } = await createLlmAnalyst({ model, modelName: 'fake:scripted' })('AAPL', snapshot);
    expect(view.stance).toBe('bearish');
    expect(view.score).toBe(-0.72);
    expect(run.modelCalls).toBe(3);
    expect(run.rejections).toEqual([
      expect.stringMatching(/^attempt 1: not valid JSON/),
      expect.stringMatching(/^attempt 2: schema: confidence/),
    ]);
    // The retry carries the rejected answer and the reason.
    const thirdCall = spy.mock.calls[2][0] as { content: unknown }[];
    expect(thirdCall).toHaveLength(6);
    expect(String(thirdCall[5].content)).toMatch(/^Your answer was rejected: schema: confidence/);
    expect(String((spy.mock.calls[0][0] as { content: unknown }[])[0].content)).toBe(SYSTEM_PROMPT);
  });

  it('falls back to the deterministic analyst after the bounded attempts, and says so', async () => {
    const model = new FakeListChatModel({ responses: ['no', 'still no'] });
    const { view, run } = await createLlmAnalyst({ model, modelName: 'fake:scripted', maxAttempts: 2 })(
      'AAPL',
      snapshot,
    );
    const rules = deterministicAnalyst(snapshot);
    expect(view).toEqual({
      ...rules,
      rationale: [
        ...rules.rationale,
        'fake:scripted gave no valid answer in 2 attempt(s); deterministic analyst used',
      ],
    });
    expect(run).toMatchObject({
      kind: 'deterministic',
      modelCalls: 2,
      fallback: { reason: 'fake:scripted gave no valid answer in 2 attempt(s)' },
    });
    expect(run.rejections).toHaveLength(2);
  });

  it('counts a call slower than the timeout as a failed attempt', async () => {
    const model = new FakeListChatModel({ responses: [answer(valid)], sleep: 2_000 });
    const started = Date.now();
    const { run } = await createLlmAnalyst({ model, modelName: 'fake:slow', maxAttempts: 2, timeoutMs: 50 })(
      'AAPL',
      snapshot,
    );
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(run.kind).toBe('deterministic');
    expect(run.rejections).toEqual([
      expect.stringMatching(/^attempt 1: model call failed: .*(abort|timeout|time)/i),
      expect.stringMatching(/^attempt 2: model call failed/),
    ]);
  });

  it('sums the token usage the provider reports', async () => {
    const model = new UsageReportingFakeChatModel(['not json', answer(valid)], {
      input_tokens: 412,
      output_tokens: 58,
      total_tokens: 470,
    });
    const { run } = await createLlmAnalyst({ model, modelName: 'fake:usage' })('AAPL', snapshot);
    // Two calls: the rejected one cost tokens too.
    expect(run.tokens).toEqual({ input: 824, output: 116, total: 940 });
  });

  it('refuses nonsense settings', () => {
    const model = new FakeListChatModel({ responses: [] });
    expect(() => createLlmAnalyst({ model, modelName: 'x', maxAttempts: 0 })).toThrow(/maxAttempts/);
    expect(() => createLlmAnalyst({ model, modelName: 'x', timeoutMs: 0 })).toThrow(/timeoutMs/);
  });
});

describe('the signal graph with an LLM analyst', () => {
  it('records the model, calls and tokens on the signal and in the analyst node of the trace', async () => {
    const model = new UsageReportingFakeChatModel([answer({ ...valid, confidence: 0.9 })], {
      input_tokens: 300,
      output_tokens: 40,
      total_tokens: 340,
    });
    const graph = buildSignalGraph({ llm: createLlmAnalyst({ model, modelName: 'fake:graph' }) });
    const signal = await generateSignal({ symbol: 'AAPL', asOf: '2026-11-25', closes }, graph);
    expect(signal.analyst).toBe('llm:fake:graph');
    expect(signal.stance).toBe('bullish');
    expect(signal.analystRun).toMatchObject({ kind: 'llm', modelCalls: 1, tokens: { total: 340 } });
    const analystNode = signal.trace.find((t) => t.node === 'analyst');
    expect(analystNode).toMatchObject({
      model: 'fake:graph',
      modelCalls: 1,
      tokens: { input: 300, output: 40 },
    });
    expect(signal.rationale[0]).toBe(valid.rationale);
  });

  it('a fallback signal is the deterministic one, named as such', async () => {
    const graph = buildSignalGraph({
      llm: createLlmAnalyst({
        model: new FakeListChatModel({ responses: ['?'] }),
        modelName: 'fake:bad',
        maxAttempts: 1,
      }),
    });
    const [viaLlm, plain] = await Promise.all([
      generateSignal({ symbol: 'AAPL', asOf: '2026-11-25', closes }, graph),
      generateSignal({ symbol: 'AAPL', asOf: '2026-11-25', closes }),
    ]);
    expect(viaLlm.analyst).toBe('deterministic');
    expect(viaLlm.action).toBe(plain.action);
    expect(viaLlm.confidence).toBe(plain.confidence);
    expect(viaLlm.analystRun?.fallback?.reason).toBe('fake:bad gave no valid answer in 1 attempt(s)');
    expect(viaLlm.trace.find((t) => t.node === 'analyst')?.summary).toMatch(/after fallback/);
  });
});

describe('the prompt', () => {
  it('carries the indicators, and the recent returns and book risk when the graph gives them', () => {
    const bare = JSON.parse(promptFor('AAPL', snapshot)) as Record<string, unknown>;
    expect(Object.keys(bare)).toEqual(['symbol', 'indicators', 'indicatorParams']);
    const full = JSON.parse(
      promptFor('AAPL', snapshot, {
        recentReturns: [0.01, -0.02],
        bookRisk: { varUtilisation: 0.8, breaches: 1, weight: 0.3 },
      }),
    ) as Record<string, unknown>;
    expect(full).toMatchObject({
      recentDailyReturns: [0.01, -0.02],
      bookRisk: { varUtilisation: 0.8, breaches: 1, weight: 0.3 },
    });
  });
});
