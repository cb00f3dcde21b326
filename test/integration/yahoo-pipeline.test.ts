/**
 * The pipeline with the `yahoo` provider: the real yahoo-finance2 client code, fed generated responses through its
 * `fetch` option because Yahoo cannot be reached from here (see test/support/generated-yahoo.ts).
 */
import { randomUUID } from 'node:crypto';
import type { ProviderName } from '../../src/market-data/bar';
import { createYahooProvider } from '../../src/market-data/providers/yahoo';
import { createProviderCache } from '../../src/worker';
import { TRADING_PIPELINE_WORKFLOW } from '../../src/workflows/definitions';
import type { TradingPipelineResult } from '../../src/workflows/pipeline-types';
import { GENERATED_ADJ_FACTOR, generatedYahooNetwork } from '../support/generated-yahoo';
import { startStack, testConfig, type TestStack } from '../support/harness';

describe('pipeline on the yahoo provider (generated responses, real library)', () => {
  const network = generatedYahooNetwork(['DELISTED']);
  let stack: TestStack;
  beforeAll(async () => {
    const config = testConfig();
    const defaults = createProviderCache(config);
    const yahoo = createYahooProvider({ fetch: network.fetchImpl });
    stack = await startStack({
      config,
      api: false,
      providerFor: (name: ProviderName) => (name === 'yahoo' ? yahoo : defaults(name)),
    });
  });
  afterAll(async () => {
    await stack.stop();
  });

  const start = (symbols: string[]) =>
    stack.client.workflow.start(TRADING_PIPELINE_WORKFLOW, {
      taskQueue: stack.config.temporal.taskQueue,
      workflowId: `yahoo-${randomUUID()}`,
      args: [{ symbols, provider: 'yahoo', asOf: '2026-11-20', lookbackDays: 60 }],
    });

  it('ingests through the v8 chart API, records yahoo as the source, and uses the adjusted close', async () => {
    const result = (await (await start(['AAPL', 'MSFT'])).result()) as TradingPipelineResult;
    expect(result.providers).toEqual(['yahoo']);
    expect(result.ingest.perSymbol.every((s) => s.provider === 'yahoo' && s.fetched === 60)).toBe(true);
    expect(network.requests.some((u) => u.pathname === '/v8/finance/chart/AAPL')).toBe(true);
    const bars = await stack.stores.bars.getBars({ symbol: 'AAPL', from: '2026-11-16', to: '2026-11-20' });
    expect(bars).toHaveLength(5);
    for (const bar of bars) {
      expect(bar.source).toBe('yahoo');
      expect(bar.adjClose).toBeCloseTo(bar.close * GENERATED_ADJ_FACTOR, 3);
    }
    expect(result.signals.map((s) => s.symbol)).toEqual(['AAPL', 'MSFT']);
  });

  it('fails the run without retrying when Yahoo does not know a symbol, naming it', async () => {
    const handle = await start(['DELISTED']);
    await expect(handle.result()).rejects.toThrow();
    const history = await stack.client.workflow.getHandle(`${handle.workflowId}/ingest-0`).fetchHistory();
    const failure = (history.events ?? []).find((e) => e.activityTaskFailedEventAttributes)
      ?.activityTaskFailedEventAttributes?.failure;
    expect(failure?.message).toMatch(/DELISTED/);
    expect(failure?.applicationFailureInfo).toMatchObject({ type: 'UnknownSymbolError', nonRetryable: true });
  });
});
