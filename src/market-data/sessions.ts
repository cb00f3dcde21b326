/**
 * Trading-session calendar for daily bars: dates are YYYY-MM-DD strings and every weekday (Mon–Fri) is a session.
 *
 * There is NO holiday calendar yet: exchange holidays (e.g. 2025-12-25) count as sessions, so a real vendor's
 * data shows them as missing sessions in the quality report. Swap in an exchange calendar here when needed; all
 * callers go through these functions.
 *
 * Pure date arithmetic on UTC day numbers (no time zones, no clock), so it is safe in deterministic workflow code.
 */

const MS_PER_DAY = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

/**
 * The UTC midnight of a YYYY-MM-DD date. Throws a RangeError naming the value when it is not a real calendar date
 * in that exact form (so '2025-02-30' and '2025-1-5' are both refused).
 */
export function parseIsoDate(value: string): Date {
  return new Date(dayNumberOf(value) * MS_PER_DAY);
}

/** Days since 1970-01-01 for a YYYY-MM-DD date; validates like `parseIsoDate`. */
export function dayNumberOf(value: string): number {
  const match = typeof value === 'string' ? ISO_DATE.exec(value) : null;
  if (match) {
    const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
    const time = Date.UTC(year, month - 1, day);
    const check = new Date(time);
    // Date.UTC rolls 2025-02-30 over to March; a round trip catches that. Years 0–99 would be remapped to 19xx.
    if (year >= 100 && check.getUTCMonth() === month - 1 && check.getUTCDate() === day)
      return time / MS_PER_DAY;
  }
  throw new RangeError(`Invalid date ${JSON.stringify(value)}: expected a real calendar date as YYYY-MM-DD`);
}

export function isIsoDate(value: string): boolean {
  try {
    dayNumberOf(value);
    return true;
  } catch {
    return false;
  }
}

/** The YYYY-MM-DD date of a day number from `dayNumberOf`. */
export function formatDayNumber(dayNumber: number): string {
  return new Date(dayNumber * MS_PER_DAY).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday. 1970-01-01 (day 0) was a Thursday. */
function weekdayOf(dayNumber: number): number {
  return (((dayNumber + 4) % 7) + 7) % 7;
}

function isSessionDay(dayNumber: number): boolean {
  const weekday = weekdayOf(dayNumber);
  return weekday !== 0 && weekday !== 6;
}

export function weekdayName(date: string): string {
  return WEEKDAY_NAMES[weekdayOf(dayNumberOf(date))];
}

export function isTradingSession(date: string): boolean {
  return isSessionDay(dayNumberOf(date));
}

export function addDays(date: string, days: number): string {
  return formatDayNumber(dayNumberOf(date) + days);
}

/** Every session from `from` to `to`, both inclusive, in order; empty when `from` is after `to`. */
export function tradingSessions(from: string, to: string): string[] {
  const last = dayNumberOf(to);
  const sessions: string[] = [];
  for (let day = dayNumberOf(from); day <= last; day += 1) {
    if (isSessionDay(day)) sessions.push(formatDayNumber(day));
  }
  return sessions;
}

/** The last session strictly before `date` (a Monday's previous session is the Friday before). */
export function previousSession(date: string): string {
  let day = dayNumberOf(date) - 1;
  while (!isSessionDay(day)) day -= 1;
  return formatDayNumber(day);
}

/** The first session strictly after `date`. */
export function nextSession(date: string): string {
  let day = dayNumberOf(date) + 1;
  while (!isSessionDay(day)) day += 1;
  return formatDayNumber(day);
}

/**
 * The first date of the n-session lookback window ending at `asOf`: `tradingSessions(sessionsBack(asOf, n), asOf)`
 * has exactly n sessions. `asOf` counts as the window's last session when it is one; a weekend `asOf` ends the
 * window at the Friday before.
 */
export function sessionsBack(asOf: string, n: number): string {
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`sessionsBack needs a whole number of sessions >= 1, got ${n}`);
  }
  let day = dayNumberOf(asOf);
  while (!isSessionDay(day)) day -= 1;
  // Whole weeks first (5 sessions = 7 days), then step over the remainder day by day.
  day -= Math.floor((n - 1) / 5) * 7;
  for (let remaining = (n - 1) % 5; remaining > 0;) {
    day -= 1;
    if (isSessionDay(day)) remaining -= 1;
  }
  return formatDayNumber(day);
}
