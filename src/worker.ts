/**
 * The Tradeflow worker: registers the pipeline workflows and activities on the pipeline task queue.
 * `npm run worker` runs it; tests build it in-process with `buildWorker`. SIGINT/SIGTERM drain it: the SDK stops
 * polling, lets running activities finish within WORKER_SHUTDOWN_GRACE_MS, then exits.
 */
import './check-node';
import os from 'node:os';
import 'dotenv/config';
import { DefaultLogger, NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { createBacktestActivities } from './activities/backtest-activities';
import { createMarketDataActivities } from './activities/market-data-activities';
import { createPipelineActivities } from './activities/pipeline-activities';
import { createQuoteActivities } from './activities/quote-activities';
import { loadConfig, type TradeflowConfig } from './config';
import type { MarketDataProvider, ProviderName } from './market-data/bar';
import type { QuoteProvider } from './market-data/quotes/quote';
import { createSyntheticQuoteProvider } from './market-data/quotes/synthetic-quotes';
import { createYahooQuoteProvider } from './market-data/quotes/yahoo-quotes';
import { createAuditActivities } from './activities/audit-activities';
import { auditKeyDeps, createAuditLog, createAuditLogger, type AuditLog } from './audit';
import { loadSecretsProviderFromEnv } from './secrets/load-from-env';
import { createEnvSecretsProvider, type SecretsProvider } from './secrets/secrets-provider';
import { createConfiguredLlmAnalyst, createConfiguredSupervisor } from './signals/configured';
import type { LlmAnalyst } from './signals/llm-analyst';
import { createProvider } from './market-data/registry';
import { createLogger, type Logger } from './logging';
import { assertSupportedNode } from './runtime-check';
import { openConfiguredStores, type Stores } from './store';
import { temporalConnectionOptions } from './temporal/connection-options';
import { startWorkerHealthServer, type WorkerHealthServer } from './worker-health';

export interface BuildWorkerOptions {
  config: TradeflowConfig;
  connection: NativeConnection;
  stores: Stores;
  logger?: Logger;
  /** Override provider construction (tests use this to inject recorded Yahoo responses). */
  providerFor?: (name: ProviderName) => MarketDataProvider;
  /** Override quote-provider construction (tests inject generated Yahoo responses). */
  quoteProviderFor?: (name: ProviderName) => QuoteProvider;
  /** Where credentials come from (default: the environment, filled from .env). */
  secrets?: SecretsProvider;
  /** The audit log the retention activities work on (default: one on `stores.audit`). */
  audit?: AuditLog;
  /** Override the LLM analyst (tests inject scripted chat models; real endpoints are unreachable). */
  llmAnalyst?: () => LlmAnalyst | Promise<LlmAnalyst>;
  /** Override the supervisor analyst, likewise. */
  supervisorAnalyst?: () => LlmAnalyst | Promise<LlmAnalyst>;
  taskQueue?: string;
}

export function createProviderCache(
  config: TradeflowConfig,
  logger?: Logger,
): (name: ProviderName) => MarketDataProvider {
  const cache = new Map<ProviderName, MarketDataProvider>();
  const { marketData } = config;
  return (name) => {
    let provider = cache.get(name);
    if (!provider) {
      provider = createProvider(name, {
        csvDirectory: marketData.csvDirectory,
        synthetic: marketData.synthetic,
        yahoo: marketData.yahoo,
        fallbacks: marketData.fallbacks,
        fallBackOnUnknownSymbol: marketData.fallBackOnUnknownSymbol,
        onFallback: (event) =>
          logger?.warn('market-data provider fell back', {
            provider: event.provider,
            next: event.next,
            reason: event.error.message,
          }),
      });
      cache.set(name, provider);
    }
    return provider;
  };
}

export function createQuoteProviderCache(config: TradeflowConfig): (name: ProviderName) => QuoteProvider {
  const synthetic = createSyntheticQuoteProvider({ seed: config.marketData.synthetic.seed });
  let yahoo: QuoteProvider | undefined;
  return (name) => {
    if (name === 'synthetic') return synthetic;
    if (name === 'yahoo') return (yahoo ??= createYahooQuoteProvider());
    throw new Error(`No quote provider "${name}": quotes come from synthetic or yahoo`);
  };
}

/** Which providers serve bars without a network call, and so let a run execute its stages locally. */
export function stageExecutionContext(config: TradeflowConfig) {
  const { marketData } = config;
  return {
    mode: config.worker.localStages,
    isLocalProvider: (name: ProviderName) =>
      name === 'csv' || (name === 'synthetic' && marketData.synthetic.latencyMs === 0),
    fallbacksOf: (name: ProviderName) => marketData.fallbacks[name] ?? [],
  };
}

export async function buildWorker(options: BuildWorkerOptions): Promise<Worker> {
  const { config, stores } = options;
  const secrets = options.secrets ?? createEnvSecretsProvider();
  const providerFor = options.providerFor ?? createProviderCache(config, options.logger);
  const marketDataActivities = createMarketDataActivities({
    providerFor,
    bars: stores.bars,
    runs: stores.runs,
    requestBounds: config.requestBounds,
  });
  const pipelineActivities = createPipelineActivities({
    bars: stores.bars,
    runs: stores.runs,
    defaultProvider: config.marketData.defaultProvider,
    defaultAnalyst: config.signals.defaultAnalyst,
    llmAnalyst: options.llmAnalyst ?? (() => createConfiguredLlmAnalyst(config, secrets)),
    supervisorAnalyst: options.supervisorAnalyst ?? (() => createConfiguredSupervisor(config, secrets)),
    stageExecution: stageExecutionContext(config),
    requestBounds: config.requestBounds,
  });
  const activities = {
    ...marketDataActivities,
    ...pipelineActivities,
    ...createBacktestActivities({
      bars: stores.bars,
      backtests: stores.backtests,
      defaultProvider: config.marketData.defaultProvider,
      requestBounds: config.requestBounds,
    }),
    ...createQuoteActivities({
      quoteProviderFor: options.quoteProviderFor ?? createQuoteProviderCache(config),
      quotes: stores.quotes,
    }),
    ...createAuditActivities({
      audit:
        options.audit ??
        createAuditLog({
          store: stores.audit,
          logger: createAuditLogger({ file: config.audit.logFile, console: config.audit.console }),
          ...auditKeyDeps(config, () => secrets),
        }),
    }),
  };
  const workflowSource: Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> = config.worker.bundlePath
    ? { workflowBundle: { codePath: config.worker.bundlePath } }
    : { workflowsPath: require.resolve('./workflows') };
  return Worker.create({
    connection: options.connection,
    namespace: config.temporal.namespace,
    taskQueue: options.taskQueue ?? config.temporal.taskQueue,
    ...workflowSource,
    activities,
    maxConcurrentActivityTaskExecutions: config.worker.maxConcurrentActivities,
    maxConcurrentWorkflowTaskExecutions: config.worker.maxConcurrentWorkflowTasks,
    maxCachedWorkflows: config.worker.maxCachedWorkflows,
    nonStickyToStickyPollRatio: config.worker.nonStickyPollRatio,
    shutdownGraceTime: config.worker.shutdownGraceMs,
    maxHeartbeatThrottleInterval: config.worker.maxHeartbeatThrottleMs,
  });
}

const DISPATCH_LATENCY_BUCKETS_SECONDS = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
];

async function main(): Promise<void> {
  assertSupportedNode();
  const config = loadConfig();
  const logger = createLogger(config.logLevel, 'worker');
  // The SDK's own logs (bundling, state changes) only at debug; our winston logs say what matters at info.
  Runtime.install({
    logger: new DefaultLogger(config.logLevel === 'debug' ? 'DEBUG' : 'WARN'),
    ...(config.worker.metricsPort === undefined
      ? {}
      : {
          // The SDK's own exporter: temporal_* metrics such as workflow/activity schedule-to-start latency, task
          // slots available and used, sticky cache size and hits.
          telemetryOptions: {
            metrics: {
              prometheus: {
                bindAddress: `${config.worker.healthHost}:${config.worker.metricsPort}`,
                useSecondsForDurations: true,
                // Fine buckets where dispatch latency lives (tens of ms); the SDK's default starts at 100 ms.
                histogramBucketOverrides: Object.fromEntries(
                  [
                    'workflow_task_schedule_to_start_latency',
                    'activity_schedule_to_start_latency',
                    'workflow_task_execution_latency',
                    'activity_execution_latency',
                    'workflow_endtoend_latency',
                  ].map((name) => [name, DISPATCH_LATENCY_BUCKETS_SECONDS]),
                ),
              },
            },
          },
        }),
  });
  // Lower priority than the API and the Temporal server on a shared host: under overload the API keeps answering
  // and runs wait in Temporal's task queue instead (docs/performance.md). Only ever lowered: raising it needs
  // privileges.
  if (config.worker.nice > os.getPriority()) os.setPriority(config.worker.nice);
  const stores = await openConfiguredStores(config.store);
  const secrets = loadSecretsProviderFromEnv(process.env, {
    onAccess: (event) => logger.info('secret access', { ...event }),
  });
  const connection = await NativeConnection.connect(
    temporalConnectionOptions(config.temporal, await secrets.getSecret('TEMPORAL_API_KEY')),
  );
  let health: WorkerHealthServer | undefined;
  try {
    const worker = await buildWorker({ config, connection, stores, logger, secrets });
    if (config.worker.healthPort !== undefined) {
      health = await startWorkerHealthServer({
        worker,
        connection,
        host: config.worker.healthHost,
        port: config.worker.healthPort,
      });
      logger.info('worker health endpoints', {
        url: `http://${config.worker.healthHost}:${health.port}/health`,
      });
    }
    logger.info('worker started', {
      taskQueue: config.temporal.taskQueue,
      namespace: config.temporal.namespace,
      address: config.temporal.address,
      db: config.store.dbPath,
    });
    await worker.run();
    logger.info('worker drained and stopped');
  } finally {
    await health?.close();
    await secrets.close?.();
    await connection.close();
    await stores.close();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
