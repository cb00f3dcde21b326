/**
 * Data-quality gate between a provider and the store: only bars that pass are stored; the rest are kept with short,
 * human-readable reasons so an operator can see what the vendor sent.
 */
import { type Bar, isIntradayInterval } from './bar';
import { holidayName, isNyseCalendarYear } from './calendar';
import { intradayTimeProblem } from './intraday';
import { isIsoDate, tradingSessions, weekdayName } from './sessions';

export interface QualityRange {
  /** Inclusive first session date, YYYY-MM-DD. */
  from: string;
  /** Inclusive last session date, YYYY-MM-DD. */
  to: string;
}

export interface RejectedBar {
  bar: Bar;
  reasons: string[];
}

export interface BarQualityReport {
  accepted: Bar[];
  rejected: RejectedBar[];
  /**
   * Sessions in [from, to] for which no bar was supplied at all. A session whose only bar was rejected is reported
   * in `rejected`, not here, so the two lists never overlap.
   */
  missingSessions: string[];
}

const PRICE_FIELDS = ['open', 'high', 'low', 'close', 'adjClose'] as const;

/**
 * Checks one symbol's bars for a requested range. Of several bars with the same symbol and date (intraday: the same
 * start time) the first one is judged on its merits and every later one is rejected as a duplicate. Intraday bars
 * must also start inside their session's regular hours, on the interval's grid. Input order is preserved.
 */
export function checkBarQuality(bars: readonly Bar[], range: QualityRange): BarQualityReport {
  const sessions = tradingSessions(range.from, range.to);
  const seen = new Set<string>();
  const datesSupplied = new Set<string>();
  const accepted: Bar[] = [];
  const rejected: RejectedBar[] = [];

  for (const bar of bars) {
    const { interval } = bar;
    const intraday = isIntradayInterval(interval);
    const dateReasons = dateProblems(bar.date, range);
    const timeReason =
      intraday && dateReasons.length === 0 ? intradayTimeProblem(bar.date, bar.time, interval) : undefined;
    const reasons = [...dateReasons, ...(timeReason ? [timeReason] : []), ...valueProblems(bar)];
    const key = `${bar.symbol}\u0000${intraday ? bar.time : bar.date}`;
    if (seen.has(key)) reasons.push(intraday ? 'duplicate time' : 'duplicate date');
    seen.add(key);
    datesSupplied.add(bar.date);
    if (reasons.length === 0) accepted.push(bar);
    else rejected.push({ bar, reasons });
  }

  return { accepted, rejected, missingSessions: sessions.filter((date) => !datesSupplied.has(date)) };
}

function dateProblems(date: string, range: QualityRange): string[] {
  if (!isIsoDate(date)) return [`date ${JSON.stringify(date)} is not a YYYY-MM-DD date`];
  // ISO dates compare correctly as strings.
  if (date < range.from || date > range.to) return [`date ${date} outside [${range.from}, ${range.to}]`];
  const weekday = weekdayName(date);
  if (weekday === 'Saturday' || weekday === 'Sunday') return [`date ${date} is a ${weekday}, not a session`];
  const holiday = isNyseCalendarYear(Number(date.slice(0, 4))) ? holidayName(date) : undefined;
  if (holiday) return [`date ${date} is an NYSE holiday (${holiday}), not a session`];
  return [];
}

function valueProblems(bar: Bar): string[] {
  const reasons: string[] = [];
  for (const field of PRICE_FIELDS) {
    const value = bar[field];
    if (!Number.isFinite(value)) reasons.push(`${field} is ${String(value)}`);
    else if (value <= 0) reasons.push(`${field} ${value} <= 0`);
  }
  if (!Number.isFinite(bar.volume)) reasons.push(`volume is ${String(bar.volume)}`);
  else if (bar.volume < 0) reasons.push(`volume ${bar.volume} < 0`);

  // Range checks only make sense between real numbers; a NaN has already been reported above.
  const { open, high, low, close } = bar;
  if (!Number.isFinite(high) || !Number.isFinite(low)) return reasons;
  if (high < low) {
    reasons.push(`high ${high} < low ${low}`);
    return reasons;
  }
  for (const [field, value] of [
    ['open', open],
    ['close', close],
  ] as const) {
    if (Number.isFinite(value) && (value < low || value > high)) {
      reasons.push(`${field} ${value} outside [low ${low}, high ${high}]`);
    }
  }
  return reasons;
}
