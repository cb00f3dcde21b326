/**
 * Every error leaves the API as JSON `{ error: { code, message, details?, requestId } }` with a 4xx/5xx status;
 * never a stack trace. Temporal being unreachable is a 503 that says so.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { z } from 'zod';
import { toInputIssues, type InputIssue } from '../pipeline/input';
import type { Logger } from '../logging';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export function badRequest(issues: InputIssue[]): HttpError {
  const summary = issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ');
  return new HttpError(400, 'invalid_request', `Invalid request: ${summary}`, { issues });
}

/** Parses with a zod schema or throws a 400 naming each bad field (prefixed, e.g. `body.parameters.symbols`). */
export function parseOr400<S extends z.ZodType>(schema: S, value: unknown, prefix: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw badRequest(
    toInputIssues(parsed.error).map((issue) => ({
      ...issue,
      field: issue.field === '(root)' ? prefix : `${prefix}.${issue.field}`,
    })),
  );
}

const GRPC_UNAVAILABLE = 14;
const GRPC_DEADLINE_EXCEEDED = 4;

/** True when the error means we could not reach Temporal (connection refused, DNS, deadline). */
export function isTemporalUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth += 1) {
    const code = (e as { code?: unknown }).code;
    if (code === GRPC_UNAVAILABLE || code === GRPC_DEADLINE_EXCEEDED) return true;
    const message = e instanceof Error ? e.message : '';
    if (
      /Failed to connect|ECONNREFUSED|UNAVAILABLE|No connection established|DEADLINE_EXCEEDED/i.test(message)
    )
      return true;
  }
  return false;
}

/** Jest's module registry can break `instanceof` on SDK errors, so compare names. */
export function errorNamed(error: unknown, ...names: string[]): boolean {
  return error instanceof Error && names.includes(error.name);
}

export const notFoundRoute: RequestHandler = (req, _res, next) => {
  next(new HttpError(404, 'not_found', `No route for ${req.method} ${req.path}`));
};

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const requestId = res.getHeader('x-request-id');
    const { status, code, message, details } = classify(error);
    if (status >= 500) logger.error('request failed', { requestId, path: req.path, error: String(error) });
    res.status(status).json({ error: { code, message, ...(details ? { details } : {}), requestId } });
  };
}

function classify(error: unknown): { status: number; code: string; message: string; details?: unknown } {
  if (error instanceof HttpError) return error;
  const bodyParserError = error as { type?: string; status?: number; expose?: boolean; message?: string };
  if (bodyParserError?.type === 'entity.parse.failed') {
    return { status: 400, code: 'invalid_json', message: 'Request body is not valid JSON' };
  }
  // Express fails to decode a path parameter with malformed percent-encoding (e.g. /workflows/abc%2/status).
  if (error instanceof URIError) {
    return { status: 400, code: 'invalid_path', message: 'The request path has malformed percent-encoding' };
  }
  if (bodyParserError?.type === 'entity.too.large') {
    return { status: 413, code: 'payload_too_large', message: 'Request body is too large' };
  }
  if (bodyParserError?.expose && typeof bodyParserError.status === 'number' && bodyParserError.status < 500) {
    return {
      status: bodyParserError.status,
      code: 'bad_request',
      message: bodyParserError.message ?? 'Bad request',
    };
  }
  if (errorNamed(error, 'WorkflowNotFoundError')) {
    return { status: 404, code: 'workflow_not_found', message: (error as Error).message };
  }
  if (errorNamed(error, 'ScheduleNotFoundError')) {
    return { status: 404, code: 'schedule_not_found', message: (error as Error).message };
  }
  if (isTemporalUnavailable(error)) {
    return {
      status: 503,
      code: 'temporal_unavailable',
      message:
        'The Temporal service is unreachable; try again shortly (check TEMPORAL_ADDRESS and that the server is up)',
    };
  }
  return {
    status: 500,
    code: 'internal_error',
    message: 'Internal error; see the server log with the request id',
  };
}
