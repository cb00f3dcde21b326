/**
 * Trading-session calendar for daily bars: dates are YYYY-MM-DD strings, and a session is a weekday (Mon–Fri) on
 * which NYSE opens, i.e. not one of the holidays or special closures of calendar.ts. Early-close days (13:00 ET)
 * are full sessions here: they have a daily bar.
 *
 * The holiday calendar covers 2000–2099. Outside that range there is no holiday data and every weekday counts as a
 * session, as before the calendar existed, so a vendor's data from those years shows its holidays as missing
 * sessions in the quality report.
 *
 * Callers loop over decades of dates, so each year's sessions are worked out once and cached: a per-day flag, a
 * running count and the session dates themselves. Lookups are then array reads, a range copies the cached dates
 * without visiting non-sessions, and a lookback steps back a whole year at a time.
 *
 * Pure date arithmetic on UTC day numbers (no time zones, no clock), so it is safe in deterministic workflow code.
 */
import {
  dayNumberFromParts,
  dayNumberOf,
  dayOfWeek,
  formatDayNumber,
  isNyseCalendarYear,
  isNyseHoliday,
  yearOfDayNumber,
} from './calendar';

// The date primitives moved to calendar.ts (the lower module); they are still part of this module's API.
export { dayNumberOf, formatDayNumber } from './calendar';

const MS_PER_DAY = 86_400_000;
const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

/** One calendar year's sessions, indexed by day of the year (0 = January 1). */
interface SessionYear {
  year: number;
  firstDay: number;
  /** Day number of December 31. */
  lastDay: number;
  /** 1 where the day is a session. */
  isSession: Uint8Array;
  /** sessionsBefore[i] = sessions among the year's days 0 … i-1; one longer than the year. */
  sessionsBefore: Uint16Array;
  /** The year's sessions in order; sessionsBefore[i] is the index of day i here when it is a session. */
  dates: readonly string[];
}

const sessionYears = new Map<number, SessionYear>();
/** The table used last: consecutive lookups nearly always hit the same year, which skips the year computation. */
let recentYear: SessionYear | undefined;

/**
 * The UTC midnight of a YYYY-MM-DD date. Throws a RangeError naming the value when it is not a real calendar date
 * in that exact form (so '2025-02-30' and '2025-1-5' are both refused).
 */
export function parseIsoDate(value: string): Date {
  return new Date(dayNumberOf(value) * MS_PER_DAY);
}

export function isIsoDate(value: string): boolean {
  try {
    dayNumberOf(value);
    return true;
  } catch {
    return false;
  }
}

export function weekdayName(date: string): string {
  return WEEKDAY_NAMES[dayOfWeek(dayNumberOf(date))];
}

export function isTradingSession(date: string): boolean {
  return isSessionDay(dayNumberOf(date));
}

export function addDays(date: string, days: number): string {
  return formatDayNumber(dayNumberOf(date) + days);
}

/** Every session from `from` to `to`, both inclusive, in order; empty when `from` is after `to`. */
export function tradingSessions(from: string, to: string): string[] {
  const first = dayNumberOf(from);
  const last = dayNumberOf(to);
  const sessions: string[] = [];
  for (let day = first; day <= last;) {
    const table = sessionYearOf(day);
    const end = Math.min(last, table.lastDay);
    const startIndex = table.sessionsBefore[day - table.firstDay];
    const endIndex = table.sessionsBefore[end - table.firstDay + 1];
    for (let i = startIndex; i < endIndex; i += 1) sessions.push(table.dates[i]);
    day = end + 1;
  }
  return sessions;
}

/** The last session strictly before `date` (a Monday's previous session is the Friday before, holidays skipped). */
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
 * has exactly n sessions. `asOf` counts as the window's last session when it is one; a weekend or holiday `asOf`
 * ends the window at the session before.
 */
export function sessionsBack(asOf: string, n: number): string {
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`sessionsBack needs a whole number of sessions >= 1, got ${n}`);
  }
  let day = dayNumberOf(asOf);
  while (!isSessionDay(day)) day -= 1;
  let table = sessionYearOf(day);
  let index = table.sessionsBefore[day - table.firstDay];
  // Whole years at a time: `remaining` more sessions are needed before the one at `index`.
  let remaining = n - 1;
  while (remaining > index) {
    remaining -= index + 1;
    table = sessionYearFor(table.year - 1);
    index = table.dates.length - 1;
  }
  return table.dates[index - remaining];
}

function isSessionDay(day: number): boolean {
  const table = sessionYearOf(day);
  return table.isSession[day - table.firstDay] === 1;
}

function sessionYearOf(day: number): SessionYear {
  if (recentYear && day >= recentYear.firstDay && day <= recentYear.lastDay) return recentYear;
  return sessionYearFor(yearOfDayNumber(day));
}

function sessionYearFor(year: number): SessionYear {
  let table = sessionYears.get(year);
  if (!table) {
    table = buildSessionYear(year);
    sessionYears.set(year, table);
  }
  recentYear = table;
  return table;
}

function buildSessionYear(year: number): SessionYear {
  const firstDay = dayNumberFromParts(year, 1, 1);
  const lastDay = dayNumberFromParts(year, 12, 31);
  const length = lastDay - firstDay + 1;
  const hasHolidays = isNyseCalendarYear(year);
  const isSession = new Uint8Array(length);
  const sessionsBefore = new Uint16Array(length + 1);
  const dates: string[] = [];
  for (let i = 0; i < length; i += 1) {
    const weekday = dayOfWeek(firstDay + i);
    const date = formatDayNumber(firstDay + i);
    if (weekday !== 0 && weekday !== 6 && !(hasHolidays && isNyseHoliday(date))) {
      isSession[i] = 1;
      dates.push(date);
    }
    sessionsBefore[i + 1] = dates.length;
  }
  return { year, firstDay, lastDay, isSession, sessionsBefore, dates };
}
