/**
 * The dashboard in real headless Chromium (Debian's build, driven by playwright-core; test/support/chromium.ts)
 * against the real API, worker and the suite's Temporal dev server, whose Web UI the run's link opens.
 */
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { createApiKey } from '../../src/auth/api-keys';
import { launchChromium } from '../support/chromium';
import { httpJson, itEnv, runPipelineOverHttp, startStack, type TestStack } from '../support/harness';

const money = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** The text of each `td` of each row (browser-side code stays in strings: tsconfig has no DOM types). */
const cellTexts = async (rows: Locator) =>
  Promise.all((await rows.all()).map((row) => row.locator('td').allTextContents()));
const sessionAndLocalStorage = (page: Page) =>
  page.evaluate<[number, number]>('[sessionStorage.length, localStorage.length]');

describe('dashboard in headless Chromium', () => {
  let stack: TestStack;
  let baseUrl: string;
  let browser: Browser;
  const keys: Record<'viewer' | 'operator', string> = { viewer: '', operator: '' };
  let earlierRunId: string;
  /** The run started from the dashboard's form (set by the test that starts it). */
  let formRun: { workflowId: string; page: Page; context: BrowserContext } | undefined;
  /** Console errors and uncaught exceptions per page: a CSP violation shows up here too. */
  const problems = new Map<Page, string[]>();

  async function openDashboard(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    const seen: string[] = [];
    problems.set(page, seen);
    page.on('console', (message) => {
      if (message.type() === 'error') seen.push(message.text());
    });
    page.on('pageerror', (error) => seen.push(error.message));
    await page.goto(`${baseUrl}/`);
    return { context, page };
  }

  async function enterKey(page: Page, key: string): Promise<void> {
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Use key' }).click();
  }

  beforeAll(async () => {
    stack = await startStack();
    baseUrl = stack.baseUrl!;
    for (const role of ['viewer', 'operator'] as const) {
      keys[role] = (await createApiKey(stack.stores.apiKeys, { name: `browser-${role}`, role })).key;
    }
    const [launched, earlier] = await Promise.all([
      launchChromium(),
      runPipelineOverHttp(baseUrl, { symbols: ['AAPL', 'MSFT'], provider: 'synthetic', lookbackDays: 60 }),
    ]);
    browser = launched;
    earlierRunId = earlier.started.body.workflowId;
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('loads without a key, asks for one, and calls no API route before it has one', async () => {
    const { context, page } = await openDashboard();
    const apiCalls: string[] = [];
    page.on('request', (request) => {
      const { pathname } = new URL(request.url());
      if (!pathname.startsWith('/dashboard/')) apiCalls.push(pathname);
    });
    await page.reload();
    expect(new URL(page.url()).pathname).toBe('/dashboard/');
    await expect(page.locator('#key-panel').isVisible()).resolves.toBe(true);
    await expect(page.locator('#main').isHidden()).resolves.toBe(true);
    // The modules ran (no CSP refusal): the key field has focus.
    await page.waitForFunction("document.activeElement?.id === 'key-input'");
    expect(apiCalls).toEqual([]);

    // A wrong key is refused with the API's reason and not kept.
    await enterKey(page, 'tfk_not-a-real-key-000000000000000000000');
    await page.locator('#key-error', { hasText: 'API key' }).waitFor();
    expect(await sessionAndLocalStorage(page)).toEqual([0, 0]);
    expect(problems.get(page)!.filter((p) => !/401/.test(p))).toEqual([]);
    await context.close();
  });

  it('with an operator key shows the role, keeps the key for the tab only and lists runs', async () => {
    const { context, page } = await openDashboard();
    await enterKey(page, keys.operator);
    await page.locator('#who-role', { hasText: 'operator' }).waitFor();
    expect(await page.locator('#capabilities li[data-allowed="true"]').allTextContents()).toEqual([
      '✓ Read runs, risk reports, market data and backtests',
      '✓ Start and cancel pipeline runs',
      '✓ Approve or reject flagged signals',
      '✓ Start strategy backtests',
    ]);
    expect(await page.locator('#trigger-fieldset[disabled]').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Start run' }).isEnabled()).toBe(true);

    const row = page.locator(`#runs tbody tr[data-workflow-id="${earlierRunId}"]`);
    await row.waitFor();
    expect(await row.locator('td').allTextContents()).toEqual([
      earlierRunId,
      'COMPLETED',
      'completed',
      'ok',
      'AAPL, MSFT',
      expect.any(String),
    ]);

    // sessionStorage only: it survives a reload of the tab, never reaches localStorage, and "Forget key" drops it.
    expect(await sessionAndLocalStorage(page)).toEqual([1, 0]);
    await page.reload();
    await page.locator('#who-role', { hasText: 'operator' }).waitFor();
    await page.getByRole('button', { name: 'Forget key' }).click();
    await expect(page.locator('#key-panel').isVisible()).resolves.toBe(true);
    expect(await sessionAndLocalStorage(page)).toEqual([0, 0]);
    expect(await page.locator('#runs tbody tr').count()).toBe(0);
    expect(problems.get(page)).toEqual([]);
    await context.close();
  });

  it('starts a run from the form and shows its signals, risk report, heatmap and market data', async () => {
    const { context, page } = await openDashboard();
    await enterKey(page, keys.operator);
    await page.getByLabel('Symbols').fill('AAPL, MSFT, NVDA');
    await page.getByLabel('Lookback (sessions)').fill('60');
    await page.getByRole('button', { name: 'Start run' }).click();
    const started = await page.locator('#trigger-message', { hasText: 'Started' }).textContent();
    const workflowId = /Started (\S+) \(/.exec(started!)![1];
    expect(workflowId).toMatch(/^pipeline:default:\d{4}-\d\d-\d\d:[0-9a-f]{8}$/);
    formRun = { workflowId, page, context };
    expect(await page.locator('#run-id').textContent()).toBe(workflowId);

    // Completes while the page watches; the result panels appear.
    await page.locator('#run-status', { hasText: 'COMPLETED' }).waitFor({ timeout: 60_000 });
    await page.locator('#signals').waitFor();
    expect(await page.locator('#run-stage').textContent()).toBe('completed');
    expect(await page.locator('ol.stages li.done').count()).toBe(7);
    await page.locator(`#runs tbody tr[data-workflow-id="${workflowId}"]`).waitFor();

    // What the page shows is what the API answers.
    const status = await httpJson(baseUrl, 'GET', `/workflows/${encodeURIComponent(workflowId)}/status`);
    const result = await httpJson(baseUrl, 'GET', `/workflows/${encodeURIComponent(workflowId)}/result`);
    expect(result.body.status).toBe('COMPLETED');
    const report = (await httpJson(baseUrl, 'GET', `/risk/reports/${result.body.runId}`)).body.report;

    const signals = page.locator('#signals article.signal');
    expect(await signals.count()).toBe(3);
    for (const signal of result.body.result.signals) {
      const card = page.locator(`#signals article[data-symbol="${signal.symbol}"]`);
      expect(await card.locator('header .badge').first().textContent()).toBe(signal.action);
      expect(await card.locator('ul.rationale li').allTextContents()).toEqual(signal.rationale);
    }

    const varRows = await cellTexts(page.locator('#var-table tbody tr'));
    expect(varRows.map((cells) => cells[0])).toEqual([
      'Historical',
      'Parametric',
      'Cornish–Fisher',
      'Monte Carlo',
    ]);
    const [historical, parametric, , monteCarlo] = varRows;
    expect(historical[3]).toBe(money.format(report.historical.varAmount));
    expect(historical[5]).toBe(money.format(report.historical.esAmount));
    expect(parametric[3]).toBe(money.format(report.parametric.varAmount));
    expect(monteCarlo[3]).toBe(money.format(report.monteCarlo.varAmount));
    expect(monteCarlo[1]).toBe(
      `${money.format(report.monteCarlo.paths)} paths, seed ${report.monteCarlo.seed}`,
    );
    expect(await page.locator('#limits').textContent()).toContain('maxPositionNotional');
    expect(await page.locator('#breaches').textContent()).toBe(
      report.breaches.length === 0
        ? 'No limit breached.'
        : report.breaches.map((b: any) => b.message).join(''),
    );

    // The heatmap: one cell per pair, 1.00 on the diagonal, the API's correlations off it.
    const cells = await cellTexts(page.locator('#correlation table.heatmap tbody tr'));
    expect(cells).toEqual(
      report.correlation.matrix.map((row: number[]) => row.map((value: number) => value.toFixed(2))),
    );
    expect(report.correlation.symbols).toEqual(['AAPL', 'MSFT', 'NVDA']);
    expect(cells[0][0]).toBe('1.00');

    // The market-data chart of the first symbol is drawn from the stored bars.
    await page.locator('#market-chart canvas').waitFor();
    const input = result.body.result.input;
    const bars = await httpJson(baseUrl, 'GET', `/market-data/AAPL?from=${input.from}&to=${input.asOf}`);
    expect(await page.locator('#market-facts dd').first().textContent()).toBe(String(bars.body.count));
    await page.locator('#market-symbol').selectOption('NVDA');
    await page.locator('#market-chart .u-legend', { hasText: 'NVDA close' }).waitFor();

    // The Temporal Web UI link is the one the API gives, on the suite's dev server.
    const link = await page.locator('#temporal-link').getAttribute('href');
    expect(link).toBe(status.body.links.temporalUi);
    expect(link!.startsWith(`${itEnv().uiUrl}/namespaces/default/workflows/`)).toBe(true);
    expect(problems.get(page)).toEqual([]);
  });

  it('opens the run in the Temporal Web UI, which shows the workflow and our search attributes', async () => {
    if (!formRun) throw new Error('needs the run started from the form (previous test)');
    const { page, context, workflowId } = formRun;
    const [ui] = await Promise.all([context.waitForEvent('page'), page.locator('#temporal-link').click()]);
    ui.setDefaultTimeout(30_000);
    await ui.waitForLoadState();
    await ui.getByRole('heading', { name: workflowId }).waitFor();
    await ui.getByText('tradingPipeline').first().waitFor();
    await ui
      .getByRole('link', { name: 'Search Attributes' })
      .or(ui.getByText('Search Attributes'))
      .first()
      .click();
    for (const text of ['Symbols', 'PipelineStage', 'RiskStatus']) await ui.getByText(text).first().waitFor();
    // The tab shows the run's search attributes as JSON.
    await ui.getByText('"PipelineStage": "completed"').first().waitFor();
    const shown = await ui.locator('main').innerText();
    expect(shown).toContain('"RiskStatus": "ok"');
    expect(shown).toMatch(/"Symbols": \[\s*"AAPL",\s*"MSFT",\s*"NVDA"\s*\]/);
    await ui.close();
  });

  it('draws the equity curves of a strategy backtest started from the run', async () => {
    if (!formRun) throw new Error('needs the run started from the form');
    const { page, context } = formRun;
    await page.locator('#backtest-run').click();
    await page.locator('#backtest-detail dd', { hasText: /^COMPLETED$/ }).waitFor({ timeout: 60_000 });
    await page.locator('#equity-chart canvas').waitFor();
    const backtestId = await page.locator('#backtest-form input[name="backtestId"]').inputValue();
    const backtest = await httpJson(baseUrl, 'GET', `/backtests/${encodeURIComponent(backtestId)}`);
    expect(backtest.body.status).toBe('COMPLETED');
    expect(await page.locator('#backtest-summary tbody tr td:first-child').allTextContents()).toEqual(
      backtest.body.results.map((r: { symbol: string }) => r.symbol),
    );
    expect(await page.locator('#equity-chart .u-legend .u-series').count()).toBe(
      1 + backtest.body.results.length,
    );
    expect(problems.get(page)).toEqual([]);
    await context.close();
  });

  it('shows a viewer the runs but a disabled trigger form', async () => {
    const { context, page } = await openDashboard();
    await enterKey(page, keys.viewer);
    await page.locator('#who-role', { hasText: 'viewer' }).waitFor();
    expect(await page.locator('#trigger-fieldset[disabled]').count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Start run' }).isDisabled()).toBe(true);
    expect(await page.locator('#trigger-note').textContent()).toBe(
      'Your role (viewer) may not start runs: POST /workflows/trigger needs operator or admin.',
    );
    expect(await page.locator('#capabilities li[data-allowed="false"]').count()).toBe(5);
    await page.locator(`#runs tbody tr[data-workflow-id="${earlierRunId}"]`).click();
    await page.locator('#signals').waitFor();
    expect(await page.locator('#backtest-run').isDisabled()).toBe(true);
    expect(problems.get(page)).toEqual([]);
    await context.close();
  });
});
