/**
 * Which role each API route needs. One table for the whole API, so the route × role matrix test can walk it and a
 * new route cannot slip in unprotected: a route missing from the table needs admin.
 *
 * viewer: read anything but the audit log and keys. operator: also start, cancel, approve and reject runs, ingest,
 * poll quotes, run backtests. admin: also API keys, schedules and the audit log.
 */
import type { Role } from './roles';

export interface RouteRule {
  method: 'GET' | 'POST' | 'DELETE';
  /** Express-style path, for documentation and the matrix test. */
  path: string;
  role: Role | 'public';
  /**
   * Served without credentials too, with less in the answer: readiness answers Kubernetes probes (which send no
   * key) with its status only; a caller with the role gets the details. Bad credentials are still refused.
   */
  anonymous?: boolean;
}

export const ROUTE_POLICY: readonly RouteRule[] = [
  { method: 'GET', path: '/health/live', role: 'public' },
  { method: 'GET', path: '/health/ready', role: 'viewer', anonymous: true },
  // The dashboard's page and static files load without a key; its data calls carry one (docs/dashboard.md).
  { method: 'GET', path: '/', role: 'public' },
  { method: 'GET', path: '/dashboard', role: 'public' },
  { method: 'GET', path: '/dashboard/:file', role: 'public' },
  { method: 'GET', path: '/dashboard/vendor/:file', role: 'public' },
  { method: 'GET', path: '/auth/whoami', role: 'viewer' },
  { method: 'GET', path: '/workflows', role: 'viewer' },
  { method: 'GET', path: '/workflows/:id/status', role: 'viewer' },
  { method: 'GET', path: '/workflows/:id/result', role: 'viewer' },
  { method: 'POST', path: '/workflows/trigger', role: 'operator' },
  { method: 'POST', path: '/workflows/:id/cancel', role: 'operator' },
  { method: 'POST', path: '/workflows/:id/approve', role: 'operator' },
  { method: 'POST', path: '/workflows/:id/reject', role: 'operator' },
  { method: 'GET', path: '/approvals', role: 'viewer' },
  { method: 'GET', path: '/market-data/:symbol', role: 'viewer' },
  { method: 'POST', path: '/market-data/ingest', role: 'operator' },
  { method: 'POST', path: '/quote-polling', role: 'operator' },
  { method: 'POST', path: '/quote-polling/:id/stop', role: 'operator' },
  { method: 'GET', path: '/quotes/:symbol', role: 'viewer' },
  { method: 'GET', path: '/risk/reports/:runId', role: 'viewer' },
  { method: 'GET', path: '/risk/backtests/var', role: 'viewer' },
  { method: 'POST', path: '/backtests', role: 'operator' },
  { method: 'GET', path: '/backtests/:id', role: 'viewer' },
  { method: 'GET', path: '/schedules', role: 'viewer' },
  { method: 'GET', path: '/schedules/:id', role: 'viewer' },
  { method: 'POST', path: '/schedules', role: 'admin' },
  { method: 'POST', path: '/schedules/:id/pause', role: 'admin' },
  { method: 'POST', path: '/schedules/:id/unpause', role: 'admin' },
  { method: 'POST', path: '/schedules/:id/trigger', role: 'admin' },
  { method: 'POST', path: '/schedules/:id/backfill', role: 'admin' },
  { method: 'DELETE', path: '/schedules/:id', role: 'admin' },
  { method: 'GET', path: '/admin/api-keys', role: 'admin' },
  { method: 'POST', path: '/admin/api-keys', role: 'admin' },
  { method: 'DELETE', path: '/admin/api-keys/:id', role: 'admin' },
  { method: 'GET', path: '/admin/jwt-revocations', role: 'admin' },
  { method: 'POST', path: '/admin/jwt-revocations', role: 'admin' },
  { method: 'GET', path: '/audit', role: 'admin' },
  { method: 'GET', path: '/audit/verify', role: 'admin' },
  // The API's own description: the generated OpenAPI document and Swagger UI (its page and static files).
  { method: 'GET', path: '/openapi.json', role: 'public' },
  { method: 'GET', path: '/docs', role: 'public' },
  { method: 'GET', path: '/docs/:asset', role: 'public' },
];

/** `:param` matches one path segment (URL-encoded ids included). */
export function compileRoutePath(path: string): RegExp {
  const pattern = path
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  // Case-insensitive with an optional trailing slash: the way Express routes (`POST /Admin/Api-Keys/` reaches the
  // /admin/api-keys handler), so a policy or audit rule can never miss a request its route serves.
  return new RegExp(`^${pattern}/?$`, 'i');
}

const COMPILED = ROUTE_POLICY.map((rule) => ({ ...rule, regex: compileRoutePath(rule.path) }));

/** The role a request needs; routes not in the table (including unknown ones) need admin. */
export function requiredRole(method: string, path: string): Role | 'public' {
  const upper = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
  return COMPILED.find((rule) => rule.method === upper && rule.regex.test(path))?.role ?? 'admin';
}

/** The table's path template a request matches (`/workflows/:id/status`), for metric labels; unknown: undefined. */
export function routeTemplate(method: string, path: string): string | undefined {
  const upper = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
  return COMPILED.find((rule) => rule.method === upper && rule.regex.test(path))?.path;
}

/** Whether a request without credentials may reach the route (with no principal): see `RouteRule.anonymous`. */
export function allowsAnonymous(method: string, path: string): boolean {
  const upper = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
  return COMPILED.find((rule) => rule.method === upper && rule.regex.test(path))?.anonymous === true;
}
