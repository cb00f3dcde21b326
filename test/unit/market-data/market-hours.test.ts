import { marketHoursAt, newYorkInstant } from '../../../src/market-data/market-hours';

describe('marketHoursAt (US regular hours, America/New_York)', () => {
  it('is open mid-session in winter (EST, UTC-5) and summer (EDT, UTC-4)', () => {
    expect(marketHoursAt('2026-11-24T15:00:00Z')).toEqual({
      date: '2026-11-24',
      isSession: true,
      isOpen: true,
      opensAt: '2026-11-24T14:30:00.000Z',
      closesAt: '2026-11-24T21:00:00.000Z',
    });
    expect(marketHoursAt('2026-07-15T13:45:00Z')).toMatchObject({
      isOpen: true,
      opensAt: '2026-07-15T13:30:00.000Z',
      closesAt: '2026-07-15T20:00:00.000Z',
    });
  });

  it('is closed before the open, at and after the close, and on weekends', () => {
    expect(marketHoursAt('2026-11-24T14:29:59Z').isOpen).toBe(false);
    expect(marketHoursAt('2026-11-24T21:00:00Z').isOpen).toBe(false);
    expect(marketHoursAt('2026-11-28T16:00:00Z')).toEqual({
      date: '2026-11-28',
      isSession: false,
      isOpen: false,
    });
  });

  it('uses the New York date, not the UTC date, late in the evening', () => {
    // 01:00 UTC on Wednesday is still Tuesday evening in New York.
    expect(marketHoursAt('2026-11-25T01:00:00Z').date).toBe('2026-11-24');
  });

  it('handles the daylight-saving change days', () => {
    // 2026-03-09 is the Monday after the spring-forward Sunday (EDT): open at 13:30 UTC.
    expect(new Date(newYorkInstant('2026-03-09', 9, 30)).toISOString()).toBe('2026-03-09T13:30:00.000Z');
    // 2026-11-02 is the Monday after fall-back (EST): open at 14:30 UTC.
    expect(new Date(newYorkInstant('2026-11-02', 9, 30)).toISOString()).toBe('2026-11-02T14:30:00.000Z');
  });

  it('knows NYSE holidays and early closes', () => {
    // Thanksgiving 2026 is closed; the day after closes at 13:00 New York (18:00 UTC).
    expect(marketHoursAt('2026-11-26T16:00:00Z')).toEqual({
      date: '2026-11-26',
      isSession: false,
      isOpen: false,
    });
    expect(marketHoursAt('2026-11-27T17:59:00Z')).toMatchObject({
      isOpen: true,
      closesAt: '2026-11-27T18:00:00.000Z',
    });
    expect(marketHoursAt('2026-11-27T18:30:00Z').isOpen).toBe(false);
  });

  it('rejects a malformed instant', () => {
    expect(() => marketHoursAt('yesterday')).toThrow(/not an ISO instant/);
  });
});
