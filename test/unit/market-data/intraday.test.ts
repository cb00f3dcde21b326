/**
 * Intraday bars: the session grid (regular hours, early closes, daylight-saving changes), the quality checks on bar
 * start times, and the synthetic provider's intraday bars (deterministic, consistent across intervals).
 */
import { type Bar, UnsupportedRequestError } from '../../../src/market-data/bar';
import {
  barStartsOfSession,
  expectedBarCount,
  intradayTimeProblem,
  sessionWindow,
} from '../../../src/market-data/intraday';
import { createCsvProvider } from '../../../src/market-data/providers/csv';
import { createSyntheticProvider } from '../../../src/market-data/providers/synthetic';
import { checkBarQuality } from '../../../src/market-data/quality';
import { createFallbackProvider } from '../../../src/market-data/fallback';

const iso = (ms: number) => new Date(ms).toISOString();

describe('intraday session grid', () => {
  it('has 390 one-minute bars from 09:30 to 16:00 New York on a full winter session', () => {
    const starts = barStartsOfSession('2026-01-06', '1m');
    expect(starts).toHaveLength(390);
    expect(iso(starts[0])).toBe('2026-01-06T14:30:00.000Z'); // EST: UTC-5
    expect(iso(starts[389])).toBe('2026-01-06T20:59:00.000Z');
  });

  it('follows daylight saving time: the open is 13:30 UTC in summer', () => {
    expect(iso(sessionWindow('2026-03-09').opensAt)).toBe('2026-03-09T13:30:00.000Z'); // Monday after DST starts
    expect(iso(sessionWindow('2026-03-06').opensAt)).toBe('2026-03-06T14:30:00.000Z');
    expect(iso(sessionWindow('2026-07-01').closesAt)).toBe('2026-07-01T20:00:00.000Z');
  });

  it('counts bars per interval, with a short last bar for intervals that do not divide the session', () => {
    expect(expectedBarCount('2026-01-06', '5m')).toBe(78);
    expect(expectedBarCount('2026-01-06', '30m')).toBe(13);
    expect(expectedBarCount('2026-01-06', '60m')).toBe(7); // 09:30 … 15:30, the last one 30 minutes long
    expect(barStartsOfSession('2026-01-06', '90m').map((t) => iso(t).slice(11, 16))).toEqual([
      '14:30',
      '16:00',
      '17:30',
      '19:00',
      '20:30',
    ]);
  });

  it('has fewer bars on an early close (13:00) and none on a holiday', () => {
    expect(expectedBarCount('2026-11-27', '1m')).toBe(210); // the day after Thanksgiving
    expect(iso(sessionWindow('2026-11-27').closesAt)).toBe('2026-11-27T18:00:00.000Z');
    expect(() => sessionWindow('2026-11-26')).toThrow('2026-11-26 is not an NYSE session');
  });

  it('names what is wrong with a bar start time', () => {
    expect(intradayTimeProblem('2026-01-06', '2026-01-06T14:35:00.000Z', '5m')).toBeUndefined();
    expect(intradayTimeProblem('2026-01-06', undefined, '5m')).toBe('an intraday (5m) bar needs a time');
    expect(intradayTimeProblem('2026-01-06', '2026-01-06 14:35', '5m')).toMatch(
      /not an ISO 8601 UTC instant/,
    );
    expect(intradayTimeProblem('2026-01-06', '2026-01-06T14:37:00.000Z', '5m')).toBe(
      'time 2026-01-06T14:37:00.000Z is not on the 5m grid from the open',
    );
    expect(intradayTimeProblem('2026-01-06', '2026-01-06T21:00:00.000Z', '5m')).toMatch(
      /outside regular hours 2026-01-06T14:30:00.000Z–2026-01-06T21:00:00.000Z/,
    );
    expect(intradayTimeProblem('2026-01-06', '2026-01-07T15:00:00.000Z', '5m')).toBe(
      'time 2026-01-07T15:00:00.000Z falls on 2026-01-07 in New York, not on session 2026-01-06',
    );
  });
});

describe('intraday quality checks', () => {
  const bar = (time: string, overrides: Partial<Bar> = {}): Bar => ({
    symbol: 'AAPL',
    interval: '5m',
    date: '2026-01-06',
    time,
    open: 10,
    high: 11,
    low: 9,
    close: 10.5,
    adjClose: 10.5,
    volume: 100,
    source: 'synthetic',
    ...overrides,
  });

  it('accepts grid bars, rejects duplicates by time and off-grid or out-of-hours bars, and lists empty sessions', () => {
    const report = checkBarQuality(
      [
        bar('2026-01-06T14:30:00.000Z'),
        bar('2026-01-06T14:35:00.000Z'),
        bar('2026-01-06T14:35:00.000Z', { close: 10.6 }),
        bar('2026-01-06T14:31:00.000Z'),
        bar('2026-01-06T21:30:00.000Z'),
        bar('2026-01-06T14:40:00.000Z', { high: 8 }),
      ],
      { from: '2026-01-05', to: '2026-01-06' },
    );
    expect(report.accepted.map((b) => b.time)).toEqual([
      '2026-01-06T14:30:00.000Z',
      '2026-01-06T14:35:00.000Z',
    ]);
    expect(report.rejected.map((r) => [r.bar.time, r.reasons])).toEqual([
      ['2026-01-06T14:35:00.000Z', ['duplicate time']],
      ['2026-01-06T14:31:00.000Z', ['time 2026-01-06T14:31:00.000Z is not on the 5m grid from the open']],
      [
        '2026-01-06T21:30:00.000Z',
        [expect.stringMatching(/^time 2026-01-06T21:30:00.000Z is outside regular hours/)],
      ],
      ['2026-01-06T14:40:00.000Z', ['high 8 < low 9']],
    ]);
    expect(report.missingSessions).toEqual(['2026-01-05']);
  });
});

describe('synthetic intraday bars', () => {
  const provider = createSyntheticProvider({ seed: 11 });
  const day = { symbol: 'MSFT', from: '2026-11-23', to: '2026-11-27' };

  it('cover every session of the range on the grid, open at the daily open and close at the daily close', async () => {
    const [daily, bars] = await Promise.all([
      provider.fetchBars({ ...day, interval: '1d' }),
      provider.fetchBars({ ...day, interval: '5m' }),
    ]);
    // Mon–Wed full sessions, Thanksgiving closed, Friday closes at 13:00.
    expect(bars).toHaveLength(78 * 3 + 42);
    const quality = checkBarQuality(bars, day);
    expect(quality.rejected).toEqual([]);
    expect(quality.missingSessions).toEqual([]);
    for (const session of daily) {
      const ofDay = bars.filter((b) => b.date === session.date);
      expect(ofDay[0].open).toBe(session.open);
      expect(ofDay[ofDay.length - 1].close).toBe(session.close);
      const volume = ofDay.reduce((sum, b) => sum + b.volume, 0);
      expect(volume / session.volume).toBeGreaterThan(0.8);
      expect(volume / session.volume).toBeLessThan(1.25);
    }
  });

  it('are the same whatever range is asked for, and five 1m bars aggregate to the 5m bar', async () => {
    const wide = await provider.fetchBars({ ...day, interval: '1m' });
    const narrow = await provider.fetchBars({ ...day, from: '2026-11-25', to: '2026-11-25', interval: '1m' });
    expect(wide.filter((b) => b.date === '2026-11-25')).toEqual(narrow);
    const fiveMinute = await provider.fetchBars({
      ...day,
      from: '2026-11-25',
      to: '2026-11-25',
      interval: '5m',
    });
    fiveMinute.forEach((bar, i) => {
      const minutes = narrow.slice(i * 5, i * 5 + 5);
      expect(bar.time).toBe(minutes[0].time);
      expect(bar.open).toBe(minutes[0].open);
      expect(bar.close).toBe(minutes[4].close);
      expect(bar.high).toBe(Math.max(...minutes.map((m) => m.high)));
      expect(bar.low).toBe(Math.min(...minutes.map((m) => m.low)));
      expect(Math.abs(bar.volume - minutes.reduce((s, m) => s + m.volume, 0))).toBeLessThanOrEqual(3);
    });
  });
});

describe('providers without intraday bars', () => {
  it('csv refuses intraday intervals with a final, named error, and a fallback chain moves on', async () => {
    const csv = createCsvProvider({ directory: '/nonexistent' });
    const request = { symbol: 'AAPL', from: '2026-11-24', to: '2026-11-24', interval: '15m' as const };
    await expect(csv.fetchBars(request)).rejects.toThrow(
      new UnsupportedRequestError('csv', 'CSV files hold daily bars only, not 15m bars'),
    );
    const chain = createFallbackProvider([csv, createSyntheticProvider()]);
    const served = await chain.fetchBarsWithProvenance(request);
    expect(served.servedBy).toBe('synthetic');
    expect(served.bars).toHaveLength(26);
    expect(served.skipped.map((s) => s.error.name)).toEqual(['UnsupportedRequestError']);
  });

  it('a chain where no provider serves the interval fails as unsupported, not as unavailable', async () => {
    const chain = createFallbackProvider([
      createCsvProvider({ directory: '/a' }),
      createCsvProvider({ directory: '/b' }),
    ]);
    await expect(
      chain.fetchBars({ symbol: 'AAPL', from: '2026-11-24', to: '2026-11-24', interval: '1m' }),
    ).rejects.toMatchObject({
      name: 'UnsupportedRequestError',
      message: expect.stringMatching(/no provider in csv → csv serves AAPL 1m/),
    });
  });
});
