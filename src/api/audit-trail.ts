/**
 * Which API calls are security events, and their record in the audit log: every state-changing route (runs,
 * approvals, schedules, API keys) is recorded once its response is sent, with the caller, the outcome and where the
 * request came from. Authentication decisions are recorded by the auth middleware's hook (see app.ts).
 */
import type { Request, RequestHandler, Response } from 'express';
import type { AuditAction, AuditLog } from '../audit';
import { compileRoutePath } from '../auth/policy';
import { principalOf } from '../auth/middleware';
import type { Logger } from '../logging';
import { capField } from './auth-failure-audit';
import { requestAuditContext } from './routes/audit';

/** What kind of thing an audited route acts on; its id comes from the path's `:id` or from the route's details. */
type AuditedResource = 'workflow' | 'schedule' | 'apikey' | 'jwt';

interface AuditedRoute {
  method: string;
  path: string;
  action: AuditAction;
  resource: AuditedResource;
}

const AUDITED: AuditedRoute[] = [
  { method: 'POST', path: '/workflows/trigger', action: 'workflow.start', resource: 'workflow' },
  { method: 'POST', path: '/workflows/:id/cancel', action: 'workflow.cancel', resource: 'workflow' },
  { method: 'POST', path: '/workflows/:id/approve', action: 'workflow.approve', resource: 'workflow' },
  { method: 'POST', path: '/workflows/:id/reject', action: 'workflow.reject', resource: 'workflow' },
  { method: 'POST', path: '/market-data/ingest', action: 'workflow.start', resource: 'workflow' },
  { method: 'POST', path: '/quote-polling', action: 'workflow.start', resource: 'workflow' },
  { method: 'POST', path: '/quote-polling/:id/stop', action: 'workflow.cancel', resource: 'workflow' },
  { method: 'POST', path: '/backtests', action: 'workflow.start', resource: 'workflow' },
  { method: 'POST', path: '/schedules', action: 'schedule.create', resource: 'schedule' },
  { method: 'POST', path: '/schedules/:id/pause', action: 'schedule.pause', resource: 'schedule' },
  { method: 'POST', path: '/schedules/:id/unpause', action: 'schedule.unpause', resource: 'schedule' },
  { method: 'POST', path: '/schedules/:id/trigger', action: 'schedule.trigger', resource: 'schedule' },
  { method: 'POST', path: '/schedules/:id/backfill', action: 'schedule.backfill', resource: 'schedule' },
  { method: 'DELETE', path: '/schedules/:id', action: 'schedule.delete', resource: 'schedule' },
  { method: 'POST', path: '/admin/api-keys', action: 'apikey.create', resource: 'apikey' },
  { method: 'DELETE', path: '/admin/api-keys/:id', action: 'apikey.revoke', resource: 'apikey' },
  { method: 'POST', path: '/admin/jwt-revocations', action: 'jwt.revoke', resource: 'jwt' },
];
const COMPILED = AUDITED.map((rule) => ({
  ...rule,
  regex: compileRoutePath(rule.path),
  idSegment: rule.path.split('/').indexOf(':id'),
}));

/** The detail a route that creates something records its id under (addAuditDetails), per resource kind. */
const CREATED_ID_DETAIL: Record<AuditedResource, string[]> = {
  workflow: ['workflowId'],
  schedule: ['scheduleId'],
  apikey: ['keyId'],
  jwt: ['jti', 'subject'],
};

/** The audited route a request reaches, matched as Express routes it (case-insensitive, optional trailing slash). */
export function auditedRoute(
  method: string,
  path: string,
): { action: AuditAction; route: string; resource: AuditedResource; id?: string } | undefined {
  const rule = COMPILED.find((r) => r.method === method.toUpperCase() && r.regex.test(path));
  if (!rule) return undefined;
  const segment = rule.idSegment >= 0 ? path.split('/')[rule.idSegment] : undefined;
  return {
    action: rule.action,
    route: `${rule.method} ${rule.path}`,
    resource: rule.resource,
    ...(segment ? { id: decodedSegment(segment) } : {}),
  };
}

export function auditedAction(method: string, path: string): AuditAction | undefined {
  return auditedRoute(method, path)?.action;
}

function decodedSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // a malformed escape: Express answers 400; the row keeps what was sent
  }
}

/**
 * The row's resource: `<kind>:<id>` with the id from the path or, for a create, from the details the route added
 * once it knew it (`route:<METHOD> <template>` when the request failed before that, e.g. a 400).
 */
export function auditResource(
  matched: NonNullable<ReturnType<typeof auditedRoute>>,
  details: Record<string, unknown> | undefined,
): string {
  const fromDetails = CREATED_ID_DETAIL[matched.resource]
    .map((key) => details?.[key])
    .find((value): value is string => typeof value === 'string' && value.length > 0);
  const id = matched.id ?? fromDetails;
  return capField(id === undefined ? `route:${matched.route}` : `${matched.resource}:${id}`);
}

/** Records an event without failing the request; a failed audit write is logged loudly (the file line is kept). */
export function recordQuietly(
  audit: AuditLog,
  logger: Logger,
  event: Parameters<AuditLog['record']>[0],
): void {
  audit.record(event).catch((error: unknown) => {
    logger.error('audit record failed', { action: event.action, error: String(error) });
  });
}

export function auditTrail(audit: AuditLog, logger: Logger): RequestHandler {
  return (req: Request, res: Response, next) => {
    const matched = auditedRoute(req.method, req.path);
    if (matched) {
      res.on('finish', () => {
        // 401/403 are recorded by the auth layer as auth.failure / auth.denied.
        if (res.statusCode === 401 || res.statusCode === 403) return;
        const details = (res.locals as { auditDetails?: Record<string, unknown> }).auditDetails;
        recordQuietly(audit, logger, {
          actor: principalOf(res)?.actor ?? 'anonymous',
          action: matched.action,
          resource: auditResource(matched, details),
          result: res.statusCode < 400 ? 'success' : 'failure',
          ...requestAuditContext(req, res),
          details: { route: matched.route, path: capField(req.path), status: res.statusCode, ...details },
        });
      });
    }
    next();
  };
}
