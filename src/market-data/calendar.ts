/**
 * The NYSE trading calendar: which weekdays the exchange is closed all day, and which close early at 13:00 ET.
 *
 * Sources of the rules:
 * - NYSE Rule 7.2 (Holidays) names the holidays and how they move: one falling on a Saturday is observed on the
 *   Friday before, one falling on a Sunday on the Monday after. The rule lets the exchange stay open on the Friday
 *   when it ends an accounting period, which is why New Year's Day on a Saturday is not observed at all (Friday
 *   Dec 31 is a year end; NYSE's calendars mark such years "no holiday observed, pursuant to NYSE Rule 7.2").
 * - NYSE Group's yearly "holiday and early closings calendar" announcements, which list the same dates and the
 *   13:00 early closes. The unit tests check the rules against the published lists for 2022–2027 and the
 *   historical closings of 2000–2012.
 * - Unscheduled closures (attacks, storms, state funerals) follow no rule, so they are listed by date below.
 *
 * Range: holidays are computed for 2000–2099 only. Juneteenth starts in 2022, and the other rules have held since
 * before 2000, but earlier years had closures no rule here produces (e.g. 1994's Nixon funeral), and nothing can
 * list unscheduled closures that have not happened yet. Years outside the range throw a RangeError.
 *
 * The first section holds the ISO-date ⇄ day-number primitives, because this is the lowest module of the
 * session calendar (sessions.ts builds on it and re-exports them). Pure arithmetic, no time zones and no clock,
 * so it is safe in deterministic workflow code.
 */

const MS_PER_DAY = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 for a YYYY-MM-DD date; throws a RangeError naming the value when it is not one. */
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

/** The YYYY-MM-DD date of a day number from `dayNumberOf`. */
export function formatDayNumber(dayNumber: number): string {
  return new Date(dayNumber * MS_PER_DAY).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday. 1970-01-01 (day 0) was a Thursday. */
export function dayOfWeek(dayNumber: number): number {
  return (((dayNumber + 4) % 7) + 7) % 7;
}

/** The calendar year a day number falls in. */
export function yearOfDayNumber(dayNumber: number): number {
  return new Date(dayNumber * MS_PER_DAY).getUTCFullYear();
}

/**
 * The day number of a (year, month 1–12, day) triple. Day 0 means the last day of the month before, which is how
 * month ends are found. Unlike Date.UTC this does not remap years 0–99 to 19xx.
 */
export function dayNumberFromParts(year: number, month: number, day: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getTime() / MS_PER_DAY;
}

// ---------------------------------------------------------------------------------------------------------------

export const NYSE_CALENDAR_FIRST_YEAR = 2000;
export const NYSE_CALENDAR_LAST_YEAR = 2099;

/** A weekday on which the exchange does not open. */
export interface MarketClosure {
  date: string;
  name: string;
}

/** A session that ends at 13:00 New York time instead of 16:00. */
export interface EarlyClose {
  date: string;
  closesAt: '13:00';
  reason: string;
}

/**
 * Full-day closures no rule predicts, from 2000 on. NYSE announces these as they happen, so this list must be
 * extended by hand when one does.
 */
export const NYSE_SPECIAL_CLOSURES: readonly MarketClosure[] = Object.freeze(
  [
    { date: '2001-09-11', name: 'September 11 attacks' },
    { date: '2001-09-12', name: 'September 11 attacks' },
    { date: '2001-09-13', name: 'September 11 attacks' },
    { date: '2001-09-14', name: 'September 11 attacks' },
    { date: '2004-06-11', name: 'National day of mourning for President Ronald Reagan' },
    { date: '2007-01-02', name: 'National day of mourning for President Gerald Ford' },
    { date: '2012-10-29', name: 'Hurricane Sandy' },
    { date: '2012-10-30', name: 'Hurricane Sandy' },
    { date: '2018-12-05', name: 'National day of mourning for President George H. W. Bush' },
    { date: '2025-01-09', name: 'National day of mourning for President Jimmy Carter' },
  ].map((closure) => Object.freeze(closure)),
);

const MONDAY = 1;
const THURSDAY = 4;
const FRIDAY = 5;
const SATURDAY = 6;
const SUNDAY = 0;
const EARLY_CLOSE_TIME: EarlyClose['closesAt'] = '13:00';

/** Each year's closures and early closes, keyed by date; computed once per year on first use. */
interface CalendarYear {
  closures: readonly MarketClosure[];
  closureNames: ReadonlyMap<string, string>;
  earlyCloses: readonly EarlyClose[];
  earlyCloseDates: ReadonlySet<string>;
}

const calendarYears = new Map<number, CalendarYear>();

/**
 * The weekdays of `year` on which NYSE is closed all day, in date order: the rule-based holidays (on the day they
 * are observed; a name ending in "(observed)" marks a moved one) and the special closures. A holiday falling on a
 * weekend with no weekday observance (New Year's Day on a Saturday) is not listed.
 */
export function nyseHolidays(year: number): MarketClosure[] {
  return calendarYear(year).closures.map((closure) => ({ ...closure }));
}

/** The sessions of `year` that close at 13:00 ET, in date order, with the reason. */
export function earlyCloses(year: number): EarlyClose[] {
  return calendarYear(year).earlyCloses.map((early) => ({ ...early }));
}

/** Whether NYSE is closed all day on this weekday for a holiday or special closure (weekends are not holidays). */
export function isNyseHoliday(date: string): boolean {
  return holidayName(date) !== undefined;
}

/** The name of the holiday or special closure on `date`, or undefined when there is none. */
export function holidayName(date: string): string | undefined {
  return calendarYear(yearOfDayNumber(dayNumberOf(date))).closureNames.get(date);
}

/** Whether `date` is a session that closes at 13:00 ET. */
export function isEarlyClose(date: string): boolean {
  return calendarYear(yearOfDayNumber(dayNumberOf(date))).earlyCloseDates.has(date);
}

/** Whether `nyseHolidays` and friends can answer for this year. */
export function isNyseCalendarYear(year: number): boolean {
  return Number.isInteger(year) && year >= NYSE_CALENDAR_FIRST_YEAR && year <= NYSE_CALENDAR_LAST_YEAR;
}

/**
 * Easter Sunday of a Gregorian year as YYYY-MM-DD, by the Gregorian computus (the "anonymous" algorithm of
 * Meeus/Jones/Butcher): find the Paschal full moon from the year's place in the 19-year lunar cycle with the
 * Gregorian century corrections, then take the Sunday after it.
 */
export function easterSunday(year: number): string {
  if (!Number.isInteger(year) || year < 1583) {
    throw new RangeError(`easterSunday needs a Gregorian year (1583 or later), got ${year}`);
  }
  const lunarCycleYear = year % 19;
  const century = Math.floor(year / 100);
  const yearOfCentury = year % 100;
  // The Gregorian calendar drops the leap day of most century years (1700, 1800, 1900 …), moving dates against
  // the moon.
  const skippedLeapDays = century - Math.floor(century / 4);
  // The lunar correction: the 19-year cycle drifts by about 8 days every 2500 years.
  const lunarCorrection = Math.floor((century - Math.floor((century + 8) / 25) + 1) / 3);
  // Days from March 21 to the Paschal full moon (0–29).
  const fullMoonOffset = (19 * lunarCycleYear + skippedLeapDays - lunarCorrection + 15) % 30;
  // Days from that full moon to the following Sunday, less one (0–6).
  const toSunday =
    (32 + 2 * (century % 4) + 2 * Math.floor(yearOfCentury / 4) - fullMoonOffset - (yearOfCentury % 4)) % 7;
  // Two rare cases where the moon's date is moved back a week so Easter never falls after April 25.
  const lateMoonFix = Math.floor((lunarCycleYear + 11 * fullMoonOffset + 22 * toSunday) / 451);
  // Easter is March 22 plus the two offsets, written as month * 31 + (day - 1) (March 22 is 3 * 31 + 21).
  const monthAndDay = fullMoonOffset + toSunday - 7 * lateMoonFix + 3 * 31 + 21;
  const month = Math.floor(monthAndDay / 31);
  const day = (monthAndDay % 31) + 1;
  return formatDayNumber(dayNumberFromParts(year, month, day));
}

function calendarYear(year: number): CalendarYear {
  let cached = calendarYears.get(year);
  if (!cached) {
    if (!isNyseCalendarYear(year)) {
      throw new RangeError(
        `The NYSE calendar covers ${NYSE_CALENDAR_FIRST_YEAR}–${NYSE_CALENDAR_LAST_YEAR}, not ${year}`,
      );
    }
    const closures = closuresOf(year);
    const closureNames = new Map(closures.map((closure) => [closure.date, closure.name]));
    const early = earlyClosesOf(year, closureNames);
    cached = {
      closures,
      closureNames,
      earlyCloses: early,
      earlyCloseDates: new Set(early.map((e) => e.date)),
    };
    calendarYears.set(year, cached);
  }
  return cached;
}

function closuresOf(year: number): MarketClosure[] {
  const byDay = new Map<number, string>();
  const add = (day: number, name: string) => byDay.set(day, name);

  // New Year's Day moves from a Sunday like the others, but from a Saturday it is dropped (see the header). So no
  // year's list ever holds a date of the year before.
  const newYearsDay = dayNumberFromParts(year, 1, 1);
  if (dayOfWeek(newYearsDay) !== SATURDAY) addObserved(add, newYearsDay, "New Year's Day");
  add(nthWeekdayOf(year, 1, MONDAY, 3), 'Martin Luther King, Jr. Day');
  add(nthWeekdayOf(year, 2, MONDAY, 3), "Washington's Birthday");
  add(dayNumberOf(easterSunday(year)) - 2, 'Good Friday');
  add(lastWeekdayOf(year, 5, MONDAY), 'Memorial Day');
  // Juneteenth became a federal holiday in June 2021; NYSE first closed for it in 2022.
  if (year >= 2022) addObserved(add, dayNumberFromParts(year, 6, 19), 'Juneteenth National Independence Day');
  addObserved(add, dayNumberFromParts(year, 7, 4), 'Independence Day');
  add(nthWeekdayOf(year, 9, MONDAY, 1), 'Labor Day');
  add(thanksgiving(year), 'Thanksgiving Day');
  addObserved(add, dayNumberFromParts(year, 12, 25), 'Christmas Day');
  for (const special of NYSE_SPECIAL_CLOSURES) {
    if (special.date.startsWith(`${year}-`)) add(dayNumberOf(special.date), special.name);
  }

  return [...byDay.entries()]
    .sort(([a], [b]) => a - b)
    .map(([day, name]) => Object.freeze({ date: formatDayNumber(day), name }));
}

/** Rule 7.2's weekend shift: Saturday → the Friday before, Sunday → the Monday after. */
function addObserved(add: (day: number, name: string) => void, day: number, name: string): void {
  const weekday = dayOfWeek(day);
  if (weekday === SATURDAY) add(day - 1, `${name} (observed)`);
  else if (weekday === SUNDAY) add(day + 1, `${name} (observed)`);
  else add(day, name);
}

/** The n-th (1-based) given weekday of a month, e.g. the third Monday of January. */
function nthWeekdayOf(year: number, month: number, weekday: number, n: number): number {
  const first = dayNumberFromParts(year, month, 1);
  return first + ((weekday - dayOfWeek(first) + 7) % 7) + 7 * (n - 1);
}

/** The last given weekday of a month, e.g. the last Monday of May. */
function lastWeekdayOf(year: number, month: number, weekday: number): number {
  const last = dayNumberFromParts(year, month + 1, 0);
  return last - ((dayOfWeek(last) - weekday + 7) % 7);
}

function thanksgiving(year: number): number {
  return nthWeekdayOf(year, 11, THURSDAY, 4);
}

/**
 * NYSE closes at 13:00 on July 3, on the day after Thanksgiving and on December 24, when that day is a session: a
 * July 3 or December 24 that is a weekend day or is itself the observed holiday (July 4 or December 25 on a
 * Saturday) has no early close, and nothing moves to another day.
 */
function earlyClosesOf(year: number, closureNames: ReadonlyMap<string, string>): EarlyClose[] {
  const candidates: [number, string][] = [
    [dayNumberFromParts(year, 7, 3), 'Day before Independence Day'],
    [thanksgiving(year) + 1, 'Day after Thanksgiving'],
    [dayNumberFromParts(year, 12, 24), 'Christmas Eve'],
  ];
  return candidates
    .filter(([day]) => {
      const weekday = dayOfWeek(day);
      return weekday >= MONDAY && weekday <= FRIDAY && !closureNames.has(formatDayNumber(day));
    })
    .map(([day, reason]) =>
      Object.freeze({ date: formatDayNumber(day), closesAt: EARLY_CLOSE_TIME, reason }),
    );
}
