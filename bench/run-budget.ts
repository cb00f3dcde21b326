/**
 * `npm run bench:budget`: what one run costs the worker, stage by stage, at the request maxima (src/pipeline/bounds.ts,
 * DEFAULT_REQUEST_BOUNDS) and for a typical run: CPU time (process.cpuUsage, user + system, so V8's GC and compiler
 * threads count too), wall time, the peak resident set during the stage (VmHWM, reset before each stage through
 * /proc/self/clear_refs) and the V8 heap in use and committed when the stage ends. Cases, each in a child process of
 * its own (so one case's heap and peak RSS do not leak into the next):
 *
 * - max pipeline, every signal trades: 100 symbols, lookbackDays 2,520, monteCarloPaths 200,000, horizonDays 250
 *   (everything else the schema's defaults: varBacktest { window: 250 }, deterministic analyst, 100 shares of each
 *   symbol), on 100 symbols picked (untimed, beforehand) so that each gets a BUY or SELL: the signal stage's risk
 *   gate rebuilds the book's risk report once per BUY/SELL, so this is the heaviest request the bounds allow;
 * - max pipeline on SYM000..SYM099: the same request on the first 100 symbols, whatever signals they get;
 * - typical pipeline: 5 symbols, the default 252-session window and 10,000 paths, horizon 1;
 * - max backtest: 20 symbols x 7,560 sessions (the synthetic history starts in 2000, so the range ends in 2030).
 *   `--backtest-symbols N` simulates only N of them and scales the simulation row to 20 (it says so).
 *
 * It calls the worker's own activities (the ones src/worker.ts registers) on an in-memory SQLite store
 * (openStores(':memory:')) with the synthetic provider as the worker configures it (seed 42, no latency):
 * validatePipelineInput, recordRunStatus and one ingestSymbol per symbol, assessRisk, generateSignals and
 * recordRunResult for a pipeline run; validateBacktestInput, ingestSymbol and runSymbolBacktest for a backtest. The
 * activities that read Context (ingest, backtest simulation) run in @temporalio/testing's MockActivityEnvironment,
 * the others are called directly, one after the other: the workflow runs risk and signals side by side, but on a
 * worker's one JavaScript thread their CPU adds up all the same. A row "of which the risk gate" times the signal
 * stage's gate calls (gateSignals, the domain function) again on their own, and a note times one alignedReturnMatrix
 * on the run's prices (each report the gate builds does one). No Temporal server: payload conversion, the SDK and
 * the workflow tasks are not in these figures (the JSON size of each stage's output is printed, as a hint of the
 * payloads).
 *
 * Each child first runs a typical pipeline untimed, so the code is compiled and optimised as on a warm worker.
 * Flags: `--quick` (20-symbol "max" pipelines, a 1/4-length backtest on 2 symbols: checks the bench itself, its
 * figures are not the budget), `--backtest-symbols N`, `--json` (the raw measurements too).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import v8 from 'node:v8';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createBacktestActivities } from '../src/activities/backtest-activities';
import { createMarketDataActivities } from '../src/activities/market-data-activities';
import { createPipelineActivities } from '../src/activities/pipeline-activities';
import { BACKTEST_WARMUP_SESSIONS, type ResolvedBacktestInput } from '../src/backtest/input';
import type { MarketDataProvider } from '../src/market-data/bar';
import { SYNTHETIC_EPOCH } from '../src/market-data/providers/synthetic';
import { createProvider } from '../src/market-data/registry';
import { nextSession, sessionsBack, tradingSessions } from '../src/market-data/sessions';
import { DEFAULT_REQUEST_BOUNDS } from '../src/pipeline/bounds';
import { summarize, withSignalGate } from '../src/pipeline/run-result';
import { riskStageInput, signalStageInput } from '../src/pipeline/stage-inputs';
import { alignedReturnMatrix, buildRiskReport, type DatedPrice } from '../src/risk';
import { generateSignals } from '../src/signals';
import { gateSignals } from '../src/signals/risk-gate';
import { openStores, type Stores } from '../src/store';
import type { SymbolIngestResult } from '../src/contracts/pipeline';

const BOUNDS = DEFAULT_REQUEST_BOUNDS;
/** A fixed trading day, so every run of the bench prices the same synthetic history. */
const AS_OF = '2026-11-20';
const REFERENCE_TIME = `${AS_OF}T21:00:00.000Z`;
const MiB = 1024 * 1024;

interface Measurement {
  stage: string;
  /** Which code the figures are of. */
  calls: string;
  cpuMs: number;
  wallMs: number;
  /** RSS when the stage started. */
  startRssMiB: number;
  /** Peak RSS during the stage (VmHWM after a reset), or the process's peak so far when the reset is refused. */
  peakRssMiB: number;
  heapUsedMiB: number;
  heapCommittedMiB: number;
  /**
   * Longest the stage held the event loop (the longest gap between two ticks of a 5 ms interval): while it does, the
   * worker answers no heartbeat, workflow task or other activity.
   */
  longestStallMs: number;
  /** JSON size of what the stage's activity returns (its Temporal payload, before the SDK's encoding). */
  outputKiB?: number;
  /** The stage this is a part of (timed apart, after it): not added to the total. */
  partOf?: string;
  /** Scaled from a measured part (backtest simulation on fewer symbols). */
  scaledFrom?: string;
}

interface CaseResult {
  name: string;
  describe: string;
  stages: Measurement[];
  /** Peak RSS of the whole child process (getrusage maxrss), warm-up included. */
  processPeakRssMiB: number;
  notes: string[];
}

/** Resets the kernel's peak-RSS mark of this process; false when the kernel refuses. */
function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

function peakRssMiB(): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]) / 1024;
  } catch {
    // Not Linux: fall back to getrusage below.
  }
  return process.resourceUsage().maxRSS / 1024;
}

let peakResets = true;

/**
 * The longest gap between two ticks of a 5 ms interval timer while it runs. (perf_hooks' monitorEventLoopDelay on
 * Node 24 reported 10 ms for a 300 ms synchronous block here, so the bench keeps its own.)
 */
function stallMonitor(): { started: Promise<void>; stop: () => Promise<number> } {
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 5);
  const started = new Promise<void>((resolve) =>
    setTimeout(() => {
      last = performance.now();
      longest = 0;
      resolve();
    }, 10),
  );
  return {
    started,
    // One more tick after the work, so a block that ran to its end is counted too.
    stop: () =>
      new Promise<number>((resolve) =>
        setTimeout(() => {
          clearInterval(timer);
          resolve(Math.max(longest, performance.now() - last));
        }, 10),
      ),
  };
}

/** Measures `work`; what it returns is sized as JSON (the activity's result payload) when `sized`. */
async function measure<T>(
  stage: string,
  calls: string,
  work: () => Promise<T>,
  sized = false,
): Promise<{ m: Measurement; value: T }> {
  peakResets = resetPeakRss() && peakResets;
  const stalls = stallMonitor();
  await stalls.started;
  const startRssMiB = process.memoryUsage.rss() / MiB;
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  const value = await work();
  const wallMs = performance.now() - wall0;
  const cpu = process.cpuUsage(cpu0);
  const heap = v8.getHeapStatistics();
  const peak = peakRssMiB();
  const longestStallMs = await stalls.stop();
  const m: Measurement = {
    stage,
    calls,
    cpuMs: (cpu.user + cpu.system) / 1000,
    wallMs,
    startRssMiB,
    peakRssMiB: peak,
    heapUsedMiB: heap.used_heap_size / MiB,
    heapCommittedMiB: heap.total_heap_size / MiB,
    longestStallMs,
  };
  if (sized) m.outputKiB = Buffer.byteLength(JSON.stringify(value ?? null)) / 1024;
  return { m, value };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Ticker symbols SYM000, SYM001, ... (the synthetic provider knows every symbol of the ticker pattern). */
function symbolAt(index: number): string {
  return `SYM${String(index).padStart(3, '0')}`;
}

function firstSymbols(count: number): string[] {
  return Array.from({ length: count }, (_, i) => symbolAt(i));
}

/** The synthetic provider as the worker builds it with the default configuration (seed 42, no latency). */
function syntheticProvider(): MarketDataProvider {
  return createProvider('synthetic', { synthetic: { seed: 42, latencyMs: 0 } });
}

function workerActivities(stores: Stores) {
  const provider = syntheticProvider();
  return {
    marketData: createMarketDataActivities({
      providerFor: () => provider,
      bars: stores.bars,
      runs: stores.runs,
      requestBounds: BOUNDS,
    }),
    pipeline: createPipelineActivities({
      bars: stores.bars,
      runs: stores.runs,
      defaultProvider: 'synthetic',
      defaultAnalyst: 'deterministic',
      // As src/worker.ts's stageExecutionContext with the defaults: the synthetic provider without latency is local.
      stageExecution: {
        mode: 'auto',
        isLocalProvider: (name) => name === 'synthetic',
        fallbacksOf: () => [],
      },
      requestBounds: BOUNDS,
    }),
    backtest: createBacktestActivities({
      bars: stores.bars,
      backtests: stores.backtests,
      defaultProvider: 'synthetic',
      requestBounds: BOUNDS,
    }),
  };
}

/**
 * Runs an activity that reads Context.current() in Temporal's mock activity environment, after a turn of the event
 * loop: on a worker each is a task of its own, so one activity's synchronous work never runs on into the next's.
 */
async function inActivity<I, O>(fn: (input: I) => Promise<O>, input: I): Promise<O> {
  await new Promise((resolve) => setImmediate(resolve));
  return new MockActivityEnvironment().run<[I], O, (i: I) => Promise<O>>(fn, input);
}

/** One pipeline run, stage by stage, as the workflow calls its activities (trading-pipeline.ts). */
async function pipelineRun(
  request: { symbols: string[] } & Record<string, unknown>,
  label: string,
  notes: string[] = [],
): Promise<Measurement[]> {
  const stores = openStores(':memory:');
  try {
    const { marketData, pipeline } = workerActivities(stores);
    const run = { workflowId: `pipeline:default:${AS_OF}:${label}`, runId: 'bench' };
    const validate = await measure('validate', 'validatePipelineInput', () =>
      pipeline.validatePipelineInput({ request, referenceTime: REFERENCE_TIME }),
    );
    const input = validate.value;
    const local = input.stageExecution?.execution === 'local';
    const ingest = await measure(
      'ingest (synthetic)',
      `recordRunStatus + ingestSymbol x ${input.symbols.length}`,
      async () => {
        await pipeline.recordRunStatus({ run, book: input.book, asOf: input.asOf, status: 'running' });
        const perSymbol: SymbolIngestResult[] = [];
        for (const symbol of input.symbols) {
          perSymbol.push(
            await inActivity(marketData.ingestSymbol, {
              run,
              symbol,
              from: input.from,
              to: input.asOf,
              provider: input.provider,
              refresh: input.refresh,
            }),
          );
        }
        return perSymbol;
      },
      true,
    );
    const risk = await measure(
      'risk',
      'assessRisk',
      () => pipeline.assessRisk(riskStageInput(run, input)),
      true,
    );
    const signals = await measure(
      'signals (deterministic)',
      'generateSignals',
      () => pipeline.generateSignals(signalStageInput(run, input)),
      true,
    );
    const record = await measure('record', 'summarize + recordRunResult', async () => {
      const result = summarize(
        run,
        input,
        ingest.value,
        signals.value,
        withSignalGate(risk.value, signals.value),
      );
      await pipeline.recordRunResult({ run, book: input.book, asOf: input.asOf, result });
      return result;
    });
    record.m.outputKiB = Buffer.byteLength(JSON.stringify(record.value)) / 1024;
    const trading = signals.value.filter((signal) => signal.action !== 'HOLD').length;
    notes.push(
      `${local ? 'local stages' : 'ordinary activities'} (${input.stageExecution?.reason ?? 'no choice recorded'}); ` +
        `${trading} of ${signals.value.length} signals BUY/SELL (each one rebuilds the risk report in the gate)`,
    );
    // What the signal stage spends in its risk gate: the same gate calls as generateSignals' book context makes
    // (one per signal, on today's report with 1,000 paths), timed apart; a part of the signal stage, not a stage.
    const book = signalStageInput(run, input).book!;
    const pricesBySymbol: Record<string, DatedPrice[]> = {};
    for (const symbol of input.symbols) {
      const bars = await stores.bars.getBars({ symbol, from: input.from, to: input.asOf });
      pricesBySymbol[symbol] = bars.map((bar) => ({ date: bar.date, price: bar.adjClose }));
    }
    const gateInput = { pricesBySymbol, ...book };
    const current = buildRiskReport({ ...gateInput, monteCarlo: { paths: 1_000 } });
    const gate = await measure(
      'signals, of which the risk gate',
      `gateSignals x ${signals.value.length}`,
      () =>
        Promise.resolve(
          signals.value.map(({ symbol, action }) =>
            gateSignals({ ...gateInput, signals: [{ symbol, action }], current }),
          ),
        ),
    );
    gate.m.partOf = 'signals (deterministic)';
    // Each report the gate builds aligns every symbol's prices on their common dates again (alignedReturnMatrix).
    const aligning: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const started = performance.now();
      alignedReturnMatrix(pricesBySymbol);
      aligning.push(performance.now() - started);
    }
    notes.push(
      `one alignedReturnMatrix on the run's prices (from the store): ${median(aligning).toFixed(1)} ms, ` +
        `median of 5; the gate's ${trading} what-if reports each do one`,
    );
    return [validate.m, ingest.m, risk.m, signals.m, gate.m, record.m];
  } finally {
    await stores.close();
  }
}

/**
 * `count` symbols whose deterministic signal on the window is a BUY or SELL, so the signal stage's risk gate
 * rebuilds the report for every one of them. The book context does not change the action here: without maxVaR in
 * the limits the analyst gets no external risk input, and the gate only flags.
 */
async function tradingSymbols(count: number, lookbackDays: number): Promise<string[]> {
  const provider = syntheticProvider();
  const from = sessionsBack(AS_OF, lookbackDays);
  const chosen: string[] = [];
  for (let index = 0; chosen.length < count; index += 1) {
    if (index >= 1000) throw new Error(`only ${chosen.length} of SYM000..SYM999 get a BUY or SELL`);
    const symbol = symbolAt(index);
    const bars = await provider.fetchBars({ symbol, interval: '1d', from, to: AS_OF });
    const [signal] = await generateSignals([{ symbol, asOf: AS_OF, closes: bars.map((b) => b.adjClose) }]);
    if (signal.action !== 'HOLD') chosen.push(symbol);
  }
  return chosen;
}

/** The longest backtest range the synthetic history allows: its warm-up starts on the synthetic epoch. */
function maxBacktestRange(sessions: number): { from: string; to: string } {
  let from = SYNTHETIC_EPOCH;
  // historyFrom = sessionsBack(from, BACKTEST_WARMUP_SESSIONS + 1): the window of 61 sessions ending on `from`.
  for (let i = 0; i < BACKTEST_WARMUP_SESSIONS; i += 1) from = nextSession(from);
  const years = Math.ceil(sessions / 240);
  const to = tradingSessions(from, `${Number(from.slice(0, 4)) + years}-12-31`)[sessions - 1];
  return { from, to };
}

/** The backtest workflow's activities (backtest.ts): validate, ingest each symbol's history, simulate each. */
async function backtestRun(
  totalSymbols: number,
  simulated: number,
  sessions: number,
): Promise<Measurement[]> {
  const stores = openStores(':memory:');
  try {
    const { marketData, backtest } = workerActivities(stores);
    const { from, to } = maxBacktestRange(sessions);
    const all = firstSymbols(totalSymbols);
    const validate = await measure('validate', 'validateBacktestInput', () =>
      backtest.validateBacktestInput({ request: { symbols: all, from, to } }),
    );
    const input: ResolvedBacktestInput = validate.value;
    const run = { workflowId: 'backtest:bench', runId: 'bench' };
    const ingest = await measure('ingest (synthetic)', `ingestSymbol x ${totalSymbols}`, async () => {
      for (const symbol of all) {
        await inActivity(marketData.ingestSymbol, {
          run,
          symbol,
          from: input.historyFrom,
          to: input.to,
          provider: input.provider,
        });
      }
    });
    const simulate = await measure(
      'simulation',
      `runSymbolBacktest x ${simulated}`,
      async () => {
        const summaries = [];
        for (const symbol of all.slice(0, simulated)) {
          summaries.push(
            await inActivity(backtest.runSymbolBacktest, {
              backtestId: 'backtest:bench',
              symbol,
              historyFrom: input.historyFrom,
              from: input.from,
              to: input.to,
              params: input.params,
            }),
          );
        }
        return summaries;
      },
      true,
    );
    if (simulated < totalSymbols) {
      const factor = totalSymbols / simulated;
      simulate.m.scaledFrom = `${simulated} symbol${simulated === 1 ? '' : 's'} x ${factor}`;
      simulate.m.calls = `runSymbolBacktest x ${totalSymbols} (${simulated} measured, scaled)`;
      simulate.m.cpuMs *= factor;
      simulate.m.wallMs *= factor;
      simulate.m.outputKiB = (simulate.m.outputKiB ?? 0) * factor;
    }
    return [validate.m, ingest.m, simulate.m];
  } finally {
    await stores.close();
  }
}

interface Options {
  quick: boolean;
  json: boolean;
  backtestSymbols?: number;
  child?: string;
  /** The max-pipeline-trading case's symbols, chosen by the parent (so the child's memory starts clean). */
  symbols?: string[];
}

function parseArgs(argv: string[]): Options {
  const options: Options = { quick: false, json: false };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--quick') options.quick = true;
    else if (arg === '--json') options.json = true;
    else if (arg === '--backtest-symbols') options.backtestSymbols = Number(argv[(i += 1)]);
    else if (arg === '--child') options.child = argv[(i += 1)];
    else if (arg === '--symbols') options.symbols = argv[(i += 1)].split(',');
    else throw new Error(`Unknown argument ${arg}; flags: --quick, --backtest-symbols N, --json`);
  }
  const n = options.backtestSymbols;
  if (n !== undefined && !(Number.isInteger(n) && n >= 1 && n <= BOUNDS.maxBacktestSymbols)) {
    throw new Error(`--backtest-symbols must be 1-${BOUNDS.maxBacktestSymbols}`);
  }
  return options;
}

const TYPICAL_REQUEST = { symbols: firstSymbols(5), asOf: AS_OF };

function maxPipelineRequest(symbols: string[]) {
  return {
    symbols,
    asOf: AS_OF,
    lookbackDays: BOUNDS.maxLookbackSessions,
    monteCarloPaths: BOUNDS.maxMonteCarloPaths,
    horizonDays: BOUNDS.maxHorizonDays,
  };
}

const CASES = ['max-pipeline-trading', 'max-pipeline', 'typical-pipeline', 'max-backtest'] as const;

/** One case, in this (child) process. */
async function runCase(name: string, options: Options): Promise<CaseResult> {
  // Warm-up: compile and optimise the stage code as on a worker that has run pipelines before.
  await pipelineRun(TYPICAL_REQUEST, 'warm-up');
  const notes: string[] = [];
  const maxSymbols = options.quick ? 20 : BOUNDS.maxSymbols;
  const paths = BOUNDS.maxMonteCarloPaths.toLocaleString('en-US');
  const window = `${maxSymbols} symbols, ${BOUNDS.maxLookbackSessions.toLocaleString('en-US')} sessions, ${paths} paths, horizon ${BOUNDS.maxHorizonDays}`;
  let stages: Measurement[];
  let describe: string;
  if (name === 'max-pipeline-trading') {
    describe = `max pipeline, every signal BUY/SELL (${window})`;
    const symbols = options.symbols ?? (await tradingSymbols(maxSymbols, BOUNDS.maxLookbackSessions));
    notes.push(
      `symbols: ${symbols[0]}..${symbols[symbols.length - 1]}, the first ${maxSymbols} with a BUY/SELL`,
    );
    stages = await pipelineRun(maxPipelineRequest(symbols), 'max-trading', notes);
  } else if (name === 'max-pipeline') {
    describe = `max pipeline, SYM000.. (${window})`;
    stages = await pipelineRun(maxPipelineRequest(firstSymbols(maxSymbols)), 'max', notes);
  } else if (name === 'typical-pipeline') {
    describe = 'typical pipeline (5 symbols, 252 sessions, 10,000 paths, horizon 1)';
    stages = await pipelineRun(TYPICAL_REQUEST, 'typical', notes);
  } else if (name === 'max-backtest') {
    const sessions = options.quick ? BOUNDS.maxBacktestSessions / 4 : BOUNDS.maxBacktestSessions;
    const total = BOUNDS.maxBacktestSymbols;
    const simulated = Math.min(options.backtestSymbols ?? (options.quick ? 2 : total), total);
    describe = `max backtest (${total} symbols x ${sessions.toLocaleString('en-US')} sessions)`;
    stages = await backtestRun(total, simulated, sessions);
    const { from, to } = maxBacktestRange(sessions);
    notes.push(
      `range ${from}..${to}, warm-up from ${sessionsBack(from, BACKTEST_WARMUP_SESSIONS + 1)}; ` +
        `${simulated} of ${total} symbols simulated${simulated < total ? ', the simulation row scaled to all' : ''}`,
    );
  } else {
    throw new Error(`Unknown case ${name}; cases: ${CASES.join(', ')}`);
  }
  if (!peakResets)
    notes.push('peak RSS could not be reset per stage: its figures are the process peak so far');
  return { name, describe, stages, processPeakRssMiB: process.resourceUsage().maxRSS / 1024, notes };
}

function total(all: Measurement[]): Measurement {
  const stages = all.filter((m) => m.partOf === undefined);
  return {
    stage: 'total',
    calls: '',
    cpuMs: stages.reduce((sum, m) => sum + m.cpuMs, 0),
    wallMs: stages.reduce((sum, m) => sum + m.wallMs, 0),
    startRssMiB: stages[0].startRssMiB,
    peakRssMiB: Math.max(...stages.map((m) => m.peakRssMiB)),
    heapUsedMiB: Math.max(...stages.map((m) => m.heapUsedMiB)),
    heapCommittedMiB: Math.max(...stages.map((m) => m.heapCommittedMiB)),
    longestStallMs: Math.max(...stages.map((m) => m.longestStallMs)),
  };
}

function printTable(results: CaseResult[]): void {
  const seconds = (ms: number) => (ms >= 10_000 ? (ms / 1000).toFixed(1) : (ms / 1000).toFixed(3));
  const whole = (value: number) => value.toFixed(0);
  const cell = (m: Measurement | undefined) =>
    m
      ? `${seconds(m.cpuMs)} / ${seconds(m.wallMs)} / ${seconds(m.longestStallMs)} / ${whole(m.peakRssMiB)}` +
        ` / ${whole(m.heapUsedMiB)} / ${whole(m.heapCommittedMiB)}${m.scaledFrom ? ` (scaled from ${m.scaledFrom})` : ''}`
      : '-';
  const row = (label: string, cells: string[]) => console.log(`${label} | ${cells.join(' | ')}`);
  const stageNames: string[] = [];
  for (const r of results)
    for (const m of r.stages) if (!stageNames.includes(m.stage)) stageNames.push(m.stage);
  console.log(
    'Each cell: CPU s (user + system) / wall s / longest event-loop stall s / peak RSS MiB during the stage / ' +
      'V8 heap used MiB at its end / heap committed MiB at its end',
  );
  row(
    'stage',
    results.map((r) => r.describe),
  );
  for (const stage of stageNames)
    row(
      stage,
      results.map((r) => cell(r.stages.find((m) => m.stage === stage))),
    );
  row(
    'total',
    results.map((r) => cell(total(r.stages))),
  );
  row(
    'RSS MiB before the first stage',
    results.map((r) => whole(r.stages[0].startRssMiB)),
  );
  row(
    'process peak RSS MiB (warm-up included)',
    results.map((r) => whole(r.processPeakRssMiB)),
  );
  const sizes = (r: CaseResult) =>
    r.stages
      .filter((m) => m.outputKiB !== undefined)
      .map((m) => `${m.stage} ${whole(m.outputKiB ?? 0)}`)
      .join(', ');
  row('output JSON KiB', results.map(sizes));
  console.log('');
  console.log('What each stage calls:');
  for (const r of results) {
    console.log(`- ${r.describe}: ${r.stages.map((m) => `${m.stage} = ${m.calls}`).join('; ')}`);
    for (const note of r.notes) console.log(`  ${note}`);
  }
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  if (options.child) {
    const result = await runCase(options.child, options);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const cpus = os.cpus();
  console.log(
    `bench:budget on ${cpus.length} cores (${cpus[0]?.model ?? 'unknown CPU'}), Node ${process.version}` +
      (options.quick ? '; --quick: checks the bench, the figures are not the budget' : ''),
  );
  const symbols = await tradingSymbols(options.quick ? 20 : BOUNDS.maxSymbols, BOUNDS.maxLookbackSessions);
  const results: CaseResult[] = [];
  for (const name of CASES) {
    const started = performance.now();
    const args = ['--import', 'tsx', __filename, ...process.argv.slice(2), '--child', name];
    if (name === 'max-pipeline-trading') args.push('--symbols', symbols.join(','));
    const out = execFileSync(process.execPath, args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 16 * MiB,
    });
    const lines = out.trim().split('\n');
    const result = JSON.parse(lines[lines.length - 1]) as CaseResult;
    results.push(result);
    console.log(`${result.describe}: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  console.log('');
  printTable(results);
  if (options.json) console.log(JSON.stringify(results, null, 2));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
