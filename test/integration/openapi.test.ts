/**
 * The OpenAPI document against the live API (the suite's Temporal server, a SQLite store, no worker): it lists
 * exactly the routes the Express app mounts, both ways; /openapi.json and /docs load without a key; and real
 * responses, successes and errors, match the schemas the document gives for their status.
 */
import type { Server } from 'node:http';
import SwaggerParser from '@apidevtools/swagger-parser';
import type { Express } from 'express';
import { createApp } from '../../src/api/app';
import { buildOpenApiDocument, openApiPath } from '../../src/api/openapi/document';
import { SWAGGER_UI_CSP } from '../../src/api/openapi/swagger-ui';
import { createApiKey } from '../../src/auth/api-keys';
import { ensureBootstrapAdminKey } from '../../src/auth/bootstrap';
import { createLogger } from '../../src/logging';
import { openStores, type Stores } from '../../src/store';
import { createTemporalClients, type TemporalClients } from '../../src/temporal/client';
import { launchChromium } from '../support/chromium';
import { httpJson, TEST_ADMIN_KEY, testConfig, type HttpResponse } from '../support/harness';
import { responseChecker, type ResponseChecker } from '../support/openapi-check';

/** The parts of Express 5's router layers the walk reads (router 2.x). */
interface Layer {
  name: string;
  rawPath?: string | RegExp | (string | RegExp)[];
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
}

/**
 * Every `METHOD /path` the app routes, from its router stack: route layers (in nested routers too), and, for a
 * static-file middleware mounted at P, `GET P` (its index) and `GET P/:file`.
 */
function mountedRoutes(stack: Layer[], prefix = ''): string[] {
  return stack.flatMap((layer): string[] => {
    if (layer.route) {
      const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      const methods = Object.keys(layer.route.methods).filter((m) => m !== '_all');
      return paths.flatMap((path) => methods.map((m) => `${m.toUpperCase()} ${prefix}${path}`));
    }
    if (!layer.handle.stack && layer.name !== 'serveStatic') return [];
    // Only plain string mounts can be compared with the document; anything else must fail loudly.
    if (typeof layer.rawPath !== 'string') throw new Error(`unexpected mount ${String(layer.rawPath)}`);
    const mount = `${prefix}${layer.rawPath === '/' ? '' : layer.rawPath}`;
    if (layer.handle.stack) return mountedRoutes(layer.handle.stack, mount);
    return [`GET ${mount}`, `GET ${mount}/:file`];
  });
}

describe('the OpenAPI document against the live API', () => {
  let app: Express;
  let server: Server;
  let base: string;
  let stores: Stores;
  let temporal: TemporalClients;
  let checker: ResponseChecker;
  const viewerKey: { key?: string } = {};

  beforeAll(async () => {
    const config = testConfig();
    stores = openStores(config.store.dbPath);
    temporal = createTemporalClients(config);
    const logger = createLogger('error', 'openapi-test');
    logger.silent = true;
    await ensureBootstrapAdminKey(stores.apiKeys, TEST_ADMIN_KEY);
    viewerKey.key = (await createApiKey(stores.apiKeys, { name: 'viewer', role: 'viewer' })).key;
    app = createApp({ temporal, stores, config, logger });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    checker = await responseChecker(buildOpenApiDocument());
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await temporal.close().catch(() => undefined);
    await stores.close();
  });

  it('lists exactly the routes the app mounts, and every one of them', () => {
    const mounted = mountedRoutes((app as unknown as { router: { stack: Layer[] } }).router.stack);
    expect(mounted.length).toBeGreaterThan(30);
    const routed = [
      ...new Set(mounted.map((route) => route.replace(/ (.*)$/, (_, p: string) => ` ${openApiPath(p)}`))),
    ];
    const documented = Object.entries(buildOpenApiDocument().paths ?? {}).flatMap(([path, item]) =>
      ['get', 'post', 'delete', 'put', 'patch']
        .filter((m) => (item as Record<string, unknown>)[m])
        .map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect({ routedButUndocumented: routed.filter((r) => !documented.includes(r)) }).toEqual({
      routedButUndocumented: [],
    });
    expect({ documentedButNotRouted: documented.filter((d) => !routed.includes(d)) }).toEqual({
      documentedButNotRouted: [],
    });
    expect(routed).toEqual(
      expect.arrayContaining(['GET /workflows/{id}/result', 'GET /openapi.json', 'GET /docs']),
    );
  });

  it('serves /openapi.json without a key: a valid document, the generated one', async () => {
    const response = await httpJson(base, 'GET', '/openapi.json', undefined, { 'x-api-key': '' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.body).toEqual(JSON.parse(JSON.stringify(buildOpenApiDocument())));
    await expect(SwaggerParser.validate(response.body as never)).resolves.toBeDefined();
  });

  it('serves Swagger UI at /docs without a key: a page under its own CSP that loads the bundle from here', async () => {
    const page = await fetch(`${base}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toBe(SWAGGER_UI_CSP);
    const html = await page.text();
    expect(html).toContain('<div id="swagger-ui"></div>');
    const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map(([, url]) => url);
    expect(urls).toEqual(expect.arrayContaining(['/docs/swagger-ui-bundle.js', '/docs/swagger-ui.css']));
    for (const url of urls) {
      const asset = await fetch(`${base}${url}`);
      expect([url, asset.status]).toEqual([url, 200]);
      const body = await asset.text();
      if (url.endsWith('.js')) expect(asset.headers.get('content-type')).toMatch(/^text\/javascript/);
      if (url.endsWith('.css')) expect(asset.headers.get('content-type')).toMatch(/^text\/css/);
      if (url === '/docs/swagger-ui-bundle.js') expect(body).toContain('SwaggerUIBundle');
      if (url === '/docs/tradeflow-init.js') expect(body).toContain("url: '/openapi.json'");
    }
    // The rest of the API keeps helmet's policy.
    const api = await fetch(`${base}/health/live`);
    expect(api.headers.get('content-security-policy')).toMatch(/default-src 'self'/);

    const missing = await httpJson(base, 'GET', '/docs/index.html', undefined, { 'x-api-key': '' });
    expect(missing.status).toBe(404);
    expect(checker.check('GET', '/docs/:asset', 404, missing.body)).toEqual([]);
  });

  it('renders in a real browser under that CSP, and "Try it out" reaches the API with a key', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      // Chromium reports each CSP refusal ("Refused to load/apply/execute …") as a console error.
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(error.message));
      await page.goto(`${base}/docs`);
      await page.locator('.opblock').first().waitFor({ timeout: 30_000 });
      const operations = Object.values(buildOpenApiDocument().paths ?? {}).flatMap((item) =>
        Object.keys(item as object),
      );
      expect(await page.locator('.opblock').count()).toBe(operations.length);

      await page.locator('button.authorize').click();
      await page.locator('.auth-container input').first().fill(TEST_ADMIN_KEY);
      await page.locator('.auth-container button.authorize').first().click();
      await page.locator('button.btn-done').first().click();

      const whoami = page.locator('#operations-auth-whoami');
      await whoami.locator('.opblock-summary').click();
      await whoami.locator('button.try-out__btn').click();
      await whoami.locator('button.execute').click();
      const status = whoami.locator('.live-responses-table .response .response-col_status').first();
      await expect(status.textContent({ timeout: 30_000 })).resolves.toMatch(/^\s*200/);
      await expect(whoami.locator('.live-responses-table').textContent()).resolves.toContain(
        '"role": "admin"',
      );
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  /** Calls the API and checks the answer against the document; returns it for further checks. */
  async function documented(
    method: string,
    template: string,
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<HttpResponse> {
    const response = await httpJson(base, method, url, body, headers);
    expect({
      call: `${method} ${url} → ${response.status}`,
      problems: checker.check(method, template, response.status, response.body),
    }).toEqual({
      call: `${method} ${url} → ${response.status}`,
      problems: [],
    });
    return response;
  }

  it('answers errors as documented: 400 naming the field, 401, 403, 404', async () => {
    const bad = await documented('POST', '/workflows/trigger', '/workflows/trigger', {
      workflow_id: 'trading_pipeline',
      parameters: { symbols: [] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues).toEqual([
      { field: 'body.parameters.symbols', message: 'must list at least one symbol' },
    ]);
    const wait = await documented('GET', '/workflows/:id/result', '/workflows/x/result?waitSeconds=61');
    expect(wait.status).toBe(400);
    expect(wait.body.error.details.issues[0].field).toBe('query.waitSeconds');
    const notJson = await documented('POST', '/admin/api-keys', '/admin/api-keys', '{');
    expect(notJson.body.error.code).toBe('invalid_json');

    const anonymous = await documented('GET', '/workflows', '/workflows', undefined, { 'x-api-key': '' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer, ApiKey');
    const viewer = await documented(
      'POST',
      '/workflows/trigger',
      '/workflows/trigger',
      {},
      {
        'x-api-key': viewerKey.key!,
      },
    );
    expect(viewer.status).toBe(403);

    const unknownRun = await documented(
      'GET',
      '/workflows/:id/status',
      `/workflows/nope-${Date.now()}/status`,
    );
    expect(unknownRun.status).toBe(404);
    expect(unknownRun.body.error.code).toBe('workflow_not_found');
    expect((await documented('GET', '/market-data/:symbol', '/market-data/ZZZZ')).status).toBe(404);
    expect((await documented('GET', '/schedules/:id', `/schedules/nope-${Date.now()}`)).status).toBe(404);
  });

  it('answers reads as documented', async () => {
    for (const path of [
      '/health/live',
      '/health/ready',
      '/auth/whoami',
      '/workflows',
      '/approvals',
      '/risk/backtests/var',
      '/schedules',
      '/admin/api-keys',
      '/audit',
      '/audit/verify',
    ]) {
      expect([path, (await documented('GET', path, path)).status]).toEqual([path, 200]);
    }
    expect((await documented('GET', '/quotes/:symbol', '/quotes/AAPL?limit=5')).status).toBe(200);
  });

  it('answers a run started, watched and cancelled as documented (no worker: it stays running)', async () => {
    const started = await documented('POST', '/workflows/trigger', '/workflows/trigger', {
      workflow_id: 'trading_pipeline',
      parameters: { symbols: ['AAPL'], provider: 'synthetic', asOf: '2026-11-20', lookbackDays: 60 },
    });
    expect(started.status).toBe(202);
    const id = encodeURIComponent(started.body.workflowId as string);
    expect((await documented('GET', '/workflows/:id/result', `/workflows/${id}/result`)).status).toBe(202);
    const cancelled = await documented('POST', '/workflows/:id/cancel', `/workflows/${id}/cancel`);
    expect(cancelled.body.status).toBe('CANCEL_REQUESTED');

    const key = await documented('POST', '/admin/api-keys', '/admin/api-keys', {
      name: 'docs test',
      role: 'viewer',
    });
    expect(key.status).toBe(201);
    const revoked = await documented(
      'DELETE',
      '/admin/api-keys/:id',
      `/admin/api-keys/${key.body.apiKey.id}`,
    );
    expect(revoked.status).toBe(204);
  });
});
