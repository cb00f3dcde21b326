import type { Bar } from '../../../src/market-data/bar';
import { checkBarQuality } from '../../../src/market-data/quality';
import { tradingSessions } from '../../../src/market-data/sessions';

const week = { from: '2025-01-06', to: '2025-01-10' }; // Monday to Friday

function bar(date: string, overrides: Partial<Bar> = {}): Bar {
  return {
    symbol: 'AAPL',
    interval: '1d',
    date,
    open: 100,
    high: 105,
    low: 95,
    close: 102,
    adjClose: 101.5,
    volume: 1_000_000,
    source: 'csv',
    ...overrides,
  };
}

const reasonsFor = (candidate: Bar, range = week) => {
  const report = checkBarQuality([candidate], range);
  return report.rejected.flatMap((r) => r.reasons);
};

describe('checkBarQuality', () => {
  it('accepts clean bars for every session and reports nothing missing', () => {
    const bars = tradingSessions(week.from, week.to).map((date) => bar(date));
    const report = checkBarQuality(bars, week);
    expect(report.accepted).toEqual(bars);
    expect(report.rejected).toEqual([]);
    expect(report.missingSessions).toEqual([]);
  });

  it('accepts a flat bar (open = high = low = close) and zero volume', () => {
    expect(
      reasonsFor(bar('2025-01-06', { open: 50, high: 50, low: 50, close: 50, adjClose: 50, volume: 0 })),
    ).toEqual([]);
  });

  it.each<[string, Partial<Bar>, string]>([
    ['high below low', { high: 10, low: 11, open: 10.5, close: 10.5 }, 'high 10 < low 11'],
    ['a zero price', { low: 0 }, 'low 0 <= 0'],
    ['a negative open', { open: -1 }, 'open -1 <= 0'],
    ['a non-positive adjusted close', { adjClose: 0 }, 'adjClose 0 <= 0'],
    ['open above the high', { open: 106 }, 'open 106 outside [low 95, high 105]'],
    ['close below the low', { close: 94 }, 'close 94 outside [low 95, high 105]'],
    ['a NaN close', { close: Number.NaN }, 'close is NaN'],
    ['an infinite high', { high: Infinity }, 'high is Infinity'],
    ['a NaN adjusted close', { adjClose: Number.NaN }, 'adjClose is NaN'],
    ['a NaN volume', { volume: Number.NaN }, 'volume is NaN'],
    ['an infinite volume', { volume: -Infinity }, 'volume is -Infinity'],
    ['a negative volume', { volume: -5 }, 'volume -5 < 0'],
  ])('rejects %s', (_label, overrides, reason) => {
    expect(reasonsFor(bar('2025-01-07', overrides))).toContain(reason);
  });

  it('rejects dates outside the range, weekends and non-dates', () => {
    expect(reasonsFor(bar('2025-01-13'))).toEqual(['date 2025-01-13 outside [2025-01-06, 2025-01-10]']);
    expect(reasonsFor(bar('2025-01-03'))).toEqual(['date 2025-01-03 outside [2025-01-06, 2025-01-10]']);
    expect(reasonsFor(bar('2025-01-11'), { from: '2025-01-06', to: '2025-01-12' })).toEqual([
      'date 2025-01-11 is a Saturday, not a session',
    ]);
    expect(reasonsFor(bar('2025-02-30'))).toEqual(['date "2025-02-30" is not a YYYY-MM-DD date']);
  });

  it('gives every reason a bar has, not just the first', () => {
    const reasons = reasonsFor(bar('2025-01-11', { close: Number.NaN, volume: -1, high: 90 }));
    expect(reasons).toEqual(
      expect.arrayContaining([
        'date 2025-01-11 outside [2025-01-06, 2025-01-10]',
        'close is NaN',
        'volume -1 < 0',
        'high 90 < low 95',
      ]),
    );
  });

  it('does not report range problems for a NaN price (it is already rejected for the NaN)', () => {
    expect(reasonsFor(bar('2025-01-07', { low: Number.NaN }))).toEqual(['low is NaN']);
  });

  it('keeps the first bar of a date and rejects later ones as duplicates, preserving input order', () => {
    const first = bar('2025-01-07', { close: 103 });
    const second = bar('2025-01-07', { close: 104 });
    const third = bar('2025-01-07', { close: Number.NaN });
    const report = checkBarQuality([bar('2025-01-06'), first, second, bar('2025-01-08'), third], week);
    expect(report.accepted).toEqual([bar('2025-01-06'), first, bar('2025-01-08')]);
    expect(report.rejected).toEqual([
      { bar: second, reasons: ['duplicate date'] },
      { bar: third, reasons: ['close is NaN', 'duplicate date'] },
    ]);
  });

  it('rejects a later duplicate even when the first bar of the date was itself bad', () => {
    const bad = bar('2025-01-07', { volume: -1 });
    const good = bar('2025-01-07');
    const report = checkBarQuality([bad, good], week);
    expect(report.accepted).toEqual([]);
    expect(report.rejected.map((r) => r.reasons)).toEqual([['volume -1 < 0'], ['duplicate date']]);
  });

  it('treats the same date for different symbols as distinct', () => {
    const report = checkBarQuality([bar('2025-01-07'), bar('2025-01-07', { symbol: 'MSFT' })], week);
    expect(report.rejected).toEqual([]);
  });

  it('lists sessions with no bar at all as missing, separately from rejected bars', () => {
    const report = checkBarQuality([bar('2025-01-06'), bar('2025-01-08', { close: Number.NaN })], {
      from: '2025-01-03',
      to: '2025-01-10',
    });
    // Friday 3rd, Tuesday 7th, Friday 10th; the weekend and Thursday 9th (NYSE closed for the Carter day of
    // mourning) are not sessions, the 8th was supplied.
    expect(report.missingSessions).toEqual(['2025-01-03', '2025-01-07', '2025-01-10']);
    expect(report.rejected.map((r) => r.bar.date)).toEqual(['2025-01-08']);
  });

  it('does not report exchange holidays as missing', () => {
    // Christmas week 2025: closed Thursday the 25th; the 24th closed early but is a session with a bar.
    const range = { from: '2025-12-22', to: '2025-12-26' };
    const report = checkBarQuality(
      ['2025-12-22', '2025-12-23', '2025-12-24', '2025-12-26'].map((d) => bar(d)),
      range,
    );
    expect(report.missingSessions).toEqual([]);
    expect(checkBarQuality([bar('2025-12-22')], range).missingSessions).toEqual([
      '2025-12-23',
      '2025-12-24',
      '2025-12-26',
    ]);
  });

  it('reports every session missing for an empty response', () => {
    const range = { from: '2024-12-23', to: '2025-01-03' };
    expect(checkBarQuality([], range)).toEqual({
      accepted: [],
      rejected: [],
      missingSessions: tradingSessions(range.from, range.to),
    });
    // Ten weekdays less Christmas Day and New Year's Day.
    expect(checkBarQuality([], range).missingSessions).toHaveLength(8);
  });
});
