/**
 * What `npm run demo` creates (src/scripts/demo.ts): the sample book, schedules and symbols, and the defaults it gives
 * the worker and the API. Kept apart from the launcher so tests can read them without starting anything.
 */
import path from 'node:path';
import type { TradeflowConfig } from '../config';
import type { CreateScheduleRequest } from '../schedules/pipeline-schedules';

const repoRoot = path.resolve(__dirname, '..', '..');

/** The book every sample run and schedule uses: the demo's runs are the workflow ids `pipeline:demo:…`. */
export const DEMO_BOOK = 'demo';
/** Printed once the sample content is in place; the URLs and curl lines follow it. */
export const DEMO_READY_LINE = 'Tradeflow demo is ready';
/** The committed CSV sample (AAPL, MSFT: Yahoo-layout daily bars, 2025-01-02..2026-02-25); TRADEFLOW_CSV_DIR wins. */
export const DEMO_CSV_DIR = path.join(repoRoot, 'test/fixtures/market-data/csv');
/** The last session in the CSV sample: the csv run's as-of date. */
export const CSV_AS_OF = '2026-02-25';
/** Symbols the synthetic provider serves; kept apart from the CSV ones so no stored series mixes two sources. */
export const SYNTHETIC_SYMBOLS = ['NVDA', 'AMZN', 'META', 'TSLA', 'GOOG', 'JPM'];
export const CSV_SYMBOLS = ['AAPL', 'MSFT'];
/** Not in the CSV folder: with TRADEFLOW_PROVIDER_FALLBACKS=csv:synthetic the csv run gets it from synthetic. */
export const CSV_FALLBACK_SYMBOL = 'SPY';
/** The flagged sample waits this long for approve/reject (a day, so it is still waiting when you look). */
export const APPROVAL_TIMEOUT_SECONDS = 86_400;

/** One active end-of-day schedule and one paused weekly one, both for the demo book on synthetic data. */
export const DEMO_SCHEDULES: CreateScheduleRequest[] = [
  {
    scheduleId: 'demo-eod',
    cron: '30 17 * * MON-FRI',
    timezone: 'America/New_York',
    parameters: { book: DEMO_BOOK, symbols: SYNTHETIC_SYMBOLS, provider: 'synthetic' },
    paused: false,
    overlap: 'SKIP',
    note: 'npm run demo: end-of-day pipeline of the demo book',
  },
  {
    scheduleId: 'demo-weekly-risk',
    cron: '0 18 * * FRI',
    timezone: 'America/New_York',
    parameters: {
      book: DEMO_BOOK,
      symbols: [...SYNTHETIC_SYMBOLS, CSV_FALLBACK_SYMBOL],
      provider: 'synthetic',
      confidence: 0.975,
      horizonDays: 5,
    },
    paused: true,
    overlap: 'SKIP',
    note: 'npm run demo: weekly 5-day risk of the demo book (paused; unpause it to try it)',
  },
];

/**
 * What the demo changes in the worker's and API's environment, only where the operator set nothing: the CSV
 * sample folder, a csv → synthetic fallback chain, quieter logs (so the demo's own lines stay readable) and Web UI
 * links that point at the UI this launcher starts.
 */
export function demoChildEnv(env: NodeJS.ProcessEnv, config: TradeflowConfig): NodeJS.ProcessEnv {
  return {
    TRADEFLOW_CSV_DIR: env.TRADEFLOW_CSV_DIR || DEMO_CSV_DIR,
    TRADEFLOW_PROVIDER_FALLBACKS: env.TRADEFLOW_PROVIDER_FALLBACKS || 'csv:synthetic',
    LOG_LEVEL: env.LOG_LEVEL || 'warn',
    TEMPORAL_UI_URL: env.TEMPORAL_UI_URL || `http://${config.devServer.ip}:${config.devServer.uiPort}`,
  };
}
