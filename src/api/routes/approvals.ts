/**
 * Human approval of flagged signals: approve or reject what a running pipeline is waiting on, and list approvals.
 * Decisions go to the workflow as Temporal signals (`approve` / `reject`); the list comes from the run store, where
 * the workflow records each approval when it starts waiting and again when it is decided or expires.
 *
 * The approver is the authenticated principal (`apikey:<id>` / `jwt:<sub>`), never a name from the body. With the
 * four-eyes rule (APPROVALS_REQUIRE_DIFFERENT_PRINCIPAL) the principal that started a run (its `StartedBy` search
 * attribute) may not approve its signals; rejecting them (the safe way) stays allowed. The audit row gets both.
 */
import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { tickerSymbol } from '../../pipeline/input';
import type { RunStore } from '../../store/run-store';
import type { TemporalClients } from '../../temporal/client';
import {
  APPROVAL_STATUSES,
  approvalsQuery,
  approveSignal,
  rejectSignal,
  type ApprovalDecisionInput,
} from '../../contracts/approvals';
import { TRADING_PIPELINE_WORKFLOW } from '../../contracts/workflow-names';
import { STARTED_BY } from '../../contracts/search-attributes';
import { principalOf } from '../../auth/middleware';
import type { TradeflowConfig } from '../../config';
import { addAuditDetails } from '../audit-details';
import { errorNamed, HttpError, parseOr400 } from '../errors';

const workflowIdParam = z.string().min(1).max(400);
const symbol = tickerSymbol;
const decisionBody = z
  .object({
    /**
     * Deprecated and ignored: the approver is the authenticated caller. Still accepted so that old clients keep
     * working; the audit row keeps it as `claimedApprover`.
     */
    approver: z.string().max(100).optional(),
    reason: z.string().trim().min(1, 'must say why').max(1000),
    symbols: z.array(symbol).min(1).max(100).optional(),
  })
  .strict();
const listQuery = z
  .object({
    status: z
      .enum(APPROVAL_STATUSES, { message: `must be one of ${APPROVAL_STATUSES.join(', ')}` })
      .optional(),
    workflowId: workflowIdParam.optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();

/** The request schemas, for the generated OpenAPI document (src/api/openapi). */
export const approvalRequestSchemas = { workflowIdParam, decisionBody, listQuery };

export function approvalsRouter(
  temporal: TemporalClients,
  runs: RunStore,
  config: { api: Pick<TradeflowConfig['api'], 'approvalsRequireDifferentPrincipal'> },
): Router {
  const router = Router();

  const decide = (decision: 'approved' | 'rejected') =>
    async function handle(req: Request, res: Response) {
      const workflowId = parseOr400(workflowIdParam, req.params.id, 'params.id');
      const parsed = parseOr400(decisionBody, req.body ?? {}, 'body');
      // Auth runs before every route but liveness, so a principal is always there; 'anonymous' only if wired without.
      const approver = principalOf(res)?.actor ?? 'anonymous';
      const body: ApprovalDecisionInput = { approver, reason: parsed.reason, symbols: parsed.symbols };
      addAuditDetails(res, {
        workflowId,
        decision,
        approver,
        ...(parsed.approver !== undefined ? { claimedApprover: parsed.approver } : {}),
      });
      const handle = temporal.client.workflow.getHandle(workflowId);
      const description = await handle.describe();
      // Runs started before StartedBy existed, or by a schedule, have no starter: null.
      const startedBy = description.typedSearchAttributes.get(STARTED_BY) ?? null;
      addAuditDetails(res, { startedBy });
      if (description.type !== TRADING_PIPELINE_WORKFLOW) {
        throw new HttpError(
          400,
          'invalid_request',
          `Run ${workflowId} is a ${description.type}, not a pipeline`,
        );
      }
      if (description.status.name !== 'RUNNING') {
        throw new HttpError(
          409,
          'not_running',
          `Run ${workflowId} is ${description.status.name}; nothing waits for approval`,
        );
      }
      if (
        decision === 'approved' &&
        config.api.approvalsRequireDifferentPrincipal &&
        startedBy === approver
      ) {
        // 409, not 403: the audit trail leaves 403s to the auth layer, and a refused self-approval belongs in it.
        throw new HttpError(
          409,
          'four_eyes',
          `${approver} started run ${workflowId} and may not approve its own signals ` +
            '(APPROVALS_REQUIRE_DIFFERENT_PRINCIPAL): another principal must approve; rejecting stays allowed',
          { workflowId, startedBy, approver },
        );
      }
      const approvals = await temporal.connection.withDeadline(Date.now() + 5000, () =>
        handle.query(approvalsQuery),
      );
      const pending = approvals.filter((a) => a.status === 'pending').map((a) => a.symbol);
      if (pending.length === 0) {
        throw new HttpError(
          409,
          'no_pending_approval',
          `Run ${workflowId} has no signal waiting for approval`,
        );
      }
      const notPending = (body.symbols ?? []).filter((s) => !pending.includes(s));
      if (notPending.length > 0) {
        throw new HttpError(
          409,
          'not_pending',
          `${notPending.join(', ')} ${notPending.length === 1 ? 'is' : 'are'} not waiting for approval in run ${workflowId} (pending: ${pending.join(', ')})`,
        );
      }
      try {
        await handle.signal(decision === 'approved' ? approveSignal : rejectSignal, body);
      } catch (error) {
        if (errorNamed(error, 'WorkflowNotFoundError')) {
          throw new HttpError(409, 'not_running', `Run ${workflowId} is no longer running`);
        }
        throw error;
      }
      res.status(202).json({
        workflowId,
        runId: description.runId,
        decision,
        symbols: body.symbols ?? pending,
        approver,
        startedBy,
        reason: body.reason,
      });
    };

  router.post('/workflows/:id/approve', decide('approved'));
  router.post('/workflows/:id/reject', decide('rejected'));

  router.get('/approvals', async (req, res) => {
    const query = parseOr400(listQuery, req.query, 'query');
    res.json({ approvals: await runs.listApprovals(query) });
  });

  return router;
}
