/**
 * The pipeline with the `yahoo` provider: the real yahoo-finance2 client code, fed generated responses through its
 * `fetch` option because Yahoo cannot be reached from here (see test/support/generated-yahoo.ts).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { MarketDataProvider, ProviderName } from '../../src/market-data/bar';
import { createProvider } from '../../src/market-data/registry';
import { createYahooProvider } from '../../src/market-data/providers/yahoo';
import { createProviderCache } from '../../src/worker';
import { TRADING_PIPELINE_WORKFLOW } from '../../src/contracts/workflow-names';
import type { TradingPipelineResult } from '../../src/contracts/pipeline';
import { GENERATED_ADJ_FACTOR, generatedYahooNetwork } from '../support/generated-yahoo';
import { ingestActivityEvents, startStack, testConfig, type TestStack } from '../support/harness';

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
    // Splits and dividends come with the bars and are stored as events.
    expect(
      await stack.stores.bars.getEvents({ symbol: 'AAPL', from: '2026-11-01', to: '2026-11-30' }),
    ).toEqual([
      { symbol: 'AAPL', date: '2026-11-16', type: 'split', value: 4, detail: '4:1', source: 'yahoo' },
      { symbol: 'AAPL', date: '2026-11-18', type: 'dividend', value: 0.26, source: 'yahoo' },
    ]);
    expect(result.ingest.perSymbol.find((s) => s.symbol === 'AAPL')?.eventsStored).toBe(2);
  });

  it('fails the run without retrying when Yahoo does not know a symbol, naming it', async () => {
    const handle = await start(['DELISTED']);
    await expect(handle.result()).rejects.toThrow();
    const failure = (await ingestActivityEvents(stack.client, handle.workflowId)).failures[0];
    expect(failure?.message).toMatch(/DELISTED/);
    expect(failure?.applicationFailureInfo).toMatchObject({ type: 'UnknownSymbolError', nonRetryable: true });
  });
});

describe('yahoo record/replay and fallbacks, configured through the environment', () => {
  const recordings = path.join(__dirname, '../fixtures/market-data/yahoo-recordings');

  it('replays a recorded day of Yahoo responses (TRADEFLOW_YAHOO_REPLAY_DIR) through the real worker wiring', async () => {
    const stack = await startStack({
      api: false,
      config: testConfig({ TRADEFLOW_YAHOO_REPLAY_DIR: recordings }),
    });
    try {
      const result = (await (
        await stack.client.workflow.start(TRADING_PIPELINE_WORKFLOW, {
          taskQueue: stack.config.temporal.taskQueue,
          workflowId: `yahoo-replay-${randomUUID()}`,
          args: [{ symbols: ['AAPL', 'MSFT'], provider: 'yahoo', asOf: '2025-12-31', lookbackDays: 60 }],
        })
      ).result()) as TradingPipelineResult;
      expect(result.providers).toEqual(['yahoo']);
      expect(result.ingest.barsRejected).toBe(0);
      const recorded = JSON.parse(
        readFileSync(path.join(recordings, 'chart-AAPL-1735689600-1767312000.json'), 'utf8'),
      );
      const closes: number[] = recorded.response.bodyJson.chart.result[0].indicators.quote[0].close;
      const [last] = await stack.stores.bars.getBars({
        symbol: 'AAPL',
        from: '2025-12-31',
        to: '2025-12-31',
      });
      expect(last.close).toBe(closes[closes.length - 1]);
      expect(last.source).toBe('yahoo');
    } finally {
      await stack.stop();
    }
  });

  it('falls back to the next provider when Yahoo is down, and says which provider served the data', async () => {
    // yahoo-finance2 console.error()s the URL of every failed request; keep the test output readable.
    const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const config = testConfig({ TRADEFLOW_PROVIDER_FALLBACKS: 'yahoo:synthetic' });
    const down: typeof fetch = () =>
      Promise.resolve(
        new Response('Service Unavailable', { status: 503, headers: { 'content-type': 'text/plain' } }),
      );
    const providers = new Map<ProviderName, MarketDataProvider>();
    const providerFor = (name: ProviderName) => {
      if (!providers.has(name)) {
        providers.set(
          name,
          createProvider(name, {
            synthetic: config.marketData.synthetic,
            yahoo: { ...config.marketData.yahoo, fetch: down },
            fallbacks: config.marketData.fallbacks,
          }),
        );
      }
      return providers.get(name)!;
    };
    const stack = await startStack({ api: false, config, providerFor });
    try {
      const result = (await (
        await stack.client.workflow.start(TRADING_PIPELINE_WORKFLOW, {
          taskQueue: config.temporal.taskQueue,
          workflowId: `yahoo-down-${randomUUID()}`,
          args: [{ symbols: ['AAPL'], provider: 'yahoo', asOf: '2026-11-20', lookbackDays: 30 }],
        })
      ).result()) as TradingPipelineResult;
      expect(result.input.provider).toBe('yahoo');
      expect(result.providers).toEqual(['synthetic']);
      expect(result.ingest.perSymbol[0].sources).toEqual({ synthetic: 30 });
    } finally {
      quiet.mockRestore();
      await stack.stop();
    }
  });
});
