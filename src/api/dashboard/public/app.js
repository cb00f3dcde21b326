// The dashboard: asks for an API key, lists runs (polled), shows one run in detail, starts runs and backtests.
import { api, ApiError, apiKey, describeError, route, whenUnauthorized } from './api.js';
import { lineChart } from './charts.js';
import { byId, facts, fmtMoney, fmtTime, h } from './dom.js';
import {
  backtestSummary,
  correlationSection,
  ingestSection,
  rejectedSection,
  riskSection,
  runRows,
  runSummary,
  signalsSection,
} from './panels.js';

/** GET /workflows is cached by the API for 1 s (API_LIST_CACHE_MS); polling faster would only repeat answers. */
const LIST_EVERY_MS = 2000;
const RUN_EVERY_MS = 1500;
const BACKTEST_EVERY_MS = 2000;

const state = {
  whoami: null,
  selectedId: null,
  /** Bumped on every run selection, so answers for a run no longer shown are dropped. */
  runToken: 0,
  runTimer: null,
  listTimer: null,
  /** Bumped on every list poll, so only the latest poll renders and schedules the next one. */
  listGen: 0,
  /** Charts of the shown run, destroyed when another run is shown. */
  runCharts: [],
  backtestToken: 0,
  backtestTimer: null,
  backtestCharts: [],
};

const can = (method, path) => state.whoami?.permissions.includes(`${method} ${path}`) ?? false;

function setStatusLine(text) {
  byId('status-line').textContent = text;
}

// ---- the key ----------------------------------------------------------------------------------------------------

function showKeyPanel(message = '') {
  stopPolling();
  state.whoami = null;
  byId('main').hidden = true;
  byId('who').hidden = true;
  byId('key-panel').hidden = false;
  byId('key-error').textContent = message;
  // Nothing read with the previous key stays on the page.
  destroyCharts(state.runCharts);
  destroyCharts(state.backtestCharts);
  state.selectedId = null;
  byId('runs').tBodies[0].replaceChildren();
  byId('run-detail').replaceChildren(h('p', { class: 'muted' }, 'Pick a run from the list, or start one.'));
  byId('backtest-detail').replaceChildren();
  byId('trigger-message').textContent = '';
  byId('key-input').value = '';
  byId('key-input').focus();
  setStatusLine('');
}

function forgetKey(message) {
  apiKey.clear();
  showKeyPanel(message);
}

async function start() {
  try {
    const { body } = await api('GET', '/auth/whoami');
    state.whoami = body;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return; // whenUnauthorized showed the key panel
    showKeyPanel(`Could not check the key: ${describeError(error)}`);
    return;
  }
  byId('key-panel').hidden = true;
  byId('main').hidden = false;
  renderWho();
  void pollRuns();
  showRunFromHash();
}

function renderWho() {
  const { actor, role, via, permissions } = state.whoami;
  byId('who').hidden = false;
  byId('who-actor').textContent = `${actor} (${via})`;
  const roleBadge = byId('who-role');
  roleBadge.textContent = role;
  roleBadge.className = `badge ${role}`;

  const capabilities = [
    ['Read runs, risk reports, market data and backtests', can('GET', '/workflows')],
    ['Start and cancel pipeline runs', can('POST', '/workflows/trigger')],
    ['Approve or reject flagged signals', can('POST', '/workflows/:id/approve')],
    ['Start strategy backtests', can('POST', '/backtests')],
    ['Change schedules', can('POST', '/schedules')],
    ['Manage API keys and read the audit log', can('POST', '/admin/api-keys')],
  ];
  byId('capabilities').replaceChildren(
    ...capabilities.map(([text, allowed]) =>
      h(
        'li',
        { class: allowed ? 'yes' : 'no', 'data-allowed': String(allowed) },
        allowed ? '✓ ' : '✗ ',
        text,
      ),
    ),
  );
  byId('permissions').replaceChildren(...permissions.map((p) => h('li', { class: 'mono' }, p)));

  const mayTrigger = can('POST', '/workflows/trigger');
  byId('trigger-fieldset').disabled = !mayTrigger;
  const note = byId('trigger-note');
  note.hidden = mayTrigger;
  note.textContent = mayTrigger
    ? ''
    : `Your role (${role}) may not start runs: POST /workflows/trigger needs operator or admin.`;
}

// ---- the run list -----------------------------------------------------------------------------------------------

function listQuery() {
  const form = new FormData(byId('runs-filter'));
  const params = new URLSearchParams({ pageSize: '25' });
  for (const name of ['status', 'stage', 'symbol']) {
    const value = String(form.get(name) ?? '').trim();
    if (value) params.set(name, name === 'symbol' ? value.toUpperCase() : value);
  }
  return `/workflows?${params}`;
}

async function pollRuns() {
  clearTimeout(state.listTimer);
  const gen = ++state.listGen;
  if (!state.whoami) return;
  if (!document.hidden) {
    try {
      const { body } = await api('GET', listQuery());
      if (gen !== state.listGen) return;
      byId('runs').tBodies[0].replaceChildren(...runRows(body.runs, state.selectedId, selectRun));
      if (body.runs.length === 0) {
        byId('runs').tBodies[0].append(
          h('tr', null, h('td', { colspan: 6, class: 'muted' }, 'No runs match.')),
        );
      }
      byId('runs-error').textContent = '';
      byId('runs-updated').textContent = `updated ${new Date().toLocaleTimeString()}`;
      setStatusLine(`Runs refresh every ${LIST_EVERY_MS / 1000} s.`);
    } catch (error) {
      if (gen !== state.listGen || !state.whoami) return;
      byId('runs-error').textContent = `Listing runs failed: ${describeError(error)}`;
    }
  }
  if (gen === state.listGen && state.whoami)
    state.listTimer = setTimeout(() => void pollRuns(), LIST_EVERY_MS);
}

/** Stops every poll, including answers still in flight (their generation or token no longer matches). */
function stopPolling() {
  clearTimeout(state.listTimer);
  clearTimeout(state.runTimer);
  clearTimeout(state.backtestTimer);
  state.listGen++;
  state.runToken++;
  state.backtestToken++;
}

// ---- one run ----------------------------------------------------------------------------------------------------

function selectRun(workflowId) {
  const hash = `#run=${encodeURIComponent(workflowId)}`;
  if (location.hash === hash) showRun(workflowId);
  else location.hash = hash;
}

function showRunFromHash() {
  const match = /^#run=(.+)$/.exec(location.hash);
  if (match && state.whoami) showRun(decodeURIComponent(match[1]));
}

function destroyCharts(list) {
  for (const chart of list.splice(0)) chart.destroy();
}

function showRun(workflowId) {
  clearTimeout(state.runTimer);
  destroyCharts(state.runCharts);
  state.selectedId = workflowId;
  const token = ++state.runToken;
  for (const row of byId('runs').tBodies[0].rows) {
    row.classList.toggle('selected', row.dataset.workflowId === workflowId);
  }
  byId('run-detail').replaceChildren(
    h('div', { id: 'run-summary' }, h('p', { class: 'muted' }, `Loading ${workflowId}…`)),
    h('div', { id: 'run-result' }),
  );
  void refreshRun(workflowId, token, false);
}

async function refreshRun(workflowId, token, resultShown) {
  let status;
  try {
    status = (await api('GET', route`/workflows/${workflowId}/status`)).body;
  } catch (error) {
    if (token !== state.runToken) return;
    byId('run-summary').replaceChildren(h('p', { class: 'error' }, describeError(error)));
    if (!(error instanceof ApiError) || error.status >= 500) {
      state.runTimer = setTimeout(() => void refreshRun(workflowId, token, resultShown), RUN_EVERY_MS * 2);
    }
    return;
  }
  if (token !== state.runToken) return;
  byId('run-summary').replaceChildren(
    runSummary(status, {
      canCancel: can('POST', '/workflows/:id/cancel'),
      onCancel: () => void cancelRun(workflowId),
    }),
  );
  if (status.status === 'RUNNING') {
    if (!resultShown) {
      byId('run-result').replaceChildren(
        h(
          'p',
          { class: 'muted', id: 'run-waiting' },
          'Signals, the risk report and charts appear when the run ends.',
        ),
      );
    }
    state.runTimer = setTimeout(() => void refreshRun(workflowId, token, false), RUN_EVERY_MS);
    return;
  }
  if (!resultShown) await showResult(workflowId, token);
}

async function cancelRun(workflowId) {
  if (!confirm(`Cancel ${workflowId}?`)) return;
  try {
    await api('POST', route`/workflows/${workflowId}/cancel`);
  } catch (error) {
    alert(`Cancel failed: ${describeError(error)}`);
  }
}

async function showResult(workflowId, token) {
  const container = byId('run-result');
  let answer;
  try {
    answer = (await api('GET', route`/workflows/${workflowId}/result`)).body;
  } catch (error) {
    if (token === state.runToken) container.replaceChildren(h('p', { class: 'error' }, describeError(error)));
    return;
  }
  if (token !== state.runToken) return;
  if (!answer.result) {
    container.replaceChildren(
      h(
        'p',
        { class: 'error', id: 'run-error' },
        `The run ended ${answer.status}: ${answer.error?.message ?? 'no result'}${answer.error?.type ? ` (${answer.error.type})` : ''}`,
      ),
    );
    return;
  }
  const result = answer.result;
  // The stored report (GET /risk/reports/:runId); the result carries the same report should the store have none.
  let report = result.risk;
  try {
    report = (await api('GET', route`/risk/reports/${answer.runId}`)).body.report ?? report;
  } catch {
    // No stored report (404) or the store did not answer: the result's own copy is the same report.
  }
  if (token !== state.runToken) return;

  const marketData = h(
    'section',
    { id: 'market-data' },
    h('h3', null, 'Market data'),
    h(
      'label',
      null,
      'Symbol ',
      h(
        'select',
        { id: 'market-symbol', onchange: (event) => void showBars(event.target.value) },
        result.input.symbols.map((s) => h('option', { value: s }, s)),
      ),
    ),
    h('div', { id: 'market-facts' }),
    h('div', { id: 'market-chart', class: 'chart' }),
  );
  const mayBacktest = can('POST', '/backtests');
  container.replaceChildren(
    signalsSection(result.signals),
    riskSection(report),
    correlationSection(report),
    marketData,
    rejectedSection(result.rejectedBars ?? []),
    ingestSection(result.ingest),
    h(
      'section',
      { id: 'run-backtest' },
      h('h3', null, 'Strategy backtest'),
      h(
        'button',
        {
          type: 'button',
          id: 'backtest-run',
          disabled: !mayBacktest,
          title: mayBacktest ? null : 'POST /backtests needs operator or admin',
          onclick: () => void startBacktest(result.input),
        },
        `Backtest ${result.input.symbols.join(', ')} over ${result.input.from} → ${result.input.asOf}`,
      ),
    ),
  );

  let barsToken = 0;
  const showBars = async (symbol) => {
    const mine = ++barsToken;
    destroyCharts(state.runCharts);
    try {
      const { body } = await api(
        'GET',
        `${route`/market-data/${symbol}`}?${new URLSearchParams({ from: result.input.from, to: result.input.asOf })}`,
      );
      if (token !== state.runToken || mine !== barsToken) return;
      const bars = body.bars;
      byId('market-facts').replaceChildren(
        facts([
          ['Bars', bars.length],
          ['First', bars[0]?.date ?? '—'],
          ['Last', bars.at(-1)?.date ?? '—'],
          ['Last close', bars.at(-1)?.close.toFixed(2) ?? '—'],
          ['Served by', [...new Set(bars.map((b) => b.source))].join(', ')],
        ]),
      );
      const adjusted = bars.some((b) => b.adjClose !== b.close);
      state.runCharts.push(
        lineChart(byId('market-chart'), {
          dates: bars.map((b) => b.date),
          series: [
            { label: `${symbol} close`, values: bars.map((b) => b.close) },
            ...(adjusted ? [{ label: 'adjusted close', values: bars.map((b) => b.adjClose) }] : []),
          ],
        }),
      );
    } catch (error) {
      if (token === state.runToken && mine === barsToken) {
        byId('market-facts').replaceChildren(h('p', { class: 'error' }, describeError(error)));
      }
    }
  };
  await showBars(result.input.symbols[0]);
}

// ---- starting a run ---------------------------------------------------------------------------------------------

async function triggerRun(event) {
  event.preventDefault();
  const form = new FormData(event.target);
  const text = (name) => String(form.get(name) ?? '').trim();
  const parameters = {
    symbols: text('symbols')
      .split(/[\s,]+/)
      .filter(Boolean)
      .map((s) => s.toUpperCase()),
    provider: text('provider'),
  };
  for (const name of ['lookbackDays', 'confidence', 'horizonDays', 'monteCarloPaths']) {
    if (text(name) !== '') parameters[name] = Number(text(name));
  }
  if (text('book') !== '') parameters.book = text('book');
  const message = byId('trigger-message');
  message.className = 'message';
  message.textContent = 'Starting…';
  byId('trigger-submit').disabled = true;
  try {
    const { body } = await api('POST', '/workflows/trigger', { workflow_id: 'trading_pipeline', parameters });
    message.textContent = `Started ${body.workflowId} (as of ${body.asOf}).`;
    selectRun(body.workflowId);
    void pollRuns();
  } catch (error) {
    message.className = 'message error';
    message.textContent = `Not started: ${describeError(error)}`;
  } finally {
    byId('trigger-submit').disabled = false;
  }
}

// ---- backtests --------------------------------------------------------------------------------------------------

async function startBacktest(input) {
  const detail = byId('backtest-detail');
  try {
    const { body } = await api('POST', '/backtests', {
      symbols: input.symbols,
      from: input.from,
      to: input.asOf,
      provider: input.provider,
    });
    byId('backtest-form').elements.backtestId.value = body.backtestId;
    showBacktest(body.backtestId);
    byId('backtest-panel').scrollIntoView({ behavior: 'smooth' });
  } catch (error) {
    detail.replaceChildren(h('p', { class: 'error' }, `Backtest not started: ${describeError(error)}`));
  }
}

function showBacktest(backtestId) {
  clearTimeout(state.backtestTimer);
  destroyCharts(state.backtestCharts);
  const token = ++state.backtestToken;
  byId('backtest-detail').replaceChildren(h('p', { class: 'muted' }, `Loading ${backtestId}…`));
  void refreshBacktest(backtestId, token);
}

async function refreshBacktest(backtestId, token) {
  let bt;
  try {
    bt = (await api('GET', route`/backtests/${backtestId}`)).body;
  } catch (error) {
    if (token === state.backtestToken) {
      byId('backtest-detail').replaceChildren(h('p', { class: 'error' }, describeError(error)));
    }
    return;
  }
  if (token !== state.backtestToken) return;
  destroyCharts(state.backtestCharts);
  const chart = h('div', { id: 'equity-chart', class: 'chart' });
  const progress = bt.progress;
  const parts = [
    facts([
      ['Backtest', h('span', { class: 'mono' }, bt.backtestId)],
      ['Status', bt.status],
      ['Stage', progress?.stage ?? '—'],
      ['Symbols done', progress ? `${progress.symbolsDone.length} / ${progress.symbols.length}` : '—'],
    ]),
    bt.error ? h('p', { class: 'error' }, bt.error) : null,
    bt.results.length > 0 ? h('h3', null, 'Equity curves') : null,
    chart,
    bt.results.length > 0 ? backtestSummary(bt.results) : null,
  ];
  byId('backtest-detail').replaceChildren(...parts.filter(Boolean));
  if (bt.results.length > 0) {
    const dates = [...new Set(bt.results.flatMap((r) => r.equity.map((p) => p.date)))].sort();
    state.backtestCharts.push(
      lineChart(chart, {
        dates,
        series: bt.results.map((r) => {
          const byDate = new Map(r.equity.map((p) => [p.date, p.equity]));
          return { label: r.symbol, values: dates.map((d) => byDate.get(d) ?? null) };
        }),
        format: (v) => fmtMoney(v),
      }),
    );
  }
  if (bt.status === 'RUNNING') {
    state.backtestTimer = setTimeout(() => void refreshBacktest(backtestId, token), BACKTEST_EVERY_MS);
  }
}

// ---- wiring -----------------------------------------------------------------------------------------------------

whenUnauthorized((error) => forgetKey(`The API refused the key: ${error.message}`));

byId('key-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const key = byId('key-input').value.trim();
  if (!key) return;
  apiKey.set(key);
  byId('key-input').value = '';
  void start();
});
byId('forget-key').addEventListener('click', () => forgetKey('Key forgotten.'));
byId('trigger-form').addEventListener('submit', (event) => void triggerRun(event));
byId('runs-filter').addEventListener('change', () => void pollRuns());
byId('runs-filter').addEventListener('submit', (event) => {
  event.preventDefault();
  void pollRuns();
});
byId('backtest-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const id = String(new FormData(event.target).get('backtestId') ?? '').trim();
  if (id) showBacktest(id);
});
window.addEventListener('hashchange', showRunFromHash);
document.addEventListener('visibilitychange', () => {
  if (!document.hidden && state.whoami) void pollRuns();
});

setStatusLine(`Loaded ${fmtTime(new Date().toISOString())}.`);
if (apiKey.get()) void start();
else showKeyPanel();
