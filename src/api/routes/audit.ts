/**
 * The audit trail over HTTP (admin only; the app mounts this behind its role check):
 *   GET /audit          records filtered by actor, action, resource, result and time range, paged by seq
 *   GET /audit/verify   walks the hash chain: 200 `{ ok: true, … }` when intact, 409 `{ ok: false, problems, error }`
 *                       naming each edited, inserted or deleted record when not
 * Both calls are themselves audited (`audit.export`, `audit.verify`).
 */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AuditLog } from '../../audit/audit-log';
import { summarizeVerification } from '../../audit/audit-log';
import { AUDIT_ACTION_CATEGORIES, AUDIT_ACTIONS, AUDIT_RESULTS, type AuditEvent } from '../../audit/events';
import { parseOr400 } from '../errors';

const isoInstant = z.iso.datetime({ offset: true, message: 'must be an ISO-8601 instant' });
const actionFilter = z
  .string()
  .refine(
    (value) =>
      (AUDIT_ACTIONS as readonly string[]).includes(value) ||
      (value.endsWith('.*') && AUDIT_ACTION_CATEGORIES.includes(value.slice(0, -2))),
    { message: `must be an audit action (${AUDIT_ACTIONS.join(', ')}) or a category such as schedule.*` },
  );

export const auditQuerySchema = z
  .object({
    actor: z.string().min(1).max(256).optional(),
    action: actionFilter.optional(),
    resource: z
      .string()
      .min(1)
      .max(1024)
      .refine((value) => value !== '*', { message: 'a prefix before * is required' })
      .optional(),
    result: z.enum(AUDIT_RESULTS, { message: `must be one of ${AUDIT_RESULTS.join(', ')}` }).optional(),
    from: isoInstant.optional(),
    to: isoInstant.optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    cursor: z
      .string()
      .regex(/^\d{1,15}$/, 'must be the nextCursor of a previous page')
      .transform(Number)
      .optional(),
    order: z.enum(['desc', 'asc'], { message: 'must be desc (newest first) or asc' }).default('desc'),
  })
  .strict()
  .refine((q) => q.from === undefined || q.to === undefined || Date.parse(q.from) < Date.parse(q.to), {
    message: 'must be after from',
    path: ['to'],
  });

/** `/audit/verify` takes no query parameters. */
const verifyQuerySchema = z.object({}).strict();

/** The request schemas, for the generated OpenAPI document (src/api/openapi). */
export const auditRequestSchemas = { auditQuerySchema, verifyQuerySchema };

/** Where a request came from, for an audit record: client IP, user agent and the request id the API assigned. */
export function requestAuditContext(
  req: Request,
  res: Response,
): Pick<AuditEvent, 'ip' | 'userAgent' | 'requestId'> {
  const requestId = res.getHeader('x-request-id');
  return {
    ...(req.ip ? { ip: req.ip } : {}),
    ...(req.get('user-agent') ? { userAgent: req.get('user-agent') } : {}),
    ...(typeof requestId === 'string' ? { requestId } : {}),
  };
}

export interface AuditRouterOptions {
  /** Who is asking (for the `audit.export` / `audit.verify` records); default `res.locals.actor`, else `anonymous`. */
  actorOf?: (req: Request, res: Response) => string;
}

const defaultActor = (_req: Request, res: Response): string => {
  const actor: unknown = res.locals.actor;
  return typeof actor === 'string' && actor !== '' ? actor : 'anonymous';
};

export function auditRouter(audit: AuditLog, options: AuditRouterOptions = {}): Router {
  const router = Router();
  const actorOf = options.actorOf ?? defaultActor;

  router.get('/audit', async (req, res) => {
    const query = parseOr400(auditQuerySchema, req.query, 'query');
    const page = await audit.query(query);
    await audit.record({
      actor: actorOf(req, res),
      action: 'audit.export',
      resource: 'audit',
      result: 'success',
      ...requestAuditContext(req, res),
      details: { filter: { ...query }, returned: page.records.length },
    });
    res.json({
      records: page.records,
      nextCursor: page.nextCursor === undefined ? null : String(page.nextCursor),
    });
  });

  router.get('/audit/verify', async (req, res) => {
    parseOr400(verifyQuerySchema, req.query, 'query');
    const result = await audit.verify();
    await audit.record({
      actor: actorOf(req, res),
      action: 'audit.verify',
      resource: 'audit',
      result: result.ok ? 'success' : 'failure',
      ...requestAuditContext(req, res),
      details: {
        ok: result.ok,
        records: result.records,
        headSeq: result.head.seq,
        ...(result.ok ? {} : { problems: result.problems.length, firstProblemSeq: result.problems[0].seq }),
      },
    });
    if (result.ok) {
      res.json(result);
      return;
    }
    const requestId = res.getHeader('x-request-id');
    res.status(409).json({
      ...result,
      error: {
        code: 'audit_chain_broken',
        message: summarizeVerification(result),
        ...(typeof requestId === 'string' ? { requestId } : {}),
      },
    });
  });

  return router;
}
