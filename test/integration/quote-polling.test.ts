/** The quotePolling workflow on the real dev server: polls, continues as new, stops on a signal or at the close. */
import { createYahooQuoteProvider } from '../../src/market-data/quotes/yahoo-quotes';
import { createSyntheticProvider } from '../../src/market-data/providers/synthetic';
import { generatedYahooNetwork } from '../support/generated-yahoo';
import { eventually, httpJson, startStack, type TestStack } from '../support/harness';

describe('quote polling', () => {
  let stack: TestStack;
  let base: string;
  beforeAll(async () => {
    stack = await startStack();
    base = stack.baseUrl!;
  });
  afterAll(async () => {
    await stack.stop();
  });

  const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

  it('polls every interval, continues as new every K polls, and stops on the stop signal', async () => {
    const started = await httpJson(base, 'POST', '/quote-polling', {
      symbols: ['AAPL', 'MSFT'],
      intervalSeconds: 0.2,
      iterationsPerRun: 3,
      ignoreMarketHours: true,
      stopAt: inMinutes(5),
    });
    expect(started.status).toBe(202);
    const id = encodeURIComponent(started.body.workflowId);

    const status = await eventually(async () => {
      const s = await httpJson(base, 'GET', `/workflows/${id}/status`);
      return s.body.progress?.iterations >= 7 ? s : undefined;
    }, 60_000);
    expect(status.body.progress.runs).toBeGreaterThanOrEqual(3); // two or more continue-as-new hops
    expect(status.body.runId).not.toBe(started.body.runId);

    // The generic cancel route is for pipelines and backtests only: a poller is refused (it has its own stop),
    // and keeps polling.
    const wrongCancel = await httpJson(base, 'POST', `/workflows/${id}/cancel`);
    expect(wrongCancel.status).toBe(400);
    expect(wrongCancel.body.error.message).toMatch(/is a quotePolling; only .* runs can be cancelled here/);
    const polledBefore: number = status.body.progress.iterations;
    await eventually(async () => {
      const s = await httpJson(base, 'GET', `/workflows/${id}/status`);
      return s.body.status === 'RUNNING' && s.body.progress?.iterations > polledBefore ? s : undefined;
    }, 30_000);

    expect((await httpJson(base, 'POST', `/quote-polling/${id}/stop`)).status).toBe(202);
    const result = await eventually(async () => {
      const r = await httpJson(base, 'GET', `/workflows/${id}/result`);
      return r.status === 200 ? r : undefined;
    });
    expect(result.body.status).toBe('COMPLETED');
    const polled = result.body.result;
    expect(polled.stoppedBy).toBe('signal');
    expect(polled.iterations).toBeGreaterThanOrEqual(7);
    expect(polled.quotesStored).toBe(polled.iterations * 2);
    expect(polled.lastQuotes.map((q: { symbol: string }) => q.symbol)).toEqual(['AAPL', 'MSFT']);

    const stored = await httpJson(base, 'GET', '/quotes/aapl');
    expect(stored.body.count).toBe(polled.iterations);
    expect(
      stored.body.quotes.every(
        (q: { source: string; price: number }) => q.source === 'synthetic' && q.price > 0,
      ),
    ).toBe(true);
    // Stopping a finished run is a clear 409.
    expect((await httpJson(base, 'POST', `/quote-polling/${id}/stop`)).status).toBe(409);
  });

  it('stops by itself at the close (stopAt)', async () => {
    const started = await httpJson(base, 'POST', '/quote-polling', {
      symbols: ['SPY'],
      intervalSeconds: 0.2,
      ignoreMarketHours: true,
      stopAt: new Date(Date.now() + 1500).toISOString(),
    });
    const result = await eventually(async () => {
      const r = await httpJson(
        base,
        'GET',
        `/workflows/${encodeURIComponent(started.body.workflowId)}/result`,
      );
      return r.status === 200 ? r : undefined;
    });
    expect(result.body.result.stoppedBy).toBe('close');
    expect(result.body.result.iterations).toBeGreaterThanOrEqual(2);
  });

  it.each([
    [{ symbols: ['AAPL'], intervalSeconds: 0.01 }, /body\.intervalSeconds/],
    [{ symbols: [] }, /body\.symbols/],
    [{ symbols: ['AAPL'], provider: 'csv' }, /body\.provider/],
    [{ symbols: ['AAPL'], stopAt: 'tonight' }, /body\.stopAt/],
  ])('rejects %j', async (body, message) => {
    const r = await httpJson(base, 'POST', '/quote-polling', body);
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(message);
  });
});

describe('yahoo quote provider (generated responses through the real library; Yahoo is unreachable here)', () => {
  it('reads the regular-market price and time from the chart endpoint', async () => {
    const network = generatedYahooNetwork();
    const quotes = await createYahooQuoteProvider({ fetch: network.fetchImpl }).fetchQuotes(
      ['AAPL'],
      '2026-11-20T20:00:00Z',
    );
    const [lastBar] = await createSyntheticProvider({ seed: 7 }).fetchBars({
      symbol: 'AAPL',
      interval: '1d',
      from: '2026-11-20',
      to: '2026-11-20',
    });
    expect(quotes).toEqual([
      { symbol: 'AAPL', price: lastBar.close, timestamp: '2026-11-20T21:00:00.000Z', source: 'yahoo' },
    ]);
    expect(network.requests[0].pathname).toBe('/v8/finance/chart/AAPL');
    expect(network.requests[0].searchParams.get('interval')).toBe('1m');
  });
});
