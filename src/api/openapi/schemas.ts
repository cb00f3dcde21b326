/**
 * Response bodies of the API as zod schemas, for the generated OpenAPI document. Requests are described by the
 * schemas the routes parse with (exported from src/api/routes/*); the routes build their responses by hand, so these
 * say what they send. The integration test (test/integration/openapi.test.ts) checks real responses against them.
 */
import { z } from 'zod';
import { ROLES } from '../../auth/roles';
import { AUDIT_RESULTS } from '../../audit/events';
import { BAR_INTERVALS, PROVIDER_NAMES } from '../../market-data/bar';
import { OVERLAP_POLICIES } from '../../schedules/pipeline-schedules';
import { APPROVAL_STATUSES } from '../../contracts/approvals';

const isoInstant = z.string().meta({ format: 'date-time', example: '2026-11-20T21:00:00.000Z' });
const isoDate = z.string().meta({ description: 'YYYY-MM-DD', example: '2026-11-20' });
const temporalUiLink = z.string().meta({ description: 'The run in the Temporal Web UI' });
const anyObject = z.record(z.string(), z.unknown());

// ---- Errors ------------------------------------------------------------------------------------------------------

export const inputIssue = z
  .object({
    field: z.string().meta({
      description: 'Where the bad value is: `body.…`, `query.…` or `params.…`',
      example: 'body.parameters.symbols',
    }),
    message: z.string().meta({ example: 'must list at least one symbol' }),
  })
  .meta({ id: 'InputIssue' });

export const apiError = z
  .object({
    error: z.object({
      code: z.string().meta({
        description:
          'Stable machine-readable code: unauthorized, forbidden, not_found, workflow_not_found, ' +
          'schedule_not_found, api_key_not_found, symbol_not_found, already_started, not_running, rate_limited, ' +
          'payload_too_large, temporal_unavailable, internal_error, …',
        example: 'workflow_not_found',
      }),
      message: z.string().meta({ description: 'What went wrong, for a person' }),
      details: z.unknown().optional().meta({ description: 'Extra facts, when the code has any' }),
      requestId: z.string().optional().meta({
        description:
          'The request id (also the x-request-id header); absent on 401, 403 and 429, which are answered before routing',
      }),
    }),
  })
  .meta({
    id: 'ApiError',
    description: 'Every error leaves the API as this JSON envelope, never as a stack trace.',
  });

export const validationError = z
  .object({
    error: z.object({
      code: z.enum(['invalid_request', 'invalid_json', 'invalid_path', 'bad_request']).meta({
        description:
          'invalid_request: a field is wrong (see details.issues); invalid_json: the body is not JSON; ' +
          'invalid_path: malformed percent-encoding in the path',
      }),
      message: z.string().meta({
        example: 'Invalid request: body.parameters.symbols: must list at least one symbol',
      }),
      details: z.object({ issues: z.array(inputIssue) }).optional(),
      requestId: z.string(),
    }),
  })
  .meta({
    id: 'ValidationError',
    description: 'A 400: each issue names the field (`body.…`, `query.…`, `params.…`).',
  });

// ---- Health ------------------------------------------------------------------------------------------------------

export const liveness = z.object({ status: z.literal('ok') });

export const readiness = z
  .object({
    status: z.enum(['ready', 'not_ready']),
    checks: z
      .record(z.string(), z.object({ ok: z.boolean(), error: z.string().optional() }))
      .optional()
      .meta({
        description:
          'One entry per dependency: temporal, database. Only with credentials (viewer); probes without a key get `status` alone',
      }),
  })
  .meta({ id: 'Readiness' });

// ---- Workflows ---------------------------------------------------------------------------------------------------

export const triggerAccepted = z.object({
  workflowId: z.string().meta({ example: 'pipeline:default:2026-11-20:1a2b3c4d' }),
  runId: z.string(),
  asOf: isoDate,
  links: z.object({ status: z.string(), result: z.string(), temporalUi: temporalUiLink }),
});

export const runSummary = z
  .object({
    workflowId: z.string(),
    runId: z.string().optional(),
    status: z.string().meta({ example: 'COMPLETED' }),
    startTime: isoInstant.nullable(),
    closeTime: isoInstant.nullable(),
    symbols: z.array(z.string()),
    stage: z.string().nullable(),
    riskStatus: z.string().nullable(),
    links: z.object({ status: z.string(), temporalUi: temporalUiLink }),
  })
  .meta({ id: 'RunSummary' });

export const runList = z.object({
  runs: z.array(runSummary),
  nextPageToken: z
    .string()
    .nullable()
    .meta({ description: 'Pass as pageToken for the next page; null at the end' }),
  query: z.string().meta({ description: 'The visibility query that was run' }),
});

export const runStatus = z.object({
  workflowId: z.string(),
  runId: z.string(),
  type: z.string(),
  status: z.string().meta({ example: 'RUNNING' }),
  startTime: isoInstant,
  closeTime: isoInstant.nullable(),
  stage: z.string().nullable(),
  riskStatus: z.string().nullable(),
  symbols: z.array(z.string()),
  progress: z
    .unknown()
    .meta({ description: "The run's progress query answer; null when no worker can answer" }),
  links: z.object({ temporalUi: temporalUiLink }),
});

export const runResult = z.object({
  workflowId: z.string(),
  runId: z.string(),
  status: z.string().meta({ example: 'COMPLETED' }),
  result: anyObject.optional().meta({ description: 'The workflow result, when it completed' }),
  error: z
    .object({ message: z.string(), type: z.string().optional() })
    .optional()
    .meta({ description: 'The innermost failure, when it failed, was cancelled or timed out' }),
});

export const runStillRunning = z.object({
  workflowId: z.string(),
  runId: z.string(),
  status: z.literal('RUNNING'),
  message: z.string(),
});

export const cancelAccepted = z.object({
  workflowId: z.string(),
  runId: z.string(),
  status: z.literal('CANCEL_REQUESTED'),
});

// ---- Approvals ---------------------------------------------------------------------------------------------------

export const decisionAccepted = z.object({
  workflowId: z.string(),
  runId: z.string(),
  decision: z.enum(['approved', 'rejected']),
  symbols: z.array(z.string()),
  approver: z.string().meta({ description: 'The authenticated caller (`apikey:<id>` or `jwt:<sub>`)' }),
  startedBy: z.string().nullable().meta({
    description:
      'The principal that started the run; null for runs started by a schedule or before it was recorded',
  }),
  reason: z.string(),
});

export const approval = z
  .object({
    workflowId: z.string(),
    runId: z.string(),
    symbol: z.string(),
    action: z.enum(['BUY', 'SELL', 'HOLD']),
    tradeNotional: z.number(),
    reasons: z.array(z.string()),
    status: z.enum(APPROVAL_STATUSES),
    requestedAt: isoInstant,
    deadline: isoInstant,
    decidedAt: isoInstant.optional(),
    approver: z.string().optional(),
    decisionReason: z.string().optional(),
  })
  .meta({ id: 'Approval' });

export const approvalList = z.object({ approvals: z.array(approval) });

// ---- Market data and quotes --------------------------------------------------------------------------------------

export const bar = z
  .object({
    symbol: z.string(),
    interval: z.enum(BAR_INTERVALS),
    date: isoDate,
    time: isoInstant.optional().meta({ description: "Intraday bars only: the bar's start" }),
    open: z.number(),
    high: z.number(),
    low: z.number(),
    close: z.number(),
    adjClose: z.number(),
    volume: z.number(),
    source: z.enum(PROVIDER_NAMES),
  })
  .meta({ id: 'Bar' });

export const corporateEvent = z
  .object({
    symbol: z.string(),
    date: isoDate,
    type: z.enum(['split', 'dividend']),
    value: z.number(),
    detail: z.string().optional(),
    source: z.enum(PROVIDER_NAMES),
  })
  .meta({ id: 'CorporateEvent' });

export const barsPage = z.object({
  symbol: z.string(),
  interval: z.enum(BAR_INTERVALS),
  from: isoDate.nullable(),
  to: isoDate.nullable(),
  count: z.number().int(),
  bars: z.array(bar),
  events: z.array(corporateEvent),
});

const workflowLinks = z.object({ status: z.string(), result: z.string() });

export const ingestAccepted = z.object({
  workflowId: z.string(),
  runId: z.string(),
  input: anyObject.meta({ description: 'The ingest input the run was started with (provider filled in)' }),
  links: workflowLinks,
});

export const pollingAccepted = z.object({
  workflowId: z.string(),
  runId: z.string(),
  links: z.object({ status: z.string(), stop: z.string() }),
});

export const pollingStopAccepted = z.object({ workflowId: z.string(), status: z.literal('STOP_REQUESTED') });

export const quote = z
  .object({ symbol: z.string(), timestamp: isoInstant, price: z.number(), source: z.enum(PROVIDER_NAMES) })
  .meta({ id: 'Quote' });

export const quoteList = z.object({ symbol: z.string(), count: z.number().int(), quotes: z.array(quote) });

// ---- Risk and backtests ------------------------------------------------------------------------------------------

export const riskReport = z.object({
  workflowId: z.string(),
  runId: z.string(),
  report: anyObject.meta({ description: 'The stored risk report (VaR, ES, limits, correlation, backtest)' }),
});

export const varBacktests = z.object({
  backtests: z.array(
    z.object({
      workflowId: z.string(),
      runId: z.string(),
      asOf: isoDate,
      backtest: anyObject
        .nullable()
        .meta({ description: 'Kupiec / Christoffersen tests; null when not run' }),
    }),
  ),
});

export const backtestAccepted = z.object({
  backtestId: z.string().meta({ example: 'backtest:1a2b3c4d' }),
  runId: z.string(),
  links: z.object({ self: z.string() }),
});

export const backtestStatus = z.object({
  backtestId: z.string(),
  status: z.string(),
  progress: z.unknown(),
  error: z.string().optional(),
  results: z.array(z.object({ symbol: z.string(), summary: z.unknown(), equity: z.array(z.unknown()) })),
});

// ---- Schedules ---------------------------------------------------------------------------------------------------

export const scheduleSummary = z
  .object({
    scheduleId: z.string(),
    paused: z.boolean(),
    note: z.string().optional(),
    cron: z.array(z.string()),
    timezone: z.string().optional(),
    nextActionTimes: z.array(isoInstant),
    recentActions: z.array(z.object({ scheduledAt: isoInstant, workflowId: z.string() })),
    parameters: z.unknown().optional().meta({ description: 'The pipeline parameters each run starts with' }),
  })
  .meta({ id: 'ScheduleSummary' });

export const scheduleList = z.object({ schedules: z.array(scheduleSummary) });

export const scheduleTriggered = z.object({ scheduleId: z.string(), triggered: z.literal(true) });

export const backfillAccepted = z.object({
  scheduleId: z.string(),
  backfill: z.object({ start: isoInstant, end: isoInstant, overlap: z.enum(OVERLAP_POLICIES) }),
});

// ---- API keys ----------------------------------------------------------------------------------------------------

export const apiKeyRecord = z
  .object({
    id: z.uuid(),
    name: z.string(),
    role: z.enum(ROLES),
    prefix: z.string().meta({ description: 'The first characters of the key, to recognise it' }),
    createdAt: isoInstant,
    expiresAt: isoInstant.optional(),
    revokedAt: isoInstant.optional(),
    lastUsedAt: isoInstant.optional(),
  })
  .meta({ id: 'ApiKey', description: 'An API key as listed: never the key itself' });

export const apiKeyList = z.object({ apiKeys: z.array(apiKeyRecord) });

export const apiKeyCreated = z.object({
  key: z.string().meta({ description: 'The key: shown this once, store it now' }),
  apiKey: apiKeyRecord,
});

// ---- JWT revocations ---------------------------------------------------------------------------------------------

export const jtiRevocation = z
  .object({
    jti: z.string(),
    expiresAt: isoInstant.optional(),
    revokedBy: z.string().meta({ description: 'The admin who revoked it' }),
    revokedAt: isoInstant,
  })
  .meta({ id: 'JtiRevocation', description: 'A revoked token id: a token with this jti is refused' });

export const subjectNotBefore = z
  .object({
    subject: z.string().meta({ description: "The tokens' sub claim" }),
    notBefore: isoInstant,
    revokedBy: z.string(),
    revokedAt: isoInstant,
  })
  .meta({
    id: 'SubjectNotBefore',
    description: "The subject's tokens issued before notBefore (or without iat) are refused",
  });

export const jwtRevocationList = z.object({
  jtis: z.array(jtiRevocation),
  subjects: z.array(subjectNotBefore),
});

export const jwtRevocationCreated = z.object({
  jti: jtiRevocation.optional(),
  subject: subjectNotBefore.optional(),
});

// ---- Auth --------------------------------------------------------------------------------------------------------

export const whoami = z.object({
  actor: z.string().meta({ example: 'apikey:3f2a…' }),
  role: z.enum(ROLES),
  via: z.enum(['api-key', 'jwt']),
  permissions: z.array(z.string()).meta({
    description: 'The routes the role may call, as `METHOD /path` (public routes left out)',
    example: ['GET /workflows', 'GET /workflows/:id/status'],
  }),
});

// ---- Audit -------------------------------------------------------------------------------------------------------

export const auditRecord = z
  .object({
    seq: z.number().int(),
    timestamp: isoInstant,
    actor: z.string(),
    action: z.string(),
    resource: z.string(),
    result: z.enum(AUDIT_RESULTS),
    ip: z.string().optional(),
    userAgent: z.string().optional(),
    requestId: z.string().optional(),
    details: anyObject.optional(),
    prevHash: z.string(),
    hash: z.string(),
    keyId: z.string().nullable().optional().meta({
      description: 'Id of the HMAC key the record is keyed with; null: a plain SHA-256 (v1) record',
    }),
  })
  .meta({ id: 'AuditRecord' });

export const auditPage = z.object({
  records: z.array(auditRecord),
  nextCursor: z
    .string()
    .nullable()
    .meta({ description: 'Pass as cursor for the next page; null at the end' }),
});

const auditVerificationShape = {
  ok: z.boolean(),
  records: z.number().int(),
  firstSeq: z.number().int().optional(),
  lastSeq: z.number().int().optional(),
  anchor: z.object({ seq: z.number().int(), hash: z.string(), archive: z.string().optional() }),
  head: z.object({ seq: z.number().int(), hash: z.string() }),
  keyed: z.number().int().optional(),
  uncheckedKeyed: z.number().int().optional(),
  external: z
    .object({
      file: z.string(),
      records: z.number().int(),
      checkpoints: z.number().int(),
      highestSeq: z.number().int(),
      note: z.string().optional(),
    })
    .optional(),
  problems: z.array(
    z.object({
      seq: z.number().int(),
      toSeq: z.number().int().optional(),
      kind: z.enum(['edited', 'deleted', 'inserted', 'reordered']),
      message: z.string(),
    }),
  ),
  problemsTruncated: z.number().int().optional(),
};

export const auditVerification = z.object(auditVerificationShape).meta({ id: 'AuditVerification' });

export const auditChainBroken = z.object({
  ...auditVerificationShape,
  error: z.object({
    code: z.literal('audit_chain_broken'),
    message: z.string(),
    requestId: z.string().optional(),
  }),
});
