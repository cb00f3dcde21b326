/**
 * The dashboard's server side over HTTP (no browser): the page and its static files load without a key, under the
 * API's strict CSP; `GET /auth/whoami` answers who a key is and what the policy table lets its role do.
 */
import { SignJWT } from 'jose';
import { createApiKey } from '../../src/auth/api-keys';
import { ROUTE_POLICY } from '../../src/auth/policy';
import { createEnvSecretsProvider } from '../../src/secrets/secrets-provider';
import { httpJson, startApiOnly, testConfig, TEST_JWT_AUDIENCE, TEST_JWT_ISSUER } from '../support/harness';

const SIGNING_SECRET = 'dashboard-test-signing-secret-0123456789';

describe('dashboard and whoami routes', () => {
  let api: Awaited<ReturnType<typeof startApiOnly>>;
  const keys: Record<string, { key: string; id: string }> = {};
  const noKey = { 'x-api-key': '' };

  beforeAll(async () => {
    api = await startApiOnly(testConfig(), {
      secrets: createEnvSecretsProvider({ API_SIGNING_SECRET: SIGNING_SECRET }),
    });
    for (const role of ['viewer', 'operator', 'admin'] as const) {
      const created = await createApiKey(api.stores.apiKeys, { name: `dashboard-${role}`, role });
      keys[role] = { key: created.key, id: created.record.id };
    }
  });
  afterAll(async () => {
    await api.stop();
  });

  const get = (path: string) => fetch(`${api.baseUrl}${path}`, { redirect: 'manual' });

  it('serves the page and its files without a key, under a CSP that allows scripts from self only', async () => {
    const root = await get('/');
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/dashboard/');
    const bare = await get('/dashboard');
    expect(bare.status).toBe(301);
    expect(bare.headers.get('location')).toBe('/dashboard/');

    const page = await get('/dashboard/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toMatch(/script-src-attr 'none'/);
    const html = await page.text();
    // No inline script or handler: the CSP would block it.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\son[a-z]+=/);
    expect(html).toContain('<script type="module" src="app.js"></script>');

    // Every module the page loads, following relative imports from app.js, and the stylesheets.
    const seen = new Set<string>();
    const queue = ['app.js'];
    while (queue.length > 0) {
      const file = queue.shift()!;
      if (seen.has(file)) continue;
      seen.add(file);
      const response = await get(`/dashboard/${file}`);
      expect([file, response.status]).toEqual([file, 200]);
      expect(response.headers.get('content-type')).toMatch(/^(text|application)\/javascript/);
      const source = await response.text();
      for (const [, imported] of source.matchAll(/^import[^'"]*['"]\.\/([^'"]+)['"]/gm)) queue.push(imported);
    }
    expect([...seen].sort()).toEqual(
      ['api.js', 'app.js', 'charts.js', 'dom.js', 'panels.js', 'vendor/uplot.esm.js'].sort(),
    );
    for (const css of ['dashboard.css', 'vendor/uplot.min.css']) {
      const response = await get(`/dashboard/${css}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/css/);
    }

    // Unknown files are plain 404s, never a listing and never a file outside the folder.
    for (const path of [
      '/dashboard/nope.js',
      '/dashboard/vendor/uPlot.cjs.js',
      '/dashboard/..%2fpackage.json',
    ]) {
      const response = await httpJson(api.baseUrl, 'GET', path, undefined, noKey);
      expect([path, response.status]).toEqual([path, 404]);
    }
  });

  it('answers whoami with the caller and the routes its role may call, derived from the policy table', async () => {
    const expectedFor = (rank: number) =>
      ROUTE_POLICY.filter(
        (rule) => rule.role !== 'public' && ['viewer', 'operator', 'admin'].indexOf(rule.role) <= rank,
      ).map((rule) => `${rule.method} ${rule.path}`);

    for (const [rank, role] of (['viewer', 'operator', 'admin'] as const).entries()) {
      const r = await httpJson(api.baseUrl, 'GET', '/auth/whoami', undefined, {
        'x-api-key': keys[role].key,
      });
      expect(r.status).toBe(200);
      expect(r.body).toEqual({
        actor: `apikey:${keys[role].id}`,
        role,
        via: 'api-key',
        permissions: expectedFor(rank),
      });
    }
    const viewer = await httpJson(api.baseUrl, 'GET', '/auth/whoami', undefined, {
      'x-api-key': keys.viewer.key,
    });
    expect(viewer.body.permissions).toContain('GET /workflows/:id/result');
    expect(viewer.body.permissions).not.toContain('POST /workflows/trigger');
    const operator = await httpJson(api.baseUrl, 'GET', '/auth/whoami', undefined, {
      'x-api-key': keys.operator.key,
    });
    expect(operator.body.permissions).toContain('POST /workflows/trigger');
    expect(operator.body.permissions).not.toContain('POST /admin/api-keys');

    const token = await new SignJWT({ role: 'operator' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('dana@example.com')
      .setIssuer(TEST_JWT_ISSUER)
      .setAudience(TEST_JWT_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(SIGNING_SECRET));
    const viaJwt = await httpJson(api.baseUrl, 'GET', '/auth/whoami', undefined, {
      authorization: `Bearer ${token}`,
    });
    expect(viaJwt.status).toBe(200);
    expect(viaJwt.body).toMatchObject({ actor: 'jwt:dana@example.com', role: 'operator', via: 'jwt' });

    const anonymous = await httpJson(api.baseUrl, 'GET', '/auth/whoami', undefined, noKey);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('unauthorized');
  });
});
