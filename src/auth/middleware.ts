/**
 * Authentication and authorization for every API route but liveness: an API key in `X-API-Key` or a JWT in
 * `Authorization: Bearer …`. 401 when credentials are missing or bad, 403 when the role is not enough for the
 * route (see policy.ts). The principal is left in `res.locals.principal` for handlers, rate limits and the audit.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { checkApiKey, type ApiKeyStore } from './api-keys';
import type { JwtVerifier } from './jwt';
import { allowsAnonymous, requiredRole } from './policy';
import { hasRole, type Principal, type Role } from './roles';

/** How stale a key's `lastUsedAt` may get before a request refreshes it. */
const LAST_USED_RESOLUTION_MS = 60_000;

export interface AuthEvent {
  action: 'auth.success' | 'auth.failure' | 'auth.denied';
  actor: string;
  method: string;
  path: string;
  reason?: string;
  required?: Role;
}

export interface AuthOptions {
  apiKeys: ApiKeyStore;
  jwt: JwtVerifier;
  /** Told about every decision (for the audit log); must not throw. */
  onEvent?: (event: AuthEvent, req: Request, res: Response) => void;
  /**
   * Counts a failed authentication from the request's source; true when that source is over its failure limit
   * (answered 429 instead of 401). Only failures count, so a valid key from the same address still gets in.
   */
  countFailure?: (req: Request) => boolean;
  now?: () => Date;
}

export function principalOf(res: Response): Principal | undefined {
  return (res.locals as { principal?: Principal }).principal;
}

function refuse(res: Response, status: 401 | 403, code: string, message: string): void {
  if (status === 401) res.setHeader('www-authenticate', 'Bearer, ApiKey');
  res.status(status).json({ error: { code, message } });
}

export function authenticate(options: AuthOptions): RequestHandler {
  const now = options.now ?? (() => new Date());

  async function identify(req: Request): Promise<{ principal?: Principal; reason?: string }> {
    const apiKey = req.header('x-api-key');
    const authorization = req.header('authorization');
    if (apiKey !== undefined) {
      const check = await checkApiKey(options.apiKeys, apiKey, now());
      if (!check.ok) return { reason: `API key ${check.reason}` };
      // last_used_at is for operators spotting idle keys: a write a minute per key is enough, not one per request.
      const lastUsed = check.record.lastUsedAt ? Date.parse(check.record.lastUsedAt) : 0;
      if (now().getTime() - lastUsed >= LAST_USED_RESOLUTION_MS) {
        void options.apiKeys.touch(check.record.id, now().toISOString()).catch(() => undefined);
      }
      return {
        principal: {
          actor: `apikey:${check.record.id}`,
          role: check.record.role,
          via: 'api-key',
          keyId: check.record.id,
        },
      };
    }
    if (authorization !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization);
      if (!match) return { reason: 'Authorization header is not "Bearer <token>"' };
      try {
        return { principal: await options.jwt.verify(match[1]) };
      } catch (error) {
        return { reason: `bearer token refused: ${(error as Error).message}` };
      }
    }
    return { reason: 'no credentials: send an API key in X-API-Key or a bearer token' };
  }

  return (req: Request, res: Response, next: NextFunction) => {
    const required = requiredRole(req.method, req.path);
    if (required === 'public') {
      next();
      return;
    }
    // Probes send no credentials: such routes answer them with less (no principal); bad credentials are refused.
    if (
      req.header('x-api-key') === undefined &&
      req.header('authorization') === undefined &&
      allowsAnonymous(req.method, req.path)
    ) {
      next();
      return;
    }
    identify(req).then(
      ({ principal, reason }) => {
        const base = { method: req.method, path: req.path };
        if (!principal) {
          options.onEvent?.({ action: 'auth.failure', actor: 'anonymous', reason, ...base }, req, res);
          (res.locals as { authFailed?: boolean }).authFailed = true;
          if (options.countFailure?.(req)) {
            res.status(429).json({
              error: {
                code: 'rate_limited',
                message: 'Too many failed authentications: slow down and retry later',
              },
            });
            return;
          }
          refuse(res, 401, 'unauthorized', `Authentication required: ${reason}`);
          return;
        }
        if (!hasRole(principal.role, required)) {
          options.onEvent?.({ action: 'auth.denied', actor: principal.actor, required, ...base }, req, res);
          refuse(
            res,
            403,
            'forbidden',
            `Role ${principal.role} may not ${req.method} ${req.path}: needs ${required}`,
          );
          return;
        }
        (res.locals as { principal?: Principal }).principal = principal;
        options.onEvent?.({ action: 'auth.success', actor: principal.actor, ...base }, req, res);
        next();
      },
      (error: unknown) => next(error),
    );
  };
}
