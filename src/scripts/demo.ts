/**
 * `npm run demo`: the `npm run dev` stack (src/scripts/launcher.ts) plus sample content, all offline — two pipeline
 * schedules for the `demo` book, sample runs on the synthetic and csv providers (one with a csv → synthetic
 * fallback), a run whose flagged signal waits for human approval, and a csv backtest with equity curves. It prints
 * which provider served each run, the URLs to look at and curl lines to try, then stays up until Ctrl-C.
 *
 * Safe to re-run on the same data: schedules are reused (or replaced when their definition changed) and every run
 * gets an idempotency key unique to this start.
 */
import '../check-node';
import 'dotenv/config';
import { randomBytes } from 'node:crypto';
import type { ProviderName } from '../market-data/bar';
import { createScheduleSchema, type CreateScheduleRequest } from '../schedules/pipeline-schedules';
import type { Approval } from '../contracts/approvals';
import { TRADING_PIPELINE_API_NAME } from '../contracts/workflow-names';
import type { TradingPipelineResult } from '../contracts/pipeline';
import {
  APPROVAL_TIMEOUT_SECONDS,
  CSV_AS_OF,
  CSV_FALLBACK_SYMBOL,
  CSV_SYMBOLS,
  DEMO_BOOK,
  DEMO_READY_LINE,
  DEMO_SCHEDULES,
  demoChildEnv,
  SYNTHETIC_SYMBOLS,
} from './demo-samples';
import { adminKeyLine, keyShellLine, launchStack, stdoutIsTerminal, type LaunchedStack } from './launcher';

interface ApiAnswer<T> {
  status: number;
  body: T;
}

interface ApiError {
  error?: { code?: string; message?: string };
}

type CallApi = <T = unknown>(
  method: string,
  route: string,
  body?: unknown,
) => Promise<ApiAnswer<T & ApiError>>;

function apiCaller(baseUrl: string, apiKey: string): CallApi {
  return async <T>(method: string, route: string, body?: unknown) => {
    const response = await fetch(`${baseUrl}${route}`, {
      method,
      headers: {
        'x-api-key': apiKey,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      parsed = { error: { message: text.slice(0, 200) } };
    }
    return { status: response.status, body: parsed as T & ApiError };
  };
}

function failure(what: string, answer: ApiAnswer<ApiError>): Error {
  return new Error(
    `${what}: HTTP ${answer.status} ${answer.body.error?.message ?? JSON.stringify(answer.body)}`,
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (line: string) => console.log(`[demo] ${line}`);
const runPath = (workflowId: string) => `/workflows/${encodeURIComponent(workflowId)}`;

/** JSON with sorted keys, to compare a stored schedule's parameters with the demo's. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

interface ScheduleSummaryBody {
  scheduleId: string;
  paused: boolean;
  cron: string[];
  timezone?: string;
  nextActionTimes: string[];
  parameters?: unknown;
}

/** Creates a sample schedule; an existing one is kept when it matches, else replaced. Answers a summary line. */
async function ensureSchedule(api: CallApi, request: CreateScheduleRequest): Promise<string> {
  const wanted = createScheduleSchema.parse(request);
  const id = wanted.scheduleId;
  let outcome = 'created';
  let answer = await api<ScheduleSummaryBody>('POST', '/schedules', request);
  if (answer.status === 409) {
    const existing = await api<ScheduleSummaryBody>('GET', `/schedules/${id}`);
    if (existing.status !== 200) throw failure(`reading schedule ${id}`, existing);
    const same =
      existing.body.cron[0] === wanted.cron &&
      existing.body.timezone === wanted.timezone &&
      stableJson(existing.body.parameters) === stableJson(wanted.parameters);
    if (same) {
      outcome = 'reused';
      answer = existing;
    } else {
      const deleted = await api('DELETE', `/schedules/${id}`);
      if (deleted.status !== 204) throw failure(`replacing schedule ${id}`, deleted);
      outcome = 'replaced (its definition changed)';
      answer = await api<ScheduleSummaryBody>('POST', '/schedules', request);
    }
  }
  if (answer.status !== 201 && answer.status !== 200) throw failure(`creating schedule ${id}`, answer);
  const s = answer.body;
  const state = s.paused ? 'paused' : `active, next ${s.nextActionTimes[0] ?? '-'}`;
  return `${id}: ${s.cron[0] ?? '?'} ${s.timezone ?? ''} (${state}) — ${outcome}`;
}

interface TriggerBody {
  workflowId: string;
  runId: string;
  asOf: string;
  links: { temporalUi: string };
}

interface ResultBody {
  status: string;
  result?: TradingPipelineResult;
  error?: { message?: string; type?: string };
}

async function trigger(api: CallApi, name: string, key: string, parameters: object): Promise<TriggerBody> {
  const answer = await api<TriggerBody>('POST', '/workflows/trigger', {
    workflow_id: TRADING_PIPELINE_API_NAME,
    parameters: { book: DEMO_BOOK, ...parameters },
    idempotency_key: key,
  });
  if (answer.status !== 202) throw failure(`starting the ${name} sample`, answer);
  log(`${name} sample started: ${answer.body.workflowId}`);
  return answer.body;
}

/** Long-polls the result route until the run closes (at most `timeoutMs`). */
async function resultOf(api: CallApi, workflowId: string, timeoutMs = 180_000): Promise<ResultBody> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const answer = await api<ResultBody>('GET', `${runPath(workflowId)}/result?waitSeconds=20`);
    if (answer.status === 200) return answer.body;
    if (answer.status !== 202) throw failure(`reading the result of ${workflowId}`, answer);
  }
  throw new Error(`${workflowId} did not finish within ${timeoutMs / 1000} s`);
}

/** "AAPL, MSFT ← csv; SPY ← synthetic (fallback)": which provider served each symbol's bars. */
function servedBy(result: TradingPipelineResult): string {
  const groups = new Map<string, string[]>();
  for (const s of result.ingest.perSymbol) {
    const sources = Object.keys(s.sources ?? {}) as ProviderName[];
    const label =
      sources.length === 0
        ? 'no bars'
        : sources.map((p) => (p === s.provider ? p : `${p} (fallback from ${s.provider})`)).join(' + ');
    groups.set(label, [...(groups.get(label) ?? []), s.symbol]);
  }
  return [...groups].map(([label, symbols]) => `${symbols.join(', ')} ← ${label}`).join('; ');
}

function describeRun(name: string, workflowId: string, outcome: ResultBody): string {
  if (outcome.status !== 'COMPLETED' || !outcome.result) {
    return `${name}: ${workflowId} ${outcome.status} (${outcome.error?.message ?? 'no result'})`;
  }
  const r = outcome.result;
  const signals = r.signals.map((s) => `${s.symbol} ${s.action}`).join(', ');
  return [
    `${name}: ${workflowId} COMPLETED (as of ${r.input.asOf}, risk ${r.riskStatus})`,
    `      served by: ${servedBy(r)}`,
    `      signals:   ${signals}`,
  ].join('\n');
}

interface BacktestBody {
  backtestId: string;
  status: string;
  error?: string;
  results: { symbol: string; summary: { totalReturn: number; sharpe: number | null }; equity: unknown[] }[];
}

async function runBacktest(api: CallApi): Promise<{ id: string; line: string }> {
  const started = await api<{ backtestId: string }>('POST', '/backtests', {
    symbols: CSV_SYMBOLS,
    from: '2025-05-01',
    to: CSV_AS_OF,
    provider: 'csv',
  });
  if (started.status !== 202) throw failure('starting the backtest', started);
  const id = started.body.backtestId;
  log(`backtest started: ${id}`);
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    const answer = await api<BacktestBody>('GET', `/backtests/${encodeURIComponent(id)}`);
    if (answer.status !== 200) throw failure(`reading backtest ${id}`, answer);
    const b = answer.body;
    if (b.status === 'COMPLETED') {
      const perSymbol = b.results.map(
        (r) =>
          `${r.symbol} ${(r.summary.totalReturn * 100).toFixed(1)}% (Sharpe ${r.summary.sharpe?.toFixed(2) ?? '-'}, ${r.equity.length} equity points)`,
      );
      return { id, line: `backtest: ${id} COMPLETED on csv, ${perSymbol.join('; ')}` };
    }
    if (b.status !== 'RUNNING')
      return { id, line: `backtest: ${id} ${b.status} (${b.error ?? 'no detail'})` };
    await sleep(500);
  }
  throw new Error(`backtest ${id} did not finish within 180 s`);
}

/** Waits until the run's flagged signal is pending approval; answers the pending approvals. */
async function pendingApprovals(api: CallApi, workflowId: string): Promise<Approval[]> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const answer = await api<{ approvals: Approval[] }>(
      'GET',
      `/approvals?status=pending&workflowId=${encodeURIComponent(workflowId)}`,
    );
    if (answer.status !== 200) throw failure('reading approvals', answer);
    if (answer.body.approvals.length > 0) return answer.body.approvals;
    const closed = await api<ResultBody>('GET', `${runPath(workflowId)}/result`);
    if (closed.status === 200) throw new Error(`${workflowId} ended (${closed.body.status}) without waiting`);
    await sleep(300);
  }
  throw new Error(`${workflowId} flagged nothing within 120 s`);
}

interface SampleReport {
  schedules: string[];
  runs: string[];
  /** The run waiting for approval, for the curl lines. */
  approvalRun?: string;
  backtestId?: string;
}

interface Sample<T> {
  /** What the banner says about it (printed as soon as it is known, too). */
  line: string;
  value?: T;
}

/** Each sample is independent: one that fails is reported in its line and the others go on. */
async function attempt<T>(what: string, body: () => Promise<Sample<T>>): Promise<Sample<T>> {
  try {
    const sample = await body();
    log(sample.line);
    return sample;
  } catch (error) {
    const line = `${what} failed: ${error instanceof Error ? error.message : String(error)}`;
    console.warn(`[demo] ${line}`);
    return { line };
  }
}

async function createSamples(api: CallApi, csvFallback: boolean): Promise<SampleReport> {
  const schedules: string[] = [];
  for (const request of DEMO_SCHEDULES) {
    const { line } = await attempt(`schedule ${request.scheduleId}`, async () => ({
      line: await ensureSchedule(api, request),
    }));
    schedules.push(line);
  }

  // Unique to this start, so a re-run never collides with the runs of an earlier one.
  const stamp = `${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}-${randomBytes(2).toString('hex')}`;
  const key = (name: string) => `demo-${stamp}-${name}`;

  const synthetic = attempt('synthetic sample', async () => {
    const run = await trigger(api, 'synthetic', key('synthetic'), {
      symbols: SYNTHETIC_SYMBOLS,
      provider: 'synthetic',
    });
    const outcome = await resultOf(api, run.workflowId);
    return { line: describeRun('synthetic', run.workflowId, outcome), value: { run, outcome } };
  });

  const csv = attempt('csv sample', async () => {
    // refresh: bars of these days may be stored from another provider (an earlier `npm run dev` session).
    const run = await trigger(api, 'csv', key('csv'), {
      symbols: csvFallback ? [...CSV_SYMBOLS, CSV_FALLBACK_SYMBOL] : CSV_SYMBOLS,
      provider: 'csv',
      asOf: CSV_AS_OF,
      refresh: true,
    });
    const outcome = await resultOf(api, run.workflowId);
    return { line: describeRun('csv', run.workflowId, outcome) };
  });

  const approval = attempt('approval sample', async () => {
    const base = (await synthetic).value;
    if (!base?.outcome.result) throw new Error('it needs the synthetic sample, which did not complete');
    const actionable = base.outcome.result.signals.find((s) => s.action === 'BUY' || s.action === 'SELL');
    if (!actionable) throw new Error('no BUY or SELL signal in the synthetic sample today: nothing to flag');
    // The trade takes the position from 100,000 to 200,000, past a 150,000 limit: the risk gate flags it.
    const sign = actionable.action === 'BUY' ? 1 : -1;
    const run = await trigger(api, 'approval', key('approval'), {
      symbols: [actionable.symbol],
      provider: 'synthetic',
      asOf: base.run.asOf,
      positions: [{ symbol: actionable.symbol, marketValue: sign * 100_000 }],
      limits: { maxPositionNotionalBySymbol: { [actionable.symbol]: 150_000 } },
      tradeNotional: 100_000,
      approvalTimeoutSeconds: APPROVAL_TIMEOUT_SECONDS,
    });
    const [pending] = await pendingApprovals(api, run.workflowId);
    const line = [
      `approval: ${run.workflowId} AWAITING APPROVAL (as of ${run.asOf})`,
      `      ${pending.symbol} ${pending.action}: ${pending.reasons.join('; ')}`,
      `      served by: ${actionable.symbol} ← synthetic; waits until ${pending.deadline}`,
      `      Temporal UI: ${run.links.temporalUi}`,
    ].join('\n');
    return { line, value: run.workflowId };
  });

  const backtest = attempt('backtest', async () => {
    // After the csv run, so the backtest reads the csv bars that run stored.
    await csv;
    const { id, line } = await runBacktest(api);
    return { line, value: id };
  });

  const runs = await Promise.all([synthetic, csv, approval, backtest]);
  return {
    schedules,
    runs: runs.map((sample) => sample.line),
    approvalRun: (await approval).value,
    backtestId: (await backtest).value,
  };
}

function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

function banner(stack: LaunchedStack, apiUrl: string, report: SampleReport): string {
  const { config, server, adminKey } = stack;
  const ui = server.uiUrl ?? '(headless)';
  const namespace = encodeURIComponent(config.temporal.namespace);
  const runsQuery = encodeURIComponent(`WorkflowId STARTS_WITH "pipeline:${DEMO_BOOK}:"`);
  // The key is printed once (Admin API key); the example reads it from where it is kept.
  const keyLine = keyShellLine(adminKey);
  const curl = (route: string) => `curl -s -H "X-API-Key: $KEY" '${apiUrl}${route}'`;
  const approvalRoute = report.approvalRun
    ? `/workflows/${report.approvalRun}/approve`
    : '/workflows/<id>/approve';
  return [
    '',
    `${DEMO_READY_LINE}:`,
    `  Dashboard      ${apiUrl}/dashboard`,
    `  API            ${apiUrl}`,
    `  API docs       ${apiUrl}/docs`,
    `  Temporal UI    ${ui}`,
    `  Demo runs      ${server.uiUrl ? `${ui}/namespaces/${namespace}/workflows?query=${runsQuery}` : '(headless)'}`,
    `  Temporal       ${server.address} (namespace ${config.temporal.namespace}, task queue ${config.temporal.taskQueue})`,
    adminKeyLine(adminKey, stdoutIsTerminal()),
    '',
    'Sample schedules:',
    ...report.schedules.map((line) => `  ${line}`),
    '',
    'Sample runs:',
    ...report.runs.map((line) => `  ${line}`),
    '',
    'Try:',
    `  ${keyLine}`,
    `  ${curl('/workflows?pageSize=10')}`,
    `  ${curl('/approvals?status=pending')}`,
    `  curl -s -X POST -H "X-API-Key: $KEY" -H 'content-type: application/json' -d '{"reason": "hedged elsewhere"}' '${apiUrl}${approvalRoute}'`,
    `  ${curl(report.backtestId ? `/backtests/${report.backtestId}` : '/backtests/<id>')}`,
    `  ${curl('/schedules')}`,
    'Press Ctrl-C to stop.',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const stack = await launchStack({ tag: 'demo', childEnv: (config) => demoChildEnv(process.env, config) });
  const { config } = stack;
  const host = config.api.host;
  const apiUrl = isWildcard(host)
    ? `http://localhost:${config.api.port}`
    : `http://${urlHost(host)}:${config.api.port}`;
  const callUrl = isWildcard(host) ? `http://127.0.0.1:${config.api.port}` : apiUrl;
  // The csv sample adds a symbol the CSV folder lacks only when a csv fallback chain will serve it.
  const csvFallback =
    !process.env.TRADEFLOW_PROVIDER_FALLBACKS || (config.marketData.fallbacks.csv ?? []).length > 0;
  try {
    log('creating sample schedules and runs...');
    const report = await createSamples(apiCaller(callUrl, stack.adminKey.key), csvFallback);
    console.log(banner(stack, apiUrl, report));
  } catch (error) {
    console.error(`[demo] ${error instanceof Error ? error.message : String(error)}`);
    await stack.stopAll(1);
  }
}

main().catch((error: unknown) => {
  console.error(`[demo] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
