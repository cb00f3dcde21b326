/** The whole pipeline on the real Temporal dev server, synthetic data, started through the Temporal client. */
import { randomUUID } from 'node:crypto';
import { TRADING_PIPELINE_WORKFLOW, progressQuery } from '../../src/contracts/workflow-names';
import type { TradingPipelineInput, TradingPipelineResult } from '../../src/contracts/pipeline';
import { PIPELINE_STAGE, RISK_STATUS, SYMBOLS } from '../../src/contracts/search-attributes';
import path from 'node:path';
import {
  freshPostgresDatabase,
  ingestActivityEvents,
  startStack,
  testConfig,
  type TestStack,
} from '../support/harness';

const csvFixtures = path.join(__dirname, '../fixtures/market-data/csv');

describe('tradingPipeline on the real dev server', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ api: false, config: testConfig({ TRADEFLOW_CSV_DIR: csvFixtures }) });
  });
  afterAll(async () => {
    await stack.stop();
  });

  const run = (input: TradingPipelineInput, workflowId = `it-pipeline-${randomUUID()}`) =>
    stack.client.workflow.start(TRADING_PIPELINE_WORKFLOW, {
      taskQueue: stack.config.temporal.taskQueue,
      workflowId,
      args: [input],
    });

  it('ingests, signals and assesses risk for three symbols, recording everything', async () => {
    const handle = await run({
      symbols: ['AAPL', 'MSFT', 'SPY'],
      asOf: '2026-10-30',
      lookbackDays: 120,
      provider: 'synthetic',
      ingestBatchSize: 2,
      positions: [
        { symbol: 'AAPL', quantity: 500 },
        { symbol: 'MSFT', quantity: -200 },
        { symbol: 'SPY', quantity: 100 },
      ],
    });
    const result = (await handle.result()) as TradingPipelineResult;

    expect(result.input.asOf).toBe('2026-10-30');
    expect(result.providers).toEqual(['synthetic']);
    expect(result.ingest.perSymbol.map((s) => s.symbol).sort()).toEqual(['AAPL', 'MSFT', 'SPY']);
    // 120 sessions back from asOf, inclusive, for each of three symbols.
    expect(result.ingest.barsFetched).toBe(3 * 120);
    expect(result.ingest.barsAlreadyStored).toBe(0);
    expect(result.ingest.barsInserted + result.ingest.barsUnchanged + result.ingest.barsUpdated).toBe(
      result.ingest.barsFetched - result.ingest.barsRejected,
    );
    expect(await stack.stores.bars.countBars()).toBe(result.ingest.barsInserted);

    expect(result.signals).toHaveLength(3);
    for (const signal of result.signals) {
      expect(['BUY', 'SELL', 'HOLD']).toContain(signal.action);
      expect(signal.confidence).toBeGreaterThanOrEqual(0);
      expect(signal.confidence).toBeLessThanOrEqual(1);
      expect(signal.asOf).toBe('2026-10-30');
    }

    expect(result.risk.asOfDate).toBe('2026-10-30');
    expect(result.risk.historical.var).toBeGreaterThan(0);
    expect(result.risk.historical.es).toBeGreaterThanOrEqual(result.risk.historical.var);
    expect(result.risk.parametric.var).toBeGreaterThan(0);
    expect(result.risk.monteCarlo.var).toBeGreaterThan(0);
    expect(result.risk.correlation.symbols).toEqual(['AAPL', 'MSFT', 'SPY']);
    expect(['ok', 'breach']).toContain(result.riskStatus);

    // Stored with the run.
    const ref = { workflowId: result.workflowId, runId: result.runId };
    expect(await stack.stores.runs.getSignals(ref)).toHaveLength(3);
    expect(await stack.stores.runs.getRiskReport(ref)).toMatchObject({ asOfDate: '2026-10-30' });
    expect(await stack.stores.runs.getLatestRun(result.workflowId)).toMatchObject({ status: 'completed' });

    // Search attributes and the progress query reflect the finished run.
    const description = await handle.describe();
    expect(description.typedSearchAttributes.get(PIPELINE_STAGE)).toBe('completed');
    expect(description.typedSearchAttributes.get(RISK_STATUS)).toBe(result.riskStatus);
    expect(description.typedSearchAttributes.get(SYMBOLS)).toEqual(['AAPL', 'MSFT', 'SPY']);
    const progress = await handle.query(progressQuery);
    expect(progress.stage).toBe('completed');
    expect(progress.ingest).toMatchObject({ batchesTotal: 2, batchesCompleted: 2, symbolsIngested: 3 });
  });

  it('a re-run of the same day fetches and writes nothing new, and gives the same signals and risk', async () => {
    const input: TradingPipelineInput = { symbols: ['QQQ', 'IWM'], asOf: '2026-09-15', lookbackDays: 60 };
    const first = (await (await run(input)).result()) as TradingPipelineResult;
    const second = (await (await run(input)).result()) as TradingPipelineResult;
    expect(first.ingest.barsInserted).toBe(120);
    expect(second.ingest).toMatchObject({
      barsAlreadyStored: 120,
      barsFetched: 0,
      barsInserted: 0,
      barsUpdated: 0,
    });
    expect(second.providers).toEqual(['synthetic']); // the stored bars still say where they came from
    expect(second.signals.map((s) => [s.symbol, s.action, s.confidence])).toEqual(
      first.signals.map((s) => [s.symbol, s.action, s.confidence]),
    );
    expect(second.risk.historical).toEqual(first.risk.historical);
    expect(second.risk.monteCarlo).toEqual(first.risk.monteCarlo);

    const refreshed = (await (await run({ ...input, refresh: true })).result()) as TradingPipelineResult;
    expect(refreshed.ingest).toMatchObject({
      barsAlreadyStored: 0,
      barsFetched: 120,
      barsInserted: 0,
      barsUnchanged: 120,
    });
  });

  it('flags limit breaches in the result and the RiskStatus search attribute', async () => {
    const handle = await run({
      symbols: ['AAPL', 'MSFT'],
      asOf: '2026-10-30',
      lookbackDays: 60,
      positions: [
        { symbol: 'AAPL', quantity: 1_000_000 },
        { symbol: 'MSFT', quantity: 10 },
      ],
      limits: { maxPositionNotional: 50_000 },
      // Any BUY or SELL here breaches the 50,000 limit, so it waits for approval: 1 s, then automatic rejection.
      approvalTimeoutSeconds: 1,
    });
    const result = (await handle.result()) as TradingPipelineResult;
    expect(result.riskStatus).toBe('breach');
    const traded = result.risk.signalGate!.filter((verdict) => verdict.action !== 'HOLD');
    expect(traded.every((verdict) => verdict.flagged)).toBe(true);
    expect((result.approvals ?? []).map((a) => [a.symbol, a.status])).toEqual(
      traded.map((verdict) => [verdict.symbol, 'auto_rejected']),
    );
    expect(result.signals.every((signal) => signal.action === 'HOLD')).toBe(true);
    expect(result.breaches.some((b) => b.kind === 'position' && b.symbol === 'AAPL')).toBe(true);
    expect((await handle.describe()).typedSearchAttributes.get(RISK_STATUS)).toBe('breach');
  });

  it('values market-value positions with tags, scales to a horizon, backtests VaR, and names tag breaches', async () => {
    const handle = await run({
      symbols: ['AAPL', 'MSFT', 'SPY'],
      asOf: '2026-10-30',
      lookbackDays: 400,
      horizonDays: 10,
      varBacktest: { window: 100 },
      positions: [
        { symbol: 'AAPL', marketValue: 600_000, tags: ['tech'] },
        { symbol: 'MSFT', marketValue: 500_000, tags: ['tech'] },
        { symbol: 'SPY', quantity: 100, tags: ['index'] },
      ],
      limits: { maxNotionalByTag: { tech: 1_000_000 } },
      approvalTimeoutSeconds: 1,
    });
    const result = (await handle.result()) as TradingPipelineResult;
    const risk = result.risk;
    expect(risk.horizonDays).toBe(10);
    expect(risk.backtest?.observations).toBe(100);
    expect(risk.contributions.map((c) => c.symbol).sort()).toEqual(['AAPL', 'MSFT', 'SPY']);
    const aapl = risk.exposures.find((e) => e.symbol === 'AAPL')!;
    expect(aapl.notional).toBeCloseTo(600_000, 6);
    expect(result.breaches.some((b) => b.kind === 'tag' && /tech/.test(b.message))).toBe(true);
    expect(result.riskStatus).toBe('breach');
  });

  it('fails fast, without retrying, on bad workflow input and marks the run failed', async () => {
    const handle = await run({ symbols: ['AAPL'], lookbackDays: 5 });
    const error = await handle.result().then(
      () => undefined,
      (e: unknown) => e as Error & { cause?: Error & { type?: string; cause?: Error & { type?: string } } },
    );
    expect(error).toBeDefined();
    const failure = error!.cause?.cause ?? error!.cause;
    expect(failure?.message).toMatch(/lookbackDays/);
    expect(failure?.type).toBe('InvalidPipelineInput');
    expect((await handle.describe()).typedSearchAttributes.get(PIPELINE_STAGE)).toBe('failed');
  });

  it('runs a small run on local data as local activities, in one workflow task', async () => {
    const handle = await run({ symbols: ['QQQ', 'IWM'], asOf: '2026-10-30', lookbackDays: 60 });
    const result = (await handle.result()) as TradingPipelineResult;
    expect(result.input.stageExecution).toEqual({ execution: 'local', reason: expect.any(String) });
    expect(result.signals).toHaveLength(2);
    expect(result.ingest.barsFetched + result.ingest.barsAlreadyStored).toBe(2 * 60);

    const events = (await handle.fetchHistory()).events ?? [];
    expect(events.filter((e) => e.activityTaskScheduledEventAttributes)).toEqual([]);
    expect(events.filter((e) => e.workflowTaskCompletedEventAttributes)).toHaveLength(1);
    const localActivities = events.flatMap((e) => {
      const data = e.markerRecordedEventAttributes?.details?.data?.payloads?.[0]?.data;
      return e.markerRecordedEventAttributes?.markerName === 'core_local_activity' && data
        ? [(JSON.parse(Buffer.from(data).toString('utf8')) as { activity_type: string }).activity_type]
        : [];
    });
    // Every stage is its own local activity, in the workflow's order (ingest per symbol, with the 'running' record;
    // risk and signals side by side, so their markers may come in either order).
    expect(localActivities[0]).toBe('validatePipelineInput');
    expect(localActivities.slice(1, 4).sort()).toEqual(['ingestSymbol', 'ingestSymbol', 'recordRunStatus']);
    expect(localActivities.slice(4, 6).sort()).toEqual(['assessRisk', 'generateSignals']);
    expect(localActivities.slice(6)).toEqual(['recordRunResult']);
    // One version of the workflow: no patch markers.
    expect(events.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch')).toEqual([]);
    const stages = events.flatMap((e) => {
      const fields = e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields;
      const stage = fields?.PipelineStage?.data;
      return stage ? [JSON.parse(Buffer.from(stage).toString('utf8')) as string] : [];
    });
    // Upserted where it can be seen: the work stages pass inside the one workflow task, so only the outcome.
    expect(stages).toEqual(['completed']);
    expect(result.ingest.perSymbol.map((s) => s.symbol)).toEqual(['QQQ', 'IWM']);
    const stored = await stack.stores.runs.getLatestRun(handle.workflowId);
    expect(stored?.status).toBe('completed');
    expect((await handle.describe()).typedSearchAttributes.get(PIPELINE_STAGE)).toBe('completed');
  });

  it('keeps the stages on ordinary activities with WORKER_LOCAL_STAGES=activities', async () => {
    const activitiesStack = await startStack({
      api: false,
      config: testConfig({ WORKER_LOCAL_STAGES: 'activities' }),
    });
    try {
      const handle = await activitiesStack.client.workflow.start(TRADING_PIPELINE_WORKFLOW, {
        taskQueue: activitiesStack.config.temporal.taskQueue,
        workflowId: `it-activities-${randomUUID()}`,
        args: [{ symbols: ['QQQ', 'IWM'], asOf: '2026-10-30', lookbackDays: 60 }],
      });
      const result = (await handle.result()) as TradingPipelineResult;
      expect(result.input.stageExecution).toEqual({
        execution: 'activities',
        reason: expect.stringMatching(/WORKER_LOCAL_STAGES/),
      });
      const scheduled = ((await handle.fetchHistory()).events ?? []).flatMap((e) =>
        e.activityTaskScheduledEventAttributes
          ? [e.activityTaskScheduledEventAttributes.activityType?.name]
          : [],
      );
      expect(scheduled.sort()).toEqual(['assessRisk', 'generateSignals', 'ingestSymbol', 'ingestSymbol']);
    } finally {
      await activitiesStack.stop();
    }
  });

  it('rejects an unknown symbol at the provider with a non-retryable error naming it', async () => {
    const workflowId = `it-unknown-${randomUUID()}`;
    const handle = await run(
      { symbols: ['ZZZZ'], provider: 'csv', asOf: '2026-10-30', lookbackDays: 30 },
      workflowId,
    );
    const error = await handle.result().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.name).toBe('WorkflowFailedError');
    const { attempts, failures } = await ingestActivityEvents(stack.client, workflowId);
    expect(attempts).toEqual([1]); // not retried
    const failure = failures[0];
    expect(failure?.message).toMatch(/ZZZZ/);
    expect(failure?.applicationFailureInfo?.type).toBe('UnknownSymbolError');
    expect(failure?.applicationFailureInfo?.nonRetryable).toBe(true);
  });
});

describe('tradingPipeline with the PostgreSQL store (DATABASE_URL)', () => {
  it('runs end to end and stores bars, signals and the risk report in PostgreSQL', async () => {
    const stack = await startStack({
      api: false,
      config: testConfig({ DATABASE_URL: await freshPostgresDatabase() }),
    });
    try {
      const handle = await stack.client.workflow.start(TRADING_PIPELINE_WORKFLOW, {
        taskQueue: stack.config.temporal.taskQueue,
        workflowId: `it-pg-${randomUUID()}`,
        args: [{ symbols: ['AAPL', 'MSFT'], asOf: '2026-10-30', lookbackDays: 60 }],
      });
      const result = (await handle.result()) as TradingPipelineResult;
      expect(result.ingest.barsInserted).toBe(120);
      expect(await stack.stores.bars.countBars()).toBe(120);
      const ref = { workflowId: result.workflowId, runId: result.runId };
      expect(await stack.stores.runs.getSignals(ref)).toHaveLength(2);
      expect(await stack.stores.runs.getRiskReport(ref)).toMatchObject({
        asOfDate: '2026-10-30',
        status: result.riskStatus,
      });
      expect(await stack.stores.runs.getLatestRun(result.workflowId)).toMatchObject({ status: 'completed' });
    } finally {
      await stack.stop();
    }
  });
});
