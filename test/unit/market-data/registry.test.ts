import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type ProviderName, UnknownSymbolError } from '../../../src/market-data/bar';
import { createSyntheticProvider } from '../../../src/market-data/providers/synthetic';
import {
  createProvider,
  parseProviderFallbacks,
  ProviderConfigError,
  type ProviderOptions,
} from '../../../src/market-data/registry';
import { generatedYahooNetwork } from '../../support/generated-yahoo';

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
    // Compared with the provider itself rather than a count: which weekdays are sessions is the calendar's business.
    expect(bars).toEqual(await createSyntheticProvider().fetchBars(request));
    expect(bars.length).toBeGreaterThan(0);
    expect(bars.every((bar) => bar.source === 'synthetic')).toBe(true);
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

/**
 * Replay, record, rate limit and fallbacks through createProvider. Yahoo is unreachable from tests, so its network
 * is replaced: by the committed recordings (replay), or by a generated stand-in passed as `fetch`.
 */
describe('createProvider: yahoo replay, record and rate limit', () => {
  const recordingsDir = path.join(__dirname, '../../fixtures/market-data/yahoo-recordings');
  let consoleError: jest.SpyInstance;
  let globalFetch: jest.SpyInstance;
  let temporaryDir: string | undefined;
  beforeEach(() => {
    consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    globalFetch = jest.spyOn(globalThis, 'fetch').mockRejectedValue(new Error('no network in unit tests'));
  });
  afterEach(() => {
    consoleError.mockRestore();
    globalFetch.mockRestore();
    if (temporaryDir) rmSync(temporaryDir, { recursive: true, force: true });
    temporaryDir = undefined;
  });

  it('replays Yahoo from yahoo.replayDir (network replaced by recordings), never calling fetch', async () => {
    const provider = createProvider('yahoo', { yahoo: { replayDir: recordingsDir } });
    expect(provider.name).toBe('yahoo');
    const bars = await provider.fetchBars({ ...request, symbol: 'MSFT' });
    expect(bars.map((bar) => bar.date)).toEqual(['2025-01-06', '2025-01-07', '2025-01-08', '2025-01-10']);
    expect(globalFetch).not.toHaveBeenCalled();
  });

  it('does not rate-limit a replay: it never reaches Yahoo', async () => {
    const provider = createProvider('yahoo', {
      yahoo: { replayDir: recordingsDir, requestsPerSecond: 0.001 },
    });
    // At 0.001/s the second and third calls would wait over 15 minutes; the test timeout would catch that.
    const answers = await Promise.all([1, 2, 3].map(() => provider.fetchBars(request)));
    expect(answers.map((bars) => bars.length)).toEqual([4, 4, 4]);
  });

  it('refuses a replay directory that does not exist, naming the setting', () => {
    expect(() => createProvider('yahoo', { yahoo: { replayDir: path.join(recordingsDir, 'nope') } })).toThrow(
      /TRADEFLOW_YAHOO_REPLAY_DIR: .*does not exist/,
    );
  });

  it('refuses replay and record together, and replay with a fetch of its own', () => {
    expect(() =>
      createProvider('yahoo', { yahoo: { replayDir: recordingsDir, recordDir: '/tmp/x' } }),
    ).toThrow(ProviderConfigError);
    expect(() =>
      createProvider('yahoo', {
        yahoo: { replayDir: recordingsDir, fetch: generatedYahooNetwork().fetchImpl },
      }),
    ).toThrow(/replaces the network/);
  });

  it('records through yahoo.recordDir around the configured fetch (network replaced by a generated Yahoo)', async () => {
    temporaryDir = mkdtempSync(path.join(os.tmpdir(), 'tradeflow-registry-record-'));
    const network = generatedYahooNetwork();
    const live = await createProvider('yahoo', {
      yahoo: { recordDir: temporaryDir, fetch: network.fetchImpl },
    }).fetchBars(request);
    expect(readdirSync(temporaryDir)).toEqual([expect.stringMatching(/^chart-AAPL-\d+-\d+\.json$/)]);
    const replayed = await createProvider('yahoo', { yahoo: { replayDir: temporaryDir } }).fetchBars(request);
    expect(replayed).toEqual(live);
    expect(network.requests).toHaveLength(1);
  });

  describe('with yahoo.requestsPerSecond (fake timers)', () => {
    beforeEach(() => jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'nextTick', 'setImmediate'] }));
    afterEach(() => jest.useRealTimers());

    it('spaces Yahoo calls at the configured rate (network replaced by a generated Yahoo)', async () => {
      const network = generatedYahooNetwork();
      const provider = createProvider('yahoo', { yahoo: { fetch: network.fetchImpl, requestsPerSecond: 1 } });
      const calls = [1, 2, 3].map(() => provider.fetchBars(request));
      await jest.advanceTimersByTimeAsync(10);
      expect(network.requests).toHaveLength(1);
      await jest.advanceTimersByTimeAsync(1000);
      expect(network.requests).toHaveLength(2);
      await jest.advanceTimersByTimeAsync(1000);
      const [first, ...rest] = await Promise.all(calls);
      expect(first.length).toBeGreaterThan(0);
      expect(rest).toEqual([first, first]);
      expect(network.requests).toHaveLength(3);
    });
  });

  it('refuses a rate that is not positive, naming the setting', () => {
    expect(() => createProvider('yahoo', { yahoo: { requestsPerSecond: 0 } })).toThrow(
      /TRADEFLOW_YAHOO_MAX_RPS: requestsPerSecond must be a positive number/,
    );
  });
});

describe('createProvider: fallback chains', () => {
  let consoleError: jest.SpyInstance;
  beforeEach(() => (consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined)));
  afterEach(() => consoleError.mockRestore());

  /** Yahoo's network replaced by one that is down (HTTP 503), since the real Yahoo is unreachable from tests. */
  const yahooDown = { fetch: () => Promise.resolve(new Response('Service Unavailable', { status: 503 })) };

  it('makes createProvider("yahoo") a yahoo → csv chain named yahoo, served by csv when Yahoo is down', async () => {
    const provider = createProvider('yahoo', {
      csvDirectory,
      yahoo: yahooDown,
      fallbacks: { yahoo: ['csv'] },
    });
    expect(provider.name).toBe('yahoo');
    const bars = await provider.fetchBars(request);
    expect(bars).toEqual(await createProvider('csv', { csvDirectory }).fetchBars(request));
    expect(bars.length).toBeGreaterThan(0);
    expect(bars.every((bar) => bar.source === 'csv')).toBe(true);
  });

  it('serves from yahoo while it answers (network replaced by a generated Yahoo)', async () => {
    const provider = createProvider('yahoo', {
      csvDirectory,
      yahoo: { fetch: generatedYahooNetwork().fetchImpl },
      fallbacks: { yahoo: ['csv'] },
    });
    expect((await provider.fetchBars(request)).every((bar) => bar.source === 'yahoo')).toBe(true);
  });

  it('leaves providers without a configured chain as they were', async () => {
    const provider = createProvider('csv', { csvDirectory, fallbacks: { yahoo: ['csv'] } });
    await expect(provider.fetchBars({ ...request, symbol: 'ZZZZ' })).rejects.toBeInstanceOf(
      UnknownSymbolError,
    );
  });

  it('can make an unknown symbol final instead of falling back', async () => {
    const unknownAtYahoo = generatedYahooNetwork(['ZZZZ']);
    const options = {
      yahoo: { fetch: unknownAtYahoo.fetchImpl },
      synthetic: { seed: 1 },
      fallbacks: { yahoo: ['synthetic'] as ProviderName[] },
    };
    const fallingBack = await createProvider('yahoo', options).fetchBars({ ...request, symbol: 'ZZZZ' });
    expect(fallingBack.every((bar) => bar.source === 'synthetic')).toBe(true);
    await expect(
      createProvider('yahoo', { ...options, fallBackOnUnknownSymbol: false }).fetchBars({
        ...request,
        symbol: 'ZZZZ',
      }),
    ).rejects.toBeInstanceOf(UnknownSymbolError);
  });

  it('rate-limits only yahoo inside a chain, so the fallback is not slowed', async () => {
    const provider = createProvider('yahoo', {
      csvDirectory,
      yahoo: { ...yahooDown, requestsPerSecond: 1000 },
      fallbacks: { yahoo: ['csv'] },
    });
    expect((await provider.fetchBars(request))[0].source).toBe('csv');
  });

  it.each([
    [{ yahoo: ['yahoo'] }, /appears twice/],
    [{ yahoo: ['csv', 'csv'] }, /appears twice/],
    [{ yahoo: ['bloomberg'] }, /Unknown fallback provider "bloomberg" for yahoo/],
  ])('refuses the chain %j', (fallbacks, message) => {
    expect(() => createProvider('yahoo', { csvDirectory, fallbacks } as ProviderOptions)).toThrow(message);
  });

  it('fails at construction when a fallback cannot be built', () => {
    expect(() => createProvider('yahoo', { fallbacks: { yahoo: ['csv'] } })).toThrow(/TRADEFLOW_CSV_DIR/);
  });
});

describe('parseProviderFallbacks (TRADEFLOW_PROVIDER_FALLBACKS)', () => {
  it('reads "primary:fallback,fallback" entries separated by semicolons', () => {
    expect(parseProviderFallbacks('yahoo:csv;csv:synthetic')).toEqual({ yahoo: ['csv'], csv: ['synthetic'] });
    expect(parseProviderFallbacks(' yahoo : csv , synthetic ; ')).toEqual({ yahoo: ['csv', 'synthetic'] });
    expect(parseProviderFallbacks('')).toEqual({});
  });

  it.each([
    'yahoo',
    'yahoo:',
    'yahoo:bloomberg',
    'yahoo:csv:synthetic',
    'yahoo:csv;yahoo:synthetic',
    'csv:csv',
  ])('refuses %j, naming the setting', (text) => {
    expect(() => parseProviderFallbacks(text)).toThrow(ProviderConfigError);
    expect(() => parseProviderFallbacks(text)).toThrow(/TRADEFLOW_PROVIDER_FALLBACKS|appears twice/);
  });
});
