/** Which requests the audit trail records, under which action and resource (src/api/audit-trail.ts). */
import { auditedAction, auditedRoute, auditResource } from '../../../src/api/audit-trail';
import { ROUTE_POLICY } from '../../../src/auth/policy';

describe('audit trail route matching', () => {
  it.each([
    ['POST', '/admin/api-keys'],
    ['POST', '/Admin/Api-Keys'],
    ['post', '/ADMIN/API-KEYS/'],
  ])('matches %s %s as the route Express serves (apikey.create)', (method, path) => {
    expect(auditedRoute(method, path)).toEqual({
      action: 'apikey.create',
      route: 'POST /admin/api-keys',
      resource: 'apikey',
    });
  });

  it('takes the id from the path, decoded, for routes on one resource', () => {
    expect(auditedRoute('POST', '/Workflows/pipeline%3A2026-12-04%3Aab12/CANCEL')).toEqual({
      action: 'workflow.cancel',
      route: 'POST /workflows/:id/cancel',
      resource: 'workflow',
      id: 'pipeline:2026-12-04:ab12',
    });
    expect(auditedRoute('DELETE', '/schedules/daily-risk')?.id).toBe('daily-risk');
    // A malformed escape keeps the segment as sent rather than throwing out of the audit trail.
    expect(auditedRoute('POST', '/schedules/%E0%A4%A/pause')?.id).toBe('%E0%A4%A');
  });

  it('leaves reads and unknown routes unaudited', () => {
    expect(auditedAction('GET', '/workflows/x/status')).toBeUndefined();
    expect(auditedAction('POST', '/workflows/x/cancel/extra')).toBeUndefined();
    expect(auditedAction('PUT', '/admin/api-keys')).toBeUndefined();
  });

  it('names the resource by kind and id: from the path, else from the details the route added', () => {
    const cancel = auditedRoute('POST', '/workflows/run-1/cancel')!;
    expect(auditResource(cancel, { workflowId: 'ignored-the-path-wins' })).toBe('workflow:run-1');
    const trigger = auditedRoute('POST', '/workflows/trigger')!;
    expect(auditResource(trigger, { workflowId: 'pipeline:2026-12-04:ab12' })).toBe(
      'workflow:pipeline:2026-12-04:ab12',
    );
    const createKey = auditedRoute('POST', '/admin/api-keys')!;
    expect(auditResource(createKey, { keyId: 'k-1', role: 'viewer' })).toBe('apikey:k-1');
    const revokeJwt = auditedRoute('POST', '/admin/jwt-revocations')!;
    expect(auditResource(revokeJwt, { subject: 'dave@example.com' })).toBe('jwt:dave@example.com');
    // Refused before the route knew an id (a 400): the route template, never a free-form path.
    expect(auditResource(createKey, undefined)).toBe('route:POST /admin/api-keys');
    expect(auditResource(trigger, { workflowId: 42 })).toBe('route:POST /workflows/trigger');
    // Capped: an id comes from the client.
    const long = auditedRoute('POST', `/workflows/${'x'.repeat(5000)}/cancel`)!;
    expect(auditResource(long, undefined).length).toBeLessThanOrEqual(200);
  });

  it('audits every state-changing route of the role policy', () => {
    const changing = ROUTE_POLICY.filter((rule) => rule.method !== 'GET');
    const unaudited = changing
      .filter((rule) => !auditedAction(rule.method, rule.path.replace(/:[a-z]+/gi, 'x')))
      .map((rule) => `${rule.method} ${rule.path}`);
    expect(unaudited).toEqual([]);
  });
});
