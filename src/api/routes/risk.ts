/** Stored risk reports and the VaR backtests that run inside the risk stage. */
import { Router } from 'express';
import { z } from 'zod';
import type { RunStore } from '../../store/run-store';
import { HttpError, parseOr400 } from '../errors';

const runIdParam = z.string().regex(/^[0-9a-fA-F-]{8,64}$/, 'must be a Temporal run id (a UUID)');
const listQuery = z
  .object({
    book: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,40}$/, 'must be 1-40 letters, digits, "_" or "-"')
      .optional(),
    limit: z.coerce.number().int().min(1).max(250).default(20),
  })
  .strict();

/** The request schemas, for the generated OpenAPI document (src/api/openapi). */
export const riskRequestSchemas = { runIdParam, listQuery };

export function riskRouter(runs: RunStore): Router {
  const router = Router();

  router.get('/risk/reports/:runId', async (req, res) => {
    const runId = parseOr400(runIdParam, req.params.runId, 'params.runId');
    const found = await runs.findRiskReport(runId);
    if (!found) throw new HttpError(404, 'risk_report_not_found', `No risk report stored for run ${runId}`);
    res.json(found);
  });

  router.get('/risk/backtests/var', async (req, res) => {
    const { book, limit } = parseOr400(listQuery, req.query, 'query');
    const reports = await runs.listRiskReports({ book, limit });
    res.json({
      backtests: reports.map(({ workflowId, runId, asOf, report }) => ({
        workflowId,
        runId,
        asOf,
        backtest: (report as { backtest?: unknown }).backtest ?? null,
      })),
    });
  });

  return router;
}
