import type { Bar } from '../../src/market-data/bar';

/** A well-formed daily bar around `close` (open −1, high +1, low −2), for store tests. */
export function makeBar(
  date: string,
  close: number,
  symbol = 'AAPL',
  source: Bar['source'] = 'synthetic',
): Bar {
  return {
    symbol,
    interval: '1d',
    date,
    open: close - 1,
    high: close + 1,
    low: close - 2,
    close,
    adjClose: close,
    volume: 1000,
    source,
  };
}

/** A well-formed intraday bar starting at `time` (ISO UTC) on session `date`, around `close`. */
export function makeIntradayBar(
  date: string,
  time: string,
  close: number,
  interval: Bar['interval'] = '5m',
  symbol = 'AAPL',
  source: Bar['source'] = 'synthetic',
): Bar {
  return { ...makeBar(date, close, symbol, source), interval, time };
}
