/** What a route adds to its audit row: the audit trail (audit-trail.ts) records `res.locals.auditDetails`. */
import type { Response } from 'express';

export function addAuditDetails(res: Response, details: Record<string, unknown>): void {
  const locals = res.locals as { auditDetails?: Record<string, unknown> };
  locals.auditDetails = { ...locals.auditDetails, ...details };
}
