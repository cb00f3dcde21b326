/** Stored bars by symbol, interval and date range; ingest runs started on demand (e.g. intraday bars). */
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import type { TradeflowConfig } from '../../config';
import { BAR_INTERVALS, PROVIDER_NAMES } from '../../market-data/bar';
import { isIsoDate } from '../../market-data/sessions';
import { calendarSpanDays, DEFAULT_REQUEST_BOUNDS, type RequestBounds } from '../../pipeline/bounds';
import { isoDateWithin, symbolList, tickerSymbol } from '../../pipeline/input';
import type { BarStore } from '../../store/bar-store';
import type { TemporalClients } from '../../temporal/client';
import { INGEST_MARKET_DATA_WORKFLOW } from '../../contracts/workflow-names';
import type { IngestMarketDataInput } from '../../contracts/pipeline';
import { addAuditDetails } from '../audit-details';
import { HttpError, parseOr400 } from '../errors';

const isoDate = z.string().refine(isIsoDate, 'must be a real date in YYYY-MM-DD form');
const interval = z.enum(BAR_INTERVALS, { message: `must be one of ${BAR_INTERVALS.join(', ')}` });
const marketDataQuery = z
  .object({ from: isoDate.optional(), to: isoDate.optional(), interval: interval.default('1d') })
  .strict()
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'must not be before from', path: ['to'] });
const symbol = tickerSymbol;

/** The ingest request for the given bounds (TRADEFLOW_MAX_INGEST_*): year-bounded dates, a capped span. */
export function ingestBodyFor(bounds: RequestBounds) {
  const boundedDate = isoDateWithin(bounds);
  return z
    .object({
      symbols: symbolList(bounds.maxIngestSymbols, 'TRADEFLOW_MAX_INGEST_SYMBOLS'),
      from: boundedDate,
      to: boundedDate,
      interval: interval.default('1d'),
      provider: z.enum(PROVIDER_NAMES).optional(),
      refresh: z.boolean().default(false),
    })
    .strict()
    .superRefine((b, ctx) => {
      const span = calendarSpanDays(b.from, b.to);
      if (span < 0) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
      else if (span > bounds.maxIngestDays) {
        ctx.addIssue({
          code: 'custom',
          path: ['to'],
          message: `the range ${b.from}..${b.to} spans ${span} calendar days; at most ${bounds.maxIngestDays} (TRADEFLOW_MAX_INGEST_DAYS)`,
        });
      }
    });
}

const ingestBody = ingestBodyFor(DEFAULT_REQUEST_BOUNDS);

/** The request schemas, for the generated OpenAPI document (src/api/openapi). */
export const marketDataRequestSchemas = { symbol, marketDataQuery, ingestBody };

export function marketDataRouter(bars: BarStore, temporal: TemporalClients, config: TradeflowConfig): Router {
  const router = Router();
  const boundedIngestBody = ingestBodyFor(config.requestBounds);

  router.get('/market-data/:symbol', async (req, res) => {
    const sym = parseOr400(symbol, req.params.symbol, 'params.symbol');
    const { from, to, interval: barInterval } = parseOr400(marketDataQuery, req.query, 'query');
    const found = await bars.getBars({ symbol: sym, interval: barInterval, from, to });
    if (found.length === 0 && (await bars.countBars(sym)) === 0) {
      throw new HttpError(
        404,
        'symbol_not_found',
        `No bars stored for ${sym}; run a pipeline that ingests it first`,
      );
    }
    const events = await bars.getEvents({ symbol: sym, from, to });
    res.json({
      symbol: sym,
      interval: barInterval,
      from: from ?? null,
      to: to ?? null,
      count: found.length,
      bars: found,
      events,
    });
  });

  router.post('/market-data/ingest', async (req, res) => {
    const body = parseOr400(boundedIngestBody, req.body ?? {}, 'body');
    const input: IngestMarketDataInput = {
      ...body,
      provider: body.provider ?? config.marketData.defaultProvider,
    };
    const workflowId = `ingest:${input.interval}:${input.from}:${input.to}:${randomUUID().slice(0, 8)}`;
    addAuditDetails(res, { workflowId, symbols: input.symbols.length });
    const handle = await temporal.client.workflow.start(INGEST_MARKET_DATA_WORKFLOW, {
      taskQueue: temporal.taskQueue,
      workflowId,
      args: [input],
    });
    res.status(202).json({
      workflowId,
      runId: handle.firstExecutionRunId,
      input,
      links: {
        status: `/workflows/${encodeURIComponent(workflowId)}/status`,
        result: `/workflows/${encodeURIComponent(workflowId)}/result`,
      },
    });
  });

  return router;
}
