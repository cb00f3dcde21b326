/**
 * JWT revocation (admin role): revoke one token by its `jti`, or every token of a subject issued before a not-before
 * (default now), and list both. A token without a `jti` can only be revoked through its subject.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { JwtRevocationStore } from '../../auth/jwt-revocations';
import { principalOf } from '../../auth/middleware';
import { addAuditDetails } from '../audit-details';
import { parseOr400 } from '../errors';

const instant = z.iso.datetime({ offset: true, message: 'must be an ISO-8601 instant' });

const revokeBody = z
  .object({
    jti: z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters').optional(),
    expiresAt: instant
      .optional()
      .meta({ description: 'When the token expires anyway (the revocation may be pruned after it)' }),
    subject: z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters').optional(),
    notBefore: instant
      .optional()
      .meta({ description: "Refuse the subject's tokens issued before this instant (default: now)" }),
  })
  .strict()
  .superRefine((body, ctx) => {
    if ((body.jti === undefined) === (body.subject === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['jti'], message: 'give exactly one of jti or subject' });
    }
    if (body.expiresAt !== undefined && body.jti === undefined) {
      ctx.addIssue({ code: 'custom', path: ['expiresAt'], message: 'only goes with jti' });
    }
    if (body.notBefore !== undefined && body.subject === undefined) {
      ctx.addIssue({ code: 'custom', path: ['notBefore'], message: 'only goes with subject' });
    }
  });

/** The request schemas, for the generated OpenAPI document (src/api/openapi). */
export const jwtRevocationRequestSchemas = { revokeBody };

export function jwtRevocationsRouter(store: JwtRevocationStore): Router {
  const router = Router();

  router.get('/admin/jwt-revocations', async (_req, res) => {
    res.json(await store.list());
  });

  router.post('/admin/jwt-revocations', async (req, res) => {
    const body = parseOr400(revokeBody, req.body ?? {}, 'body');
    const revokedAt = new Date().toISOString();
    const revokedBy = principalOf(res)?.actor ?? 'anonymous';
    if (body.jti !== undefined) {
      const revocation = {
        jti: body.jti,
        ...(body.expiresAt ? { expiresAt: new Date(body.expiresAt).toISOString() } : {}),
        revokedBy,
        revokedAt,
      };
      await store.revokeJti(revocation);
      addAuditDetails(res, { jti: body.jti });
      res.status(201).json({ jti: revocation });
      return;
    }
    const entry = {
      subject: body.subject!,
      notBefore: body.notBefore ? new Date(body.notBefore).toISOString() : revokedAt,
      revokedBy,
      revokedAt,
    };
    await store.setSubjectNotBefore(entry);
    addAuditDetails(res, { subject: entry.subject, notBefore: entry.notBefore });
    res.status(201).json({ subject: entry });
  });

  return router;
}
