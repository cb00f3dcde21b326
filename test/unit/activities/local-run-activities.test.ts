/**
 * A local run's one local activity (patch pipeline-v2), over the real stage activities, an in-memory SQLite store
 * and the synthetic provider, in Temporal's mock activity environment: validation alone for a run that is not
 * local; otherwise ingest, risk and signals, and the result recorded unless a signal waits for approval.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import {
  createLocalRunActivities,
  type ValidateAndRunLocallyInput,
  type ValidateAndRunLocallyResult,
} from '../../../src/activities/local-run-activities';
import { createMarketDataActivities } from '../../../src/activities/market-data-activities';
import { createPipelineActivities } from '../../../src/activities/pipeline-activities';
import type { Bar, MarketDataProvider } from '../../../src/market-data/bar';
import { createSyntheticProvider } from '../../../src/market-data/providers/synthetic';
import { summarize, withSignalGate } from '../../../src/pipeline/run-result';
import { openStores, type Stores } from '../../../src/store';

const run = { workflowId: 'pipeline:default:2026-11-20:local', runId: 'r1' };
const referenceTime = '2026-11-20T21:00:00.000Z';

describe('validateAndRunLocally', () => {
  let stores: Stores;
  beforeEach(() => {
    stores = openStores(':memory:');
  });
  afterEach(() => stores.close());

  function activities(provider: MarketDataProvider = createSyntheticProvider({ seed: 1 })) {
    const marketData = createMarketDataActivities({
      providerFor: () => provider,
      bars: stores.bars,
      runs: stores.runs,
    });
    const pipeline = createPipelineActivities({
      bars: stores.bars,
      runs: stores.runs,
      defaultProvider: 'synthetic',
      stageExecution: {
        mode: 'auto',
        isLocalProvider: (name) => name === 'synthetic',
        fallbacksOf: () => [],
      },
    });
    return createLocalRunActivities({ ...marketData, ...pipeline });
  }

  const runLocally = (request: unknown, provider?: MarketDataProvider) =>
    new MockActivityEnvironment().run<
      [ValidateAndRunLocallyInput],
      ValidateAndRunLocallyResult,
      (i: ValidateAndRunLocallyInput) => Promise<ValidateAndRunLocallyResult>
    >((i) => activities(provider).validateAndRunLocally(i), { run, request, referenceTime });

  it('runs a local run whole and records its result, the one the workflow would put together', async () => {
    const { resolved, stages } = await runLocally({
      symbols: ['AAPL', 'MSFT'],
      asOf: '2026-11-20',
      lookbackDays: 60,
    });
    expect(resolved.stageExecution?.execution).toBe('local');
    expect(stages?.symbols.map((s) => s.symbol)).toEqual(['AAPL', 'MSFT']);
    expect(stages?.signals?.map((s) => s.symbol)).toEqual(['AAPL', 'MSFT']);
    expect(stages?.risk?.exposures.map((e) => e.symbol).sort()).toEqual(['AAPL', 'MSFT']);
    expect(stages?.resultRecorded).toBe(true);

    const stored = await stores.runs.getLatestRun(run.workflowId);
    expect(stored?.status).toBe('completed');
    const expected = summarize(
      run,
      resolved,
      stages!.symbols,
      stages!.signals!,
      withSignalGate(stages!.risk!, stages!.signals!),
    );
    expect(stored?.result).toEqual(JSON.parse(JSON.stringify(expected)));
  });

  it('leaves the result to the workflow when a signal waits for approval', async () => {
    // AAPL's synthetic series gives a SELL; on a 100,000 short it takes the position past its 150,000 limit.
    const { stages } = await runLocally({
      symbols: ['AAPL'],
      asOf: '2026-11-20',
      lookbackDays: 120,
      varBacktest: false,
      positions: [{ symbol: 'AAPL', marketValue: -100_000 }],
      limits: { maxPositionNotionalBySymbol: { AAPL: 150_000 } },
      tradeNotional: 100_000,
    });
    expect(stages?.signals?.map((s) => [s.action, s.gate?.flagged])).toEqual([['SELL', true]]);
    expect(stages?.resultRecorded).toBeUndefined();
    expect((await stores.runs.getLatestRun(run.workflowId))?.status).toBe('running');
  });

  it('stops after ingest when a symbol has too few bars, without risk or signals', async () => {
    const inner = createSyntheticProvider({ seed: 1 });
    const sparse: MarketDataProvider = {
      name: 'synthetic',
      async fetchBars(request) {
        const bars = await inner.fetchBars(request);
        return request.symbol === 'MSFT' ? bars.slice(0, 1) : bars.map((b: Bar) => b);
      },
    };
    const { stages } = await runLocally(
      { symbols: ['AAPL', 'MSFT'], asOf: '2026-11-20', lookbackDays: 60 },
      sparse,
    );
    expect(stages?.symbols.map((s) => s.symbol)).toEqual(['AAPL', 'MSFT']);
    expect(stages?.risk).toBeUndefined();
    expect(stages?.signals).toBeUndefined();
    expect((await stores.runs.getLatestRun(run.workflowId))?.status).toBe('running');
  });

  it('only validates a run that is not local, and rejects bad input naming the field', async () => {
    const { resolved, stages } = await runLocally({
      symbols: Array.from({ length: 11 }, (_, i) => `S${i}`),
      asOf: '2026-11-20',
      lookbackDays: 60,
    });
    expect(resolved.stageExecution?.execution).toBe('activities');
    expect(stages).toBeUndefined();
    expect(await stores.runs.getLatestRun(run.workflowId)).toBeUndefined();

    await expect(runLocally({ symbols: ['AAPL'], lookbackDays: 5 })).rejects.toThrow(/lookbackDays/);
  });
});
