/** Strategy backtests: start one, then read its status, progress and stored results. */
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import { resolveBacktestInput } from '../../backtest/input';
import type { TradeflowConfig } from '../../config';
import type { BacktestStore } from '../../store/backtest-store';
import type { TemporalClients } from '../../temporal/client';
import { BACKTEST_WORKFLOW, backtestProgressQuery } from '../../workflows/backtest';
import { badRequest, HttpError, parseOr400 } from '../errors';
import { addAuditDetails } from '../audit-details';

const idParam = z
  .string()
  .regex(/^backtest:[A-Za-z0-9_.-]{1,64}$/, 'must be a backtest id such as backtest:1a2b3c4d');

/** The request schemas, for the generated OpenAPI document (src/api/openapi); the body is `backtestInputSchema`. */
export const backtestRequestSchemas = { idParam };

export function backtestsRouter(
  temporal: TemporalClients,
  backtests: BacktestStore,
  config: TradeflowConfig,
): Router {
  const router = Router();

  router.post('/backtests', async (req, res) => {
    const resolved = resolveBacktestInput(
      req.body ?? {},
      config.marketData.defaultProvider,
      config.requestBounds,
    );
    if (!resolved.ok) throw badRequest(resolved.issues.map((i) => ({ ...i, field: `body.${i.field}` })));
    const backtestId = `backtest:${randomUUID().slice(0, 8)}`;
    addAuditDetails(res, { workflowId: backtestId });
    const handle = await temporal.client.workflow.start(BACKTEST_WORKFLOW, {
      taskQueue: temporal.taskQueue,
      workflowId: backtestId,
      args: [req.body as unknown],
    });
    res.status(202).json({
      backtestId,
      runId: handle.firstExecutionRunId,
      links: { self: `/backtests/${encodeURIComponent(backtestId)}` },
    });
  });

  router.get('/backtests/:id', async (req, res) => {
    const backtestId = parseOr400(idParam, req.params.id, 'params.id');
    const handle = temporal.client.workflow.getHandle(backtestId);
    const description = await handle.describe();
    if (description.type !== BACKTEST_WORKFLOW) {
      throw new HttpError(404, 'backtest_not_found', `No backtest ${backtestId}`);
    }
    let progress: unknown = null;
    try {
      progress = await temporal.connection.withDeadline(Date.now() + 3000, () =>
        handle.query(backtestProgressQuery),
      );
    } catch {
      // no worker can answer right now
    }
    let error: string | undefined;
    if (description.status.name === 'FAILED') {
      error = await handle.result().then(
        () => undefined,
        (e: unknown) => {
          let current = e as { message?: string; cause?: unknown };
          while (current.cause && typeof current.cause === 'object') current = current.cause;
          return current.message;
        },
      );
    }
    const results = await backtests.getBacktests(backtestId);
    res.json({
      backtestId,
      status: description.status.name,
      progress,
      ...(error ? { error } : {}),
      results: results.map(({ symbol, summary, equity }) => ({ symbol, summary, equity })),
    });
  });

  return router;
}
