import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type ProviderName, UnknownSymbolError } from '../../../src/market-data/bar';
import { createSyntheticProvider } from '../../../src/market-data/providers/synthetic';
import { createProvider, ProviderConfigError } from '../../../src/market-data/registry';

const csvDirectory = path.join(__dirname, '../../fixtures/market-data/csv');
const yahooFixture = path.join(__dirname, '../../fixtures/market-data/yahoo/AAPL-2025-01.chart.json');
const request = { symbol: 'AAPL', from: '2025-01-06', to: '2025-01-10', interval: '1d' as const };

describe('createProvider', () => {
  it('builds the synthetic provider with the given options', async () => {
    const provider = createProvider('synthetic', { synthetic: { seed: 99, latencyMs: 0 } });
    expect(provider.name).toBe('synthetic');
    expect(await provider.fetchBars(request)).toEqual(
      await createSyntheticProvider({ seed: 99 }).fetchBars(request),
    );
    expect(await provider.fetchBars(request)).not.toEqual(
      await createSyntheticProvider({ seed: 100 }).fetchBars(request),
    );
  });

  it('builds a synthetic provider with defaults when given no options', async () => {
    const bars = await createProvider('synthetic', {}).fetchBars(request);
    expect(bars.map((bar) => bar.source)).toEqual([
      'synthetic',
      'synthetic',
      'synthetic',
      'synthetic',
      'synthetic',
    ]);
  });

  it('builds the csv provider over the configured directory', async () => {
    const provider = createProvider('csv', { csvDirectory });
    expect(provider.name).toBe('csv');
    expect((await provider.fetchBars(request)).map((bar) => bar.source)).toContain('csv');
    await expect(provider.fetchBars({ ...request, symbol: 'ZZZZ' })).rejects.toBeInstanceOf(
      UnknownSymbolError,
    );
  });

  it('refuses csv without a directory, saying which setting is missing', () => {
    expect(() => createProvider('csv', {})).toThrow(ProviderConfigError);
    expect(() => createProvider('csv', { csvDirectory: '' })).toThrow(/TRADEFLOW_CSV_DIR/);
  });

  it('builds the yahoo provider with its options (here: a fetch serving a generated response)', async () => {
    const body = readFileSync(yahooFixture, 'utf8');
    const requested: string[] = [];
    const provider = createProvider('yahoo', {
      yahoo: {
        fetch: (input) => {
          requested.push(input instanceof Request ? input.url : input.toString());
          return Promise.resolve(
            new Response(body, { status: 200, headers: { 'content-type': 'application/json' } }),
          );
        },
      },
    });
    expect(provider.name).toBe('yahoo');
    const bars = await provider.fetchBars(request);
    expect(bars.length).toBeGreaterThan(0);
    expect(bars.every((bar) => bar.source === 'yahoo')).toBe(true);
    expect(requested).toHaveLength(1);
  });

  it('refuses an unknown provider name, listing the known ones', () => {
    expect(() => createProvider('bloomberg' as ProviderName, {})).toThrow(
      /"bloomberg".*yahoo, csv, synthetic/,
    );
  });

  it('passes invalid synthetic settings through as a clear error', () => {
    expect(() => createProvider('synthetic', { synthetic: { latencyMs: -5 } })).toThrow(/latencyMs/);
  });
});
