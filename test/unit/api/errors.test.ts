import type { Server } from 'node:http';
import express from 'express';
import { z } from 'zod';
import {
  errorHandler,
  HttpError,
  isTemporalUnavailable,
  notFoundRoute,
  parseOr400,
} from '../../../src/api/errors';
import { createLogger } from '../../../src/logging';

describe('isTemporalUnavailable', () => {
  it('recognises gRPC UNAVAILABLE and connection failures anywhere in the cause chain', () => {
    expect(isTemporalUnavailable(Object.assign(new Error('x'), { code: 14 }))).toBe(true);
    expect(
      isTemporalUnavailable(new Error('outer', { cause: new Error('connect ECONNREFUSED 127.0.0.1:7233') })),
    ).toBe(true);
    expect(isTemporalUnavailable(new Error('Workflow not found'))).toBe(false);
    expect(isTemporalUnavailable(undefined)).toBe(false);
  });
});

describe('errorHandler', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    const app = express();
    app.use(express.json());
    app.post('/parse', (req, res) => {
      res.json(parseOr400(z.object({ n: z.number().int() }).strict(), req.body, 'body'));
    });
    app.get('/http', () => {
      throw new HttpError(409, 'conflict', 'already there');
    });
    app.get('/boom', () => {
      throw new Error('secret internal detail at /srv/app.js:12');
    });
    app.get('/down', () => {
      throw Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14 });
    });
    app.get('/missing', () => {
      throw Object.assign(new Error('Workflow not found: abc'), { name: 'WorkflowNotFoundError' });
    });
    app.use(notFoundRoute);
    const logger = createLogger('error', 'test');
    logger.silent = true; // the 500 case logs by design; keep test output clean
    app.use(errorHandler(logger));
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const call = async (path: string, init?: RequestInit) => {
    const r = await fetch(`${base}${path}`, init);
    return {
      status: r.status,
      body: (await r.json()) as { error: { code: string; message: string; details?: unknown } },
    };
  };
  const post = (body: string) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body });

  it('names each bad field with its prefix', async () => {
    const r = await call('/parse', post('{"n": 1.5, "m": 1}'));
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/body\.n: /);
    expect(r.body.error.message).toMatch(/body: .*"m"/);
  });

  it('maps JSON syntax errors, HttpErrors, not-found, unreachable Temporal and unknown errors', async () => {
    expect((await call('/parse', post('{'))).body.error.code).toBe('invalid_json');
    expect(await call('/http')).toMatchObject({ status: 409, body: { error: { code: 'conflict' } } });
    expect(await call('/missing')).toMatchObject({
      status: 404,
      body: { error: { code: 'workflow_not_found' } },
    });
    expect(await call('/down')).toMatchObject({
      status: 503,
      body: { error: { code: 'temporal_unavailable' } },
    });
    expect(await call('/nope')).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    const boom = await call('/boom');
    expect(boom.status).toBe(500);
    expect(JSON.stringify(boom.body)).not.toContain('secret internal detail');
  });
});
