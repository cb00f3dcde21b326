/**
 * Pipelines with the LLM analyst on the real Temporal dev server. The model is LangChain's scripted fake chat
 * model, standing in for OpenAI/vLLM/Ollama endpoints, which are unreachable from tests.
 */
import { FakeListChatModel } from '@langchain/core/utils/testing';
import { createLlmAnalyst } from '../../src/signals/llm-analyst';
import { eventually, httpJson, startStack, type TestStack } from '../support/harness';

const view = (direction: string, confidence: number) =>
  JSON.stringify({
    direction,
    confidence,
    horizon: '1w',
    rationale: `Scripted ${direction} view.`,
    citedIndicators: ['momentum'],
  });

describe('pipeline with the llm analyst', () => {
  let stack: TestStack;
  beforeAll(async () => {
    // Calls, in order: AAPL gets a malformed answer then a long view; MSFT a short view.
    const model = new FakeListChatModel({
      responses: ['{"direction": long}', view('long', 0.9), view('short', 0.8)],
    });
    stack = await startStack({
      llmAnalyst: () => createLlmAnalyst({ model, modelName: 'scripted:fake', maxAttempts: 2 }),
    });
  });
  afterAll(async () => {
    await stack.stop();
  });

  const runPipeline = async (parameters: Record<string, unknown>) => {
    const started = await httpJson(stack.baseUrl!, 'POST', '/workflows/trigger', {
      workflow_id: 'trading_pipeline',
      parameters: { provider: 'synthetic', asOf: '2026-11-20', lookbackDays: 60, ...parameters },
    });
    expect(started.status).toBe(202);
    return eventually(async () => {
      const r = await httpJson(
        stack.baseUrl!,
        'GET',
        `/workflows/${encodeURIComponent(started.body.workflowId)}/result`,
      );
      return r.status === 200 ? r.body : undefined;
    });
  };

  it('uses the model per pipeline, retrying a malformed answer, and records calls with each signal', async () => {
    const result = await runPipeline({ symbols: ['AAPL', 'MSFT'], analyst: 'llm' });
    expect(result.status).toBe('COMPLETED');
    const [aapl, msft] = result.result.signals;
    expect(aapl).toMatchObject({
      symbol: 'AAPL',
      analyst: 'llm:scripted:fake',
      stance: 'bullish',
      confidence: 0.9,
    });
    expect(aapl.analystRun).toMatchObject({ kind: 'llm', modelCalls: 2 });
    expect(aapl.analystRun.rejections).toEqual([expect.stringMatching(/^attempt 1: not valid JSON/)]);
    expect(msft).toMatchObject({ symbol: 'MSFT', stance: 'bearish', analystRun: { modelCalls: 1 } });
    expect(aapl.trace.map((t: { node: string }) => t.node)).toEqual([
      'gatherContext',
      'analyst',
      'validate',
      'assessRisk',
      'riskGate',
      'decide',
    ]);
  });

  it('runs the supervisor graph (research, financial analyst, risk officer) per pipeline, on rules without a model', async () => {
    const result = await runPipeline({ symbols: ['NVDA'], analyst: 'supervisor' });
    expect(result.status).toBe('COMPLETED');
    const [signal] = result.result.signals;
    expect(signal.analyst).toBe('supervisor(rules)');
    expect(signal.analystRun).toMatchObject({ model: 'supervisor(rules)', modelCalls: 0 });
    const roles = (signal.analystRun.steps as { role: string }[]).map((step) => step.role);
    expect(roles.slice(0, 3)).toEqual(['research', 'financial', 'riskOfficer']);
  });

  it('keeps the deterministic analyst as the default, and refuses an unknown analyst naming the field', async () => {
    const result = await runPipeline({ symbols: ['AAPL'] });
    expect(result.result.signals[0]).toMatchObject({
      analyst: 'deterministic',
      analystRun: { modelCalls: 0 },
    });

    const bad = await httpJson(stack.baseUrl!, 'POST', '/workflows/trigger', {
      workflow_id: 'trading_pipeline',
      parameters: { symbols: ['AAPL'], analyst: 'gpt' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/analyst: must be one of deterministic, llm/);
  });
});
