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
import { requestAuditContext } from './routes/audit';

const AUDITED: { method: string; path: string; action: AuditAction }[] = [
  { method: 'POST', path: '/workflows/trigger', action: 'workflow.start' },
  { method: 'POST', path: '/workflows/:id/cancel', action: 'workflow.cancel' },
  { method: 'POST', path: '/workflows/:id/approve', action: 'workflow.approve' },
  { method: 'POST', path: '/workflows/:id/reject', action: 'workflow.reject' },
  { method: 'POST', path: '/market-data/ingest', action: 'workflow.start' },
  { method: 'POST', path: '/quote-polling', action: 'workflow.start' },
  { method: 'POST', path: '/quote-polling/:id/stop', action: 'workflow.cancel' },
  { method: 'POST', path: '/backtests', action: 'workflow.start' },
  { method: 'POST', path: '/schedules', action: 'schedule.create' },
  { method: 'POST', path: '/schedules/:id/pause', action: 'schedule.pause' },
  { method: 'POST', path: '/schedules/:id/unpause', action: 'schedule.unpause' },
  { method: 'POST', path: '/schedules/:id/trigger', action: 'schedule.trigger' },
  { method: 'POST', path: '/schedules/:id/backfill', action: 'schedule.backfill' },
  { method: 'DELETE', path: '/schedules/:id', action: 'schedule.delete' },
  { method: 'POST', path: '/admin/api-keys', action: 'apikey.create' },
  { method: 'DELETE', path: '/admin/api-keys/:id', action: 'apikey.revoke' },
  { method: 'POST', path: '/admin/jwt-revocations', action: 'jwt.revoke' },
];
const COMPILED = AUDITED.map((rule) => ({ ...rule, regex: compileRoutePath(rule.path) }));

export function auditedAction(method: string, path: string): AuditAction | undefined {
  return COMPILED.find((rule) => rule.method === method.toUpperCase() && rule.regex.test(path))?.action;
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
    const action = auditedAction(req.method, req.path);
    if (action) {
      res.on('finish', () => {
        // 401/403 are recorded by the auth layer as auth.failure / auth.denied.
        if (res.statusCode === 401 || res.statusCode === 403) return;
        const body = (res.locals as { auditDetails?: Record<string, unknown> }).auditDetails;
        recordQuietly(audit, logger, {
          actor: principalOf(res)?.actor ?? 'anonymous',
          action,
          resource: req.path,
          result: res.statusCode < 400 ? 'success' : 'failure',
          ...requestAuditContext(req, res),
          details: { method: req.method, status: res.statusCode, ...body },
        });
      });
    }
    next();
  };
}
