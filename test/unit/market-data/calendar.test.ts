import {
  dayNumberFromParts,
  dayNumberOf,
  earlyCloses,
  easterSunday,
  holidayName,
  isEarlyClose,
  isNyseHoliday,
  NYSE_CALENDAR_FIRST_YEAR,
  NYSE_CALENDAR_LAST_YEAR,
  NYSE_SPECIAL_CLOSURES,
  nyseHolidays,
} from '../../../src/market-data/calendar';

const datesOf = (year: number) => nyseHolidays(year).map((holiday) => holiday.date);
/** Day of week by the platform's Date, independent of the day-number arithmetic under test (0 = Sunday). */
const weekdayByDate = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay();
const allYears = Array.from(
  { length: NYSE_CALENDAR_LAST_YEAR - NYSE_CALENDAR_FIRST_YEAR + 1 },
  (_, i) => NYSE_CALENDAR_FIRST_YEAR + i,
);

/**
 * Full-day closures as NYSE Group published them in its holiday calendars (the 2022–2024 and 2025–2027
 * announcements), and for 2000–2012 as the exchange's historical closings record them. Written out by hand: these
 * are the facts the rules must reproduce.
 */
const PUBLISHED_HOLIDAYS: Record<number, string[]> = {
  2000: ['01-17', '02-21', '04-21', '05-29', '07-04', '09-04', '11-23', '12-25'],
  2001: [
    ...['01-01', '01-15', '02-19', '04-13', '05-28', '07-04', '09-03'],
    ...['09-11', '09-12', '09-13', '09-14', '11-22', '12-25'],
  ],
  2004: ['01-01', '01-19', '02-16', '04-09', '05-31', '06-11', '07-05', '09-06', '11-25', '12-24'],
  2007: ['01-01', '01-02', '01-15', '02-19', '04-06', '05-28', '07-04', '09-03', '11-22', '12-25'],
  2011: ['01-17', '02-21', '04-22', '05-30', '07-04', '09-05', '11-24', '12-26'],
  2012: ['01-02', '01-16', '02-20', '04-06', '05-28', '07-04', '09-03', '10-29', '10-30', '11-22', '12-25'],
  2022: ['01-17', '02-21', '04-15', '05-30', '06-20', '07-04', '09-05', '11-24', '12-26'],
  2023: ['01-02', '01-16', '02-20', '04-07', '05-29', '06-19', '07-04', '09-04', '11-23', '12-25'],
  2024: ['01-01', '01-15', '02-19', '03-29', '05-27', '06-19', '07-04', '09-02', '11-28', '12-25'],
  2025: ['01-01', '01-09', '01-20', '02-17', '04-18', '05-26', '06-19', '07-04', '09-01', '11-27', '12-25'],
  2026: ['01-01', '01-19', '02-16', '04-03', '05-25', '06-19', '07-03', '09-07', '11-26', '12-25'],
  2027: ['01-01', '01-18', '02-15', '03-26', '05-31', '06-18', '07-05', '09-06', '11-25', '12-24'],
};

/** The 13:00 early closes NYSE Group published for the same years. */
const PUBLISHED_EARLY_CLOSES: Record<number, string[]> = {
  2012: ['07-03', '11-23', '12-24'],
  2015: ['11-27', '12-24'],
  2016: ['11-25'],
  2022: ['11-25'],
  2023: ['07-03', '11-24'],
  2024: ['07-03', '11-29', '12-24'],
  2025: ['07-03', '11-28', '12-24'],
  2026: ['11-27', '12-24'],
  2027: ['11-26'],
};

describe('nyseHolidays: the published NYSE calendars', () => {
  it.each(Object.entries(PUBLISHED_HOLIDAYS))('reproduces %s', (year, monthDays) => {
    expect(datesOf(Number(year))).toEqual(monthDays.map((monthDay) => `${year}-${monthDay}`));
  });

  it('names each closure, marking the moved ones as observed', () => {
    expect(nyseHolidays(2026)).toEqual([
      { date: '2026-01-01', name: "New Year's Day" },
      { date: '2026-01-19', name: 'Martin Luther King, Jr. Day' },
      { date: '2026-02-16', name: "Washington's Birthday" },
      { date: '2026-04-03', name: 'Good Friday' },
      { date: '2026-05-25', name: 'Memorial Day' },
      { date: '2026-06-19', name: 'Juneteenth National Independence Day' },
      { date: '2026-07-03', name: 'Independence Day (observed)' },
      { date: '2026-09-07', name: 'Labor Day' },
      { date: '2026-11-26', name: 'Thanksgiving Day' },
      { date: '2026-12-25', name: 'Christmas Day' },
    ]);
  });

  it('includes the special closures with their reason', () => {
    expect(holidayName('2025-01-09')).toBe('National day of mourning for President Jimmy Carter');
    expect(holidayName('2012-10-29')).toBe('Hurricane Sandy');
    expect(holidayName('2012-10-30')).toBe('Hurricane Sandy');
    expect(holidayName('2018-12-05')).toMatch(/George H\. W\. Bush/);
    expect(holidayName('2004-06-11')).toMatch(/Reagan/);
    expect(holidayName('2007-01-02')).toMatch(/Ford/);
    for (const day of ['11', '12', '13', '14']) expect(holidayName(`2001-09-${day}`)).toMatch(/September 11/);
    // Every listed special closure is a weekday and shows up in its year's list.
    expect(NYSE_SPECIAL_CLOSURES.filter((closure) => weekdayByDate(closure.date) % 6 === 0)).toEqual([]);
    for (const closure of NYSE_SPECIAL_CLOSURES) {
      expect(nyseHolidays(Number(closure.date.slice(0, 4)))).toContainEqual(closure);
    }
  });

  it('returns a fresh list each call', () => {
    const list = nyseHolidays(2025);
    list.pop();
    list[0].name = 'changed';
    expect(nyseHolidays(2025)).toHaveLength(11);
    expect(nyseHolidays(2025)[0].name).toBe("New Year's Day");
  });
});

describe('observed dates (NYSE Rule 7.2)', () => {
  it('moves a Saturday holiday to the Friday before and a Sunday one to the Monday after', () => {
    expect(holidayName('2021-12-24')).toBe('Christmas Day (observed)'); // Dec 25, 2021 was a Saturday
    expect(holidayName('2022-12-26')).toBe('Christmas Day (observed)'); // Dec 25, 2022 was a Sunday
    expect(holidayName('2022-06-20')).toBe('Juneteenth National Independence Day (observed)'); // a Sunday
    expect(holidayName('2027-06-18')).toBe('Juneteenth National Independence Day (observed)'); // a Saturday
    expect(holidayName('2027-07-05')).toBe('Independence Day (observed)'); // July 4, 2027 is a Sunday
    expect(holidayName('2026-07-03')).toBe('Independence Day (observed)'); // July 4, 2026 is a Saturday
    expect(holidayName('2023-01-02')).toBe("New Year's Day (observed)"); // January 1, 2023 was a Sunday
    expect(holidayName('2024-01-01')).toBe("New Year's Day");
  });

  it('does not close on Friday December 31 for a Saturday New Year (the year-end exception)', () => {
    // January 1, 2022 was a Saturday: NYSE traded on December 31, 2021 and on Monday January 3, 2022.
    expect(isNyseHoliday('2021-12-31')).toBe(false);
    expect(isNyseHoliday('2022-01-03')).toBe(false);
    expect(datesOf(2022).some((date) => date.startsWith('2022-01-0'))).toBe(false);
    expect(isNyseHoliday('2010-12-31')).toBe(false); // January 1, 2011 was a Saturday too
  });

  it('observes Juneteenth only from 2022', () => {
    expect(isNyseHoliday('2021-06-18')).toBe(false); // June 19, 2021 was a Saturday
    expect(isNyseHoliday('2020-06-19')).toBe(false); // a Friday, before the holiday existed
    expect(isNyseHoliday('2023-06-19')).toBe(true);
  });

  it('is false for ordinary sessions and for weekends, which are not holidays', () => {
    expect(isNyseHoliday('2025-01-08')).toBe(false);
    expect(holidayName('2025-01-08')).toBeUndefined();
    expect(holidayName('2021-12-25')).toBeUndefined(); // the Saturday itself: the closure is the Friday
    expect(isNyseHoliday('2024-10-14')).toBe(false); // Columbus Day: banks close, NYSE does not
    expect(isNyseHoliday('2024-11-11')).toBe(false); // Veterans Day likewise
  });
});

describe('easterSunday (Gregorian computus)', () => {
  it.each([
    [2000, '2000-04-23'],
    [2008, '2008-03-23'], // earliest in the range
    [2011, '2011-04-24'],
    [2019, '2019-04-21'],
    [2024, '2024-03-31'],
    [2025, '2025-04-20'],
    [2026, '2026-04-05'],
    [2027, '2027-03-28'],
    [2038, '2038-04-25'], // latest possible date
    [2285, '2285-03-22'], // earliest possible date
  ])('%i: %s', (year, easter) => {
    expect(easterSunday(year)).toBe(easter);
  });

  it('is always a Sunday between March 22 and April 25, with Good Friday two days before', () => {
    for (const year of allYears) {
      const easter = easterSunday(year);
      expect(weekdayByDate(easter)).toBe(0);
      expect(easter >= `${year}-03-22` && easter <= `${year}-04-25`).toBe(true);
      const goodFriday = nyseHolidays(year).find((holiday) => holiday.name === 'Good Friday');
      expect(dayNumberOf(easter) - dayNumberOf(goodFriday!.date)).toBe(2);
    }
  });

  it('refuses years before the Gregorian calendar', () => {
    expect(() => easterSunday(1500)).toThrow(RangeError);
  });
});

describe('rule invariants over the whole range', () => {
  it('lists 8 to 10 rule holidays a year, each on a weekday of that year, in order', () => {
    const specialDates = new Set(NYSE_SPECIAL_CLOSURES.map((closure) => closure.date));
    for (const year of allYears) {
      const dates = datesOf(year);
      const ruleHolidays = dates.filter((date) => !specialDates.has(date));
      expect(ruleHolidays.length).toBeGreaterThanOrEqual(8);
      expect(ruleHolidays.length).toBeLessThanOrEqual(10);
      expect([...dates].sort()).toEqual(dates);
      expect(new Set(dates).size).toBe(dates.length);
      const problems = dates.filter((date) => !date.startsWith(`${year}-`) || weekdayByDate(date) % 6 === 0);
      expect(problems).toEqual([]);
    }
  });

  it('puts the Monday and Thursday holidays in their weeks of the month', () => {
    const within = (date: string | undefined, weekday: number, from: string, to: string) =>
      date !== undefined && weekdayByDate(date) === weekday && date >= from && date <= to;
    for (const year of allYears) {
      const byName = new Map(nyseHolidays(year).map((holiday) => [holiday.name, holiday.date]));
      expect(within(byName.get('Martin Luther King, Jr. Day'), 1, `${year}-01-15`, `${year}-01-21`)).toBe(
        true,
      );
      expect(within(byName.get("Washington's Birthday"), 1, `${year}-02-15`, `${year}-02-21`)).toBe(true);
      expect(within(byName.get('Memorial Day'), 1, `${year}-05-25`, `${year}-05-31`)).toBe(true);
      expect(within(byName.get('Labor Day'), 1, `${year}-09-01`, `${year}-09-07`)).toBe(true);
      expect(within(byName.get('Thanksgiving Day'), 4, `${year}-11-22`, `${year}-11-28`)).toBe(true);
    }
  });

  it('gives early closes only on sessions (weekdays that are not holidays)', () => {
    const earlyDates = allYears.flatMap((year) => earlyCloses(year).map((early) => early.date));
    expect(earlyDates.length).toBeGreaterThan(200);
    expect(earlyDates.filter((date) => weekdayByDate(date) % 6 === 0 || isNyseHoliday(date))).toEqual([]);
  });
});

describe('earlyCloses', () => {
  it.each(Object.entries(PUBLISHED_EARLY_CLOSES))(
    'reproduces the published 13:00 closes of %s',
    (year, days) => {
      expect(earlyCloses(Number(year)).map((early) => early.date)).toEqual(
        days.map((day) => `${year}-${day}`),
      );
    },
  );

  it('gives the time and the reason', () => {
    expect(earlyCloses(2024)).toEqual([
      { date: '2024-07-03', closesAt: '13:00', reason: 'Day before Independence Day' },
      { date: '2024-11-29', closesAt: '13:00', reason: 'Day after Thanksgiving' },
      { date: '2024-12-24', closesAt: '13:00', reason: 'Christmas Eve' },
    ]);
  });

  it('has none when July 3 or December 24 is itself the observed holiday or a weekend', () => {
    expect(isEarlyClose('2026-07-03')).toBe(false); // Independence Day observed
    expect(isEarlyClose('2026-07-02')).toBe(false); // and nothing moves to the day before
    expect(isEarlyClose('2021-12-24')).toBe(false); // Christmas observed
    expect(isEarlyClose('2021-12-23')).toBe(false);
    expect(isEarlyClose('2022-07-01')).toBe(false); // July 3, 2022 was a Sunday
    expect(isEarlyClose('2025-12-24')).toBe(true);
    expect(isEarlyClose('2025-12-23')).toBe(false);
  });
});

describe('supported range', () => {
  it(`answers for ${NYSE_CALENDAR_FIRST_YEAR} to ${NYSE_CALENDAR_LAST_YEAR} and refuses other years`, () => {
    expect(nyseHolidays(2099).length).toBeGreaterThan(0);
    for (const year of [1999, 2100, 2024.5, Number.NaN]) {
      expect(() => nyseHolidays(year)).toThrow(RangeError);
      expect(() => earlyCloses(year)).toThrow(RangeError);
    }
    expect(() => nyseHolidays(1999)).toThrow(/2000–2099, not 1999/);
    expect(() => isNyseHoliday('1999-12-24')).toThrow(RangeError);
    expect(() => holidayName('2100-01-01')).toThrow(RangeError);
    expect(() => isEarlyClose('1999-11-26')).toThrow(RangeError);
  });

  it('refuses malformed dates, naming them', () => {
    expect(() => isNyseHoliday('2025-02-30')).toThrow(/"2025-02-30"/);
    expect(() => holidayName('2025-1-1')).toThrow(RangeError);
  });
});

describe('dayNumberFromParts', () => {
  it('agrees with dayNumberOf and rolls day 0 back to the previous month end', () => {
    expect(dayNumberFromParts(2024, 2, 29)).toBe(dayNumberOf('2024-02-29'));
    expect(dayNumberFromParts(2024, 3, 0)).toBe(dayNumberOf('2024-02-29'));
    expect(dayNumberFromParts(2025, 13, 0)).toBe(dayNumberOf('2025-12-31'));
    expect(dayNumberFromParts(1970, 1, 1)).toBe(0);
  });
});
