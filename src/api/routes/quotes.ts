/** Near-real-time quote polling: start and stop polling runs, read stored quotes. */
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import { symbolList, tickerSymbol } from '../../pipeline/input';
import type { QuoteStore } from '../../store/quote-store';
import type { TemporalClients } from '../../temporal/client';
import { QUOTE_POLLING_WORKFLOW, QUOTE_PROVIDERS, stopPollingSignal } from '../../workflows/quote-polling';
import { errorNamed, HttpError, parseOr400 } from '../errors';
import { addAuditDetails } from '../audit-details';

const symbol = tickerSymbol;

const startBody = z
  .object({
    symbols: symbolList(50),
    provider: z.enum(QUOTE_PROVIDERS).default('synthetic'),
    intervalSeconds: z.number().min(0.1).max(3600).default(60),
    iterationsPerRun: z.number().int().min(1).max(10_000).default(500),
    stopAt: z.iso.datetime({ offset: true, message: 'must be an ISO-8601 instant' }).optional(),
    ignoreMarketHours: z.boolean().default(false),
  })
  .strict();

const isoInstant = z.iso.datetime({ offset: true, message: 'must be an ISO-8601 instant' });
const quotesQuery = z
  .object({
    from: isoInstant.optional(),
    to: isoInstant.optional(),
    limit: z.coerce.number().int().min(1).max(10_000).default(1000),
  })
  .strict();
const workflowIdParam = z.string().min(1).max(400);

/** The request schemas, for the generated OpenAPI document (src/api/openapi). */
export const quoteRequestSchemas = { symbol, startBody, quotesQuery, workflowIdParam };

export function quotesRouter(temporal: TemporalClients, quotes: QuoteStore): Router {
  const router = Router();

  router.post('/quote-polling', async (req, res) => {
    const input = parseOr400(startBody, req.body ?? {}, 'body');
    const workflowId = `quotes:${input.provider}:${new Date().toISOString().slice(0, 10)}:${randomUUID().slice(0, 8)}`;
    addAuditDetails(res, { workflowId });
    const handle = await temporal.client.workflow.start(QUOTE_POLLING_WORKFLOW, {
      taskQueue: temporal.taskQueue,
      workflowId,
      args: [input],
    });
    res.status(202).json({
      workflowId,
      runId: handle.firstExecutionRunId,
      links: {
        status: `/workflows/${encodeURIComponent(workflowId)}/status`,
        stop: `/quote-polling/${encodeURIComponent(workflowId)}/stop`,
      },
    });
  });

  router.post('/quote-polling/:id/stop', async (req, res) => {
    const workflowId = parseOr400(workflowIdParam, req.params.id, 'params.id');
    const handle = temporal.client.workflow.getHandle(workflowId);
    const description = await handle.describe();
    if (description.type !== QUOTE_POLLING_WORKFLOW) {
      throw new HttpError(
        400,
        'invalid_request',
        `Run ${workflowId} is a ${description.type}, not quote polling`,
      );
    }
    try {
      await handle.signal(stopPollingSignal, { reason: 'stopped through the API' });
    } catch (error) {
      if (errorNamed(error, 'WorkflowNotFoundError')) {
        throw new HttpError(409, 'not_running', `Quote polling ${workflowId} is not running`);
      }
      throw error;
    }
    res.status(202).json({ workflowId, status: 'STOP_REQUESTED' });
  });

  router.get('/quotes/:symbol', async (req, res) => {
    const sym = parseOr400(symbol, req.params.symbol, 'params.symbol');
    const { from, to, limit } = parseOr400(quotesQuery, req.query, 'query');
    const found = await quotes.getQuotes({ symbol: sym, from, to, limit });
    res.json({ symbol: sym, count: found.length, quotes: found });
  });

  return router;
}
