/**
 * The worker holds a run to the same configured maxima as the API (TRADEFLOW_MAX_*): a pipeline, backtest or ingest
 * started with `temporal workflow start` is refused by its validation activity, naming the field and the variable.
 */
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createBacktestActivities } from '../../../src/activities/backtest-activities';
import { createMarketDataActivities } from '../../../src/activities/market-data-activities';
import { createPipelineActivities } from '../../../src/activities/pipeline-activities';
import { createSyntheticProvider } from '../../../src/market-data/providers/synthetic';
import { DEFAULT_REQUEST_BOUNDS, type RequestBounds } from '../../../src/pipeline/bounds';
import { openStores, type Stores } from '../../../src/store';

const bounds: RequestBounds = {
  ...DEFAULT_REQUEST_BOUNDS,
  maxSymbols: 2,
  maxMonteCarloPaths: 1_000,
  maxBacktestSymbols: 1,
  maxIngestDays: 30,
  maxLookbackSessions: 100,
};

async function refusal(work: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApplicationFailure);
  const failure = error as ApplicationFailure;
  expect(failure).toMatchObject({ type: 'InvalidPipelineInput', nonRetryable: true });
  return failure;
}

describe('worker-side request bounds', () => {
  let stores: Stores;
  beforeEach(() => {
    stores = openStores(':memory:');
  });
  afterEach(() => stores.close());

  it('refuses a pipeline over the configured symbol and path maxima, and accepts one within them', async () => {
    const pipeline = createPipelineActivities({
      bars: stores.bars,
      runs: stores.runs,
      defaultProvider: 'synthetic',
      requestBounds: bounds,
    });
    const validate = (parameters: Record<string, unknown>) =>
      pipeline.validatePipelineInput({
        request: { symbols: ['AAPL', 'MSFT'], asOf: '2026-11-20', ...parameters },
        referenceTime: '2026-11-21T00:00:00Z',
      });
    const tooMany = await refusal(validate({ symbols: ['AAPL', 'MSFT', 'NVDA'] }));
    expect(tooMany.message).toMatch(/symbols: must list at most 2 symbols \(TRADEFLOW_MAX_SYMBOLS/);
    const tooManyPaths = await refusal(validate({ monteCarloPaths: 1_001 }));
    expect(tooManyPaths.message).toMatch(/monteCarloPaths/);
    const farPast = await refusal(validate({ from: '0100-01-04', asOf: '9999-12-30' }));
    expect(farPast.message).toMatch(/TRADEFLOW_MIN_YEAR\.\.TRADEFLOW_MAX_YEAR/);
    await expect(validate({})).resolves.toMatchObject({ symbols: ['AAPL', 'MSFT'] });
  });

  it('refuses a backtest over the configured symbol maximum', async () => {
    const backtest = createBacktestActivities({
      bars: stores.bars,
      backtests: stores.backtests,
      defaultProvider: 'synthetic',
      requestBounds: bounds,
    });
    const failure = await refusal(
      backtest.validateBacktestInput({
        request: { symbols: ['AAPL', 'MSFT'], from: '2025-01-02', to: '2025-12-31' },
      }),
    );
    expect(failure.message).toMatch(
      /symbols: must list at most 1 symbols \(TRADEFLOW_MAX_BACKTEST_SYMBOLS\)/,
    );
  });

  it('refuses an ingest span over the configured maximum before walking the calendar', async () => {
    const marketData = createMarketDataActivities({
      providerFor: () => createSyntheticProvider({ seed: 1 }),
      bars: stores.bars,
      runs: stores.runs,
      requestBounds: bounds,
    });
    const env = new MockActivityEnvironment();
    const ingest = (from: string, to: string) =>
      refusal(
        env.run(marketData.ingestSymbol, {
          run: { workflowId: 'w', runId: 'r' },
          symbol: 'AAPL',
          from,
          to,
          provider: 'synthetic' as const,
        }),
      );
    const started = performance.now();
    const failure = await ingest('0100-01-04', '9999-12-30');
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(failure.message).toMatch(/Invalid ingest input: (from|to):/);
    const longSpan = await ingest('2026-01-02', '2026-09-01');
    // The activity also serves pipeline ingests, so its cap is the larger of the ingest span and a lookback window.
    expect(longSpan.message).toMatch(
      /to: the range 2026-01-02\.\.2026-09-01 spans 242 calendar days; at most 164/,
    );
  });
});
