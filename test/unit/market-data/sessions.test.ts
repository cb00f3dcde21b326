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

  it('is empty for a weekend or a reversed range', () => {
    expect(tradingSessions('2025-01-04', '2025-01-05')).toEqual([]);
    expect(tradingSessions('2025-01-10', '2025-01-06')).toEqual([]);
  });

  it('matches a Date-based weekday calendar across years, leap days and month ends', () => {
    expect(tradingSessions('2023-12-15', '2025-03-10')).toEqual(weekdaysByDate('2023-12-15', '2025-03-10'));
    expect(tradingSessions('1969-12-20', '1970-01-20')).toEqual(weekdaysByDate('1969-12-20', '1970-01-20'));
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

  it('crosses year boundaries', () => {
    expect(previousSession('2025-01-01')).toBe('2024-12-31');
    expect(nextSession('2024-12-31')).toBe('2025-01-01');
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
    for (const asOf of ['2026-10-30', '2025-01-06', '2025-01-08', '2024-03-01']) {
      for (const n of [1, 2, 4, 5, 6, 10, 11, 60, 120, 252, 2520]) {
        const first = sessionsBack(asOf, n);
        const window = tradingSessions(first, asOf);
        expect(window).toHaveLength(n);
        expect(window[0]).toBe(first);
        expect(window[window.length - 1]).toBe(asOf);
      }
    }
  });

  it('ends a weekend asOf at the Friday before', () => {
    expect(sessionsBack('2025-01-05', 1)).toBe('2025-01-03');
    expect(tradingSessions(sessionsBack('2025-01-04', 7), '2025-01-04')).toHaveLength(7);
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
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-03-01', -1)).toBe('2025-02-28');
  });
});
