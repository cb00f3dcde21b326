/**
 * `npm run load:<suite>` = `tsx bench/load.ts --suite <name> [options]`
 *
 * Runs one of the Artillery suites in artillery/ with the real Artillery CLI and prints a compact summary of its
 * JSON report: requests and errors, http.response_time and pipeline end-to-end latency percentiles, virtual users,
 * pipelines completed per second and the suite's `ensure` checks. Exits 1 when a check failed or Artillery did.
 *
 * Without --target it brings up a stack and runs one warm-up pipeline first: by default a standalone one
 * (src/tooling/standalone-stack.ts: Temporal dev server, one in-process worker, the API with rate limits out of the
 * way, an operator key); with --stack split the one `npm run dev` runs (src/tooling/split-stack.ts: dev server,
 * worker at nice 10 and API as three processes). With --target URL --api-key KEY it loads that API instead. Reports
 * go to --report-dir (default reports/load).
 *
 * Suites:
 *   smoke             8 pipelines over 2 s, trigger and poll each to COMPLETED
 *   trigger-and-poll  --pipelines N (default 100) triggered over --arrival-seconds, all in flight together
 *   read-heavy        --rate N reads/s (default 20) for --duration s (default 60) over existing runs; on a
 *                     standalone stack --seed pipelines (default 20) run first so there is something to read
 *   capacity          pipelines at 50 %, 100 % and 150 % of --rate pipelines/s (default TRADEFLOW_LOAD_RATE,
 *                     else 4), --duration s per phase (default 60)
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { freePort } from '../src/temporal/free-port';
import { startSplitStack } from '../src/tooling/split-stack';
import { startStandaloneStack, type WorkerTuning } from '../src/tooling/standalone-stack';
import { findChildProcess, startWorkerSampler, windows, type WorkerSample } from './support/worker-sampler';

export const SUITES = ['smoke', 'trigger-and-poll', 'read-heavy', 'capacity'] as const;
export type Suite = (typeof SUITES)[number];

const REPO_ROOT = path.resolve(__dirname, '..');
const ARTILLERY_DIR = path.join(REPO_ROOT, 'artillery');

/** Pipeline input every suite's runs use unless told otherwise (the processor's own defaults, too). */
const PIPELINE_DEFAULTS = { symbols: 2, lookbackDays: 60, asOf: '2026-09-15' };
/** Default sustainable trigger rate for the capacity suite (pipelines/s): below the ~6/s one worker saturates at. */
export const DEFAULT_CAPACITY_RATE = 4;

/** Default ensure limits on http.response_time (ms), by suite. */
/** How long each result request of the trigger suites waits for its run (a long poll, as a real client would). */
const DEFAULT_RESULT_WAIT_SECONDS = 20;

/** The ensure limits: the trigger's p95/p99 for the trigger suites, every request's for read-heavy. */
function defaultLimits(suite: Suite, pipelines: number): { p95: number; p99: number } {
  switch (suite) {
    case 'smoke':
      return { p95: 1000, p99: 2000 };
    case 'read-heavy':
      return { p95: 500, p99: 1000 };
    case 'capacity':
      return { p95: 1000, p99: 2000 };
    case 'trigger-and-poll':
      // Hundreds of triggers within seconds queue behind each other (and, in the standalone stack, behind the
      // worker sharing the API's process): a bound on the queueing, not a latency target.
      return pipelines <= 100 ? { p95: 1000, p99: 2000 } : { p95: 10000, p99: 15000 };
  }
}

export interface LoadRunOptions {
  suite: Suite;
  target: string;
  apiKey: string;
  reportDir: string;
  /** trigger-and-poll */
  pipelines?: number;
  arrivalSeconds?: number;
  /** read-heavy: reads/s; capacity: the sustainable pipelines/s the phases are fractions of. */
  rate?: number;
  /** read-heavy: seconds; capacity: seconds per phase. */
  duration?: number;
  p95?: number;
  p99?: number;
  pollMs?: number;
  /** Seconds each result request waits for its run to close (0: plain polling every pollMs). */
  resultWaitSeconds?: number;
  maxPolls?: number;
  symbols?: number;
  lookbackDays?: number;
  asOf?: string;
  /** Echo Artillery's own output while it runs (default true). */
  echo?: boolean;
}

export interface EnsureCheck {
  ok: boolean;
  check: string;
}

export interface LoadRunResult {
  exitCode: number;
  reportPath: string;
  /** Artillery's JSON report, when it wrote one. */
  report?: ArtilleryReport;
  checks: EnsureCheck[];
  /** Artillery's stdout and stderr, interleaved. */
  output: string;
  /** Whether every ensure check passed, Artillery exited 0 and a report was written. */
  passed: boolean;
}

export interface MetricSummary {
  min: number;
  max: number;
  count: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
}

export interface ArtilleryReport {
  aggregate: {
    counters: Record<string, number>;
    rates: Record<string, number>;
    summaries: Record<string, MetricSummary>;
    firstMetricAt: number;
    lastMetricAt: number;
    /** When the first and last virtual-user counters were recorded (epoch ms). */
    firstCounterAt?: number;
    lastCounterAt?: number;
  };
  intermediate: unknown[];
}

/** The environment the suites read (see the header of each artillery/*.yml and artillery/processor.js). */
export function suiteEnv(options: LoadRunOptions): Record<string, string> {
  const pipelines = options.pipelines ?? 100;
  const limits = defaultLimits(options.suite, pipelines);
  const pollMs = options.pollMs ?? 200;
  const resultWaitSeconds = options.resultWaitSeconds ?? DEFAULT_RESULT_WAIT_SECONDS;
  const env: Record<string, string> = {
    TRADEFLOW_LOAD_TARGET: options.target,
    TRADEFLOW_LOAD_API_KEY: options.apiKey,
    TRADEFLOW_LOAD_P95_MS: String(options.p95 ?? limits.p95),
    TRADEFLOW_LOAD_P99_MS: String(options.p99 ?? limits.p99),
    TRADEFLOW_LOAD_SYMBOLS: String(options.symbols ?? PIPELINE_DEFAULTS.symbols),
    TRADEFLOW_LOAD_LOOKBACK_DAYS: String(options.lookbackDays ?? PIPELINE_DEFAULTS.lookbackDays),
    TRADEFLOW_LOAD_AS_OF: options.asOf ?? PIPELINE_DEFAULTS.asOf,
    TRADEFLOW_LOAD_POLL_MS: String(pollMs),
    TRADEFLOW_LOAD_RESULT_WAIT_SECONDS: String(resultWaitSeconds),
  };
  /**
   * Result requests covering `seconds` of waiting: a safety net, so a stuck run fails its user instead of polling
   * forever. A long poll covers up to its wait; a plain poll, its think time.
   */
  const perRequestMs = resultWaitSeconds > 0 ? resultWaitSeconds * 1000 : pollMs;
  const pollsFor = (seconds: number) => String(Math.ceil((seconds * 1000) / perRequestMs) + 1);
  switch (options.suite) {
    case 'smoke':
      env.TRADEFLOW_LOAD_MAX_POLLS = String(options.maxPolls ?? pollsFor(120));
      break;
    case 'trigger-and-poll':
      env.TRADEFLOW_LOAD_PIPELINES = String(pipelines);
      env.TRADEFLOW_LOAD_ARRIVAL_SECONDS = String(
        options.arrivalSeconds ?? Math.max(1, Math.ceil(pipelines / 100)),
      );
      // One worker completes ~6 pipelines/s: allow a second per pipeline on top of two minutes.
      env.TRADEFLOW_LOAD_MAX_POLLS = String(options.maxPolls ?? pollsFor(120 + pipelines));
      break;
    case 'read-heavy':
      env.TRADEFLOW_LOAD_READ_RATE = String(options.rate ?? 20);
      env.TRADEFLOW_LOAD_READ_SECONDS = String(options.duration ?? 60);
      break;
    case 'capacity': {
      const rate = options.rate ?? DEFAULT_CAPACITY_RATE;
      const seconds = options.duration ?? 60;
      const arrivals = (fraction: number) => String(Math.max(1, Math.round(rate * fraction * seconds)));
      env.TRADEFLOW_LOAD_RATE = String(rate);
      env.TRADEFLOW_LOAD_PHASE_SECONDS = String(seconds);
      env.TRADEFLOW_LOAD_ARRIVALS_50 = arrivals(0.5);
      env.TRADEFLOW_LOAD_ARRIVALS_100 = arrivals(1);
      env.TRADEFLOW_LOAD_ARRIVALS_150 = arrivals(1.5);
      env.TRADEFLOW_LOAD_MAX_POLLS = String(options.maxPolls ?? pollsFor(3 * seconds + 300));
      break;
    }
  }
  return env;
}

/** The CLI entry of the installed Artillery (an ES module script), run with this process's Node. */
function artilleryCli(): string {
  return path.join(path.dirname(require.resolve('artillery/package.json')), 'bin', 'run');
}

const isLoopback = (url: string) => {
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '::1' || host === '[::1]' || host.startsWith('127.');
};

/** The `ok: …` / `fail: …` lines the ensure plugin prints after "Checks:" (it writes them to no report). */
export function parseChecks(output: string): EnsureCheck[] {
  // eslint-disable-next-line no-control-regex
  const lines = output.replace(/\u001b\[[0-9;]*m/g, '').split(/\r?\n/);
  const start = lines.lastIndexOf('Checks:');
  if (start < 0) return [];
  const checks: EnsureCheck[] = [];
  for (const line of lines.slice(start + 1)) {
    const match = /^(ok|fail): (.*)$/.exec(line.trim());
    if (match) checks.push({ ok: match[1] === 'ok', check: match[2] });
  }
  return checks;
}

/** Runs `artillery run --output <report> artillery/<suite>.yml` with the suite's environment. */
export async function runLoadSuite(options: LoadRunOptions): Promise<LoadRunResult> {
  mkdirSync(options.reportDir, { recursive: true });
  const label = options.suite === 'trigger-and-poll' ? `trigger-${options.pipelines ?? 100}` : options.suite;
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const reportPath = path.resolve(options.reportDir, `${label}-${stamp}.json`);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...suiteEnv(options),
    // No call-outs: Artillery's telemetry (PostHog) is off when this is set at all; its Playwright engine's
    // browser download is off, too, should anything try to install it.
    ARTILLERY_DISABLE_TELEMETRY: 'true',
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1',
    NO_COLOR: '1',
  };
  // Artillery sends every request through HTTP_PROXY when it is set (it ignores NO_PROXY).
  if (isLoopback(options.target)) {
    for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy']) delete env[name];
  }
  const suiteFile = path.join(ARTILLERY_DIR, `${options.suite}.yml`);
  const child = spawn(process.execPath, [artilleryCli(), 'run', '--output', reportPath, suiteFile], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (stream: NodeJS.WriteStream) => (chunk: Buffer) => {
    output += chunk.toString();
    if (options.echo !== false) stream.write(chunk);
  };
  child.stdout.on('data', collect(process.stdout));
  child.stderr.on('data', collect(process.stderr));
  const interrupt = () => child.kill('SIGINT');
  process.once('SIGINT', interrupt);
  const exitCode = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  }).finally(() => process.removeListener('SIGINT', interrupt));
  let report: ArtilleryReport | undefined;
  try {
    report = JSON.parse(readFileSync(reportPath, 'utf8')) as ArtilleryReport;
  } catch {
    report = undefined;
  }
  const checks = parseChecks(output);
  const passed = exitCode === 0 && report !== undefined && checks.length > 0 && checks.every((c) => c.ok);
  return { exitCode, reportPath, report, checks, output, passed };
}

const fmtMs = (ms: number | undefined) =>
  ms === undefined ? '-' : `${Math.round(ms).toLocaleString('en-US')} ms`;
const fmtInt = (n: number | undefined) => (n ?? 0).toLocaleString('en-US');

function percentiles(summary: MetricSummary | undefined): string {
  if (!summary) return 'n/a';
  return `p50 ${fmtMs(summary.p50)}  p95 ${fmtMs(summary.p95)}  p99 ${fmtMs(summary.p99)}  max ${fmtMs(summary.max)}`;
}

/** The compact summary printed after a run. */
export function summarize(result: LoadRunResult, header: string): string {
  const relative = path.relative(process.cwd(), result.reportPath);
  const lines = [header, `report: ${relative.startsWith('..') ? result.reportPath : relative}`];
  const report = result.report;
  if (!report) {
    lines.push(`no report: Artillery exited ${result.exitCode} before writing one`);
  } else {
    const { counters, summaries, firstMetricAt, lastMetricAt } = report.aggregate;
    const seconds = Math.max(0.001, (lastMetricAt - firstMetricAt) / 1000);
    const errors = Object.entries(counters).filter(([name]) => name.startsWith('errors.'));
    const errorCount = errors.reduce((sum, [, n]) => sum + n, 0);
    const codes = Object.entries(counters)
      .filter(([name]) => name.startsWith('http.codes.'))
      .map(([name, n]) => `${name.slice('http.codes.'.length)}: ${fmtInt(n)}`)
      .join(', ');
    lines.push(
      `requests: ${fmtInt(counters['http.requests'])} in ${seconds.toFixed(1)} s (${(
        (counters['http.requests'] ?? 0) / seconds
      ).toFixed(1)}/s; status ${codes || 'none'}); errors: ${fmtInt(errorCount)}${
        errors.length > 0 ? ` (${errors.map(([name, n]) => `${name.slice(7)} ${n}`).join(', ')})` : ''
      }`,
      `http.response_time: ${percentiles(summaries['http.response_time'])}`,
    );
    for (const [name, summary] of Object.entries(summaries)) {
      const prefix = 'plugins.metrics-by-endpoint.response_time.';
      if (name.startsWith(prefix)) lines.push(`  ${name.slice(prefix.length)}: ${percentiles(summary)}`);
    }
    if (counters['pipeline.triggered'] !== undefined || summaries['pipeline.e2e_ms']) {
      const completed = counters['pipeline.completed'] ?? 0;
      lines.push(
        `pipelines: ${fmtInt(counters['pipeline.triggered'])} triggered, ${fmtInt(completed)} completed, ${fmtInt(
          counters['pipeline.failed'],
        )} failed; peak in flight ${fmtInt(summaries['pipeline.in_flight']?.max)}`,
        `pipeline.e2e_ms: ${percentiles(summaries['pipeline.e2e_ms'])}`,
        `throughput: ${(completed / seconds).toFixed(2)} pipelines/s (${fmtInt(completed)} completed in ${seconds.toFixed(
          1,
        )} s, first trigger to last completion)`,
      );
      for (const phase of ['rate-50pct', 'rate-100pct', 'rate-150pct']) {
        const triggered = counters[`capacity.${phase}.triggered`];
        if (triggered === undefined) continue;
        lines.push(
          `  ${phase}: ${fmtInt(triggered)} triggered, ${fmtInt(counters[`capacity.${phase}.completed`])} completed, ${fmtInt(
            counters[`capacity.${phase}.failed`],
          )} failed; trigger ${percentiles(summaries[`capacity.${phase}.trigger_ms`])}; e2e ${percentiles(
            summaries[`capacity.${phase}.e2e_ms`],
          )}`,
        );
      }
    }
    lines.push(
      `vusers: ${fmtInt(counters['vusers.created'])} created, ${fmtInt(counters['vusers.completed'])} completed, ${fmtInt(
        counters['vusers.failed'],
      )} failed, ${fmtInt(counters['vusers.skipped'])} skipped`,
    );
  }
  const failed = result.checks.filter((c) => !c.ok);
  lines.push(
    result.checks.length === 0
      ? 'ensure: no checks ran (see Artillery output above)'
      : `ensure: ${result.checks.length - failed.length}/${result.checks.length} ok${
          failed.length > 0 ? `; FAILED: ${failed.map((c) => c.check).join('; ')}` : ''
        }`,
    `result: ${result.passed ? 'PASS' : `FAIL (artillery exit code ${result.exitCode})`}`,
  );
  return lines.join('\n');
}

/** Runs `count` pipelines through the API, `concurrency` at a time, and waits for each to complete. */
export async function runPipelines(
  baseUrl: string,
  apiKey: string,
  count: number,
  concurrency = 10,
): Promise<void> {
  let next = 0;
  const one = async (index: number) => {
    const symbols = ['AAPL', 'MSFT', 'SPY', 'QQQ', 'IWM', 'TLT', 'GLD', 'NVDA', 'AMZN', 'META'].slice(
      index % 9,
      (index % 9) + 2,
    );
    const response = await fetch(`${baseUrl}/workflows/trigger`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: JSON.stringify({
        workflow_id: 'trading_pipeline',
        parameters: {
          symbols,
          asOf: PIPELINE_DEFAULTS.asOf,
          lookbackDays: PIPELINE_DEFAULTS.lookbackDays,
          book: 'load-seed',
        },
      }),
    });
    const body = (await response.json()) as { workflowId?: string; error?: { message: string } };
    if (response.status !== 202 || !body.workflowId) {
      throw new Error(`trigger failed: ${response.status} ${body.error?.message}`);
    }
    const resultUrl = `${baseUrl}/workflows/${encodeURIComponent(body.workflowId)}/result`;
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      const r = await fetch(resultUrl, { headers: { 'x-api-key': apiKey } });
      if (r.status === 200) {
        const result = (await r.json()) as { status: string };
        if (result.status !== 'COMPLETED') throw new Error(`run ${body.workflowId} ended ${result.status}`);
        return;
      }
      await r.arrayBuffer();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`run ${body.workflowId} did not complete within 120 s`);
  };
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await one(next++);
    }),
  );
}

const positiveInt = (flag: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`${flag} must be a positive whole number`);
  return n;
};
const positiveNumber = (flag: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${flag} must be a positive number`);
  return n;
};

interface CliOptions {
  suite: Suite;
  target?: string;
  stack: 'standalone' | 'split';
  apiKey?: string;
  reportDir: string;
  pipelines: number;
  arrivalSeconds?: number;
  rate?: number;
  duration?: number;
  seed?: number;
  warmup: boolean;
  p95?: number;
  p99?: number;
  pollMs: number;
  resultWait: number;
  maxPolls?: number;
  symbols: number;
  lookback: number;
  asOf: string;
  workerActivities?: number;
  workerWorkflowTasks?: number;
  workerCache?: number;
  quiet?: boolean;
}

/**
 * The split stack's worker per phase (capacity: 50 / 100 / 150 %, then the drain until the last run completed;
 * other suites: the whole run): CPU as a share of one core, peak resident memory, mean schedule-to-start.
 */
function workerFigureLines(
  samples: WorkerSample[] | undefined,
  report: ArtilleryReport | undefined,
  suite: Suite,
  phaseSeconds: number,
): string[] {
  const start = report?.aggregate.firstCounterAt;
  const end = report?.aggregate.lastCounterAt;
  if (!samples?.length || start === undefined || end === undefined) return [];
  const spans =
    suite === 'capacity'
      ? [
          ...['50pct', '100pct', '150pct'].map((phase, i) => ({
            name: `rate-${phase}`,
            fromMs: start + i * phaseSeconds * 1000,
            toMs: start + (i + 1) * phaseSeconds * 1000,
          })),
          { name: 'drain', fromMs: start + 3 * phaseSeconds * 1000, toMs: end },
        ]
      : [{ name: 'run', fromMs: start, toMs: end }];
  return windows(samples, spans).map(
    (w) =>
      `  worker ${w.name}: CPU ${w.cpuPercent.toFixed(0)} % of a core, RSS max ${w.rssMaxMiB.toFixed(0)} MiB, ` +
      `workflow-task schedule-to-start mean ${w.scheduleToStartMeanMs === undefined ? '—' : `${w.scheduleToStartMeanMs.toFixed(0)} ms`}`,
  );
}

async function main(): Promise<void> {
  const program = new Command('load')
    .addOption(
      new Option('--suite <name>', 'the suite: artillery/<name>.yml').choices(SUITES).makeOptionMandatory(),
    )
    .option('--target <url>', 'an already running API (default: start a stack, see --stack)')
    .addOption(
      new Option(
        '--stack <kind>',
        "without --target: 'standalone' (API and worker in one process) or 'split' (npm run dev's three processes)",
      )
        .choices(['standalone', 'split'])
        .default('standalone'),
    )
    .option('--api-key <key>', 'an operator API key for --target (default: TRADEFLOW_LOAD_API_KEY)')
    .option('--report-dir <dir>', 'where the JSON reports go', 'reports/load')
    .option(
      '--pipelines <n>',
      'trigger-and-poll: pipelines in flight at once',
      positiveInt('--pipelines'),
      100,
    )
    .option(
      '--arrival-seconds <s>',
      'trigger-and-poll: seconds over which they are triggered (default: pipelines / 100, at least 1)',
      positiveInt('--arrival-seconds'),
    )
    .option(
      '--rate <n>',
      `capacity: sustainable pipelines/s (default TRADEFLOW_LOAD_RATE, else ${DEFAULT_CAPACITY_RATE}); read-heavy: reads/s (default 20)`,
      positiveNumber('--rate'),
    )
    .option(
      '--duration <s>',
      'capacity: seconds per phase; read-heavy: seconds (default 60)',
      positiveInt('--duration'),
    )
    .option(
      '--seed <n>',
      'read-heavy: pipelines to run before the reads (default 20 on a standalone stack, 0 with --target)',
      (v: string) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('--seed must be a whole number');
        return n;
      },
    )
    .option('--no-warmup', 'standalone stack: skip the warm-up pipeline')
    .option(
      '--p95 <ms>',
      "ensure: the trigger's p95 (read-heavy: every request's) below this (default: per suite)",
      positiveInt('--p95'),
    )
    .option(
      '--p99 <ms>',
      "ensure: the trigger's p99 (read-heavy: every request's) below this (default: per suite)",
      positiveInt('--p99'),
    )
    .option(
      '--result-wait <s>',
      'seconds each result request waits for its run to close (a long poll); 0 polls every --poll-ms',
      (v: string) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0 || n > 60)
          throw new InvalidArgumentError('--result-wait must be a whole number of seconds from 0 to 60');
        return n;
      },
      DEFAULT_RESULT_WAIT_SECONDS,
    )
    .option(
      '--poll-ms <ms>',
      'think time between polls of a run (with --result-wait 0)',
      positiveInt('--poll-ms'),
      200,
    )
    .option(
      '--max-polls <n>',
      'polls after which a run still running fails (default: per suite)',
      positiveInt('--max-polls'),
    )
    .option('--symbols <n>', 'symbols per pipeline', positiveInt('--symbols'), PIPELINE_DEFAULTS.symbols)
    .option(
      '--lookback <n>',
      'lookback sessions per pipeline',
      positiveInt('--lookback'),
      PIPELINE_DEFAULTS.lookbackDays,
    )
    .option('--as-of <date>', "the pipelines' as-of session", PIPELINE_DEFAULTS.asOf)
    .option(
      '--worker-activities <n>',
      'standalone worker: max concurrent activities',
      positiveInt('--worker-activities'),
    )
    .option(
      '--worker-workflow-tasks <n>',
      'standalone worker: max concurrent workflow tasks',
      positiveInt('--worker-workflow-tasks'),
    )
    .option('--worker-cache <n>', 'standalone worker: max cached workflows', positiveInt('--worker-cache'))
    .option('--quiet', "don't echo Artillery's own output")
    .parse(process.argv);
  const options = program.opts<CliOptions>();
  const apiKey = options.apiKey ?? process.env.TRADEFLOW_LOAD_API_KEY;
  if (options.target && !apiKey) {
    program.error('--target needs --api-key (or TRADEFLOW_LOAD_API_KEY): an operator key of that API');
  }
  let rate = options.rate;
  if (options.suite === 'capacity' && rate === undefined && process.env.TRADEFLOW_LOAD_RATE) {
    rate = positiveNumber('TRADEFLOW_LOAD_RATE')(process.env.TRADEFLOW_LOAD_RATE);
  }
  if (options.symbols > 10) program.error('--symbols: at most 10 (the suites rotate through 10 tickers)');
  if (options.lookback < 30) program.error('--lookback: at least 30 sessions (the pipeline input contract)');
  if (options.suite === 'read-heavy' && rate !== undefined && !Number.isInteger(rate)) {
    program.error('read-heavy: --rate must be a whole number of reads/s (Artillery arrivalRate)');
  }

  const tuning: WorkerTuning = {
    maxConcurrentActivities: options.workerActivities,
    maxConcurrentWorkflowTasks: options.workerWorkflowTasks,
    maxCachedWorkflows: options.workerCache,
  };
  const split = !options.target && options.stack === 'split';
  if (split && Object.values(tuning).some((value) => value !== undefined)) {
    program.error(
      '--worker-* options tune the standalone stack; for --stack split set WORKER_* variables instead',
    );
  }
  // In a split stack the worker is a process of its own: sample its CPU, memory and schedule-to-start latency.
  const workerMetricsPort = split ? await freePort() : undefined;
  const stack = options.target
    ? { baseUrl: options.target, apiKey: apiKey!, stop: () => Promise.resolve() }
    : split
      ? await startSplitStack({ env: { WORKER_METRICS_PORT: String(workerMetricsPort) } })
      : await startStandaloneStack({ keyName: 'load', worker: tuning });
  const workerPid = 'launcherPid' in stack ? findChildProcess(stack.launcherPid, 'src/worker.ts') : undefined;
  let result: LoadRunResult;
  try {
    if (!options.target && options.warmup) await runPipelines(stack.baseUrl, stack.apiKey, 1); // worker caches, bundle
    const seed = options.seed ?? (options.target ? 0 : 20);
    if (options.suite === 'read-heavy' && seed > 0) await runPipelines(stack.baseUrl, stack.apiKey, seed);
    const runOptions: LoadRunOptions = {
      suite: options.suite,
      target: stack.baseUrl,
      apiKey: stack.apiKey,
      reportDir: options.reportDir,
      pipelines: options.pipelines,
      arrivalSeconds: options.arrivalSeconds,
      rate,
      duration: options.duration,
      p95: options.p95,
      p99: options.p99,
      pollMs: options.pollMs,
      resultWaitSeconds: options.resultWait,
      maxPolls: options.maxPolls,
      symbols: options.symbols,
      lookbackDays: options.lookback,
      asOf: options.asOf,
      echo: !options.quiet,
    };
    const env = suiteEnv(runOptions);
    const sampler =
      workerPid === undefined
        ? undefined
        : startWorkerSampler(workerPid, `http://127.0.0.1:${workerMetricsPort}/metrics`);
    result = await runLoadSuite(runOptions);
    const workerLines = workerFigureLines(
      await sampler?.stop(),
      result.report,
      options.suite,
      Number(env.TRADEFLOW_LOAD_PHASE_SECONDS),
    );
    const describe: Record<Suite, string> = {
      smoke: '8 pipelines over 2 s',
      'trigger-and-poll': `${env.TRADEFLOW_LOAD_PIPELINES} pipelines triggered over ${env.TRADEFLOW_LOAD_ARRIVAL_SECONDS} s`,
      'read-heavy': `${env.TRADEFLOW_LOAD_READ_RATE} reads/s for ${env.TRADEFLOW_LOAD_READ_SECONDS} s`,
      capacity: `${env.TRADEFLOW_LOAD_RATE} pipelines/s sustainable: ${env.TRADEFLOW_LOAD_ARRIVALS_50}, ${env.TRADEFLOW_LOAD_ARRIVALS_100} and ${env.TRADEFLOW_LOAD_ARRIVALS_150} pipelines in 3 phases of ${env.TRADEFLOW_LOAD_PHASE_SECONDS} s`,
    };
    const where = options.target
      ? options.target
      : split
        ? `a split stack (${stack.baseUrl}; npm run dev's launcher)`
        : `a standalone stack (${stack.baseUrl})`;
    console.log(
      `\n${summarize(
        result,
        `suite: ${options.suite}, ${describe[options.suite]}, ${env.TRADEFLOW_LOAD_SYMBOLS} symbols x ${env.TRADEFLOW_LOAD_LOOKBACK_DAYS} sessions per pipeline, against ${where}; ensure ${options.suite === 'read-heavy' ? 'http' : 'trigger'} p95 < ${env.TRADEFLOW_LOAD_P95_MS} ms, p99 < ${env.TRADEFLOW_LOAD_P99_MS} ms${options.suite === 'read-heavy' ? '' : `; results ${Number(env.TRADEFLOW_LOAD_RESULT_WAIT_SECONDS) > 0 ? `long-polled (waitSeconds=${env.TRADEFLOW_LOAD_RESULT_WAIT_SECONDS})` : `polled every ${env.TRADEFLOW_LOAD_POLL_MS} ms`}`}`,
      )}${workerLines.length ? `\n${workerLines.join('\n')}` : ''}`,
    );
  } finally {
    await stack.stop();
  }
  process.exitCode = result.passed ? 0 : 1;
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
