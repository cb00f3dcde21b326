/**
 * `npm run video`: a scripted tour of Tradeflow in headless Chromium, stitched into an MP4 with ffmpeg.
 *
 * It starts its own stack (src/scripts/video-stack.ts: dev server with Web UI, worker, API on free ports, temp
 * files), then walks through the dashboard (enter a key, start a run from the form, the run's stages, signals,
 * risk report, correlation heatmap and market-data chart), the run in the Temporal Web UI (its search attributes)
 * and the API docs (Swagger UI at /docs). Each step is a screenshot with a caption bar the browser draws into the
 * page, so ffmpeg needs no font; a few steps are also saved as clean PNG stills for the docs.
 *
 *   npm run video                          # docs/media/tradeflow-tour.mp4 and docs/media/*.png
 *   npm run video -- --out /tmp/tour --quick  # fewer, shorter frames (the test uses this)
 */
import '../check-node';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../tooling/chromium';
import { TRADING_PIPELINE_API_NAME } from '../contracts/workflow-names';
import { DEFAULT_ENCODE, encodeVideo, findFfmpegTool, type VideoFrame } from './video-encode';
import { STILLS, VIDEO_FILE } from './video-files';
import { startVideoStack, type VideoStack } from './video-stack';

const repoRoot = path.resolve(__dirname, '..', '..');
export const DEFAULT_OUT_DIR = path.join(repoRoot, 'docs', 'media');
const { width: WIDTH, height: HEIGHT } = DEFAULT_ENCODE;
const FORM_SYMBOLS = 'AAPL, MSFT, NVDA, AMZN, JPM';
const SEED_SYMBOLS = ['NVDA', 'AMZN', 'META', 'TSLA', 'GOOG', 'JPM'];

export interface TourOptions {
  outDir: string;
  /** Fewer and shorter frames: only the first frame and the frames with stills, one second each. */
  quick: boolean;
  /** A prebuilt workflow bundle for the worker (default: bundle at start-up). */
  bundlePath?: string;
  /** Keep the captioned frames in this folder (default: a temp folder, removed at the end). */
  framesDir?: string;
}

export interface TourResult {
  video: string;
  bytes: number;
  seconds: number;
  frames: number;
  stills: string[];
}

const log = (line: string) => console.log(`[video] ${line}`);

/** A JS expression (page.evaluate takes strings here: tsconfig has no DOM types) drawing the caption bar. */
function captionScript(step: string, caption: string): string {
  return `(() => {
    document.getElementById('tour-caption')?.remove();
    const bar = document.createElement('div');
    bar.id = 'tour-caption';
    Object.assign(bar.style, {
      position: 'fixed', left: '0', right: '0', bottom: '0', zIndex: '2147483647', display: 'flex',
      alignItems: 'center', gap: '16px', padding: '14px 28px', pointerEvents: 'none',
      background: 'rgba(15, 23, 42, 0.93)', color: '#f8fafc', boxShadow: '0 -4px 16px rgba(0, 0, 0, 0.25)',
      font: '500 21px/1.35 "DejaVu Sans", "Liberation Sans", system-ui, sans-serif', letterSpacing: '0',
    });
    const tag = document.createElement('span');
    tag.textContent = ${JSON.stringify(step)};
    Object.assign(tag.style, {
      flex: 'none', padding: '4px 12px', borderRadius: '999px', background: '#2563eb', color: '#fff',
      font: '700 17px/1.3 "DejaVu Sans", system-ui, sans-serif', textTransform: 'none',
    });
    const text = document.createElement('span');
    text.textContent = ${JSON.stringify(caption)};
    bar.append(tag, text);
    document.documentElement.appendChild(bar);
  })()`;
}
const REMOVE_CAPTION = "document.getElementById('tour-caption')?.remove()";

/** Scrolls an element to the top of the viewport (less a margin), so a section fills the frame. */
const scrollTo = (page: Page, selector: string, margin = 12) =>
  page.evaluate(
    `(() => { const el = document.querySelector(${JSON.stringify(selector)});
      if (!el) throw new Error('no element ' + ${JSON.stringify(selector)});
      window.scrollTo({ top: el.getBoundingClientRect().top + window.scrollY - ${margin}, behavior: 'instant' }); })()`,
  );

interface ShotOptions {
  /** The pill on the caption bar, e.g. "3 · Run detail". */
  step: string;
  caption: string;
  /** Seconds on screen (full mode); intermediate frames are shorter. */
  seconds: number;
  /** Also save a clean still (no caption) under this name in the output folder. */
  still?: string;
  /** Shown in the full tour only. */
  fullOnly?: boolean;
}

class Recorder {
  readonly frames: VideoFrame[] = [];
  readonly stills: string[] = [];

  constructor(
    private readonly framesDir: string,
    private readonly outDir: string,
    private readonly quick: boolean,
  ) {}

  async shot(page: Page, options: ShotOptions): Promise<void> {
    if (this.quick && options.fullOnly) return;
    // Let charts, fonts and transitions settle; a frame shows what a person would see.
    await page.evaluate(
      'document.fonts.ready.then(() => new Promise((r) => requestAnimationFrame(() => r(0))))',
    );
    if (options.still) {
      const still = path.join(this.outDir, options.still);
      await page.screenshot({ path: still, animations: 'disabled', caret: 'hide' });
      this.stills.push(still);
    }
    await page.evaluate(captionScript(options.step, options.caption));
    const file = path.join(this.framesDir, `frame-${String(this.frames.length).padStart(3, '0')}.png`);
    await page.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
    await page.evaluate(REMOVE_CAPTION);
    this.frames.push({ file, seconds: this.quick ? 1 : options.seconds });
    log(`frame ${this.frames.length}: ${options.step} — ${options.caption}`);
  }
}

async function api<T>(stack: VideoStack, method: string, route: string, body?: unknown): Promise<T> {
  const response = await fetch(`${stack.baseUrl}${route}`, {
    method,
    headers: {
      'x-api-key': stack.apiKey,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${route}: HTTP ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/** One earlier run, so the dashboard's run list has history before the tour starts its own. */
async function seedRun(stack: VideoStack): Promise<void> {
  const started = await api<{ workflowId: string }>(stack, 'POST', '/workflows/trigger', {
    workflow_id: TRADING_PIPELINE_API_NAME,
    parameters: { book: 'demo', symbols: SEED_SYMBOLS, provider: 'synthetic' },
  });
  const route = `/workflows/${encodeURIComponent(started.workflowId)}/result?waitSeconds=30`;
  const result = await api<{ status: string }>(stack, 'GET', route);
  log(`seed run ${started.workflowId}: ${result.status}`);
}

async function dashboardSteps(rec: Recorder, page: Page, stack: VideoStack): Promise<string> {
  await page.goto(`${stack.baseUrl}/dashboard/`);
  await page.locator('#key-panel').waitFor();
  await rec.shot(page, {
    step: '1 · Dashboard',
    caption: 'The dashboard asks for an API key first, and keeps it in this tab only.',
    seconds: 3,
  });
  await page.getByLabel('API key').fill(stack.apiKey);
  await rec.shot(page, {
    step: '1 · Dashboard',
    caption: 'An operator key (npm run apikey -- create --role operator).',
    seconds: 1.5,
    fullOnly: true,
  });
  await page.getByRole('button', { name: 'Use key' }).click();
  await page.locator('#who-role', { hasText: 'operator' }).waitFor();
  await page.locator('#runs tbody tr').first().waitFor();
  await rec.shot(page, {
    step: '1 · Dashboard',
    caption: 'What the key may do, the form to start a run, and the latest runs.',
    seconds: 3,
    fullOnly: true,
  });

  await page.getByLabel('Symbols').fill(FORM_SYMBOLS);
  await scrollTo(page, '#trigger-panel');
  await rec.shot(page, {
    step: '2 · Start a run',
    caption: `A pipeline run from the form: ${FORM_SYMBOLS} on the synthetic provider, 99 % VaR.`,
    seconds: 3,
    fullOnly: true,
  });
  await page.getByRole('button', { name: 'Start run' }).click();
  const started = await page.locator('#trigger-message', { hasText: 'Started' }).textContent();
  const workflowId = /Started (\S+) \(/.exec(started ?? '')?.[1];
  if (!workflowId) throw new Error(`the form did not start a run: ${started}`);
  await page.locator('#run-status', { hasText: 'COMPLETED' }).waitFor({ timeout: 90_000 });
  await page.locator('#signals').waitFor();
  await page.locator('#market-chart canvas').waitFor();
  await page.evaluate('window.scrollTo(0, 0)');
  await rec.shot(page, {
    step: '3 · Run detail',
    caption: `Run ${workflowId} completed: every stage done, with a link to Temporal.`,
    seconds: 3.5,
    still: STILLS.run,
  });
  await scrollTo(page, '#signals');
  await rec.shot(page, {
    step: '3 · Signals',
    caption: "A signal per symbol: action, confidence, risk score and the analyst's full rationale.",
    seconds: 4,
    still: STILLS.signals,
  });
  await scrollTo(page, '#risk');
  await rec.shot(page, {
    step: '3 · Risk report',
    caption: 'VaR and ES as positive losses: historical, parametric, Cornish–Fisher, Monte Carlo.',
    seconds: 4,
    still: STILLS.risk,
  });
  await scrollTo(page, '#correlation');
  await rec.shot(page, {
    step: '3 · Correlation',
    caption: 'The correlation heatmap of daily returns (red positive, blue negative).',
    seconds: 3,
    fullOnly: true,
  });
  await scrollTo(page, '#market-data');
  await rec.shot(page, {
    step: '3 · Market data',
    caption: "Close prices over the run's window, from the bars the run stored.",
    seconds: 3,
    fullOnly: true,
  });
  await page.locator('#market-symbol').selectOption('NVDA');
  await page.locator('#market-chart .u-legend', { hasText: 'NVDA close' }).waitFor();
  await rec.shot(page, {
    step: '3 · Market data',
    caption: 'Any symbol of the run: NVDA.',
    seconds: 2,
    fullOnly: true,
  });
  await page.evaluate('window.scrollTo(0, 0)');
  return workflowId;
}

async function temporalSteps(rec: Recorder, context: BrowserContext, page: Page, workflowId: string) {
  await page.locator('#temporal-link').scrollIntoViewIfNeeded();
  const [ui] = await Promise.all([context.waitForEvent('page'), page.locator('#temporal-link').click()]);
  ui.setDefaultTimeout(30_000);
  await ui.waitForLoadState();
  await ui.getByRole('heading', { name: workflowId }).waitFor();
  await ui.getByText('tradingPipeline').first().waitFor();
  await rec.shot(ui, {
    step: '4 · Temporal Web UI',
    caption: 'Open in Temporal Web UI: the same run, its inputs, result and event history.',
    seconds: 3.5,
    fullOnly: true,
  });
  await ui
    .getByRole('link', { name: 'Search Attributes' })
    .or(ui.getByText('Search Attributes'))
    .first()
    .click();
  await ui.getByText('"PipelineStage": "completed"').first().waitFor();
  await rec.shot(ui, {
    step: '4 · Temporal Web UI',
    caption: 'Our search attributes: Symbols, PipelineStage and RiskStatus, to find runs by them.',
    seconds: 4,
    still: STILLS.temporal,
  });
  await ui.close();
}

async function apiDocsSteps(rec: Recorder, page: Page, stack: VideoStack): Promise<void> {
  await page.goto(`${stack.baseUrl}/docs`);
  await page.locator('.swagger-ui .info .title').waitFor();
  await page.locator('.opblock-summary-path', { hasText: '/workflows/trigger' }).first().waitFor();
  await rec.shot(page, {
    step: '5 · API docs',
    caption: 'Swagger UI at /docs: the OpenAPI 3.1 document generated from the routes’ schemas.',
    seconds: 3.5,
    still: STILLS.apiDocs,
  });
  const trigger = page.locator('.opblock', {
    has: page.locator('.opblock-summary-path', { hasText: /^\/workflows\/trigger$/ }),
  });
  await trigger.locator('.opblock-summary').first().click();
  await trigger.locator('.opblock-body').first().waitFor();
  // The schema (field names, types, descriptions) reads better than Swagger UI's generated example values.
  const body = trigger.locator('.opblock-section-request-body');
  const schemaTab = body.locator('button[data-name="model"]').first();
  if ((await schemaTab.count()) > 0) {
    await schemaTab.click();
    const parameters = body.locator('button.json-schema-2020-12-accordion', { hasText: /^parameters$/ });
    if ((await parameters.count()) > 0) await parameters.first().click();
    await scrollTo(page, '.opblock.is-open .opblock-section-request-body');
  } else {
    await scrollTo(page, '.opblock.is-open');
  }
  await rec.shot(page, {
    step: '5 · API docs',
    caption: 'Each route with its schemas: the request body of POST /workflows/trigger.',
    seconds: 3.5,
    fullOnly: true,
  });
}

/** Stops the running tour's browser and stack (for Ctrl-C). */
let activeCleanup: (() => Promise<void>) | undefined;

/** Runs the whole tour; everything it started is stopped and its temp files removed, even on failure. */
export async function recordTour(options: TourOptions): Promise<TourResult> {
  findFfmpegTool('ffmpeg'); // fail before starting anything when ffmpeg is missing
  mkdirSync(options.outDir, { recursive: true });
  const tempFrames = !options.framesDir;
  const framesDir = options.framesDir ?? mkdtempSync(path.join(os.tmpdir(), 'tradeflow-video-frames-'));
  mkdirSync(framesDir, { recursive: true });
  const rec = new Recorder(framesDir, options.outDir, options.quick);
  let stack: VideoStack | undefined;
  let browser: Browser | undefined;
  let cleaned: Promise<void> | undefined;
  const cleanup = () =>
    (cleaned ??= (async () => {
      await browser?.close().catch(() => undefined);
      await stack
        ?.stop()
        .catch((error: unknown) => console.warn(`[video] stopping the stack: ${String(error)}`));
      if (tempFrames) rmSync(framesDir, { recursive: true, force: true });
    })());
  activeCleanup = cleanup;
  try {
    log('starting the stack (Temporal dev server with Web UI, worker, API) and Chromium...');
    [stack, browser] = await Promise.all([
      startVideoStack({ bundlePath: options.bundlePath }),
      launchChromium({
        args: ['--hide-scrollbars', '--font-render-hinting=none'],
        // Our Ctrl-C handler closes the browser and stops the stack; playwright's would exit before the stack stops.
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
      }),
    ]);
    await seedRun(stack);
    const context = await browser.newContext({
      viewport: { width: WIDTH, height: HEIGHT },
      deviceScaleFactor: 1,
      colorScheme: 'light',
      reducedMotion: 'reduce',
    });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    const workflowId = await dashboardSteps(rec, page, stack);
    await temporalSteps(rec, context, page, workflowId);
    await apiDocsSteps(rec, page, stack);
    await context.close();

    const video = path.join(options.outDir, VIDEO_FILE);
    log(`encoding ${rec.frames.length} frames with ffmpeg...`);
    const seconds = await encodeVideo(rec.frames, video);
    return { video, bytes: statSync(video).size, seconds, frames: rec.frames.length, stills: rec.stills };
  } finally {
    await cleanup();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      quick: { type: 'boolean', default: false },
      bundle: { type: 'string' },
      frames: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(
      [
        'usage: npm run video -- [--out DIR] [--quick] [--bundle FILE] [--frames DIR]',
        `  --out DIR      where the MP4 and the stills go (default ${path.relative(process.cwd(), DEFAULT_OUT_DIR)})`,
        '  --quick        only the first frame and the frames with stills, one second each',
        '  --bundle FILE  a prebuilt workflow bundle (npm run build:workflows) instead of bundling at start-up',
        '  --frames DIR   keep the captioned frames there (default: a temp folder, removed)',
      ].join('\n'),
    );
    return;
  }
  const cwd = (file: string | undefined) => (file ? path.resolve(file) : undefined);
  // Ctrl-C: stop the browser and the stack, remove the temp files, then exit. A repeated signal (the tsx CLI
  // relays Ctrl-C once more) must not cut the cleanup short; it gets 30 s.
  let interrupted = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (interrupted) return;
      interrupted = true;
      console.warn(`[video] ${signal}: stopping...`);
      setTimeout(() => process.exit(130), 30_000).unref();
      void (activeCleanup?.() ?? Promise.resolve()).finally(() => process.exit(130));
    });
  }
  const started = Date.now();
  const result = await recordTour({
    outDir: cwd(values.out) ?? DEFAULT_OUT_DIR,
    quick: values.quick,
    bundlePath: cwd(values.bundle),
    framesDir: cwd(values.frames),
  });
  const relative = (file: string) => path.relative(process.cwd(), file);
  log(
    `wrote ${relative(result.video)}: ${result.seconds.toFixed(1)} s, ${result.frames} frames, ` +
      `${(result.bytes / 1024 / 1024).toFixed(2)} MB, ${WIDTH}x${HEIGHT} H.264 (in ${((Date.now() - started) / 1000).toFixed(0)} s)`,
  );
  for (const still of result.stills) log(`still ${relative(still)}`);
  // One machine-readable line last (the test reads it).
  console.log(`[video] result ${JSON.stringify(result)}`);
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(
        `[video] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      process.exit(1);
    },
  );
}
