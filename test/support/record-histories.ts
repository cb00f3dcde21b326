/**
 * `npm run histories:record`: runs each workflow in its representative shapes on a throwaway dev server and saves
 * the event histories under test/fixtures/histories. The replay test replays them against the current workflow
 * code, so a nondeterministic change fails CI before it reaches a deployed run. There is one version of each
 * workflow (nothing has run in production yet); once runs exist there, a change ships with Worker Versioning or a
 * patch (docs/architecture.md) and its histories are added beside these, never re-recorded to make the replay test
 * pass. Existing files are kept; `npm run histories:record -- --force` re-records all of them.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime } from '@temporalio/worker';
import { loadConfig } from '../../src/config';
import { openStores } from '../../src/store';
import { startDevServer } from '../../src/temporal/dev-server';
import { freePort } from '../../src/temporal/free-port';
import { findTemporalCli } from '../../src/temporal/temporal-cli';
import { buildWorker } from '../../src/worker';
import { approvalsQuery, approveSignal, rejectSignal } from '../../src/contracts/approvals';
import { INGEST_MARKET_DATA_WORKFLOW, TRADING_PIPELINE_WORKFLOW } from '../../src/contracts/workflow-names';
import { QUOTE_POLLING_WORKFLOW } from '../../src/workflows/quote-polling';
import { BACKTEST_WORKFLOW } from '../../src/workflows/backtest';
import type { TradingPipelineInput, TradingPipelineResult } from '../../src/contracts/pipeline';

const outDir = path.resolve(__dirname, '../fixtures/histories');

// The shapes the pipeline is recorded in.
const TWO_BATCHES: TradingPipelineInput = {
  symbols: ['AAPL', 'MSFT', 'SPY'],
  asOf: '2026-11-20',
  lookbackDays: 60,
  ingestBatchSize: 2,
};

const CASES: { name: string; input: TradingPipelineInput }[] = [
  // A small run on local data: its stages are local activities, in one workflow task.
  { name: 'completed-local', input: { symbols: ['AAPL', 'MSFT'], asOf: '2026-11-20', lookbackDays: 60 } },
  // Two ingest batches (child workflows): the stages are ordinary activities.
  { name: 'completed-remote', input: TWO_BATCHES },
  { name: 'invalid-input', input: { symbols: ['AAPL'], lookbackDays: 5 } },
  // The csv provider does not know the symbol: a non-retryable ingest failure.
  {
    name: 'failed-ingest',
    input: { symbols: ['ZZZZ'], provider: 'csv', asOf: '2026-10-30', lookbackDays: 30 },
  },
];

const PROBE_SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'AMZN', 'META', 'TSLA', 'GOOG'];

/** A single-symbol input whose signal the gate flags: its trade takes the position past a 150,000 limit. */
function flaggedInput(symbol: string, action: string, approvalTimeoutSeconds: number): TradingPipelineInput {
  return {
    symbols: [symbol],
    asOf: '2026-11-20',
    lookbackDays: 120,
    varBacktest: false,
    positions: [{ symbol, marketValue: action === 'BUY' ? 100_000 : -100_000 }],
    limits: { maxPositionNotionalBySymbol: { [symbol]: 150_000 } },
    tradeNotional: 100_000,
    approvalTimeoutSeconds,
  };
}

/** The CLI's `workflow show -o json` is the history JSON format that `historyFromJSON` reads back. */
function exportHistory(address: string, workflowId: string, runId?: string): string {
  const args = ['workflow', 'show', '--address', address, '--workflow-id', workflowId, '-o', 'json'];
  if (runId) args.push('--run-id', runId);
  return execFileSync(findTemporalCli(), args, { encoding: 'utf8' });
}

async function main(): Promise<void> {
  Runtime.install({
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error },
  });
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'tradeflow-histories-'));
  const server = await startDevServer({
    cliPath: findTemporalCli(),
    ip: '127.0.0.1',
    port: await freePort(),
    namespace: 'default',
  });
  const config = loadConfig({
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_TASK_QUEUE: 'record-histories',
    TRADEFLOW_DB_PATH: path.join(workDir, 'tradeflow.db'),
    AUDIT_LOG_FILE: path.join(workDir, 'audit.log'),
    TRADEFLOW_CSV_DIR: path.resolve(__dirname, '../fixtures/market-data/csv'),
  });
  const stores = openStores(config.store.dbPath);
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  const worker = await buildWorker({ config, connection: nativeConnection, stores });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  // Replay needs each history's original workflow id; index.json maps file to id. Existing fixtures are kept
  // (they stand for runs started by older code, which new code must still replay) unless --force is given.
  const indexFile = path.join(outDir, 'index.json');
  const index: Record<string, string> = existsSync(indexFile)
    ? (JSON.parse(readFileSync(indexFile, 'utf8')) as Record<string, string>)
    : {};
  const force = process.argv.includes('--force');
  const record = (file: string, workflowId: string, runId?: string) => {
    if (!force && existsSync(path.join(outDir, file))) return;
    writeFileSync(path.join(outDir, file), exportHistory(server.address, workflowId, runId));
    index[file] = workflowId;
  };
  try {
    await worker.runUntil(async () => {
      for (const { name, input } of CASES) {
        const workflowId = `history-${name}`;
        const handle = await client.workflow.start(TRADING_PIPELINE_WORKFLOW, {
          taskQueue: config.temporal.taskQueue,
          workflowId,
          args: [input],
        });
        await handle.result().catch(() => undefined);
        record(`tradingPipeline-${name}.json`, workflowId);
        if (name === 'completed-remote') record('ingestMarketData-batch.json', `${workflowId}/ingest-0`);
        console.log(`recorded ${name}`);
      }
      // Approvals: find a symbol with a BUY or SELL, then runs whose flagged signal is approved, rejected, left to
      // time out, and cancelled while it waits.
      const probe: TradingPipelineResult = await client.workflow.execute(TRADING_PIPELINE_WORKFLOW, {
        taskQueue: config.temporal.taskQueue,
        workflowId: 'history-probe',
        args: [{ symbols: PROBE_SYMBOLS, asOf: '2026-11-20', lookbackDays: 120, varBacktest: false }],
      });
      const actionable = probe.signals.find((signal) => signal.action !== 'HOLD');
      if (!actionable) throw new Error(`No BUY or SELL among ${PROBE_SYMBOLS.join(', ')}`);
      const waiting = async (name: string, approvalTimeoutSeconds: number) => {
        const handle = await client.workflow.start(TRADING_PIPELINE_WORKFLOW, {
          taskQueue: config.temporal.taskQueue,
          workflowId: `history-${name}`,
          args: [flaggedInput(actionable.symbol, actionable.action, approvalTimeoutSeconds)],
        });
        if (approvalTimeoutSeconds > 1) {
          while ((await handle.query(approvalsQuery)).length === 0)
            await new Promise((r) => setTimeout(r, 100));
        }
        return handle;
      };
      const approved = await waiting('approval-approved', 300);
      await approved.signal(approveSignal, { approver: 'alice', reason: 'recorded for replay' });
      await approved.result();
      record('tradingPipeline-approval-approved.json', approved.workflowId);
      const rejected = await waiting('approval-rejected', 300);
      await rejected.signal(rejectSignal, { approver: 'bob', reason: 'recorded for replay' });
      await rejected.result();
      record('tradingPipeline-approval-rejected.json', rejected.workflowId);
      const expired = await waiting('approval-timed-out', 1);
      await expired.result();
      record('tradingPipeline-approval-timed-out.json', expired.workflowId);
      const cancelled = await waiting('cancelled', 300);
      await cancelled.cancel();
      await cancelled.result().catch(() => undefined);
      record('tradingPipeline-cancelled.json', cancelled.workflowId);
      console.log('recorded approvals and cancellation');

      const ingest = await client.workflow.start(INGEST_MARKET_DATA_WORKFLOW, {
        taskQueue: config.temporal.taskQueue,
        workflowId: 'history-ingest-intraday',
        args: [
          { symbols: ['AAPL'], from: '2026-11-23', to: '2026-11-24', provider: 'synthetic', interval: '5m' },
        ],
      });
      await ingest.result();
      record('ingestMarketData-intraday.json', ingest.workflowId);
      console.log('recorded intraday ingest');

      // Quote polling: a first run that continues as new after 2 polls, and a last run that stops at the close.
      const polling = await client.workflow.start(QUOTE_POLLING_WORKFLOW, {
        taskQueue: config.temporal.taskQueue,
        workflowId: 'history-quote-polling',
        args: [
          {
            symbols: ['AAPL', 'MSFT'],
            intervalSeconds: 0.2,
            iterationsPerRun: 2,
            ignoreMarketHours: true,
            stopAt: new Date(Date.now() + 1500).toISOString(),
          },
        ],
      });
      await polling.result();
      record('quotePolling-continued-as-new.json', polling.workflowId, polling.firstExecutionRunId);
      record('quotePolling-stopped-at-close.json', polling.workflowId);
      console.log('recorded quote polling');

      const bt = await client.workflow.start(BACKTEST_WORKFLOW, {
        taskQueue: config.temporal.taskQueue,
        workflowId: 'backtest:history',
        args: [{ symbols: ['AAPL', 'MSFT'], from: '2025-06-02', to: '2025-12-31' }],
      });
      await bt.result();
      record('backtest-two-symbols.json', bt.workflowId);
      console.log('recorded backtest');
    });
    writeFileSync(path.join(outDir, 'index.json'), `${JSON.stringify(index, null, 2)}\n`);
  } finally {
    await connection.close();
    await nativeConnection.close();
    await stores.close();
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
