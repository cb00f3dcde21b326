/**
 * Request bounds on the routes that start work (audit item 10): absurd date ranges, spans and sizes are refused by
 * the zod schemas with a 400 naming the field, at once, before any calendar work. The routes are mounted on an
 * express app with the real error handler; the Temporal client is a real lazy one to an address nobody listens on,
 * which a 400 from validation never contacts (a request that got past validation would fail or hang instead).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { errorHandler } from '../../../src/api/errors';
import { backtestsRouter } from '../../../src/api/routes/backtests';
import { marketDataRouter } from '../../../src/api/routes/market-data';
import { schedulesRouter } from '../../../src/api/routes/schedules';
import { workflowsRouter } from '../../../src/api/routes/workflows';
import { loadConfig, type TradeflowConfig } from '../../../src/config';
import { createLogger } from '../../../src/logging';
import { createPipelineSchedules } from '../../../src/schedules/pipeline-schedules';
import { openStores, type Stores } from '../../../src/store';
import { createTemporalClients, type TemporalClients } from '../../../src/temporal/client';
import { TRADING_PIPELINE_API_NAME } from '../../../src/contracts/workflow-names';

/** The audit's attack: ten millennia of calendar before the 400 (7.5 s of event-loop work, 616 MiB for 30). */
const ATTACK = { from: '0100-01-04', to: '9999-12-30' };
/** A generous sanity bound: the checks are arithmetic on two day numbers. */
const FAST_MS = 1000;

interface Started {
  base: string;
  close(): Promise<void>;
}

async function startApi(env: Record<string, string> = {}): Promise<Started> {
  const config: TradeflowConfig = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'error',
    TEMPORAL_ADDRESS: '127.0.0.1:1',
    TRADEFLOW_DB_PATH: ':memory:',
    ...env,
  });
  const temporal: TemporalClients = createTemporalClients(config);
  const stores: Stores = openStores(':memory:');
  const app = express();
  app.use(express.json());
  app.use(workflowsRouter(temporal, config));
  app.use(marketDataRouter(stores.bars, temporal, config));
  app.use(backtestsRouter(temporal, stores.backtests, config));
  app.use(
    schedulesRouter(
      createPipelineSchedules(temporal.client, {
        taskQueue: config.temporal.taskQueue,
        cron: config.schedule.cron,
        timezone: config.schedule.timezone,
      }),
      config.requestBounds,
    ),
  );
  app.use(errorHandler(createLogger('error', 'test')));
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await temporal.close();
      await stores.close();
    },
  };
}

interface Refusal {
  status: number;
  ms: number;
  fields: string[];
  messages: Record<string, string>;
}

async function post(base: string, path: string, body: unknown): Promise<Refusal> {
  const started = performance.now();
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const ms = performance.now() - started;
  const json = (await response.json()) as {
    error?: { details?: { issues?: { field: string; message: string }[] } };
  };
  const issues = json.error?.details?.issues ?? [];
  return {
    status: response.status,
    ms,
    fields: issues.map((i) => i.field),
    messages: Object.fromEntries(issues.map((i) => [i.field, i.message])),
  };
}

const trigger = (parameters: Record<string, unknown>) => ({
  workflow_id: TRADING_PIPELINE_API_NAME,
  parameters,
});

describe('request bounds with the default maxima', () => {
  let api: Started;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api.close();
  });

  it('refuses the trigger with from 0100-01-04 / asOf 9999-12-30 at once, naming both fields', async () => {
    const refusal = await post(
      api.base,
      '/workflows/trigger',
      trigger({ symbols: ['AAPL'], from: ATTACK.from, asOf: ATTACK.to }),
    );
    expect(refusal.status).toBe(400);
    expect(refusal.fields).toEqual(expect.arrayContaining(['body.parameters.from', 'body.parameters.asOf']));
    expect(refusal.messages['body.parameters.from']).toMatch(/1970-01-01 to 2100-12-31/);
    expect(refusal.ms).toBeLessThan(FAST_MS);
  });

  it('refuses the same attack through the `to` alias', async () => {
    const refusal = await post(
      api.base,
      '/workflows/trigger',
      trigger({ symbols: ['AAPL'], from: ATTACK.from, to: ATTACK.to }),
    );
    expect(refusal.status).toBe(400);
    expect(refusal.fields).toEqual(expect.arrayContaining(['body.parameters.from', 'body.parameters.to']));
    expect(refusal.ms).toBeLessThan(FAST_MS);
  });

  it('refuses a window of in-range years whose calendar span exceeds 2520 sessions, before counting them', async () => {
    const refusal = await post(
      api.base,
      '/workflows/trigger',
      trigger({ symbols: ['AAPL'], from: '1970-01-02', asOf: '2100-12-30' }),
    );
    expect(refusal.status).toBe(400);
    expect(refusal.fields).toEqual(['body.parameters.from']);
    expect(refusal.messages['body.parameters.from']).toMatch(/spans 47844 calendar days; at most 3794/);
    expect(refusal.ms).toBeLessThan(FAST_MS);
  });

  it('refuses a from far in the past with the default asOf (today) without counting its sessions', async () => {
    const refusal = await post(
      api.base,
      '/workflows/trigger',
      trigger({ symbols: ['AAPL'], from: '1970-01-02' }),
    );
    expect(refusal.status).toBe(400);
    expect(refusal.fields).toEqual(['body.parameters.from']);
    expect(refusal.messages['body.parameters.from']).toMatch(/calendar days/);
  });

  it('still counts sessions exactly for a window just past the maximum', async () => {
    // 2015-08-17..2025-12-31 is under the calendar cap (3794 days) but holds 2610 sessions.
    const refusal = await post(
      api.base,
      '/workflows/trigger',
      trigger({ symbols: ['AAPL'], from: '2015-08-17', asOf: '2025-12-31' }),
    );
    expect(refusal.status).toBe(400);
    expect(refusal.messages['body.parameters.from']).toMatch(/holds 2610 sessions; it must hold 30-2520/);
  });

  it('refuses the backtest with from 0100-01-04 / to 9999-12-30 at once, naming both fields', async () => {
    const refusal = await post(api.base, '/backtests', { symbols: ['AAPL'], ...ATTACK });
    expect(refusal.status).toBe(400);
    expect(refusal.fields).toEqual(expect.arrayContaining(['body.from', 'body.to']));
    expect(refusal.messages['body.from']).toMatch(/1970-01-01 to 2100-12-31/);
    expect(refusal.ms).toBeLessThan(FAST_MS);
  });

  it('refuses a backtest range of in-range years longer than TRADEFLOW_MAX_BACKTEST_SESSIONS', async () => {
    const refusal = await post(api.base, '/backtests', {
      symbols: ['AAPL'],
      from: '1970-01-02',
      to: '2100-12-30',
    });
    expect(refusal.status).toBe(400);
    expect(refusal.fields).toEqual(['body.to']);
    expect(refusal.messages['body.to']).toMatch(/calendar days; at most 11354 \(7560 sessions/);
    expect(refusal.ms).toBeLessThan(FAST_MS);
  });

  it('refuses a backtest date that is not a real date (it used to throw inside the session count)', async () => {
    const refusal = await post(api.base, '/backtests', {
      symbols: ['AAPL'],
      from: '2025-02-30',
      to: '2025-12-31',
    });
    expect(refusal.status).toBe(400);
    expect(refusal.messages['body.from']).toBe('must be a real calendar date');
  });

  it('refuses POST /market-data/ingest with from 0100-01-04 / to 9999-12-30 at once, naming both fields', async () => {
    const refusal = await post(api.base, '/market-data/ingest', { symbols: ['AAPL'], ...ATTACK });
    expect(refusal.status).toBe(400);
    expect(refusal.fields).toEqual(expect.arrayContaining(['body.from', 'body.to']));
    expect(refusal.messages['body.to']).toMatch(/1970-01-01 to 2100-12-31/);
    expect(refusal.ms).toBeLessThan(FAST_MS);
  });

  it('refuses an ingest span longer than TRADEFLOW_MAX_INGEST_DAYS', async () => {
    const refusal = await post(api.base, '/market-data/ingest', {
      symbols: ['AAPL'],
      from: '1970-01-02',
      to: '2100-12-30',
    });
    expect(refusal.status).toBe(400);
    expect(refusal.fields).toEqual(['body.to']);
    expect(refusal.messages['body.to']).toMatch(/spans 47844 calendar days; at most 18300/);
  });

  it('keeps the other maxima: 101 symbols, 200 001 paths and horizon 251 are refused by name', async () => {
    const symbols = Array.from({ length: 101 }, (_, i) => `S${i}`);
    const refusal = await post(
      api.base,
      '/workflows/trigger',
      trigger({ symbols, monteCarloPaths: 200_001, horizonDays: 251, lookbackDays: 2521 }),
    );
    expect(refusal.status).toBe(400);
    expect(refusal.fields.sort()).toEqual([
      'body.parameters.horizonDays',
      'body.parameters.lookbackDays',
      'body.parameters.monteCarloPaths',
      'body.parameters.symbols',
    ]);
  });

  it('answers 30 concurrent attacks at once', async () => {
    const started = performance.now();
    const refusals = await Promise.all(
      Array.from({ length: 30 }, () =>
        post(
          api.base,
          '/workflows/trigger',
          trigger({ symbols: ['AAPL'], from: ATTACK.from, asOf: ATTACK.to }),
        ),
      ),
    );
    expect(refusals.map((r) => r.status)).toEqual(Array(30).fill(400));
    expect(performance.now() - started).toBeLessThan(2 * FAST_MS);
  });
});

describe('request bounds from the configuration', () => {
  let api: Started;
  beforeAll(async () => {
    api = await startApi({
      TRADEFLOW_MIN_YEAR: '2000',
      TRADEFLOW_MAX_YEAR: '2030',
      TRADEFLOW_MAX_SYMBOLS: '2',
      TRADEFLOW_MAX_LOOKBACK_SESSIONS: '100',
      TRADEFLOW_MAX_MONTE_CARLO_PATHS: '5000',
      TRADEFLOW_MAX_HORIZON_DAYS: '10',
      TRADEFLOW_MAX_BACKTEST_SYMBOLS: '1',
      TRADEFLOW_MAX_BACKTEST_SESSIONS: '60',
      TRADEFLOW_MAX_INGEST_SYMBOLS: '1',
      TRADEFLOW_MAX_INGEST_DAYS: '31',
    });
  });
  afterAll(async () => {
    await api.close();
  });

  it('applies the configured pipeline maxima', async () => {
    const refusal = await post(
      api.base,
      '/workflows/trigger',
      trigger({
        symbols: ['AAPL', 'MSFT', 'SPY'],
        lookbackDays: 101,
        monteCarloPaths: 5001,
        horizonDays: 11,
        asOf: '1999-12-31',
      }),
    );
    expect(refusal.status).toBe(400);
    expect(refusal.fields.sort()).toEqual([
      'body.parameters.asOf',
      'body.parameters.horizonDays',
      'body.parameters.lookbackDays',
      'body.parameters.monteCarloPaths',
      'body.parameters.symbols',
    ]);
    expect(refusal.messages['body.parameters.symbols']).toMatch(/at most 2 symbols/);
    expect(refusal.messages['body.parameters.asOf']).toMatch(/2000-01-01 to 2030-12-31/);
  });

  it("applies the configured maxima to a schedule's parameters (its runs would all be refused)", async () => {
    const refusal = await post(api.base, '/schedules', {
      scheduleId: 'too-wide',
      parameters: { symbols: ['AAPL', 'MSFT', 'SPY'], lookbackDays: 101 },
    });
    expect(refusal.status).toBe(400);
    expect(refusal.fields.sort()).toEqual(['body.parameters.lookbackDays', 'body.parameters.symbols']);
    expect(refusal.messages['body.parameters.symbols']).toMatch(/at most 2 symbols \(TRADEFLOW_MAX_SYMBOLS/);
  });

  it('applies the configured window cap to an explicit from', async () => {
    const refusal = await post(
      api.base,
      '/workflows/trigger',
      trigger({ symbols: ['AAPL'], from: '2025-01-02', asOf: '2025-12-31' }),
    );
    expect(refusal.status).toBe(400);
    expect(refusal.messages['body.parameters.from']).toMatch(/at most 164 \(100 sessions/);
  });

  it('applies the configured backtest and ingest maxima', async () => {
    const tooMany = await post(api.base, '/backtests', {
      symbols: ['AAPL', 'MSFT'],
      from: '2025-01-02',
      to: '2025-03-31',
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.messages['body.symbols']).toMatch(/at most 1 symbols/);
    // Under the calendar cap (104 days for 60 sessions), so the sessions are counted: 71 of them.
    const tooLong = await post(api.base, '/backtests', {
      symbols: ['AAPL'],
      from: '2025-01-02',
      to: '2025-04-15',
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.fields).toEqual(['body.to']);
    expect(tooLong.messages['body.to']).toMatch(/holds 71 trading sessions; at most 60/);

    const ingestSymbols = await post(api.base, '/market-data/ingest', {
      symbols: ['AAPL', 'MSFT'],
      from: '2025-01-02',
      to: '2025-01-10',
    });
    expect(ingestSymbols.status).toBe(400);
    expect(ingestSymbols.fields).toEqual(['body.symbols']);
    const ingest = await post(api.base, '/market-data/ingest', {
      symbols: ['AAPL'],
      from: '2025-01-02',
      to: '2025-03-01',
    });
    expect(ingest.status).toBe(400);
    expect(ingest.fields).toEqual(['body.to']);
    expect(ingest.messages['body.to']).toMatch(/at most 31 \(TRADEFLOW_MAX_INGEST_DAYS\)/);
  });
});
