/**
 * `npm run bench:signal-graphs -- [--symbols 20] [--sessions 250] [--latency 50] [--malformed-every 4] [--seed 7]`
 *
 * The flat LLM signal graph (`createLlmAnalyst`: one model call per symbol) against the supervisor graph
 * (`createSupervisorAnalyst`: research analyst → financial analyst → risk officer, with at most one revision) on the
 * same symbols and snapshots: synthetic daily closes (src/market-data/providers/synthetic.ts), each symbol with its
 * own annual volatility from 15 % to 75 % so that some breach the risk officer's 40 % limit.
 *
 * Real model endpoints are unreachable here, so both graphs talk to a scripted chat model: it reads the role from
 * the system prompt and the indicators from the prompt, answers valid JSON derived from them (the risk officer sends
 * a confident view in a volatile market back once, then caps it), waits `--latency` ms per call (honouring the
 * abort signal), and reports token usage as ceil(characters / 4) of the prompt and of the answer. In the
 * "malformed" scenario every `--malformed-every`-th call answers broken JSON, which the analysts reject and retry.
 * With a scripted model, latency is model calls × simulated latency + the graphs' own overhead: the table shows
 * both, so the figures measure the call structure and the framework overhead, not any real model.
 *
 * Symbols run one after another, as in the `generateSignals` activity. Prints a Markdown table.
 */
import { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage, type BaseMessage } from '@langchain/core/messages';
import type { ChatResult } from '@langchain/core/outputs';
import { Command, InvalidArgumentError } from 'commander';
import { createSyntheticProvider } from '../src/market-data/providers/synthetic';
import { sessionsBack } from '../src/market-data/sessions';
import { buildSignalGraph, generateSignal, type Signal, type SignalGraph } from '../src/signals';
import { createLlmAnalyst, type LlmView, SYSTEM_PROMPT } from '../src/signals/llm-analyst';
import {
  createSupervisorAnalyst,
  FINANCIAL_PROMPT,
  RESEARCH_PROMPT,
  RISK_OFFICER_PROMPT,
} from '../src/signals/supervisor';

const nonNegativeInt = (flag: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${flag} must be a whole number ≥ 0`);
  return n;
};

interface Indicators {
  crossover: { state: string; fast: number; slow: number } | null;
  momentum: number | null;
  rsi: number | null;
  realizedVolatility: number | null;
  drawdown: number | null;
}

/** Untimed runs per graph before timing. */
const WARM_UPS = 5;
const MALFORMED = '{"direction": "long", "confidence": high}';
const round2 = (x: number) => Math.round(x * 100) / 100;
const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);

function scriptedView(ind: Indicators, revision: boolean): LlmView {
  const state = ind.crossover?.state ?? 'neutral';
  const direction = state === 'bullish' ? 'long' : state === 'bearish' ? 'short' : 'flat';
  let confidence = round2(Math.min(0.95, 0.55 + 3 * Math.abs(ind.momentum ?? 0)));
  if (revision) confidence = Math.min(confidence, 0.55);
  const cited = (['crossover', 'momentum', 'rsi'] as const).filter((k) => ind[k] !== null);
  return {
    direction,
    confidence,
    horizon: '1w',
    rationale: `SMA crossover ${state}, momentum ${pct(ind.momentum)}, RSI ${ind.rsi?.toFixed(1) ?? 'n/a'}.`,
    citedIndicators: cited.length > 0 ? cited : ['lastClose'],
  };
}

interface RiskPrompt {
  view: { confidence: number };
  riskContext: { realizedVolatility: number | null; drawdown: number | null };
  policy: { volatilityLimit: number; drawdownLimit: number; confidenceCapBeyondLimits: number };
  revisionAvailable: boolean;
}

function scriptedReview(p: RiskPrompt): object {
  const { realizedVolatility: vol, drawdown } = p.riskContext;
  const breach =
    (vol !== null && vol > p.policy.volatilityLimit) ||
    (drawdown !== null && drawdown < p.policy.drawdownLimit);
  const cap = p.policy.confidenceCapBeyondLimits;
  if (breach && p.view.confidence > cap) {
    const reason = `volatility ${pct(vol)}, drawdown ${pct(drawdown)}: confidence ${p.view.confidence} too high`;
    return p.revisionAvailable
      ? { decision: 'revise', reason }
      : { decision: 'cap', maxConfidence: cap, reason };
  }
  return { decision: 'approve', reason: `volatility ${pct(vol)} and drawdown ${pct(drawdown)} acceptable` };
}

/** Answers as a desk of analysts would, by the role its system prompt names, after a fixed simulated latency. */
class ScriptedDeskModel extends BaseChatModel {
  calls = 0;

  constructor(
    private readonly latencyMs: number,
    private readonly malformedEvery: number,
  ) {
    super({});
  }

  _llmType(): string {
    return 'scripted-desk';
  }

  private answerFor(messages: BaseMessage[]): string {
    const system = messages[0].text;
    const input = JSON.parse(messages[1].text) as Record<string, unknown>;
    const ind = input.indicators as Indicators;
    switch (system) {
      case SYSTEM_PROMPT:
        return JSON.stringify(scriptedView(ind, false));
      case FINANCIAL_PROMPT:
        return JSON.stringify(scriptedView(ind, 'riskOfficerObjection' in input));
      case RESEARCH_PROMPT: {
        const keys = (['crossover', 'momentum', 'rsi', 'realizedVolatility', 'drawdown'] as const).filter(
          (k) => ind[k] !== null,
        );
        return JSON.stringify({
          notes: keys.map((k) => ({ indicator: k, note: `${k} is ${JSON.stringify(ind[k])}` })),
          summary: `trend ${ind.crossover?.state ?? 'unknown'}, volatility ${pct(ind.realizedVolatility)}`,
        });
      }
      case RISK_OFFICER_PROMPT:
        return JSON.stringify(scriptedReview(input as unknown as RiskPrompt));
      default:
        throw new Error(`scripted model: unknown system prompt ${system.slice(0, 60)}`);
    }
  }

  override async _generate(messages: BaseMessage[], options: this['ParsedCallOptions']): Promise<ChatResult> {
    this.calls += 1;
    const text =
      this.malformedEvery > 0 && this.calls % this.malformedEvery === 0
        ? MALFORMED
        : this.answerFor(messages);
    if (this.latencyMs > 0) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, this.latencyMs);
        options.signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(new Error('aborted'));
        });
      });
    }
    const promptChars = messages.reduce((n, m) => n + m.text.length, 0);
    const input = Math.ceil(promptChars / 4);
    const output = Math.ceil(text.length / 4);
    const message = new AIMessage({
      content: text,
      usage_metadata: { input_tokens: input, output_tokens: output, total_tokens: input + output },
    });
    return { generations: [{ text, message }] };
  }
}

interface Row {
  scenario: string;
  graph: string;
  signals: Signal[];
  ms: number[];
  totalMs: number;
  latencyMs: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];

async function main(): Promise<void> {
  const opts = new Command('bench:signal-graphs')
    .option('--symbols <n>', 'symbols (synthetic series)', nonNegativeInt('--symbols'), 20)
    .option('--sessions <n>', 'daily closes per symbol', nonNegativeInt('--sessions'), 250)
    .option('--latency <ms>', 'simulated latency per model call', nonNegativeInt('--latency'), 50)
    .option(
      '--malformed-every <n>',
      'in the malformed scenario, every n-th call answers broken JSON',
      nonNegativeInt('--malformed-every'),
      4,
    )
    .option('--seed <n>', 'synthetic data seed', nonNegativeInt('--seed'), 7)
    .parse(process.argv)
    .opts<{ symbols: number; sessions: number; latency: number; malformedEvery: number; seed: number }>();
  if (opts.symbols < 1 || opts.sessions < 2) throw new Error('--symbols must be ≥ 1 and --sessions ≥ 2');

  const symbols = Array.from({ length: opts.symbols }, (_, i) => `SYM${String(i).padStart(2, '0')}`);
  const volatilityBySymbol = Object.fromEntries(
    symbols.map((s, i) => [s, round2(0.15 + (0.6 * i) / Math.max(1, symbols.length - 1))]),
  );
  const provider = createSyntheticProvider({ seed: opts.seed, volatilityBySymbol });
  const asOf = '2026-10-30';
  const from = sessionsBack(asOf, opts.sessions);
  const inputs = await Promise.all(
    symbols.map(async (symbol) => ({
      symbol,
      asOf,
      closes: (await provider.fetchBars({ symbol, interval: '1d', from, to: asOf })).map((b) => b.adjClose),
    })),
  );

  async function measure(
    scenario: string,
    graphName: string,
    graph: SignalGraph,
    latencyMs: number,
  ): Promise<Row> {
    // Warm-up, not counted: the first few runs of a graph pay for V8 compiling its code paths.
    for (const input of inputs.slice(0, WARM_UPS)) await generateSignal(input, graph);
    const signals: Signal[] = [];
    const ms: number[] = [];
    const started = performance.now();
    for (const input of inputs) {
      const t0 = performance.now();
      signals.push(await generateSignal(input, graph));
      ms.push(performance.now() - t0);
    }
    return { scenario, graph: graphName, signals, ms, totalMs: performance.now() - started, latencyMs };
  }

  const flatGraph = (model?: BaseChatModel) =>
    model
      ? buildSignalGraph({ llm: createLlmAnalyst({ model, modelName: 'scripted' }) })
      : buildSignalGraph();
  const supervisorGraph = (model?: BaseChatModel) =>
    buildSignalGraph({ llm: createSupervisorAnalyst(model ? { model, modelName: 'scripted' } : {}) });

  const rows: Row[] = [];
  rows.push(await measure('offline (no model)', 'flat: deterministic', flatGraph(), 0));
  rows.push(await measure('offline (no model)', 'supervisor(rules)', supervisorGraph(), 0));
  for (const [scenario, malformedEvery] of [
    ['valid answers', 0],
    [`malformed every ${opts.malformedEvery}th call`, opts.malformedEvery],
  ] as const) {
    if (scenario.startsWith('malformed') && malformedEvery === 0) continue;
    rows.push(
      await measure(
        scenario,
        'flat LLM',
        flatGraph(new ScriptedDeskModel(opts.latency, malformedEvery)),
        opts.latency,
      ),
    );
    rows.push(
      await measure(
        scenario,
        'supervisor',
        supervisorGraph(new ScriptedDeskModel(opts.latency, malformedEvery)),
        opts.latency,
      ),
    );
  }

  const header = [
    'scenario',
    'graph',
    'model calls',
    'calls/symbol',
    'tokens in / out',
    'tokens/symbol',
    'rejected',
    'revisions',
    'fallbacks',
    'BUY/SELL/HOLD',
    'actions ≠ flat',
    'mean confidence',
    'p50 ms',
    'mean ms',
    'total s',
    'overhead ms/symbol',
  ];
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
  for (const row of rows) {
    const runs = row.signals.map((s) => s.analystRun);
    const calls = runs.reduce((n, r) => n + (r?.modelCalls ?? 0), 0);
    const tokensIn = runs.reduce((n, r) => n + (r?.tokens?.input ?? 0), 0);
    const tokensOut = runs.reduce((n, r) => n + (r?.tokens?.output ?? 0), 0);
    const rejected = runs.reduce((n, r) => n + (r?.rejections.length ?? 0), 0);
    const revisions = runs.reduce(
      (n, r) => n + Math.max(0, (r?.steps?.filter((s) => s.role === 'financial').length ?? 0) - 1),
      0,
    );
    const fallbacks = runs.filter((r) => r?.fallback).length;
    const count = (a: string) => row.signals.filter((s) => s.action === a).length;
    const sorted = [...row.ms].sort((a, b) => a - b);
    const mean = row.ms.reduce((a, b) => a + b, 0) / row.ms.length;
    const n = row.signals.length;
    const flat = rows.find(
      (r) => r.scenario === row.scenario && r !== row && !r.graph.startsWith('supervisor'),
    );
    const differing =
      row.graph.startsWith('supervisor') && flat
        ? String(row.signals.filter((s, i) => s.action !== flat.signals[i].action).length)
        : '–';
    const meanConfidence = row.signals.reduce((sum, s) => sum + s.confidence, 0) / n;
    const overhead = mean - (calls / n) * row.latencyMs;
    lines.push(
      `| ${[
        row.scenario,
        row.graph,
        calls,
        (calls / n).toFixed(2),
        calls === 0 ? '–' : `${tokensIn.toLocaleString('en-US')} / ${tokensOut.toLocaleString('en-US')}`,
        calls === 0 ? '–' : Math.round((tokensIn + tokensOut) / n).toLocaleString('en-US'),
        rejected,
        revisions,
        fallbacks,
        `${count('BUY')}/${count('SELL')}/${count('HOLD')}`,
        differing,
        meanConfidence.toFixed(3),
        percentile(sorted, 50).toFixed(1),
        mean.toFixed(1),
        (row.totalMs / 1000).toFixed(2),
        overhead.toFixed(1),
      ].join(' | ')} |`,
    );
  }
  console.log(
    `${opts.symbols} symbols x ${opts.sessions} synthetic daily closes (seed ${opts.seed}, volatility 15%..75%), ` +
      `scripted model ${opts.latency} ms/call, symbols one after another after ${WARM_UPS} untimed runs per graph; overhead = mean − calls/symbol × latency\n`,
  );
  console.log(lines.join('\n'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
