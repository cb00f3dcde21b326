/**
 * Stands in for the Yahoo Finance network (unreachable here): answers yahoo-finance2's v8 chart requests with
 * responses generated from the synthetic provider, in Yahoo's own JSON shape, so the real library parses them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type BarInterval, isBarInterval } from '../../src/market-data/bar';
import { createSyntheticProvider } from '../../src/market-data/providers/synthetic';

const template = JSON.parse(
  readFileSync(path.join(__dirname, '../fixtures/market-data/yahoo/AAPL-2025-01.chart.json'), 'utf8'),
) as { chart: { result: { meta: Record<string, unknown> }[] } };

/** Generated corporate events: a 4-for-1 split and a dividend, reported when their date is in the requested period. */
export const GENERATED_EVENTS = [
  { date: '2026-11-16', type: 'split' as const, numerator: 4, denominator: 1, splitRatio: '4:1' },
  { date: '2026-11-18', type: 'dividend' as const, amount: 0.26 },
];

/** adjclose is generated as this fraction of close, so a test can tell the adjusted close was used. */
export const GENERATED_ADJ_FACTOR = 0.98;

export function generatedYahooNetwork(unknownSymbols: readonly string[] = []) {
  const synthetic = createSyntheticProvider({ seed: 7 });
  const requests: URL[] = [];
  const fetchImpl: typeof fetch = async (input) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    requests.push(url);
    const symbol = decodeURIComponent(url.pathname.split('/').pop() ?? '');
    if (unknownSymbols.includes(symbol)) {
      const body = {
        chart: {
          result: null,
          error: { code: 'Not Found', description: 'No data found, symbol may be delisted' },
        },
      };
      return new Response(JSON.stringify(body), {
        status: 404,
        headers: { 'content-type': 'application/json' },
      });
    }
    const day = (seconds: string | null) => new Date(Number(seconds) * 1000).toISOString().slice(0, 10);
    const requested = url.searchParams.get('interval') ?? '1d';
    const interval: BarInterval = isBarInterval(requested) ? requested : '1d';
    const intraday = interval !== '1d';
    const bars = await synthetic.fetchBars({
      symbol,
      interval,
      from: day(url.searchParams.get('period1')),
      to: day(url.searchParams.get('period2')),
    });
    const instantOf = (date: string) => Date.parse(`${date}T14:30:00Z`) / 1000;
    const inPeriod = GENERATED_EVENTS.filter(
      (e) => bars.length > 0 && e.date >= bars[0].date && e.date <= bars[bars.length - 1].date,
    );
    const events = {
      dividends: Object.fromEntries(
        inPeriod
          .filter((e) => e.type === 'dividend')
          .map((e) => [
            String(instantOf(e.date)),
            { amount: (e as { amount: number }).amount, date: instantOf(e.date) },
          ]),
      ),
      splits: Object.fromEntries(
        inPeriod
          .filter((e) => e.type === 'split')
          .map((e) => {
            const split = e as { numerator: number; denominator: number; splitRatio: string };
            return [
              String(instantOf(e.date)),
              {
                date: instantOf(e.date),
                numerator: split.numerator,
                denominator: split.denominator,
                splitRatio: split.splitRatio,
              },
            ];
          }),
      ),
    };
    const result = {
      events,
      meta: {
        ...template.chart.result[0].meta,
        symbol,
        dataGranularity: interval,
        // The latest bar is the "regular market" state a live quote reads.
        ...(bars.length > 0
          ? {
              regularMarketPrice: bars[bars.length - 1].close,
              regularMarketTime: Date.parse(`${bars[bars.length - 1].date}T21:00:00Z`) / 1000,
            }
          : {}),
      },
      // 14:30 UTC is the New York open, the timestamp Yahoo gives daily bars; intraday bars carry their start.
      timestamp: bars.map((b) => Date.parse(intraday ? b.time! : `${b.date}T14:30:00Z`) / 1000),
      indicators: {
        quote: [
          {
            open: bars.map((b) => b.open),
            high: bars.map((b) => b.high),
            low: bars.map((b) => b.low),
            close: bars.map((b) => b.close),
            volume: bars.map((b) => b.volume),
          },
        ],
        // Yahoo sends no adjclose series for intraday intervals.
        ...(intraday
          ? {}
          : {
              adjclose: [
                { adjclose: bars.map((b) => Math.round(b.close * GENERATED_ADJ_FACTOR * 1e4) / 1e4) },
              ],
            }),
      },
    };
    return new Response(JSON.stringify({ chart: { result: [result], error: null } }), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
  };
  return { fetchImpl, requests };
}
