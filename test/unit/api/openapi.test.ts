/**
 * The generated OpenAPI document: valid OpenAPI (checked by @apidevtools/swagger-parser), one operation per policy
 * rule and back, each with the role the policy gives it and the auth schemes, request schemas taken from the routes,
 * and error responses whose schema matches what the error handler really sends.
 */
import type { Server } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import SwaggerParser from '@apidevtools/swagger-parser';
import express from 'express';
import { z } from 'zod';
import { errorHandler, HttpError, parseOr400 } from '../../../src/api/errors';
import { buildOpenApiDocument, openApiPath, type OpenApiDocument } from '../../../src/api/openapi/document';
import { API_OPERATIONS, type ApiOperation } from '../../../src/api/openapi/operations';
import { SWAGGER_UI_ASSETS, SWAGGER_UI_CSP, SWAGGER_UI_PAGE } from '../../../src/api/openapi/swagger-ui';
import { ROUTE_POLICY, requiredRole } from '../../../src/auth/policy';
import { createLogger } from '../../../src/logging';
import { responseChecker, type ResponseChecker } from '../../support/openapi-check';

type Operation = Record<string, any>;

const METHODS = ['get', 'post', 'delete', 'put', 'patch'] as const;

function operationsOf(document: OpenApiDocument): { key: string; op: Operation }[] {
  return Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    METHODS.filter((m) => (item as Record<string, unknown>)[m]).map((m) => ({
      key: `${m.toUpperCase()} ${path}`,
      op: (item as Record<string, Operation>)[m],
    })),
  );
}

/** A concrete request path for a template: each parameter a plausible value. */
const concrete = (path: string) => path.replace(/:[A-Za-z]+/g, 'x1');

describe('the OpenAPI document', () => {
  const document = buildOpenApiDocument();
  const operations = operationsOf(document);
  const byKey = new Map(operations.map(({ key, op }) => [key, op]));

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(document.openapi).toMatch(/^3\.1\./);
    // swagger-parser validates against the official OpenAPI schema and resolves every $ref.
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeDefined();
  });

  it('has exactly one operation per policy rule, and no other', () => {
    const fromPolicy = ROUTE_POLICY.map((rule) => `${rule.method} ${openApiPath(rule.path)}`).sort();
    expect(operations.map(({ key }) => key).sort()).toEqual(fromPolicy);
    expect(new Set(operations.map(({ op }) => op.operationId as string)).size).toBe(operations.length);
  });

  it('gives each operation the role the policy table gives the route, in x-required-role and its text', () => {
    for (const rule of ROUTE_POLICY) {
      const op = byKey.get(`${rule.method} ${openApiPath(rule.path)}`)!;
      // requiredRole is what the auth middleware enforces for a real request path.
      expect([rule.path, op['x-required-role']]).toEqual([
        rule.path,
        requiredRole(rule.method, concrete(rule.path)),
      ]);
      if (rule.role === 'public') {
        expect(op.security).toEqual([]);
        expect(op.description).toMatch(/\*\*Public\*\*/);
        expect(op.responses['401']).toBeUndefined();
      } else {
        expect(op.security).toBeUndefined(); // the document-wide requirement applies
        expect(op.description).toContain(`Requires role \`${rule.role}\``);
        expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['401', '403']));
        expect(op.responses['401'].headers['WWW-Authenticate']).toBeDefined();
      }
    }
    for (const path of ['/health/live', '/openapi.json', '/docs', '/docs/:asset']) {
      expect(requiredRole('GET', concrete(path))).toBe('public');
    }
  });

  it('declares both auth schemes: X-API-Key and a bearer JWT, either one accepted', () => {
    expect(document.components?.securitySchemes).toEqual({
      ApiKeyAuth: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-API-Key' }),
      BearerAuth: expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }),
    });
    expect(document.security).toEqual([{ ApiKeyAuth: [] }, { BearerAuth: [] }]);
  });

  it('documents every error status with the shared error schemas', () => {
    for (const { key, op } of operations) {
      const statuses = Object.keys(op.responses);
      expect([key, statuses]).toEqual([key, expect.arrayContaining(['429', '500'])]);
      for (const status of statuses.filter((s) => Number(s) >= 400)) {
        const schema = op.responses[status].content['application/json'].schema;
        const ref = (schema.$ref as string | undefined) ?? '(inline)';
        const expected =
          status === '400' ? '#/components/schemas/ValidationError' : '#/components/schemas/ApiError';
        // The two with a body of their own: a broken audit chain (the verification plus `error`), and readiness.
        if (key === 'GET /audit/verify' && status === '409') {
          expect(schema.properties.error.properties.code.const).toBe('audit_chain_broken');
          continue;
        }
        if (key === 'GET /health/ready' && status === '503') {
          expect(ref).toBe('#/components/schemas/Readiness');
          continue;
        }
        expect([key, status, ref]).toEqual([key, status, expected]);
      }
    }
    // Routes that reach Temporal say it can be unreachable (503).
    expect(byKey.get('POST /workflows/trigger')!.responses['503']).toBeDefined();
    expect(byKey.get('GET /approvals')!.responses['503']).toBeUndefined();
  });

  it('describes requests with the schemas the routes parse with', () => {
    const result = byKey.get('GET /workflows/{id}/result')!;
    expect(result.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ in: 'path', name: 'id', required: true }),
        expect.objectContaining({
          in: 'query',
          name: 'waitSeconds',
          schema: expect.objectContaining({ type: 'integer', minimum: 0, maximum: 60, default: 0 }),
        }),
      ]),
    );
    const trigger = byKey.get('POST /workflows/trigger')!.requestBody.content['application/json'].schema;
    expect(trigger.properties.workflow_id).toEqual({ type: 'string', const: 'trading_pipeline' });
    expect(trigger.additionalProperties).toBe(false);
    expect(trigger.properties.parameters.properties.symbols).toMatchObject({ type: 'array', minItems: 1 });
    expect(trigger.properties.parameters.required).toEqual(['symbols']);

    const keys = byKey.get('POST /admin/api-keys')!.requestBody.content['application/json'].schema;
    expect(keys.properties.role.enum).toEqual(['viewer', 'operator', 'admin']);
    const audit = byKey.get('GET /audit')!.parameters.map((p: { name: string }) => p.name);
    expect(audit).toEqual(
      expect.arrayContaining(['actor', 'action', 'from', 'to', 'limit', 'cursor', 'order']),
    );
  });

  it('refuses a table that lists a route twice', () => {
    const twice: ApiOperation[] = [API_OPERATIONS[0], { ...API_OPERATIONS[0], operationId: 'again' }];
    expect(() => buildOpenApiDocument(twice)).toThrow(/twice/);
  });
});

describe('the documented error schemas match what the error handler sends', () => {
  let server: Server;
  let base: string;
  let checker: ResponseChecker;
  beforeAll(async () => {
    checker = await responseChecker(buildOpenApiDocument());
    // In the app's order: the request id first, then the body parser.
    const app = express();
    app.use((_req, res, next) => {
      res.setHeader('x-request-id', 'req-1');
      next();
    });
    app.use(express.json());
    app.post('/workflows/trigger', (req) => {
      parseOr400(
        z.object({ parameters: z.object({ symbols: z.array(z.string()).min(1) }) }),
        req.body,
        'body',
      );
    });
    app.get('/workflows/:id/status', () => {
      throw new HttpError(404, 'workflow_not_found', 'no such run');
    });
    const logger = createLogger('error', 'test');
    logger.silent = true;
    app.use(errorHandler(logger));
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const post = (body: string) =>
    fetch(`${base}/workflows/trigger`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });

  it('400 with issues naming the field, 400 for bad JSON, 404', async () => {
    const bad = await post(JSON.stringify({ parameters: { symbols: [] } }));
    const badBody = (await bad.json()) as { error: { details: { issues: { field: string }[] } } };
    expect(bad.status).toBe(400);
    expect(badBody.error.details.issues[0].field).toBe('body.parameters.symbols');
    expect(checker.check('POST', '/workflows/trigger', 400, badBody)).toEqual([]);

    const notJson = await post('{');
    expect(notJson.status).toBe(400);
    expect(checker.check('POST', '/workflows/trigger', 400, await notJson.json())).toEqual([]);

    const missing = await fetch(`${base}/workflows/abc/status`);
    expect(missing.status).toBe(404);
    expect(checker.check('GET', '/workflows/:id/status', 404, await missing.json())).toEqual([]);
  });

  it('and the checker does catch a body that does not match', () => {
    expect(checker.check('GET', '/workflows/:id/status', 404, { message: 'flat' })).not.toEqual([]);
    expect(checker.check('GET', '/workflows/:id/status', 418, {})).toEqual([
      'GET /workflows/:id/status does not document status 418',
    ]);
  });
});

describe('Swagger UI', () => {
  it('loads its bundle and start-up script as files: no inline script, no CDN', () => {
    const scripts = [...SWAGGER_UI_PAGE.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.map(([, attributes]) => /src="([^"]+)"/.exec(attributes)?.[1])).toEqual([
      '/docs/swagger-ui-bundle.js',
      '/docs/tradeflow-init.js',
    ]);
    expect(scripts.every(([, , body]) => body.trim() === '')).toBe(true);
    expect(SWAGGER_UI_PAGE).not.toMatch(/<style|style="|https?:\/\//);
    for (const [, url] of SWAGGER_UI_PAGE.matchAll(/(?:src|href)="([^"]+)"/g)) {
      expect(Object.keys(SWAGGER_UI_ASSETS)).toContain(url.replace('/docs/', ''));
    }
  });

  it('serves files that exist, and the start-up script points at /openapi.json without the public validator', () => {
    for (const asset of Object.values(SWAGGER_UI_ASSETS)) {
      if ('file' in asset) expect(existsSync(asset.file)).toBe(true);
    }
    const init = SWAGGER_UI_ASSETS['tradeflow-init.js'];
    expect('body' in init && init.body).toMatch(/url: '\/openapi\.json'[\s\S]*validatorUrl: null/);
    expect(
      readFileSync((SWAGGER_UI_ASSETS['swagger-ui-bundle.js'] as { file: string }).file, 'utf8'),
    ).toContain('SwaggerUIBundle');
  });

  it("has a CSP that allows this origin's files and nothing inline", () => {
    expect(SWAGGER_UI_CSP).toContain("default-src 'none'");
    expect(SWAGGER_UI_CSP).toContain("script-src 'self'");
    expect(SWAGGER_UI_CSP).toContain("connect-src 'self'");
    expect(SWAGGER_UI_CSP).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
  });
});
