// The run detail's panels, each built from one API answer (docs/api.md has their shapes).
import { correlationHeatmap } from './charts.js';
import { badge, facts, fmtMoney, fmtNum, fmtPct, fmtTime, h, table } from './dom.js';

/** Stage order of a pipeline run; awaiting_approval only happens when the risk gate flags a signal. */
const STAGES = ['queued', 'validating', 'ingest', 'risk', 'signals', 'awaiting_approval', 'completed'];

/** The run list's rows. */
export function runRows(runs, selectedId, onSelect) {
  return runs.map((run) =>
    h(
      'tr',
      {
        class: run.workflowId === selectedId ? 'selected' : null,
        'data-workflow-id': run.workflowId,
        onclick: () => onSelect(run.workflowId),
      },
      h(
        'td',
        null,
        h('a', { href: `#run=${encodeURIComponent(run.workflowId)}`, class: 'mono' }, run.workflowId),
      ),
      h('td', null, badge(run.status)),
      h('td', null, badge(run.stage ?? '—', run.stage)),
      h('td', null, badge(run.riskStatus ?? '—', run.riskStatus)),
      h('td', null, (run.symbols ?? []).join(', ')),
      h('td', null, fmtTime(run.startTime)),
    ),
  );
}

/** Head of a run: ids, status badges, the Temporal Web UI link, the stage stepper and the live progress. */
export function runSummary(status, { canCancel, onCancel }) {
  const stage = status.stage ?? 'queued';
  const reached = STAGES.indexOf(stage);
  const ended = stage === 'failed' || stage === 'cancelled';
  const progress = status.progress;
  // A failed or cancelled run says so in a last step; how far it got is in the progress facts.
  const stepClass = (name, i) =>
    ended
      ? null
      : name === stage
        ? stage === 'completed'
          ? 'done'
          : 'current'
        : i < reached
          ? 'done'
          : null;
  return h(
    'div',
    null,
    h(
      'div',
      { class: 'run-head' },
      h('span', { class: 'run-id mono', id: 'run-id' }, status.workflowId),
      h('span', { id: 'run-status' }, badge(status.status)),
      h('span', { id: 'run-stage' }, badge(stage)),
      h('span', { id: 'run-risk-status' }, badge(`risk ${status.riskStatus ?? '—'}`, status.riskStatus)),
      status.links?.temporalUi
        ? h(
            'a',
            {
              id: 'temporal-link',
              href: status.links.temporalUi,
              target: '_blank',
              rel: 'noopener noreferrer',
            },
            'Open in Temporal Web UI ↗',
          )
        : null,
      canCancel && status.status === 'RUNNING'
        ? h('button', { type: 'button', id: 'cancel-run', onclick: onCancel }, 'Cancel run')
        : null,
    ),
    h(
      'ol',
      { class: 'stages', 'aria-label': 'Stages' },
      STAGES.map((name, i) => h('li', { class: stepClass(name, i) }, name.replace('_', ' '))),
      ended ? h('li', { class: `current ${stage}` }, stage) : null,
    ),
    facts([
      ['Started', fmtTime(status.startTime)],
      ['Closed', fmtTime(status.closeTime)],
      ['Symbols', (status.symbols ?? []).join(', ') || '—'],
      ['Run id', h('span', { class: 'mono' }, status.runId ?? '—')],
      ...(progress
        ? [
            [
              'Ingest batches',
              `${progress.ingest?.batchesCompleted ?? 0} / ${progress.ingest?.batchesTotal ?? 0}`,
            ],
            ['Symbols ingested', progress.ingest?.symbolsIngested ?? 0],
            ['Bars inserted', progress.ingest?.barsInserted ?? 0],
            ['Signals generated', progress.signalsGenerated ?? 0],
            ['Limit breaches', progress.breaches ?? 0],
            ['Pending approvals', progress.pendingApprovals ?? 0],
          ]
        : [['Progress', 'no worker answered the progress query']]),
      ...(progress?.error ? [['Error', progress.error]] : []),
    ]),
  );
}

export function ingestSection(ingest) {
  return h(
    'section',
    { id: 'ingest' },
    h('h3', null, 'Ingest'),
    facts([
      ['Bars fetched', fmtMoney(ingest.barsFetched)],
      ['Inserted', fmtMoney(ingest.barsInserted)],
      ['Already stored', fmtMoney(ingest.barsAlreadyStored)],
      ['Updated', fmtMoney(ingest.barsUpdated)],
      ['Rejected', fmtMoney(ingest.barsRejected)],
    ]),
    table(
      [
        'Symbol',
        'Provider',
        '#Fetched',
        '#Inserted',
        '#Already stored',
        '#Rejected',
        'Served by',
        'Missing sessions',
      ],
      (ingest.perSymbol ?? []).map((s) => [
        s.symbol,
        s.provider,
        s.fetched,
        s.inserted,
        s.alreadyStored ?? 0,
        s.rejectedCount,
        Object.entries(s.sources ?? {})
          .map(([provider, n]) => `${provider} ${n}`)
          .join(', '),
        s.missingSessions?.length ? s.missingSessions.join(', ') : '—',
      ]),
    ),
  );
}

export function rejectedSection(rejected) {
  return h(
    'section',
    { id: 'rejected-bars' },
    h('h3', null, `Rejected bars (${rejected.length})`),
    rejected.length === 0
      ? h('p', { class: 'muted' }, 'No bar failed the data-quality checks.')
      : table(
          ['Symbol', 'Date', 'Reasons'],
          rejected.map((bar) => [bar.symbol, bar.date, bar.reasons.join('; ')]),
        ),
  );
}

export function signalsSection(signals) {
  return h(
    'section',
    { id: 'signals' },
    h('h3', null, `Signals (${signals.length})`),
    signals.map((signal) =>
      h(
        'article',
        { class: 'signal', 'data-symbol': signal.symbol },
        h(
          'header',
          null,
          h('strong', null, signal.symbol),
          badge(signal.action),
          h('span', null, `confidence ${fmtNum(signal.confidence)}`),
          h('span', null, `risk score ${fmtNum(signal.riskScore)}`),
          h('span', { class: 'muted' }, `${signal.stance} · ${signal.analyst}`),
          signal.approval
            ? badge(
                `${signal.approval.status}${signal.approval.approver ? ` by ${signal.approval.approver}` : ''}`,
                signal.approval.status === 'approved' ? 'ok' : 'breach',
              )
            : null,
        ),
        signal.gate?.flagged
          ? h('p', { class: 'error' }, `Risk gate: ${(signal.gate.reasons ?? []).join('; ')}`)
          : null,
        h(
          'ul',
          { class: 'rationale' },
          (signal.rationale ?? []).map((line) => h('li', null, line)),
        ),
      ),
    ),
  );
}

/** Limits as name → value lines (per-symbol and per-tag maps flattened). */
function limitRows(limits) {
  const rows = [];
  for (const [name, value] of Object.entries(limits ?? {})) {
    if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) rows.push([`${name}.${key}`, inner]);
    } else {
      rows.push([name, value]);
    }
  }
  return rows.map(([name, value]) => [
    name,
    typeof value === 'number'
      ? /Correlation|Concentration/.test(name)
        ? fmtNum(value, 2)
        : fmtMoney(value)
      : String(value),
  ]);
}

export function riskSection(report) {
  const { historical: hist, parametric: par, monteCarlo: mc } = report;
  const held = new Map((report.contributions ?? []).map((c) => [c.symbol, c]));
  return h(
    'section',
    { id: 'risk' },
    h('h3', null, 'Risk report ', badge(report.status)),
    facts([
      ['Valued on', report.asOfDate],
      ['Returns window', `${report.fromDate} → ${report.asOfDate} (${report.returnsCount} returns)`],
      ['Confidence', fmtPct(report.confidence, 1)],
      ['Horizon', `${report.horizonDays} day${report.horizonDays === 1 ? '' : 's'}`],
      ['Gross notional', fmtMoney(report.grossNotional)],
      ['Net notional', fmtMoney(report.netNotional)],
      ['Avg pairwise correlation', fmtNum(report.averagePairwiseCorrelation ?? NaN)],
      ['Largest position', `${report.concentration?.symbol ?? '—'} ${fmtPct(report.concentration?.value)}`],
    ]),
    h('p', { class: 'muted' }, 'VaR and ES are positive losses at the confidence above, over the horizon.'),
    table(
      ['Method', 'Detail', '#VaR', '#VaR amount', '#ES', '#ES amount'],
      [
        [
          'Historical',
          `${hist.varMethod} quantile, ${hist.esMethod.replace('_', '–')} ES`,
          fmtPct(hist.var),
          fmtMoney(hist.varAmount),
          fmtPct(hist.es),
          fmtMoney(hist.esAmount),
        ],
        [
          'Parametric',
          `Gaussian, μ ${fmtPct(par.mean, 3)}, σ ${fmtPct(par.sigma, 3)} (ddof 1)`,
          fmtPct(par.var),
          fmtMoney(par.varAmount),
          fmtPct(par.es),
          fmtMoney(par.esAmount),
        ],
        [
          'Cornish–Fisher',
          `skew ${fmtNum(par.cornishFisher.skewness)}, excess kurtosis ${fmtNum(par.cornishFisher.excessKurtosis)}`,
          fmtPct(par.cornishFisher.var),
          fmtMoney(par.cornishFisher.varAmount),
          '—',
          '—',
        ],
        [
          'Monte Carlo',
          `${fmtMoney(mc.paths)} paths, seed ${mc.seed}`,
          fmtPct(mc.var),
          fmtMoney(mc.varAmount),
          fmtPct(mc.es),
          fmtMoney(mc.esAmount),
        ],
      ],
      { id: 'var-table' },
    ),
    h('h3', null, 'Exposures'),
    table(
      ['Symbol', '#Quantity', '#Price', '#Notional', '#Weight', '#Share of ES'],
      (report.exposures ?? []).map((e) => [
        e.symbol,
        fmtNum(e.quantity, 0),
        fmtNum(e.price),
        fmtMoney(e.notional),
        fmtPct(e.weight, 1),
        fmtPct(held.get(e.symbol)?.share, 1),
      ]),
    ),
    h('h3', null, 'Limits and breaches'),
    table(['Limit', '#Value'], limitRows(report.inputs?.limits), { id: 'limits' }),
    report.breaches.length === 0
      ? h('p', { id: 'breaches', class: 'muted' }, 'No limit breached.')
      : h(
          'ul',
          { id: 'breaches', class: 'breaches' },
          report.breaches.map((b) => h('li', null, b.message)),
        ),
    report.backtest ? varBacktest(report.backtest) : null,
  );
}

function varBacktest(bt) {
  return h(
    'div',
    { id: 'var-backtest' },
    h('h3', null, 'VaR backtest'),
    facts([
      ['Status', bt.status],
      ['Days tested', `${bt.observations} (${bt.firstDate ?? '—'} → ${bt.lastDate ?? '—'})`],
      ['Exceptions', `${bt.exceptions} (expected ${fmtNum(bt.expectedExceptions, 1)})`],
      ['Kupiec POF p', fmtNum(bt.kupiec?.pValue ?? NaN, 3)],
      ['Christoffersen p', fmtNum(bt.christoffersen?.pValue ?? NaN, 3)],
      ['Basel zone', bt.basel?.zone ?? '—'],
    ]),
    (bt.notes ?? []).length
      ? h(
          'ul',
          { class: 'muted' },
          bt.notes.map((n) => h('li', null, n)),
        )
      : null,
  );
}

export function correlationSection(report) {
  return h(
    'section',
    { id: 'correlation' },
    h('h3', null, 'Correlation'),
    h(
      'p',
      { class: 'muted' },
      `Pearson correlation of daily simple returns, ${report.fromDate} → ${report.asOfDate}.`,
    ),
    correlationHeatmap(report.correlation),
  );
}

export function backtestSummary(results) {
  return table(
    ['Symbol', '#Total return', '#Ann. return', '#Ann. volatility', '#Sharpe', '#Max drawdown', '#Trades'],
    results.map(({ symbol, summary: s }) => [
      symbol,
      fmtPct(s.totalReturn),
      fmtPct(s.annualizedReturn),
      fmtPct(s.annualizedVolatility),
      fmtNum(s.sharpe ?? NaN),
      fmtPct(s.drawdown?.maxDrawdown),
      s.trades?.fills ?? 0,
    ]),
    { id: 'backtest-summary' },
  );
}
