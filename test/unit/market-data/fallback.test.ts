/**
 * The provider fallback chain. Most cases use stand-in providers that fail on cue; the last one runs the real
 * yahoo provider whose network is replaced by an answer of HTTP 503 (Yahoo is unreachable from tests), falling
 * back to the csv provider over the committed CSV fixtures.
 */
import path from 'node:path';
import {
  type Bar,
  type FetchBarsRequest,
  MalformedMarketDataError,
  type MarketDataProvider,
  ProviderUnavailableError,
  type ProviderName,
  UnknownSymbolError,
} from '../../../src/market-data/bar';
import { createFallbackProvider, type FallbackEvent } from '../../../src/market-data/fallback';
import { createCsvProvider } from '../../../src/market-data/providers/csv';
import { createYahooProvider } from '../../../src/market-data/providers/yahoo';

const request: FetchBarsRequest = { symbol: 'AAPL', from: '2025-01-06', to: '2025-01-07', interval: '1d' };

const barFrom = (source: ProviderName, close: number): Bar => ({
  symbol: 'AAPL',
  interval: '1d',
  date: '2025-01-06',
  open: close,
  high: close,
  low: close,
  close,
  adjClose: close,
  volume: 1000,
  source,
});

/** A provider that answers with one bar, or throws what `fail` gives; counts its calls. */
function standIn(name: ProviderName, fail?: () => Error) {
  const provider = {
    name,
    calls: 0,
    fetchBars: (_request: FetchBarsRequest) => {
      provider.calls += 1;
      return fail ? Promise.reject(fail()) : Promise.resolve([barFrom(name, provider.calls)]);
    },
  };
  return provider satisfies MarketDataProvider;
}

const unavailable = (name: string) => () => new ProviderUnavailableError(`${name} answered HTTP 503`);
const unknown = (name: ProviderName) => () => new UnknownSymbolError('AAPL', name, 'no such file');

describe('createFallbackProvider', () => {
  it('serves from the primary when it answers, without asking the fallbacks', async () => {
    const yahoo = standIn('yahoo');
    const csv = standIn('csv');
    const chain = createFallbackProvider([yahoo, csv]);
    expect(chain.name).toBe('yahoo');
    expect(chain.chain).toEqual(['yahoo', 'csv']);
    expect(await chain.fetchBars(request)).toEqual([barFrom('yahoo', 1)]);
    expect(csv.calls).toBe(0);
  });

  it('moves on when the primary is unavailable; bars keep the source of the provider that served them', async () => {
    const events: FallbackEvent[] = [];
    const yahoo = standIn('yahoo', unavailable('yahoo'));
    const chain = createFallbackProvider([yahoo, standIn('csv')], {
      onFallback: (event) => events.push(event),
    });

    const served = await chain.fetchBarsWithProvenance(request);
    expect(served.bars.map((bar) => bar.source)).toEqual(['csv']);
    expect(served.servedBy).toBe('csv');
    expect(served.skipped).toEqual([{ provider: 'yahoo', error: expect.any(ProviderUnavailableError) }]);
    expect(events).toEqual([{ provider: 'yahoo', error: expect.any(ProviderUnavailableError), next: 'csv' }]);
    expect((await chain.fetchBars(request)).map((bar) => bar.source)).toEqual(['csv']);
  });

  it('moves on from an unknown symbol by default, and not when told not to', async () => {
    const yahoo = standIn('yahoo', unknown('yahoo'));
    const csv = standIn('csv');
    expect((await createFallbackProvider([yahoo, csv]).fetchBars(request))[0].source).toBe('csv');

    const strict = createFallbackProvider([yahoo, csv], { fallBackOnUnknownSymbol: false });
    await expect(strict.fetchBars(request)).rejects.toBeInstanceOf(UnknownSymbolError);
    expect(csv.calls).toBe(1);
  });

  it('never moves on from malformed data: that error ends the call unchanged', async () => {
    const malformed = new MalformedMarketDataError('bad CSV line 3');
    const csv = standIn('csv', () => malformed);
    const synthetic = standIn('synthetic');
    const chain = createFallbackProvider([csv, synthetic]);
    await expect(chain.fetchBars(request)).rejects.toBe(malformed);
    expect(synthetic.calls).toBe(0);
  });

  it('does not hide an unexpected error (a bug) behind a fallback', async () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'close')");
    const synthetic = standIn('synthetic');
    await expect(
      createFallbackProvider([standIn('yahoo', () => bug), synthetic]).fetchBars(request),
    ).rejects.toBe(bug);
    expect(synthetic.calls).toBe(0);
  });

  it('walks a longer chain until one serves, listing every provider it passed over', async () => {
    const chain = createFallbackProvider([
      standIn('yahoo', unavailable('yahoo')),
      standIn('csv', unknown('csv')),
      standIn('synthetic'),
    ]);
    const served = await chain.fetchBarsWithProvenance(request);
    expect(served.servedBy).toBe('synthetic');
    expect(served.skipped.map(({ provider }) => provider)).toEqual(['yahoo', 'csv']);
  });

  it('says the symbol is unknown (final) when every provider said so, with each reason', async () => {
    const chain = createFallbackProvider([
      standIn('yahoo', unknown('yahoo')),
      standIn('csv', unknown('csv')),
    ]);
    const attempt = chain.fetchBars(request);
    await expect(attempt).rejects.toBeInstanceOf(UnknownSymbolError);
    await expect(attempt).rejects.toMatchObject({ symbol: 'AAPL', provider: 'yahoo' });
    await expect(attempt).rejects.toThrow(/every provider in yahoo → csv.*yahoo: .*no such file.*csv: /);
  });

  it('is unavailable (retryable) when any provider was unavailable, listing each reason', async () => {
    const chain = createFallbackProvider([
      standIn('yahoo', unavailable('yahoo')),
      standIn('csv', unknown('csv')),
    ]);
    const attempt = chain.fetchBars(request);
    await expect(attempt).rejects.toBeInstanceOf(ProviderUnavailableError);
    await expect(attempt).rejects.toThrow(
      /No provider in yahoo → csv could serve AAPL 1d 2025-01-06\.\.2025-01-07: yahoo: yahoo answered HTTP 503; csv: Unknown symbol/,
    );
    await expect(attempt).rejects.toMatchObject({ cause: expect.any(AggregateError) });
  });

  it('passes a lone provider’s error on as it was', async () => {
    const outage = new ProviderUnavailableError('Could not reach Yahoo for AAPL: ECONNRESET');
    await expect(createFallbackProvider([standIn('yahoo', () => outage)]).fetchBars(request)).rejects.toBe(
      outage,
    );
  });

  it('refuses an empty chain', () => {
    expect(() => createFallbackProvider([] as unknown as [MarketDataProvider])).toThrow(RangeError);
  });

  it('falls back from the real yahoo provider (network replaced by HTTP 503) to the csv files', async () => {
    const consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const yahooDown = createYahooProvider({
        fetch: () => Promise.resolve(new Response('Service Unavailable', { status: 503 })),
      });
      const csv = createCsvProvider({ directory: path.join(__dirname, '../../fixtures/market-data/csv') });
      const served = await createFallbackProvider([yahooDown, csv]).fetchBarsWithProvenance(request);
      expect(served.servedBy).toBe('csv');
      expect(served.bars.map((bar) => [bar.date, bar.source])).toEqual([
        ['2025-01-06', 'csv'],
        ['2025-01-07', 'csv'],
      ]);
      expect(served.skipped[0].error.message).toMatch(/HTTP 503/);
    } finally {
      consoleError.mockRestore();
    }
  });
});
