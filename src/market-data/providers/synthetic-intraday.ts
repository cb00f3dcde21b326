/**
 * Synthetic intraday bars for one session, derived from that session's synthetic daily bar: a seeded Brownian
 * bridge of one-minute log prices from the day's open to its close, then aggregated to the requested interval.
 * Every interval is cut from the same minute path, so five 1m bars always aggregate to the 5m bar, and the first
 * bar opens at the daily open and the last closes at the daily close. Volume follows the usual U shape (busy open
 * and close) and sums to about the daily volume. Highs and lows come from the path, not from the daily bar.
 */
import { type Bar, type IntradayInterval, intervalMinutes } from '../bar';
import { standardNormal } from '../counter-random';
import { barStartsOfSession } from '../intraday';

const { abs, exp, log, max, min, round, sqrt } = Math;

/** The random streams of the minute path (distinct from the daily streams of synthetic.ts). */
const MINUTE_STREAM = { step: 101, wick: 102, volume: 103 } as const;

export interface MinuteKeys {
  /** The counter-random key of (symbol, day, stream); the minute index is appended to it. */
  (stream: number): readonly number[];
}

export function syntheticIntradayBars(
  daily: Bar,
  interval: IntradayInterval,
  dailySigma: number,
  keyOf: MinuteKeys,
  roundPrice: (price: number) => number,
): Bar[] {
  const minuteStarts = barStartsOfSession(daily.date, '1m');
  const minutes = minuteStarts.length;
  const sigma = dailySigma / sqrt(minutes);
  const key = (stream: number, minute: number) => [...keyOf(stream), minute];

  // Brownian bridge: cumulative shocks with the straight line to the last one removed, so the path ends at 0.
  const walk = new Float64Array(minutes + 1);
  for (let m = 1; m <= minutes; m += 1)
    walk[m] = walk[m - 1] + sigma * standardNormal(key(MINUTE_STREAM.step, m));
  const logOpen = log(daily.open);
  const move = log(daily.close) - logOpen;
  const logPriceAt = (m: number) => logOpen + (m / minutes) * move + walk[m] - (m / minutes) * walk[minutes];

  const perBar = intervalMinutes(interval);
  const bars: Bar[] = [];
  for (let first = 0; first < minutes; first += perBar) {
    const last = min(first + perBar, minutes);
    let high = -Infinity;
    let low = Infinity;
    let volume = 0;
    for (let m = first; m < last; m += 1) {
      const o = exp(logPriceAt(m));
      const c = exp(logPriceAt(m + 1));
      const wick = 0.5 * sigma * abs(standardNormal(key(MINUTE_STREAM.wick, m)));
      high = max(high, max(o, c) * exp(wick));
      low = min(low, min(o, c) * exp(-wick));
      // U shape over the session: twice as busy at the open and the close as at midday.
      const t = (m + 0.5) / minutes;
      const weight = (1 + 4 * (t - 0.5) * (t - 0.5)) / (1 + 1 / 3);
      volume += (daily.volume / minutes) * weight * exp(0.2 * standardNormal(key(MINUTE_STREAM.volume, m)));
    }
    const open = roundPrice(exp(logPriceAt(first)));
    const close = roundPrice(exp(logPriceAt(last)));
    bars.push({
      symbol: daily.symbol,
      interval,
      date: daily.date,
      time: new Date(minuteStarts[first]).toISOString(),
      open,
      high: max(roundPrice(high), open, close),
      low: min(roundPrice(low), open, close),
      close,
      adjClose: close,
      volume: round(volume),
      source: daily.source,
    });
  }
  return bars;
}
