/**
 * Every route the API mounts, once: its request schemas (the very zod schemas the route parses with) and the
 * responses it sends. document.ts turns this table into the OpenAPI document, adding the role each route needs
 * (from src/auth/policy.ts), the security schemes and the error responses every route shares. The integration test
 * compares this table's method + path pairs with the routes the Express app really mounts, both ways.
 */
import { z } from 'zod';
import type { ZodObjectInput } from 'zod-openapi';
import { backtestInputSchema } from '../../backtest/input';
import { pipelineInputSchema } from '../../pipeline/input';
import { backfillSchema, createScheduleSchema } from '../../schedules/pipeline-schedules';
import { apiKeyRequestSchemas } from '../routes/api-keys';
import { jwtRevocationRequestSchemas } from '../routes/jwt-revocations';
import { approvalRequestSchemas } from '../routes/approvals';
import { auditRequestSchemas } from '../routes/audit';
import { backtestRequestSchemas } from '../routes/backtests';
import { marketDataRequestSchemas } from '../routes/market-data';
import { quoteRequestSchemas } from '../routes/quotes';
import { riskRequestSchemas } from '../routes/risk';
import { scheduleRequestSchemas } from '../routes/schedules';
import { MAX_RESULT_WAIT_SECONDS, workflowRequestSchemas } from '../routes/workflows';
import * as s from './schemas';
import { SWAGGER_UI_ASSETS } from './swagger-ui';

export const TAGS = [
  { name: 'health', description: 'Liveness and readiness' },
  { name: 'workflows', description: 'Start, list, watch and cancel pipeline runs' },
  { name: 'approvals', description: 'Approve or reject flagged signals a run waits on' },
  { name: 'market-data', description: 'Stored bars and on-demand ingest runs' },
  { name: 'quotes', description: 'Near-real-time quote polling runs and stored quotes' },
  { name: 'risk', description: 'Stored risk reports and VaR backtests' },
  { name: 'backtests', description: 'Strategy backtests' },
  { name: 'schedules', description: 'Daily pipeline schedules (Temporal Schedules)' },
  { name: 'api-keys', description: 'API key administration' },
  { name: 'jwt-revocations', description: 'JWT revocation by jti or per-subject not-before' },
  { name: 'audit', description: 'The hash-chained audit log' },
  { name: 'auth', description: 'Who the credentials say the caller is' },
  { name: 'dashboard', description: 'The operations dashboard (a browser page and its files)' },
  { name: 'docs', description: 'This document and Swagger UI' },
] as const;

export type Tag = (typeof TAGS)[number]['name'];

export interface OperationResponse {
  description: string;
  /** A JSON body (`application/json`) unless `contentTypes` says otherwise; none for 204. */
  schema?: z.ZodType;
  /** Non-JSON bodies: content type → schema. */
  contentTypes?: Record<string, z.ZodType>;
}

export interface ApiOperation {
  method: 'GET' | 'POST' | 'DELETE';
  /** Express-style, exactly as the router and the policy table (`/workflows/:id/status`). */
  path: string;
  operationId: string;
  tag: Tag;
  summary: string;
  description?: string;
  pathParams?: ZodObjectInput;
  query?: ZodObjectInput;
  body?: { schema: z.ZodType; required: boolean; description?: string };
  /** What the route answers itself (successes, and errors with a body of their own). */
  responses: Record<number, OperationResponse>;
  /** Route-specific reasons for the shared error responses (the body is ApiError / ValidationError). */
  errors?: Partial<Record<400 | 404 | 409, string>>;
  /** The route calls Temporal, so an unreachable Temporal is a 503. */
  temporal?: boolean;
}

const w = workflowRequestSchemas;
const workflowIdPath = z.object({
  id: w.workflowIdParam.meta({ description: 'The workflow id (URL-encoded)' }),
});
const scheduleIdPath = z.object({ id: scheduleRequestSchemas.idParam });
const scheduleNotFound = 'No schedule with this id (code schedule_not_found)';
const runNotFound = 'No run with this workflow id (code workflow_not_found)';

const json = (description: string, schema: z.ZodType): OperationResponse => ({ description, schema });

export const API_OPERATIONS: readonly ApiOperation[] = [
  // ---- health
  {
    method: 'GET',
    path: '/health/live',
    operationId: 'getLiveness',
    tag: 'health',
    summary: 'Liveness: the process answers',
    responses: { 200: json('Alive', s.liveness) },
  },
  {
    method: 'GET',
    path: '/health/ready',
    operationId: 'getReadiness',
    tag: 'health',
    summary: 'Readiness: Temporal and the database answer',
    responses: {
      200: json('Ready', s.readiness),
      503: json('Not ready: `checks` says which dependency failed and why', s.readiness),
    },
  },

  // ---- workflows
  {
    method: 'POST',
    path: '/workflows/trigger',
    operationId: 'triggerPipeline',
    tag: 'workflows',
    summary: 'Start a trading pipeline run',
    description:
      'Starts `trading_pipeline` and answers at once (202) with the run ids and links to poll. `parameters` are ' +
      'the pipeline input; the workflow id is `pipeline:<book>:<asOf>:<idempotency_key or random>`, and reusing ' +
      'an idempotency key for the same book and day is a 409. The run records its starter (search attribute ' +
      '`StartedBy`); a caller with API_MAX_RUNS_IN_FLIGHT_PER_PRINCIPAL runs still running gets a 429 with code ' +
      '`too_many_runs`.',
    body: {
      required: true,
      schema: w.triggerBody.extend({ parameters: pipelineInputSchema }),
    },
    responses: { 202: json('Started', s.triggerAccepted) },
    errors: {
      400: 'A field is invalid (e.g. `body.parameters.symbols`), or the body is not JSON',
      409: 'A run with this idempotency key already exists for the book and day (code already_started)',
    },
    temporal: true,
  },
  {
    method: 'GET',
    path: '/workflows',
    operationId: 'listPipelineRuns',
    tag: 'workflows',
    summary: 'List pipeline runs (Temporal visibility), filtered and paged',
    description:
      '`status` is one of RUNNING, COMPLETED, FAILED, CANCELED (or CANCELLED), TERMINATED, TIMED_OUT, ' +
      'CONTINUED_AS_NEW, in any case; `symbol` is a ticker in any case.',
    query: w.listQuery,
    responses: { 200: json('One page of runs, newest first', s.runList) },
    temporal: true,
  },
  {
    method: 'GET',
    path: '/workflows/:id/status',
    operationId: 'getRunStatus',
    tag: 'workflows',
    summary: "A run's status, stage, risk status and live progress",
    pathParams: workflowIdPath,
    responses: { 200: json('The run', s.runStatus) },
    errors: { 404: runNotFound },
    temporal: true,
  },
  {
    method: 'GET',
    path: '/workflows/:id/result',
    operationId: 'getRunResult',
    tag: 'workflows',
    summary: "A run's result, optionally waiting for it (long poll)",
    description:
      `With \`waitSeconds\` (0-${MAX_RESULT_WAIT_SECONDS}) the request is held until the run closes or the time ` +
      'is up, instead of polling. A run still running answers 202.',
    pathParams: workflowIdPath,
    query: w.resultQuery,
    responses: {
      200: json('The run closed: its result, or the failure that ended it', s.runResult),
      202: json('The run has not finished yet', s.runStillRunning),
    },
    errors: { 400: 'waitSeconds is not an integer 0-60 (field `query.waitSeconds`)', 404: runNotFound },
    temporal: true,
  },
  {
    method: 'POST',
    path: '/workflows/:id/cancel',
    operationId: 'cancelRun',
    tag: 'workflows',
    summary: 'Request cancellation of a running run',
    pathParams: workflowIdPath,
    responses: { 202: json('Cancellation requested', s.cancelAccepted) },
    errors: { 404: runNotFound, 409: 'The run is not running (code not_running)' },
    temporal: true,
  },

  // ---- approvals
  ...(['approve', 'reject'] as const).map((verb): ApiOperation => ({
    method: 'POST',
    path: `/workflows/:id/${verb}`,
    operationId: `${verb}Signals`,
    tag: 'approvals',
    summary: `${verb === 'approve' ? 'Approve' : 'Reject'} flagged signals a run is waiting on`,
    description:
      'Sends the decision to the run as a Temporal signal. Without `symbols` it covers every pending one. The ' +
      'approver is the authenticated caller; a body `approver` is ignored (deprecated).',
    pathParams: z.object({ id: approvalRequestSchemas.workflowIdParam }),
    body: { required: true, schema: approvalRequestSchemas.decisionBody },
    responses: { 202: json('Decision sent', s.decisionAccepted) },
    errors: {
      400: 'A field is invalid, or the run is not a pipeline',
      404: runNotFound,
      409:
        'The run is not running, has nothing pending, or a named symbol is not pending; or (code four_eyes, ' +
        'with APPROVALS_REQUIRE_DIFFERENT_PRINCIPAL) the caller started the run and may not approve it',
    },
    temporal: true,
  })),
  {
    method: 'GET',
    path: '/approvals',
    operationId: 'listApprovals',
    tag: 'approvals',
    summary: 'Approvals, oldest request first',
    query: approvalRequestSchemas.listQuery,
    responses: { 200: json('Approvals', s.approvalList) },
  },

  // ---- market data
  {
    method: 'GET',
    path: '/market-data/:symbol',
    operationId: 'getBars',
    tag: 'market-data',
    summary: 'Stored bars (and splits/dividends) of a symbol',
    pathParams: z.object({ symbol: marketDataRequestSchemas.symbol }),
    query: marketDataRequestSchemas.marketDataQuery,
    responses: { 200: json('Bars in date order', s.barsPage) },
    errors: { 404: 'No bars are stored for the symbol at all (code symbol_not_found)' },
  },
  {
    method: 'POST',
    path: '/market-data/ingest',
    operationId: 'ingestMarketData',
    tag: 'market-data',
    summary: 'Start an ingest run (e.g. intraday bars)',
    body: { required: true, schema: marketDataRequestSchemas.ingestBody },
    responses: { 202: json('Started', s.ingestAccepted) },
    temporal: true,
  },

  // ---- quotes
  {
    method: 'POST',
    path: '/quote-polling',
    operationId: 'startQuotePolling',
    tag: 'quotes',
    summary: 'Start polling quotes for symbols',
    body: { required: true, schema: quoteRequestSchemas.startBody },
    responses: { 202: json('Started', s.pollingAccepted) },
    temporal: true,
  },
  {
    method: 'POST',
    path: '/quote-polling/:id/stop',
    operationId: 'stopQuotePolling',
    tag: 'quotes',
    summary: 'Stop a quote polling run',
    pathParams: z.object({ id: quoteRequestSchemas.workflowIdParam }),
    responses: { 202: json('Stop requested', s.pollingStopAccepted) },
    errors: {
      400: 'The run is not quote polling',
      404: runNotFound,
      409: 'The run is not running (code not_running)',
    },
    temporal: true,
  },
  {
    method: 'GET',
    path: '/quotes/:symbol',
    operationId: 'getQuotes',
    tag: 'quotes',
    summary: 'Stored quotes of a symbol',
    pathParams: z.object({ symbol: quoteRequestSchemas.symbol }),
    query: quoteRequestSchemas.quotesQuery,
    responses: { 200: json('Quotes', s.quoteList) },
  },

  // ---- risk
  {
    method: 'GET',
    path: '/risk/reports/:runId',
    operationId: 'getRiskReport',
    tag: 'risk',
    summary: "A run's stored risk report",
    pathParams: z.object({ runId: riskRequestSchemas.runIdParam }),
    responses: { 200: json('The report', s.riskReport) },
    errors: { 404: 'No risk report is stored for the run (code risk_report_not_found)' },
  },
  {
    method: 'GET',
    path: '/risk/backtests/var',
    operationId: 'listVarBacktests',
    tag: 'risk',
    summary: 'The VaR backtests of the most recent risk reports',
    query: riskRequestSchemas.listQuery,
    responses: { 200: json('Newest first', s.varBacktests) },
  },

  // ---- backtests
  {
    method: 'POST',
    path: '/backtests',
    operationId: 'startBacktest',
    tag: 'backtests',
    summary: 'Start a strategy backtest',
    body: { required: true, schema: backtestInputSchema },
    responses: { 202: json('Started', s.backtestAccepted) },
    temporal: true,
  },
  {
    method: 'GET',
    path: '/backtests/:id',
    operationId: 'getBacktest',
    tag: 'backtests',
    summary: "A backtest's status, progress and stored results",
    pathParams: z.object({ id: backtestRequestSchemas.idParam }),
    responses: { 200: json('The backtest', s.backtestStatus) },
    errors: { 404: 'No backtest with this id (code backtest_not_found or workflow_not_found)' },
    temporal: true,
  },

  // ---- schedules
  {
    method: 'GET',
    path: '/schedules',
    operationId: 'listSchedules',
    tag: 'schedules',
    summary: 'All schedules',
    responses: { 200: json('Schedules', s.scheduleList) },
    temporal: true,
  },
  {
    method: 'GET',
    path: '/schedules/:id',
    operationId: 'getSchedule',
    tag: 'schedules',
    summary: 'One schedule',
    pathParams: scheduleIdPath,
    responses: { 200: json('The schedule', s.scheduleSummary) },
    errors: { 404: scheduleNotFound },
    temporal: true,
  },
  {
    method: 'POST',
    path: '/schedules',
    operationId: 'createSchedule',
    tag: 'schedules',
    summary: 'Create a daily pipeline schedule',
    body: { required: true, schema: createScheduleSchema },
    responses: { 201: json('Created', s.scheduleSummary) },
    errors: { 409: 'A schedule with this id exists (code schedule_exists)' },
    temporal: true,
  },
  ...(['pause', 'unpause'] as const).map((verb): ApiOperation => ({
    method: 'POST',
    path: `/schedules/:id/${verb}`,
    operationId: `${verb}Schedule`,
    tag: 'schedules',
    summary: `${verb === 'pause' ? 'Pause' : 'Unpause'} a schedule, with an optional note`,
    pathParams: scheduleIdPath,
    body: { required: false, schema: scheduleRequestSchemas.noteBody },
    responses: { 200: json('The schedule after the change', s.scheduleSummary) },
    errors: { 404: scheduleNotFound },
    temporal: true,
  })),
  {
    method: 'POST',
    path: '/schedules/:id/trigger',
    operationId: 'triggerSchedule',
    tag: 'schedules',
    summary: 'Run a schedule now',
    pathParams: scheduleIdPath,
    responses: { 202: json('Triggered', s.scheduleTriggered) },
    errors: { 404: scheduleNotFound },
    temporal: true,
  },
  {
    method: 'POST',
    path: '/schedules/:id/backfill',
    operationId: 'backfillSchedule',
    tag: 'schedules',
    summary: "Run a schedule's missed actions over a past time range (at most 366 days)",
    pathParams: scheduleIdPath,
    body: { required: true, schema: backfillSchema },
    responses: { 202: json('Backfill started', s.backfillAccepted) },
    errors: { 404: scheduleNotFound },
    temporal: true,
  },
  {
    method: 'DELETE',
    path: '/schedules/:id',
    operationId: 'deleteSchedule',
    tag: 'schedules',
    summary: 'Delete a schedule',
    pathParams: scheduleIdPath,
    responses: { 204: { description: 'Deleted' } },
    errors: { 404: scheduleNotFound },
    temporal: true,
  },

  // ---- API keys
  {
    method: 'GET',
    path: '/admin/api-keys',
    operationId: 'listApiKeys',
    tag: 'api-keys',
    summary: 'List API keys (never the keys themselves)',
    responses: { 200: json('Keys', s.apiKeyList) },
  },
  {
    method: 'POST',
    path: '/admin/api-keys',
    operationId: 'createApiKey',
    tag: 'api-keys',
    summary: 'Create an API key; the key is shown once',
    body: { required: true, schema: apiKeyRequestSchemas.createBody },
    responses: { 201: json('Created', s.apiKeyCreated) },
  },
  {
    method: 'DELETE',
    path: '/admin/api-keys/:id',
    operationId: 'revokeApiKey',
    tag: 'api-keys',
    summary: 'Revoke an API key: it stops working at once',
    pathParams: z.object({ id: apiKeyRequestSchemas.idParam }),
    responses: { 204: { description: 'Revoked' } },
    errors: { 404: 'No active API key with this id (code api_key_not_found)' },
  },

  // ---- JWT revocations
  {
    method: 'GET',
    path: '/admin/jwt-revocations',
    operationId: 'listJwtRevocations',
    tag: 'jwt-revocations',
    summary: 'List revoked token ids and per-subject not-befores',
    responses: { 200: json('Revocations', s.jwtRevocationList) },
  },
  {
    method: 'POST',
    path: '/admin/jwt-revocations',
    operationId: 'revokeJwt',
    tag: 'jwt-revocations',
    summary: "Revoke a token by jti, or a subject's tokens issued before notBefore (default now)",
    body: { required: true, schema: jwtRevocationRequestSchemas.revokeBody },
    responses: { 201: json('Revoked', s.jwtRevocationCreated) },
  },

  // ---- audit
  {
    method: 'GET',
    path: '/audit',
    operationId: 'queryAudit',
    tag: 'audit',
    summary: 'Audit records, filtered and paged by seq (itself audited as audit.export)',
    query: auditRequestSchemas.auditQuerySchema,
    responses: { 200: json('One page of records', s.auditPage) },
  },
  {
    method: 'GET',
    path: '/audit/verify',
    operationId: 'verifyAudit',
    tag: 'audit',
    summary: "Walk the audit log's hash chain (itself audited as audit.verify)",
    query: auditRequestSchemas.verifyQuerySchema,
    responses: {
      200: json('The chain is intact', s.auditVerification),
      409: json(
        'The chain is broken: `problems` names each edited, inserted or deleted record',
        s.auditChainBroken,
      ),
    },
  },

  // ---- auth and dashboard
  {
    method: 'GET',
    path: '/auth/whoami',
    operationId: 'whoami',
    tag: 'auth',
    summary: 'Who the credentials say the caller is, and the routes its role may call',
    responses: { 200: json('The caller', s.whoami) },
  },
  {
    method: 'GET',
    path: '/',
    operationId: 'getRoot',
    tag: 'dashboard',
    summary: 'Redirects to the dashboard',
    responses: { 302: { description: 'To /dashboard/' } },
  },
  {
    method: 'GET',
    path: '/dashboard',
    operationId: 'getDashboard',
    tag: 'dashboard',
    summary: 'The dashboard page (at /dashboard/; /dashboard redirects there)',
    responses: {
      200: { description: 'The page', contentTypes: { 'text/html': z.string() } },
      301: { description: 'To /dashboard/' },
    },
  },
  {
    method: 'GET',
    path: '/dashboard/:file',
    operationId: 'getDashboardFile',
    tag: 'dashboard',
    summary: "The dashboard's static files (HTML, CSS, browser modules)",
    pathParams: z.object({ file: z.string() }),
    responses: { 200: { description: 'The file' } },
    errors: { 404: 'No such file' },
  },
  {
    method: 'GET',
    path: '/dashboard/vendor/:file',
    operationId: 'getDashboardVendorFile',
    tag: 'dashboard',
    summary: 'The chart library the dashboard loads (uPlot, from node_modules)',
    pathParams: z.object({ file: z.string() }),
    responses: { 200: { description: 'The file' } },
    errors: { 404: 'No such file' },
  },

  // ---- docs
  {
    method: 'GET',
    path: '/openapi.json',
    operationId: 'getOpenApiDocument',
    tag: 'docs',
    summary: 'This OpenAPI document, generated from the route schemas',
    responses: { 200: json('The OpenAPI 3.1 document', z.record(z.string(), z.unknown())) },
  },
  {
    method: 'GET',
    path: '/docs',
    operationId: 'getSwaggerUi',
    tag: 'docs',
    summary: 'Swagger UI for this document',
    responses: { 200: { description: 'The Swagger UI page', contentTypes: { 'text/html': z.string() } } },
  },
  {
    method: 'GET',
    path: '/docs/:asset',
    operationId: 'getSwaggerUiAsset',
    tag: 'docs',
    summary: "Swagger UI's static files (served from the swagger-ui-dist package)",
    pathParams: z.object({ asset: z.enum(Object.keys(SWAGGER_UI_ASSETS) as [string, ...string[]]) }),
    responses: {
      200: {
        description: 'The file',
        contentTypes: Object.fromEntries(
          [...new Set(Object.values(SWAGGER_UI_ASSETS).map((asset) => asset.contentType))].map((type) => [
            type,
            z.string(),
          ]),
        ),
      },
    },
    errors: { 404: 'Not one of the files' },
  },
];
