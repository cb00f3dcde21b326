/**
 * Indicators against pandas on an 80-close seeded GBM path. The expected values come from
 * scripts/reference/signals_reference.py (pandas rolling / ewm formulations), stored in the fixture JSON.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  computeIndicators,
  drawdown,
  ema,
  momentum,
  realizedVolatility,
  rsi,
  sma,
} from '../../../src/signals';
import { expectClose, expectSeriesClose } from './helpers';

type Series = (number | null)[];
interface Reference {
  closes: number[];
  series: {
    sma: Record<string, Series>;
    ema: Record<string, Series>;
    rsi: Record<string, Series>;
    momentum: Record<string, Series>;
    realizedVolatility: Record<string, Series>;
    drawdown: Series;
  };
  snapshot: Record<string, unknown> & {
    crossover: { fast: number; slow: number; state: string; crossedToday: boolean };
  };
}

const reference = JSON.parse(
  readFileSync(join(__dirname, 'fixtures', 'signals-reference.json'), 'utf8'),
) as Reference;
const closes = reference.closes;
const windows = (table: Record<string, Series>) =>
  Object.entries(table).map(([k, v]) => [Number(k), v] as const);

describe('indicators match the pandas reference', () => {
  it('has a non-trivial fixture (80 closes, several windows)', () => {
    expect(closes).toHaveLength(80);
    expect(Object.keys(reference.series.rsi)).toEqual(['5', '14']);
  });

  it.each(windows(reference.series.sma))('sma window %i = rolling(window).mean()', (window, expected) => {
    expectSeriesClose(sma(closes, window), expected);
  });

  it.each(windows(reference.series.ema))('ema span %i = ewm(span, adjust=False).mean()', (span, expected) => {
    expectSeriesClose(ema(closes, span), expected);
  });

  it.each(windows(reference.series.rsi))('rsi period %i = Wilder RSI', (period, expected) => {
    expectSeriesClose(rsi(closes, period), expected, 1e-9);
  });

  it.each(windows(reference.series.momentum))('momentum lookback %i = s / s.shift(k) − 1', (k, expected) => {
    expectSeriesClose(momentum(closes, k), expected);
  });

  it.each(windows(reference.series.realizedVolatility))(
    'realized volatility window %i = log-return rolling std(ddof=1) × sqrt(252)',
    (window, expected) => {
      expectSeriesClose(realizedVolatility(closes, window), expected, 1e-9);
    },
  );

  it('drawdown = s / s.cummax() − 1', () => {
    expectSeriesClose(drawdown(closes), reference.series.drawdown);
  });

  it('computeIndicators with default params matches the reference snapshot', () => {
    const snapshot = computeIndicators(closes);
    const expected = reference.snapshot;
    for (const key of [
      'lastClose',
      'smaFast',
      'smaSlow',
      'emaFast',
      'emaSlow',
      'rsi',
      'momentum',
      'realizedVolatility',
      'drawdown',
    ] as const) {
      const value = snapshot[key];
      expect(value).not.toBeNull();
      expectClose(value!, expected[key] as number, 1e-9);
    }
    expect(snapshot.observations).toBe(expected.observations);
    expect(snapshot.crossover!.state).toBe(expected.crossover.state);
    expect(snapshot.crossover!.crossedToday).toBe(expected.crossover.crossedToday);
    expectClose(snapshot.crossover!.fast, expected.crossover.fast);
    expectClose(snapshot.crossover!.slow, expected.crossover.slow);
  });
});
