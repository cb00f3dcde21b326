import {
  addDays,
  isIsoDate,
  isTradingSession,
  nextSession,
  parseIsoDate,
  previousSession,
  sessionsBack,
  tradingSessions,
  weekdayName,
} from '../../../src/market-data/sessions';
import { isNyseHoliday } from '../../../src/market-data/calendar';

/** Reference weekday calendar built on Date, independent of the day-number arithmetic under test. */
function weekdaysByDate(from: string, to: string): string[] {
  const out: string[] = [];
  for (
    let d = new Date(`${from}T00:00:00Z`);
    d <= new Date(`${to}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + 1)
  ) {
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) out.push(d.toISOString().slice(0, 10));
  }
  return out;
}

/** Reference NYSE sessions: the Date-based weekdays less the holidays, one date at a time (no per-year tables). */
const nyseSessionsByDate = (from: string, to: string) =>
  weekdaysByDate(from, to).filter((date) => !isNyseHoliday(date));

describe('parseIsoDate', () => {
  it('returns the UTC midnight of a real calendar date', () => {
    expect(parseIsoDate('2024-02-29').toISOString()).toBe('2024-02-29T00:00:00.000Z');
    expect(parseIsoDate('1999-12-31').getUTCFullYear()).toBe(1999);
  });

  it.each([
    '2025-02-29',
    '2025-02-30',
    '2025-13-01',
    '2025-00-10',
    '2025-1-5',
    '20250105',
    'yesterday',
    '',
    '0099-01-01',
  ])('refuses %j with a RangeError naming the value', (value) => {
    expect(() => parseIsoDate(value)).toThrow(RangeError);
    expect(() => parseIsoDate(value)).toThrow(JSON.stringify(value));
    expect(isIsoDate(value)).toBe(false);
  });

  it('refuses non-strings without crashing', () => {
    expect(() => parseIsoDate(undefined as unknown as string)).toThrow(RangeError);
  });
});

describe('tradingSessions', () => {
  it('lists weekdays only, both ends inclusive', () => {
    // 2025-01-03 is a Friday, 2025-01-07 a Tuesday.
    expect(tradingSessions('2025-01-03', '2025-01-07')).toEqual(['2025-01-03', '2025-01-06', '2025-01-07']);
    expect(tradingSessions('2025-01-06', '2025-01-06')).toEqual(['2025-01-06']);
  });

  it('leaves out NYSE holidays and special closures', () => {
    // The week of the Carter day of mourning (Thursday 9th) and the week of Christmas 2025.
    expect(tradingSessions('2025-01-06', '2025-01-10')).toEqual([
      '2025-01-06',
      '2025-01-07',
      '2025-01-08',
      '2025-01-10',
    ]);
    expect(tradingSessions('2025-12-22', '2026-01-02')).toEqual([
      '2025-12-22',
      '2025-12-23',
      '2025-12-24',
      '2025-12-26',
      '2025-12-29',
      '2025-12-30',
      '2025-12-31',
      '2026-01-02',
    ]);
    // After September 11, 2001 the exchange reopened on Monday the 17th.
    expect(tradingSessions('2001-09-10', '2001-09-17')).toEqual(['2001-09-10', '2001-09-17']);
    expect(tradingSessions('2025-12-25', '2025-12-25')).toEqual([]);
  });

  it('is empty for a weekend or a reversed range', () => {
    expect(tradingSessions('2025-01-04', '2025-01-05')).toEqual([]);
    expect(tradingSessions('2025-01-10', '2025-01-06')).toEqual([]);
  });

  // Counted from the published holiday lists: weekdays in the year less its weekday closures
  // (2023: 260 - 10, 2024: 262 - 10, 2025: 261 - 11, 2026: 261 - 10, 2027: 261 - 10; 2001 lost four days to
  // September 11, 2012 two to Hurricane Sandy).
  it.each([
    [2001, 248],
    [2012, 250],
    [2020, 253],
    [2022, 251],
    [2023, 250],
    [2024, 252],
    [2025, 250],
    [2026, 251],
    [2027, 251],
  ])('has the NYSE session count for %i (%i)', (year, count) => {
    expect(tradingSessions(`${year}-01-01`, `${year}-12-31`)).toHaveLength(count);
  });

  it('matches a Date-based calendar less holidays across years, leap days and month ends', () => {
    expect(tradingSessions('2023-12-15', '2025-03-10')).toEqual(
      nyseSessionsByDate('2023-12-15', '2025-03-10'),
    );
    expect(tradingSessions('2000-01-01', '2030-12-31')).toEqual(
      nyseSessionsByDate('2000-01-01', '2030-12-31'),
    );
    expect(tradingSessions('2099-06-01', '2099-12-31')).toEqual(
      nyseSessionsByDate('2099-06-01', '2099-12-31'),
    );
  });

  it('counts every weekday as a session outside the calendar range (no holiday data there)', () => {
    expect(tradingSessions('1969-12-20', '1970-01-20')).toEqual(weekdaysByDate('1969-12-20', '1970-01-20'));
    expect(tradingSessions('1999-12-20', '2000-01-18')).toEqual([
      ...weekdaysByDate('1999-12-20', '1999-12-31'), // includes Christmas Eve 1999, a closure in fact
      ...nyseSessionsByDate('2000-01-01', '2000-01-18'),
    ]);
    expect(tradingSessions('2100-12-24', '2100-12-27')).toEqual(['2100-12-24', '2100-12-27']);
  });

  it('names the bad date', () => {
    expect(() => tradingSessions('2025-01-01', '2025-02-31')).toThrow(/"2025-02-31"/);
  });
});

describe('previousSession / nextSession', () => {
  it('skips weekends in both directions', () => {
    expect(previousSession('2025-01-06')).toBe('2025-01-03'); // Monday -> Friday
    expect(previousSession('2025-01-05')).toBe('2025-01-03'); // Sunday -> Friday
    expect(previousSession('2025-01-08')).toBe('2025-01-07');
    expect(nextSession('2025-01-03')).toBe('2025-01-06'); // Friday -> Monday
    expect(nextSession('2025-01-04')).toBe('2025-01-06');
  });

  it("crosses year boundaries, skipping New Year's Day", () => {
    expect(previousSession('2025-01-01')).toBe('2024-12-31');
    expect(previousSession('2025-01-02')).toBe('2024-12-31');
    expect(nextSession('2024-12-31')).toBe('2025-01-02');
  });

  it('skips holidays and long weekends', () => {
    expect(previousSession('2025-05-27')).toBe('2025-05-23'); // Tuesday after Memorial Day -> Friday before
    expect(nextSession('2025-05-23')).toBe('2025-05-27');
    expect(nextSession('2025-04-17')).toBe('2025-04-21'); // Good Friday
    expect(previousSession('2025-11-28')).toBe('2025-11-26'); // Thanksgiving; the 28th is an early close
    expect(nextSession('2025-11-26')).toBe('2025-11-28');
    expect(nextSession('2001-09-10')).toBe('2001-09-17'); // closed September 11-14
    expect(previousSession('2001-09-17')).toBe('2001-09-10');
    expect(previousSession('2012-10-31')).toBe('2012-10-26'); // Hurricane Sandy, Monday and Tuesday
  });

  it('agrees with the session list for every day of a year', () => {
    const sessions = tradingSessions('2024-12-01', '2026-01-31');
    for (let i = 1; i < sessions.length; i += 1) {
      expect(previousSession(sessions[i])).toBe(sessions[i - 1]);
      expect(nextSession(sessions[i - 1])).toBe(sessions[i]);
    }
  });
});

describe('sessionsBack', () => {
  it('gives a window of exactly n sessions ending at asOf', () => {
    for (const asOf of ['2026-10-30', '2025-01-06', '2025-01-08', '2024-03-01', '2001-09-17', '2000-02-01']) {
      for (const n of [1, 2, 4, 5, 6, 10, 11, 60, 120, 252, 2520]) {
        const first = sessionsBack(asOf, n);
        const window = tradingSessions(first, asOf);
        expect(window).toHaveLength(n);
        expect(window[0]).toBe(first);
        expect(window[window.length - 1]).toBe(asOf);
      }
    }
  });

  it('counts holidays out of the window', () => {
    // The week of January 6, 2025 had four sessions (closed Thursday the 9th), so five reach back to Friday the 3rd.
    expect(sessionsBack('2025-01-10', 5)).toBe('2025-01-03');
    // Monday after Thanksgiving 2026: Monday, the early-close Friday, then the Wednesday before the holiday.
    expect(sessionsBack('2026-11-30', 3)).toBe('2026-11-25');
    // A whole year's sessions end at its first session: 252 in 2024, 250 in 2025 (both start on January 2).
    expect(sessionsBack('2024-12-31', 252)).toBe('2024-01-02');
    expect(sessionsBack('2025-12-31', 250)).toBe('2025-01-02');
    expect(sessionsBack('2025-12-31', 251)).toBe('2024-12-31');
  });

  it('ends a weekend or holiday asOf at the session before', () => {
    expect(sessionsBack('2025-01-05', 1)).toBe('2025-01-03');
    expect(tradingSessions(sessionsBack('2025-01-04', 7), '2025-01-04')).toHaveLength(7);
    expect(sessionsBack('2025-12-25', 1)).toBe('2025-12-24');
    expect(sessionsBack('2025-01-09', 2)).toBe('2025-01-07');
  });

  it('reaches back past the calendar range into weekday-only years', () => {
    // January 2000 has 20 sessions (21 weekdays from Monday the 3rd, less MLK Day on the 17th); 1999 counts
    // every weekday, so the 21st session back is Friday December 31 and the 25th Monday December 27.
    expect(sessionsBack('2000-01-31', 20)).toBe('2000-01-03');
    expect(sessionsBack('2000-01-31', 21)).toBe('1999-12-31');
    expect(sessionsBack('2000-01-31', 25)).toBe('1999-12-27');
  });

  it('refuses a non-positive or fractional count', () => {
    expect(() => sessionsBack('2025-01-06', 0)).toThrow(RangeError);
    expect(() => sessionsBack('2025-01-06', 2.5)).toThrow(/2\.5/);
  });
});

describe('small helpers', () => {
  it('names weekdays and knows sessions', () => {
    expect(weekdayName('2025-01-04')).toBe('Saturday');
    expect(isTradingSession('2025-01-04')).toBe(false);
    expect(isTradingSession('2025-01-03')).toBe(true);
    expect(isTradingSession('2025-01-09')).toBe(false); // Carter day of mourning
    expect(isTradingSession('2025-07-04')).toBe(false);
    expect(isTradingSession('2025-07-03')).toBe(true); // an early close is still a session
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-03-01', -1)).toBe('2025-02-28');
  });
});
