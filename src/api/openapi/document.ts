/**
 * The OpenAPI 3.1 document of the API, generated (zod-openapi) from the operation table in operations.ts, whose
 * request schemas are the zod schemas the routes parse with. Each operation carries the role it needs from the
 * policy table (src/auth/policy.ts) as `x-required-role` and in its description; public ones have `security: []`.
 */
import { z } from 'zod';
import {
  createDocument,
  type ZodOpenApiOperationObject,
  type ZodOpenApiPathsObject,
  type ZodOpenApiResponseObject,
  type ZodOpenApiResponsesObject,
} from 'zod-openapi';
import { ROUTE_POLICY } from '../../auth/policy';
import { ROLES, type Role } from '../../auth/roles';
import { API_OPERATIONS, TAGS, type ApiOperation, type OperationResponse } from './operations';
import { apiError, validationError } from './schemas';

export type OpenApiDocument = ReturnType<typeof createDocument>;

/** Express `/workflows/:id/status` → OpenAPI `/workflows/{id}/status`. */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/** The role the policy table gives a route; a route missing from it needs admin (as the auth middleware does). */
export function policyRole(method: string, path: string): Role | 'public' {
  return ROUTE_POLICY.find((rule) => rule.method === method && rule.path === path)?.role ?? 'admin';
}

const SECURITY_SCHEMES = {
  ApiKeyAuth: {
    type: 'apiKey',
    in: 'header',
    name: 'X-API-Key',
    description:
      'An API key (`tfk_…`) created by an admin (POST /admin/api-keys or `npm run apikey`); it carries one role.',
  },
  BearerAuth: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      'A JWT with claims `sub` (the actor), `role` (viewer, operator or admin) and `exp`: HS256 signed with ' +
      'API_SIGNING_SECRET, or RS/ES/PS/EdDSA checked against JWT_JWKS_URL; issuer and audience when configured.',
  },
} as const;

const rateLimitHeaders = z.object({
  RateLimit: z.string().meta({ description: 'Remaining requests in the window (IETF draft 8)' }),
  'RateLimit-Policy': z.string().meta({ description: 'The limit and window (IETF draft 8)' }),
});

function errorResponse(description: string, schema: z.ZodType = apiError): ZodOpenApiResponseObject {
  return { description, content: { 'application/json': { schema } } };
}

function roleDescription(role: Role | 'public'): string {
  if (role === 'public') return '**Public**: no credentials needed.';
  const allowed = ROLES.slice(ROLES.indexOf(role));
  const names = allowed.length > 1 ? `${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1)}` : allowed[0];
  return `**Requires role \`${role}\`**: an API key or bearer token whose role is ${names}.`;
}

function successResponse(response: OperationResponse): ZodOpenApiResponseObject {
  if (response.contentTypes) {
    return {
      description: response.description,
      content: Object.fromEntries(
        Object.entries(response.contentTypes).map(([type, schema]) => [type, { schema }]),
      ),
    };
  }
  return response.schema
    ? { description: response.description, content: { 'application/json': { schema: response.schema } } }
    : { description: response.description };
}

function operationObject(op: ApiOperation): ZodOpenApiOperationObject {
  const role = policyRole(op.method, op.path);
  const responses: ZodOpenApiResponsesObject = {};
  for (const [status, response] of Object.entries(op.responses)) {
    responses[status as `${1 | 2 | 3 | 4 | 5}${string}`] = successResponse(response);
  }
  const add = (status: number, response: ZodOpenApiResponseObject) => {
    responses[`${status}` as `${1 | 2 | 3 | 4 | 5}${string}`] ??= response;
  };
  if (op.pathParams || op.query || op.body || op.errors?.[400]) {
    add(
      400,
      errorResponse(
        op.errors?.[400] ??
          'A field is invalid (`error.details.issues` names each one), the body is not JSON, or the path has ' +
            'malformed percent-encoding',
        validationError,
      ),
    );
  }
  if (role !== 'public') {
    responses['401'] = {
      description: 'No credentials, or bad ones (unknown, expired or revoked key; bad token)',
      headers: z.object({
        'WWW-Authenticate': z.string().meta({ description: 'Always `Bearer, ApiKey`' }),
      }),
      content: { 'application/json': { schema: apiError } },
    };
    responses['403'] = errorResponse(`The caller's role is below \`${role}\``);
  }
  if (op.errors?.[404]) add(404, errorResponse(op.errors[404]));
  if (op.errors?.[409]) add(409, errorResponse(op.errors[409]));
  if (op.body) add(413, errorResponse('The body is larger than API_JSON_LIMIT (code payload_too_large)'));
  add(429, {
    description:
      'Rate limited (per IP for every route, and per API key or token for authenticated ones); code rate_limited',
    headers: rateLimitHeaders,
    content: { 'application/json': { schema: apiError } },
  });
  add(500, errorResponse('Internal error (code internal_error); the server log has the request id'));
  if (op.temporal) {
    add(503, errorResponse('Temporal is unreachable (code temporal_unavailable); try again shortly'));
  }

  const requestParams = {
    ...(op.pathParams ? { path: op.pathParams } : {}),
    ...(op.query ? { query: op.query } : {}),
  };
  return {
    operationId: op.operationId,
    tags: [op.tag],
    summary: op.summary,
    description: [roleDescription(role), op.description].filter(Boolean).join('\n\n'),
    'x-required-role': role,
    ...(role === 'public' ? { security: [] } : {}),
    ...(Object.keys(requestParams).length > 0 ? { requestParams } : {}),
    ...(op.body
      ? {
          requestBody: {
            required: op.body.required,
            ...(op.body.description ? { description: op.body.description } : {}),
            content: { 'application/json': { schema: op.body.schema } },
          },
        }
      : {}),
    responses,
  };
}

/** Builds the document from the operation table (throws if two operations share a method and path). */
export function buildOpenApiDocument(operations: readonly ApiOperation[] = API_OPERATIONS): OpenApiDocument {
  const paths: ZodOpenApiPathsObject = {};
  for (const op of operations) {
    const item = (paths[openApiPath(op.path)] ??= {});
    const method = op.method.toLowerCase() as 'get' | 'post' | 'delete';
    if (item[method]) throw new Error(`${op.method} ${op.path} is in the operation table twice`);
    item[method] = operationObject(op);
  }
  return createDocument({
    openapi: '3.1.1',
    info: {
      title: 'Tradeflow API',
      version: '1.0.0',
      description:
        'Durable trading pipelines on Temporal: start and watch pipeline runs, approve flagged signals, read ' +
        'market data, quotes, risk reports and backtests, manage schedules, API keys and the audit log.\n\n' +
        'Authenticate with an API key in `X-API-Key` or a JWT in `Authorization: Bearer …`. Roles are ordered ' +
        'viewer < operator < admin; each operation says which it needs (`x-required-role`). Every response ' +
        'carries an `x-request-id` header (send your own to correlate), and every error is JSON ' +
        '`{ "error": { "code", "message", "details"?, "requestId"? } }`.\n\n' +
        'This document is generated from the zod schemas the routes validate with (src/api/openapi).',
    },
    tags: TAGS.map((tag) => ({ ...tag })),
    security: [{ ApiKeyAuth: [] }, { BearerAuth: [] }],
    components: { securitySchemes: SECURITY_SCHEMES },
    paths,
  });
}

let cached: OpenApiDocument | undefined;

/** The document for the API's own table, built once on first use. */
export function openApiDocument(): OpenApiDocument {
  cached ??= buildOpenApiDocument();
  return cached;
}
