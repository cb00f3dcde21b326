/** `GET /auth/whoami`: who the credentials say the caller is, and what the policy table lets that role do. */
import { Router } from 'express';
import { principalOf } from '../../auth/middleware';
import { ROUTE_POLICY } from '../../auth/policy';
import { hasRole, type Role } from '../../auth/roles';

/** The routes a role may call, as `METHOD /path` in policy-table order; public routes are left out (anyone may). */
export function permissionsOf(role: Role): string[] {
  return ROUTE_POLICY.filter((rule) => rule.role !== 'public' && hasRole(role, rule.role)).map(
    (rule) => `${rule.method} ${rule.path}`,
  );
}

export function whoamiRouter(): Router {
  const router = Router();
  router.get('/auth/whoami', (_req, res) => {
    // The route needs a role (policy.ts), so the auth middleware has always set the principal here.
    const principal = principalOf(res);
    if (!principal) throw new Error('GET /auth/whoami reached without a principal');
    res.json({
      actor: principal.actor,
      role: principal.role,
      via: principal.via,
      permissions: permissionsOf(principal.role),
    });
  });
  return router;
}
