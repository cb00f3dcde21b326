/** API key administration (admin role): create (the key is shown once), list (never the keys), revoke. */
import { Router } from 'express';
import { z } from 'zod';
import { createApiKey, type ApiKeyStore } from '../../auth/api-keys';
import { ROLES } from '../../auth/roles';
import { addAuditDetails } from '../audit-details';
import { HttpError, parseOr400 } from '../errors';

const createBody = z
  .object({
    name: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9 _.@-]{1,80}$/, 'must be 1-80 letters, digits, spaces or _ . @ -'),
    role: z.enum(ROLES, { message: `must be one of ${ROLES.join(', ')}` }),
    expiresAt: z.iso
      .datetime({ offset: true, message: 'must be an ISO-8601 instant' })
      .refine((at) => Date.parse(at) > Date.now(), 'must be in the future')
      .optional(),
  })
  .strict();
const idParam = z.uuid({ message: 'must be an API key id' });

/** The request schemas, for the generated OpenAPI document (src/api/openapi). */
export const apiKeyRequestSchemas = { createBody, idParam };

export function apiKeysRouter(apiKeys: ApiKeyStore): Router {
  const router = Router();

  router.get('/admin/api-keys', async (_req, res) => {
    res.json({ apiKeys: await apiKeys.list() });
  });

  router.post('/admin/api-keys', async (req, res) => {
    const body = parseOr400(createBody, req.body ?? {}, 'body');
    const { key, record } = await createApiKey(apiKeys, body);
    // The audit row says which key was made, for whom and with what role (never the key itself).
    addAuditDetails(res, {
      keyId: record.id,
      name: record.name,
      role: record.role,
      ...(record.expiresAt ? { expiresAt: record.expiresAt } : {}),
    });
    res.status(201).json({ key, apiKey: record });
  });

  router.delete('/admin/api-keys/:id', async (req, res) => {
    const id = parseOr400(idParam, req.params.id, 'params.id');
    if (!(await apiKeys.revoke(id, new Date().toISOString()))) {
      throw new HttpError(404, 'api_key_not_found', `No active API key ${id}`);
    }
    res.status(204).end();
  });

  return router;
}
