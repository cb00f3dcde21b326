/**
 * The pipeline workflow's branches on Temporal's time-skipping test server (TestWorkflowEnvironment, started from the
 * Java test server that scripts/setup.sh fetches from Maven Central), with stubbed activities: the stage order, local
 * or ordinary activities, batches as child workflows, approvals approved / rejected / timed out after an hour (in
 * milliseconds), cancellation, invalid input, too few bars. The real stages on the real dev server are
 * test/integration/pipeline.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundle } from '@temporalio/worker';
import { resolvePipelineInput } from '../../../src/pipeline/resolve';
import type { ResolvedPipelineInput } from '../../../src/pipeline/input';
import type { StageExecution } from '../../../src/pipeline/stage-execution';
import { approvalsQuery, approveSignal, rejectSignal } from '../../../src/contracts/approvals';
import { TRADING_PIPELINE_WORKFLOW } from '../../../src/contracts/workflow-names';
import type {
  PipelineSignal,
  SymbolIngestResult,
  TradingPipelineInput,
  TradingPipelineResult,
} from '../../../src/contracts/pipeline';
import { quietRuntime, registerSearchAttributes, testServerPath } from '../../support/workflow-env';

const HOUR_SECONDS = 3600;

interface Stubs {
  calls: string[];
  statuses: string[];
  approvalRecords: number;
  resultRecorded?: TradingPipelineResult;
}

/** Activities that answer like the real ones, record the order they were called in, and fail where asked. */
function stubActivities(
  stubs: Stubs,
  options: { execution: StageExecution; flagged?: string[]; barsPerSymbol?: number } = { execution: 'local' },
) {
  const call = (name: string) => stubs.calls.push(name);
  return {
    validatePipelineInput({ request, referenceTime }: { request: unknown; referenceTime: string }) {
      call('validate');
      const resolved = resolvePipelineInput(request, { referenceTime, defaultProvider: 'synthetic' });
      if (!resolved.ok) {
        throw ApplicationFailure.nonRetryable(
          `Invalid pipeline input: ${resolved.issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`,
          'InvalidPipelineInput',
        );
      }
      const value: ResolvedPipelineInput = {
        ...resolved.value,
        stageExecution: { execution: options.execution, reason: 'chosen by the test' },
      };
      return Promise.resolve(value);
    },
    recordRunStatus({ status }: { status: string }) {
      call(`record:${status}`);
      stubs.statuses.push(status);
      return Promise.resolve();
    },
    recordApprovals() {
      call('recordApprovals');
      stubs.approvalRecords += 1;
      return Promise.resolve();
    },
    recordRunResult({ result }: { result: TradingPipelineResult }) {
      call('recordRunResult');
      stubs.resultRecorded = result;
      return Promise.resolve();
    },
    ingestSymbol({ symbol, provider }: { symbol: string; provider: SymbolIngestResult['provider'] }) {
      call(`ingest:${symbol}`);
      const bars = options.barsPerSymbol ?? 60;
      const result: SymbolIngestResult = {
        symbol,
        provider,
        sources: { [provider]: bars },
        alreadyStored: 0,
        fetched: bars,
        inserted: bars,
        updated: 0,
        unchanged: 0,
        rejectedCount: 0,
        rejected: [],
        missingSessions: [],
      };
      return Promise.resolve(result);
    },
    assessRisk() {
      call('assessRisk');
      return Promise.resolve({ status: 'ok', breaches: [] });
    },
    generateSignals({ symbols }: { symbols: string[] }) {
      call('generateSignals');
      const signals = symbols.map((symbol): Partial<PipelineSignal> => {
        const flagged = options.flagged?.includes(symbol) ?? false;
        return {
          symbol,
          action: 'BUY',
          rationale: ['stub'],
          gate: {
            symbol,
            action: 'BUY',
            tradeNotional: 100_000,
            flagged,
            reasons: flagged ? [`new breach: ${symbol} over its limit`] : [],
          } as PipelineSignal['gate'],
        };
      });
      return Promise.resolve(signals);
    },
  };
}

describe('tradingPipeline workflow (time-skipping test server, stubbed activities)', () => {
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundle;
  /** Each test's own queue, so a worker left over from a failed test cannot take its tasks. */
  let taskQueue = '';

  beforeAll(async () => {
    quietRuntime();
    env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: testServerPath() } },
    });
    await registerSearchAttributes(env);
    bundle = await bundleWorkflowCode({
      workflowsPath: require.resolve('../../../src/workflows'),
      logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} },
    });
  }, 120_000);
  afterAll(async () => {
    await env?.teardown();
  });

  /** Runs `work` with a worker on the stubs; returns the stubs' record. */
  async function withWorker<T>(
    options: Parameters<typeof stubActivities>[1],
    work: (stubs: Stubs) => Promise<T>,
  ): Promise<{ stubs: Stubs; value: T }> {
    const stubs: Stubs = { calls: [], statuses: [], approvalRecords: 0 };
    taskQueue = `pipeline-unit-${randomUUID()}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: bundle,
      activities: stubActivities(stubs, options),
    });
    const value = await worker.runUntil(work(stubs));
    return { stubs, value };
  }

  const start = (input: TradingPipelineInput) =>
    env.client.workflow.start(TRADING_PIPELINE_WORKFLOW, {
      taskQueue,
      workflowId: `unit-${randomUUID()}`,
      args: [input],
    });
  const TWO = { symbols: ['AAPL', 'MSFT'], asOf: '2026-11-20', lookbackDays: 60 };

  it.each<StageExecution>(['local', 'activities'])(
    'runs the stages in order with %s stages: validate, ingest (and running), risk ∥ signals, result',
    async (execution) => {
      const { stubs, value } = await withWorker({ execution }, async () => {
        const handle = await start(TWO);
        return {
          result: (await handle.result()) as TradingPipelineResult,
          history: await handle.fetchHistory(),
        };
      });
      expect(stubs.calls[0]).toBe('validate');
      // The 'running' record is written while the symbols are ingested.
      expect(stubs.calls.slice(1, 4).sort()).toEqual(['ingest:AAPL', 'ingest:MSFT', 'record:running']);
      expect(stubs.calls.slice(4, 6).sort()).toEqual(['assessRisk', 'generateSignals']);
      expect(stubs.calls.slice(6)).toEqual(['recordRunResult']);
      expect(value.result.signals.map((s) => s.action)).toEqual(['BUY', 'BUY']);
      expect(value.result.ingest.barsInserted).toBe(120);
      expect(stubs.resultRecorded).toEqual(value.result);
      const events = value.history.events ?? [];
      const scheduled = events.flatMap((e) =>
        e.activityTaskScheduledEventAttributes
          ? [e.activityTaskScheduledEventAttributes.activityType?.name]
          : [],
      );
      // Local stages schedule no activity task; otherwise the work stages are ordinary activities.
      expect(scheduled.sort()).toEqual(
        execution === 'local' ? [] : ['assessRisk', 'generateSignals', 'ingestSymbol', 'ingestSymbol'],
      );
      // Stages are upserted where they can be seen: a local run's work stages pass inside one workflow task.
      const upserted = events.flatMap((e) => {
        const stage =
          e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields?.PipelineStage;
        return stage?.data ? [JSON.parse(Buffer.from(stage.data).toString('utf8')) as string] : [];
      });
      if (execution === 'local') expect(upserted).toEqual(['completed']);
      else expect(upserted).toEqual(expect.arrayContaining(['ingest', 'risk', 'completed']));
    },
  );

  it('fans a universe larger than one batch out to one ingest child workflow per batch', async () => {
    const { stubs, value } = await withWorker({ execution: 'activities' }, async () => {
      const handle = await start({ ...TWO, symbols: ['AAPL', 'MSFT', 'SPY'], ingestBatchSize: 2 });
      await handle.result();
      return handle.fetchHistory();
    });
    const children = (value.events ?? []).flatMap((e) =>
      e.startChildWorkflowExecutionInitiatedEventAttributes
        ? [e.startChildWorkflowExecutionInitiatedEventAttributes.workflowId]
        : [],
    );
    expect(children).toEqual([expect.stringMatching(/\/ingest-0$/), expect.stringMatching(/\/ingest-1$/)]);
    expect(stubs.calls.filter((c) => c.startsWith('ingest:')).sort()).toEqual([
      'ingest:AAPL',
      'ingest:MSFT',
      'ingest:SPY',
    ]);
  });

  it('fails invalid input without running a stage, and records the failure', async () => {
    const { stubs, value } = await withWorker({ execution: 'local' }, async () => {
      const handle = await start({ symbols: ['AAPL'], lookbackDays: 5 });
      return handle.result().then(
        () => undefined,
        (error: Error & { cause?: Error & { cause?: Error & { type?: string } } }) =>
          error.cause?.cause ?? error.cause,
      );
    });
    expect(value).toMatchObject({
      type: 'InvalidPipelineInput',
      message: expect.stringMatching(/lookbackDays/),
    });
    expect(stubs.calls).toEqual(['validate', 'record:failed']);
  });

  it('fails the run when a symbol has too few bars to compute returns, before risk and signals', async () => {
    const { stubs, value } = await withWorker({ execution: 'local', barsPerSymbol: 1 }, async () => {
      const handle = await start(TWO);
      return handle.result().then(
        () => undefined,
        (error: Error & { cause?: Error & { type?: string } }) => error.cause,
      );
    });
    expect(value).toMatchObject({
      type: 'InsufficientMarketData',
      message: expect.stringMatching(/AAPL, MSFT/),
    });
    expect(stubs.calls).not.toContain('assessRisk');
    expect(stubs.statuses).toEqual(['running', 'failed']);
  });

  it.each([
    ['approved', 'BUY', 'approved'],
    ['rejected', 'HOLD', 'rejected'],
  ] as const)('waits for a flagged signal and applies the decision: %s', async (decision, action, status) => {
    const { stubs, value } = await withWorker({ execution: 'local', flagged: ['AAPL'] }, async () => {
      const handle = await start({ ...TWO, approvalTimeoutSeconds: HOUR_SECONDS });
      while ((await handle.query(approvalsQuery)).length === 0) await env.sleep(100);
      await handle.signal(decision === 'approved' ? approveSignal : rejectSignal, {
        approver: 'apikey:alice',
        reason: 'checked the book',
      });
      return (await handle.result()) as TradingPipelineResult;
    });
    expect(value.approvals).toEqual([
      expect.objectContaining({
        symbol: 'AAPL',
        status,
        approver: 'apikey:alice',
        decisionReason: 'checked the book',
      }),
    ]);
    expect(value.signals.find((s) => s.symbol === 'AAPL')).toMatchObject({ action, approval: { status } });
    expect(value.signals.find((s) => s.symbol === 'MSFT')?.approval).toBeUndefined();
    expect(stubs.approvalRecords).toBe(2); // when the wait starts and when it ends
  });

  it('rejects a flagged signal automatically once its hour is up (time skipped)', async () => {
    const started = Date.now();
    const { value } = await withWorker({ execution: 'local', flagged: ['MSFT'] }, async () => {
      const handle = await start({ ...TWO, approvalTimeoutSeconds: HOUR_SECONDS });
      return (await handle.result()) as TradingPipelineResult;
    });
    expect(Date.now() - started).toBeLessThan(60_000); // an hour of workflow time, seconds of wall time
    expect(value.approvals).toEqual([
      expect.objectContaining({ symbol: 'MSFT', status: 'auto_rejected', approver: 'tradeflow' }),
    ]);
    expect(value.signals.find((s) => s.symbol === 'MSFT')?.action).toBe('HOLD');
  });

  it('records a run cancelled while it waits for approval as cancelled', async () => {
    const { stubs, value } = await withWorker({ execution: 'local', flagged: ['AAPL'] }, async () => {
      const handle = await start({ ...TWO, approvalTimeoutSeconds: HOUR_SECONDS });
      while ((await handle.query(approvalsQuery)).length === 0) await env.sleep(100);
      await handle.cancel();
      return handle.result().then(
        () => undefined,
        (error: Error & { cause?: Error }) => error.cause?.name,
      );
    });
    expect(value).toBe('CancelledFailure');
    expect(stubs.statuses).toEqual(['running', 'cancelled']);
    expect(stubs.calls).not.toContain('recordRunResult');
  });
});
