/**
 * `npm run bench:pipeline -- [--runs 50] [--concurrency 50] [--symbols 3] [--lookback 120] [--warmup 30]
 *   [--via api|temporal] [--api URL --api-key KEY]`
 *
 * Starts pipelines through the HTTP API, all at once up to --concurrency, long-polls each one's result and prints
 * throughput and end-to-end latency percentiles (trigger → COMPLETED seen by the API). Without --api it brings up
 * its own stack on free ports (src/tooling/standalone-stack.ts): a Temporal dev server (temp SQLite, WAL), one in-process
 * worker and the API. `--via temporal` starts them with a Temporal client instead (as `temporal workflow start`
 * would, and as bench:ceiling starts its empty workflows), so the two throughputs compare like for like.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { Command, InvalidArgumentError, Option } from 'commander';
import { ownCpuMs, processCpuMs } from './support/cpu';
import { startStandaloneStack } from '../src/tooling/standalone-stack';
import { TRADING_PIPELINE_WORKFLOW } from '../src/contracts/workflow-names';

const positiveInt = (flag: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`${flag} must be a positive whole number`);
  return n;
};

interface Options {
  runs: number;
  concurrency: number;
  symbols: number;
  lookback: number;
  warmup: number;
  via: 'api' | 'temporal';
  api?: string;
  apiKey: string;
}

const UNIVERSE = ['AAPL', 'MSFT', 'SPY', 'QQQ', 'IWM', 'TLT', 'GLD', 'NVDA', 'AMZN', 'META'];

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

function pipelineParameters(index: number, options: Options) {
  const symbols = Array.from({ length: options.symbols }, (_, i) => UNIVERSE[(index + i) % UNIVERSE.length]);
  return { symbols, lookbackDays: options.lookback, asOf: '2026-11-20', book: 'bench' };
}

type RunOne = (index: number) => Promise<number>;

/** One pipeline started with a Temporal client (no API), waited for with the client's own long poll. */
function temporalRunner(client: Client, taskQueue: string, options: Options): RunOne {
  return async (index) => {
    const started = performance.now();
    const handle = await client.workflow.start(TRADING_PIPELINE_WORKFLOW, {
      taskQueue,
      workflowId: `bench-${randomUUID()}`,
      args: [pipelineParameters(index, options)],
    });
    await handle.result();
    return performance.now() - started;
  };
}

async function runOne(baseUrl: string, index: number, options: Options): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${baseUrl}/workflows/trigger`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': options.apiKey },
    body: JSON.stringify({ workflow_id: 'trading_pipeline', parameters: pipelineParameters(index, options) }),
  });
  const body = (await response.json()) as { workflowId?: string; error?: { message: string } };
  if (response.status !== 202 || !body.workflowId)
    throw new Error(`trigger failed: ${response.status} ${body.error?.message}`);
  // A long poll: the API answers as soon as the run closes (or after 30 s, then we ask again).
  const resultUrl = `${baseUrl}/workflows/${encodeURIComponent(body.workflowId)}/result?waitSeconds=30`;
  for (;;) {
    const r = await fetch(resultUrl, { headers: { 'x-api-key': options.apiKey } });
    if (r.status === 200) {
      const result = (await r.json()) as { status: string };
      if (result.status !== 'COMPLETED') throw new Error(`run ${body.workflowId} ended ${result.status}`);
      return performance.now() - started;
    }
    if (r.status !== 202) throw new Error(`result of ${body.workflowId} answered ${r.status}`);
  }
}

async function main(): Promise<void> {
  const program = new Command('bench:pipeline')
    .option('--runs <n>', 'pipelines to run', positiveInt('--runs'), 50)
    .option('--concurrency <n>', 'pipelines in flight at once', positiveInt('--concurrency'), 50)
    .option('--symbols <n>', 'symbols per pipeline', positiveInt('--symbols'), 3)
    .option('--lookback <n>', 'lookback sessions', positiveInt('--lookback'), 120)
    .option('--warmup <n>', 'pipelines run one at a time before measuring', positiveInt('--warmup'), 30)
    .addOption(
      new Option('--via <way>', 'start runs through the HTTP API or a Temporal client')
        .choices(['api', 'temporal'])
        .default('api'),
    )
    .option('--api <url>', 'an already running API (default: start a standalone stack)')
    .option('--api-key <key>', 'an operator API key for --api (default: TRADEFLOW_BENCH_API_KEY)')
    .parse(process.argv);
  const options = program.opts<Options>();
  if (options.api && !options.apiKey && !process.env.TRADEFLOW_BENCH_API_KEY) {
    program.error('--api needs --api-key (or TRADEFLOW_BENCH_API_KEY): an operator key of that API');
  }
  if (options.api && options.via === 'temporal') {
    program.error('--via temporal starts runs on its own standalone stack: leave out --api');
  }
  const stack = options.api
    ? {
        baseUrl: options.api,
        apiKey: options.apiKey ?? process.env.TRADEFLOW_BENCH_API_KEY!,
        serverPid: undefined,
        stop: () => Promise.resolve(),
      }
    : await startStandaloneStack({ keyName: 'bench' });
  options.apiKey = stack.apiKey;
  let connection: Connection | undefined;
  try {
    let run: RunOne = (index) => runOne(stack.baseUrl, index, options);
    if (options.via === 'temporal' && 'taskQueue' in stack) {
      connection = await Connection.connect({ address: stack.temporalAddress });
      const client = new Client({ connection, namespace: stack.namespace });
      run = temporalRunner(client, stack.taskQueue, options);
    }
    // Warm-up, one at a time: worker caches, the workflow bundle, SQLite pages, and the JIT (a single pipeline's
    // latency settles after some tens of runs).
    for (let i = 0; i < options.warmup; i += 1) await run(i);
    const latencies: number[] = [];
    let next = 0;
    const wallStart = performance.now();
    const cpuStart = { server: processCpuMs(stack.serverPid), own: ownCpuMs() };
    await Promise.all(
      Array.from({ length: Math.min(options.concurrency, options.runs) }, async () => {
        while (next < options.runs) {
          const index = next++;
          latencies.push(await run(index));
        }
      }),
    );
    const wallSeconds = (performance.now() - wallStart) / 1000;
    const cpuPerPipeline = (ms: number) => `${(ms / options.runs).toFixed(1)} ms`;
    const cpu = options.api
      ? []
      : [
          `CPU per pipeline: dev server ${cpuPerPipeline(processCpuMs(stack.serverPid) - cpuStart.server)}, ` +
            `worker + ${options.via === 'api' ? 'API + ' : ''}client ${cpuPerPipeline(ownCpuMs() - cpuStart.own)}`,
        ];
    latencies.sort((a, b) => a - b);
    const fmt = (ms: number) => `${ms.toFixed(0)} ms`;
    console.log(
      [
        `pipelines: ${options.runs} (concurrency ${options.concurrency}, ${options.symbols} symbols x ${options.lookback} sessions each, started via ${options.via === 'api' ? 'the HTTP API' : 'a Temporal client'})`,
        `wall time: ${wallSeconds.toFixed(2)} s`,
        `throughput: ${(options.runs / wallSeconds).toFixed(2)} pipelines/s`,
        `latency p50 ${fmt(percentile(latencies, 50))}  p90 ${fmt(percentile(latencies, 90))}  p95 ${fmt(percentile(latencies, 95))}  p99 ${fmt(percentile(latencies, 99))}  max ${fmt(latencies[latencies.length - 1])}`,
        ...cpu,
      ].join('\n'),
    );
  } finally {
    await connection?.close();
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
