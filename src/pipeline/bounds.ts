/**
 * Request bounds: the largest request the API accepts and the worker runs, per workflow. The API's zod schemas and
 * the workflows' validation activities build their checks from the same `RequestBounds` (TRADEFLOW_MAX_* in
 * src/config.ts), so a start through the API and one through `temporal workflow start` are held to the same limits.
 *
 * Every check here is arithmetic on the dates' day numbers: nothing walks the session calendar before the range is
 * known to be small, so a request for 0100-01-04..9999-12-30 is refused in microseconds (it used to build ten
 * millennia of session tables before the 400). docs/performance.md ("Per-run budget") gives the cost of the maxima.
 */
import { dayNumberOf } from '../market-data/calendar';

export interface RequestBounds {
  /** Earliest and latest calendar year of any date in a request (inclusive). */
  minYear: number;
  maxYear: number;
  /** Pipeline runs: symbols, window sessions (lookbackDays, or the sessions from `from` to `asOf`), paths, horizon. */
  maxSymbols: number;
  maxLookbackSessions: number;
  maxMonteCarloPaths: number;
  maxHorizonDays: number;
  /** Backtests: symbols and trading sessions from `from` to `to`. */
  maxBacktestSymbols: number;
  maxBacktestSessions: number;
  /** POST /market-data/ingest (and the ingest workflow): symbols and calendar days from `from` to `to`. */
  maxIngestSymbols: number;
  maxIngestDays: number;
}

/** The defaults: the maxima the schemas had before they were configurable, plus date bounds. */
export const DEFAULT_REQUEST_BOUNDS: Readonly<RequestBounds> = Object.freeze({
  minYear: 1970,
  maxYear: 2100,
  maxSymbols: 100,
  maxLookbackSessions: 2520,
  maxMonteCarloPaths: 200_000,
  maxHorizonDays: 250,
  maxBacktestSymbols: 20,
  maxBacktestSessions: 7560,
  maxIngestSymbols: 500,
  maxIngestDays: 18_300,
});

/** Below this many sessions a pipeline window is refused (the risk statistics need a sample). */
export const MIN_WINDOW_SESSIONS = 30;

/**
 * The longest calendar span that can hold `sessions` trading sessions. A year has at least ~250 sessions in 365
 * days (5 weekdays in 7, fewer than 12 holidays), so 1.5 calendar days per session plus a fortnight is above any
 * real span: a range longer than this certainly holds more sessions, and is refused without counting them.
 */
export function calendarDaysFor(sessions: number): number {
  return Math.ceil(sessions * 1.5) + 14;
}

/** Calendar days from `from` to `to` (0 for the same day; negative when `to` is before `from`). */
export function calendarSpanDays(from: string, to: string): number {
  return dayNumberOf(to) - dayNumberOf(from);
}

/** The bounds' own consistency; config.ts reports a failure naming the variables. */
export function boundsProblems(bounds: RequestBounds): string[] {
  const problems: string[] = [];
  if (bounds.minYear > bounds.maxYear)
    problems.push('TRADEFLOW_MIN_YEAR must not be after TRADEFLOW_MAX_YEAR');
  if (bounds.maxLookbackSessions < MIN_WINDOW_SESSIONS) {
    problems.push(`TRADEFLOW_MAX_LOOKBACK_SESSIONS must be at least ${MIN_WINDOW_SESSIONS}`);
  }
  return problems;
}

/** The year of a YYYY-MM-DD string, without parsing the rest (NaN for anything else). */
export function yearOf(date: string): number {
  return /^\d{4}-/.test(date) ? Number(date.slice(0, 4)) : Number.NaN;
}

export function yearRangeMessage(bounds: RequestBounds): string {
  return `must be a date from ${bounds.minYear}-01-01 to ${bounds.maxYear}-12-31 (TRADEFLOW_MIN_YEAR..TRADEFLOW_MAX_YEAR)`;
}

/**
 * The worker's own check of one symbol's ingest range (the ingest workflow passes CLI input through unchecked):
 * years within the bounds, and a span no longer than an ingest request or a pipeline window may ask for. Undefined
 * when the range is acceptable.
 */
export function ingestRangeProblem(
  from: string,
  to: string,
  bounds: RequestBounds = DEFAULT_REQUEST_BOUNDS,
): { field: 'from' | 'to'; message: string } | undefined {
  for (const [field, value] of [
    ['from', from],
    ['to', to],
  ] as const) {
    const year = yearOf(value);
    if (!(year >= bounds.minYear && year <= bounds.maxYear))
      return { field, message: yearRangeMessage(bounds) };
  }
  const maxSpan = Math.max(bounds.maxIngestDays, calendarDaysFor(bounds.maxLookbackSessions));
  const span = calendarSpanDays(from, to);
  if (span > maxSpan) {
    return {
      field: 'to',
      message: `the range ${from}..${to} spans ${span} calendar days; at most ${maxSpan}`,
    };
  }
  return undefined;
}
