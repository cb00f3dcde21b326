/** Starting, listing, watching and cancelling pipeline runs. */
import { randomUUID } from 'node:crypto';
import { type Response, Router } from 'express';
import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter, WorkflowIdReusePolicy } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { z } from 'zod';
import { TICKER_PATTERN } from '../../contracts/ticker';
import type { TemporalClients } from '../../temporal/client';
import { resolvePipelineInput } from '../../pipeline/resolve';
import type { ApiMetrics } from '../metrics';
import { createReadCache } from '../read-cache';
import type { TradeflowConfig } from '../../config';
import {
  TRADING_PIPELINE_API_NAME,
  TRADING_PIPELINE_WORKFLOW,
  pipelineWorkflowId,
  progressQuery,
} from '../../contracts/workflow-names';
import { BACKTEST_WORKFLOW } from '../../workflows/backtest';
import type { TradingPipelineResult } from '../../contracts/pipeline';
import {
  PIPELINE_STAGE,
  PIPELINE_STAGES,
  RISK_STATUS,
  RISK_STATUSES,
  STARTED_BY,
  SYMBOLS,
} from '../../contracts/search-attributes';
import { badRequest, errorNamed, HttpError, parseOr400 } from '../errors';
import { principalOf } from '../../auth/middleware';
import { addAuditDetails } from '../audit-details';
import { createRunCap, visibilityLiteral } from '../run-cap';

const triggerBody = z
  .object({
    workflow_id: z.literal(TRADING_PIPELINE_API_NAME, {
      message: `must be "${TRADING_PIPELINE_API_NAME}" (the only workflow this API starts)`,
    }),
    parameters: z.record(z.string(), z.unknown(), { message: 'must be an object of pipeline parameters' }),
    idempotency_key: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 letters, digits, ".", "_" or "-"')
      .optional(),
  })
  .strict();

const workflowIdParam = z.string().min(1).max(400);

/** Workflow types `POST /workflows/:id/cancel` cancels; any other run answers 400. */
const CANCELLABLE_WORKFLOW_TYPES: readonly string[] = [TRADING_PIPELINE_WORKFLOW, BACKTEST_WORKFLOW];

/** The longest a result request may wait for its run to close. */
export const MAX_RESULT_WAIT_SECONDS = 60;

const EXECUTION_STATUSES = [
  'RUNNING',
  'COMPLETED',
  'FAILED',
  'CANCELED',
  'TERMINATED',
  'TIMED_OUT',
  'CONTINUED_AS_NEW',
] as const;
const STATUS_QUERY_NAMES: Record<(typeof EXECUTION_STATUSES)[number], string> = {
  RUNNING: 'Running',
  COMPLETED: 'Completed',
  FAILED: 'Failed',
  CANCELED: 'Canceled',
  TERMINATED: 'Terminated',
  TIMED_OUT: 'TimedOut',
  CONTINUED_AS_NEW: 'ContinuedAsNew',
};

/**
 * Temporal's visibility stores (SQL and Elasticsearch alike) page with a JSON token, which this API hands out as
 * base64url. Anything else is refused here: the server answers a token it cannot parse with an internal error that
 * the client retries until its deadline, which would look like an outage (503) after seconds instead of a 400.
 */
function isVisibilityPageToken(token: string): boolean {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    return typeof decoded === 'object' && decoded !== null;
  } catch {
    return false;
  }
}

const listQuery = z
  .object({
    status: z
      .string()
      .transform((s) => (s.toUpperCase() === 'CANCELED' ? 'CANCELLED' : s.toUpperCase()))
      .pipe(z.enum(EXECUTION_STATUSES))
      .optional(),
    symbol: z
      .string()
      .transform((s) => s.toUpperCase())
      .pipe(z.string().regex(TICKER_PATTERN, 'must be a ticker symbol'))
      .optional(),
    stage: z.enum(PIPELINE_STAGES).optional(),
    riskStatus: z.enum(RISK_STATUSES).optional(),
    pageSize: z.coerce.number().int().min(1).max(200).default(20),
    pageToken: z
      .string()
      .max(4096)
      .regex(/^[A-Za-z0-9+/=_-]*$/, 'must be a token returned by a previous page')
      .refine(isVisibilityPageToken, 'must be a token returned by a previous page')
      .optional(),
  })
  .strict();

/** `?waitSeconds=N`: hold the request up to N seconds until the run closes (a long poll instead of polling). */
const resultQuery = z
  .object({ waitSeconds: z.coerce.number().int().min(0).max(MAX_RESULT_WAIT_SECONDS).default(0) })
  .strict();

/** The request schemas, for the generated OpenAPI document (src/api/openapi). */
export const workflowRequestSchemas = { triggerBody, workflowIdParam, listQuery, resultQuery };

/**
 * Waits until the run closes, at most `waitMs`, or until the HTTP client goes away. Temporal's long poll on the
 * run's history does the waiting, so a waiting request costs the API no work. Answers the result when the run
 * completed within the wait (the long poll already carried it); otherwise (deadline passed, client gone, the run
 * failed, was cancelled or continued as new) undefined, and the caller describes the run again.
 */
async function waitForCompletion(
  temporalClients: TemporalClients,
  run: WorkflowHandle,
  waitMs: number,
  res: Response,
): Promise<{ result: unknown } | undefined> {
  // The response closes before it is sent only when the client went away.
  const clientGone = new AbortController();
  const onClose = () => clientGone.abort();
  res.once('close', onClose);
  try {
    const result: unknown = await temporalClients.connection.withDeadline(Date.now() + waitMs, () =>
      temporalClients.connection.withAbortSignal(clientGone.signal, () => run.result()),
    );
    return { result };
  } catch {
    return undefined;
  } finally {
    res.off('close', onClose);
  }
}

export function workflowsRouter(
  temporalClients: TemporalClients,
  config: TradeflowConfig,
  metrics?: Pick<ApiMetrics, 'pipelinesTriggered'>,
): Router {
  const router = Router();
  const { client } = temporalClients;
  const uiLink = (workflowId: string, runId?: string) =>
    `${temporalClients.uiUrl}/namespaces/${encodeURIComponent(temporalClients.namespace)}/workflows/${encodeURIComponent(workflowId)}${runId ? `/${runId}` : ''}`;

  // Runs in flight per principal, counted in visibility (survives restarts, shared by replicas; see run-cap.ts).
  const runCap = createRunCap({
    max: config.api.maxRunsInFlightPerPrincipal,
    countRunning: async (actor) => {
      const query = [
        `WorkflowType = '${TRADING_PIPELINE_WORKFLOW}'`,
        `TaskQueue = ${visibilityLiteral(temporalClients.taskQueue)}`,
        `StartedBy = ${visibilityLiteral(actor)}`,
        `ExecutionStatus = 'Running'`,
      ].join(' AND ');
      return (await client.workflow.count(query)).count;
    },
  });

  router.post('/workflows/trigger', async (req, res) => {
    // Auth runs before every route but liveness, so a principal is always there; 'anonymous' only if wired without.
    const startedBy = principalOf(res)?.actor ?? 'anonymous';
    const body = parseOr400(triggerBody, req.body ?? {}, 'body');
    const resolved = resolvePipelineInput(body.parameters, {
      referenceTime: new Date().toISOString(),
      defaultProvider: config.marketData.defaultProvider,
      bounds: config.requestBounds,
    });
    if (!resolved.ok) {
      throw badRequest(resolved.issues.map((i) => ({ ...i, field: `body.parameters.${i.field}` })));
    }
    const input = resolved.value;
    // The workflow gets the caller's parameters with the date pinned, so the run ID and the run agree on the day.
    const parameters = { ...body.parameters, asOf: input.asOf };
    const workflowId = pipelineWorkflowId(
      input.book,
      input.asOf,
      body.idempotency_key ?? randomUUID().slice(0, 8),
    );
    addAuditDetails(res, { workflowId, startedBy });
    const slot = await runCap.reserve(startedBy);
    try {
      const handle = await client.workflow.start(TRADING_PIPELINE_WORKFLOW, {
        taskQueue: temporalClients.taskQueue,
        workflowId,
        args: [parameters],
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        typedSearchAttributes: [
          { key: SYMBOLS, value: input.symbols },
          { key: PIPELINE_STAGE, value: 'queued' },
          { key: RISK_STATUS, value: 'pending' },
          { key: STARTED_BY, value: startedBy },
        ],
      });
      metrics?.pipelinesTriggered.inc({ analyst: input.analyst ?? config.signals.defaultAnalyst });
      res.status(202).json({
        workflowId,
        runId: handle.firstExecutionRunId,
        asOf: input.asOf,
        links: {
          status: `/workflows/${encodeURIComponent(workflowId)}/status`,
          result: `/workflows/${encodeURIComponent(workflowId)}/result`,
          temporalUi: uiLink(workflowId, handle.firstExecutionRunId),
        },
      });
    } catch (error) {
      if (errorNamed(error, 'WorkflowExecutionAlreadyStartedError')) {
        throw new HttpError(
          409,
          'already_started',
          `A run with id ${workflowId} already exists (idempotency_key reused)`,
          {
            workflowId,
          },
        );
      }
      throw error;
    } finally {
      // Started or not, visibility counts the run from now on (within its lag).
      slot.release();
    }
  });

  // Many clients poll the same list; one visibility query per distinct list per API_LIST_CACHE_MS serves them all.
  const listCache = createReadCache<object>(config.api.listCacheMs);

  router.get('/workflows', async (req, res) => {
    const query = parseOr400(listQuery, req.query, 'query');
    res.json(await listCache.get(JSON.stringify(query), () => listRuns(query)));
  });

  const listRuns = async (query: z.infer<typeof listQuery>) => {
    const clauses = [`WorkflowType = '${TRADING_PIPELINE_WORKFLOW}'`];
    // Every value below was validated against a closed set or a strict pattern, so it is safe to interpolate.
    if (query.status) clauses.push(`ExecutionStatus = '${STATUS_QUERY_NAMES[query.status]}'`);
    if (query.symbol) clauses.push(`Symbols = '${query.symbol}'`);
    if (query.stage) clauses.push(`PipelineStage = '${query.stage}'`);
    if (query.riskStatus) clauses.push(`RiskStatus = '${query.riskStatus}'`);
    const response = await client.workflowService.listWorkflowExecutions({
      namespace: temporalClients.namespace,
      pageSize: query.pageSize,
      nextPageToken: query.pageToken ? Buffer.from(query.pageToken, 'base64url') : undefined,
      query: clauses.join(' AND '),
    });
    const runs = (response.executions ?? []).map((execution) => summarizeExecution(execution, uiLink));
    const next =
      response.nextPageToken && response.nextPageToken.length > 0
        ? Buffer.from(response.nextPageToken).toString('base64url')
        : null;
    return { runs, nextPageToken: next, query: clauses.join(' AND ') };
  };

  // A status read costs a describe and a live query answered by the run's worker, between its workflow tasks; many
  // clients watching one run share one such read per API_STATUS_CACHE_MS.
  const statusCache = createReadCache<object>(config.api.statusCacheMs, 10_000);

  router.get('/workflows/:id/status', async (req, res) => {
    const workflowId = parseOr400(workflowIdParam, req.params.id, 'params.id');
    res.json(await statusCache.get(workflowId, () => runStatus(workflowId)));
  });

  const runStatus = async (workflowId: string) => {
    const handle = client.workflow.getHandle(workflowId);
    const description = await handle.describe();
    let progress: unknown = null;
    try {
      progress = await temporalClients.connection.withDeadline(Date.now() + 3000, () =>
        handle.query(progressQuery),
      );
    } catch {
      // No worker able to answer right now; status still answers, with progress null.
    }
    return {
      workflowId,
      runId: description.runId,
      type: description.type,
      status: description.status.name,
      startTime: description.startTime,
      closeTime: description.closeTime ?? null,
      stage: description.typedSearchAttributes.get(PIPELINE_STAGE) ?? null,
      riskStatus: description.typedSearchAttributes.get(RISK_STATUS) ?? null,
      symbols: description.typedSearchAttributes.get(SYMBOLS) ?? [],
      progress,
      links: { temporalUi: uiLink(workflowId, description.runId) },
    };
  };

  router.get('/workflows/:id/result', async (req, res) => {
    const workflowId = parseOr400(workflowIdParam, req.params.id, 'params.id');
    const { waitSeconds } = parseOr400(resultQuery, req.query, 'query');
    const handle = client.workflow.getHandle(workflowId);
    const description = await handle.describe();
    if (description.status.name === 'RUNNING' && waitSeconds > 0) {
      // The described run itself (not following continue-as-new), so a result it carries belongs to that runId.
      const run = client.workflow.getHandle(workflowId, description.runId, { followRuns: false });
      const completed = await waitForCompletion(temporalClients, run, waitSeconds * 1000, res);
      if (completed) {
        res.json({ workflowId, runId: description.runId, status: 'COMPLETED', result: completed.result });
        return;
      }
      // The wait may outlast the request's Temporal deadline (API_TEMPORAL_TIMEOUT_MS): the calls after it get a
      // fresh one.
      await temporalClients.connection.withDeadline(Date.now() + config.api.temporalTimeoutMs, async () =>
        sendResult(res, handle, await handle.describe()),
      );
      return;
    }
    await sendResult(res, handle, description);
  });

  /** 202 while the run is open; else its result, or the failure it ended with. */
  const sendResult = async (
    res: Response,
    handle: WorkflowHandle,
    description: Awaited<ReturnType<WorkflowHandle['describe']>>,
  ) => {
    const { workflowId } = handle;
    const status = description.status.name;
    if (status === 'RUNNING') {
      res
        .status(202)
        .json({ workflowId, runId: description.runId, status, message: 'The run has not finished yet' });
      return;
    }
    try {
      const result = (await handle.result()) as TradingPipelineResult;
      res.json({ workflowId, runId: description.runId, status, result });
    } catch (error) {
      res.json({ workflowId, runId: description.runId, status, error: rootFailure(error) });
    }
  };

  router.post('/workflows/:id/cancel', async (req, res) => {
    const workflowId = parseOr400(workflowIdParam, req.params.id, 'params.id');
    const handle = client.workflow.getHandle(workflowId);
    const description = await handle.describe();
    // Only the runs this API starts for cancelling (pipelines, backtests); quote polling has its own stop, and
    // system workflows (ingest children, audit retention) are not the caller's to cancel.
    if (!CANCELLABLE_WORKFLOW_TYPES.includes(description.type)) {
      throw new HttpError(
        400,
        'invalid_request',
        `Run ${workflowId} is a ${description.type}; only ${CANCELLABLE_WORKFLOW_TYPES.join(' and ')} runs can be cancelled here`,
      );
    }
    if (description.status.name !== 'RUNNING') {
      throw new HttpError(
        409,
        'not_running',
        `Run ${workflowId} is ${description.status.name}; only running runs can be cancelled`,
      );
    }
    await handle.cancel();
    res.status(202).json({ workflowId, runId: description.runId, status: 'CANCEL_REQUESTED' });
  });

  return router;
}

/** The innermost failure (e.g. the activity's ApplicationFailure under "Activity task failed") says what went wrong. */
function rootFailure(error: unknown): { message: string; type?: string } {
  let current = error as { message?: string; type?: string; name?: string; cause?: unknown };
  while (current.cause && typeof current.cause === 'object') {
    current = current.cause;
  }
  return { message: current.message ?? String(error), type: current.type ?? current.name };
}

type RawExecution = temporal.api.workflow.v1.IWorkflowExecutionInfo;

function summarizeExecution(execution: RawExecution, uiLink: (id: string, runId?: string) => string) {
  const fields = execution.searchAttributes?.indexedFields ?? {};
  const decode = (name: string): unknown => {
    const payload = fields[name];
    return payload ? defaultPayloadConverter.fromPayload(payload) : null;
  };
  const workflowId = execution.execution?.workflowId ?? '';
  const runId = execution.execution?.runId ?? undefined;
  const statusName = temporal.api.enums.v1.WorkflowExecutionStatus[execution.status ?? 0] ?? 'UNSPECIFIED';
  return {
    workflowId,
    runId,
    status: statusName.replace('WORKFLOW_EXECUTION_STATUS_', '').replace(/^CANCELED$/, 'CANCELLED'),
    startTime: timestampToIso(execution.startTime),
    closeTime: timestampToIso(execution.closeTime),
    symbols: (decode('Symbols') as string[] | null) ?? [],
    stage: decode('PipelineStage'),
    riskStatus: decode('RiskStatus'),
    links: {
      status: `/workflows/${encodeURIComponent(workflowId)}/status`,
      temporalUi: uiLink(workflowId, runId),
    },
  };
}

function timestampToIso(ts: { seconds?: unknown; nanos?: number | null } | null | undefined): string | null {
  if (!ts || ts.seconds === undefined || ts.seconds === null) return null;
  const millis = Number(ts.seconds) * 1000 + Math.floor((ts.nanos ?? 0) / 1e6);
  return new Date(millis).toISOString();
}
