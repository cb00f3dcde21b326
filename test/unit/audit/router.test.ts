/** GET /audit and GET /audit/verify on a small express app over an in-memory SQLite audit store. */
import type { Server } from 'node:http';
import express from 'express';
import { errorHandler, notFoundRoute } from '../../../src/api/errors';
import { auditRouter } from '../../../src/api/routes/audit';
import { createAuditLog, type AuditLog } from '../../../src/audit/audit-log';
import { createSqliteAuditStore } from '../../../src/audit/store';
import { createLogger } from '../../../src/logging';
import { openDatabase, type SqliteDatabase } from '../../../src/store/sqlite';

describe('audit routes', () => {
  let db: SqliteDatabase;
  let audit: AuditLog;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    db = openDatabase(':memory:');
    let t = Date.parse('2026-01-01T00:00:00.000Z');
    audit = createAuditLog({ store: createSqliteAuditStore(db, { now: () => new Date((t += 60_000)) }) });
    for (let i = 1; i <= 5; i += 1) {
      await audit.record({
        actor: i % 2 ? 'alice' : 'bob',
        action: i <= 3 ? 'schedule.create' : 'auth.failure',
        resource: `schedule:s${i}`,
        result: i <= 3 ? 'success' : 'failure',
      });
    }
    const app = express();
    app.set('query parser', 'simple');
    app.use((_req, res, next) => {
      res.setHeader('x-request-id', 'req-test');
      res.locals.actor = 'apikey:admin-1';
      next();
    });
    app.use(auditRouter(audit));
    app.use(notFoundRoute);
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
    db.close();
  });

  const get = async (route: string) => {
    const response = await fetch(`${base}${route}`, { headers: { 'user-agent': 'jest-agent' } });
    return { status: response.status, body: (await response.json()) as any };
  };

  it('lists records newest first with a cursor, filtered', async () => {
    const page = await get('/audit?limit=2&action=schedule.*');
    expect(page.status).toBe(200);
    expect(page.body.records.map((r: any) => r.seq)).toEqual([3, 2]);
    expect(page.body.nextCursor).toBe('2');
    const next = await get(`/audit?limit=2&action=schedule.*&cursor=${page.body.nextCursor}`);
    expect(next.body).toEqual({
      records: [expect.objectContaining({ seq: 1, actor: 'alice' })],
      nextCursor: null,
    });
    const failures = await get(
      '/audit?result=failure&order=asc&from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z',
    );
    expect(failures.body.records.map((r: any) => r.resource)).toEqual(['schedule:s4', 'schedule:s5']);
    expect((await get('/audit?actor=bob&resource=schedule:s4')).body.records).toHaveLength(1);
  });

  it('audits each read: who, from where, with which filter', async () => {
    await get('/audit?actor=nobody');
    const latest = await audit.query({ limit: 1, action: 'audit.export' });
    expect(latest.records[0]).toMatchObject({
      actor: 'apikey:admin-1',
      resource: 'audit',
      result: 'success',
      ip: '127.0.0.1',
      userAgent: 'jest-agent',
      requestId: 'req-test',
      details: { filter: { actor: 'nobody', limit: 100, order: 'desc' }, returned: 0 },
    });
  });

  it.each([
    ['/audit?limit=0', 'query.limit'],
    ['/audit?limit=5000', 'query.limit'],
    ['/audit?result=maybe', 'query.result'],
    ['/audit?action=nope', 'query.action'],
    ['/audit?action=bogus.*', 'query.action'],
    ['/audit?from=yesterday', 'query.from'],
    ['/audit?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', 'query.to'],
    ['/audit?cursor=-1', 'query.cursor'],
    ['/audit?actor=a&actor=b', 'query.actor'],
    ['/audit?resource=*', 'query.resource'],
    ['/audit?sort=seq', 'query'],
    ['/audit/verify?deep=1', 'query'],
  ])('answers 400 naming the field for %s', async (route, field) => {
    const r = await get(route);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('invalid_request');
    expect(r.body.error.details.issues.map((i: any) => i.field)).toContain(field);
  });

  it('verifies: 200 when intact, 409 naming the broken records when not', async () => {
    const intact = await get('/audit/verify');
    expect(intact.status).toBe(200);
    expect(intact.body).toMatchObject({ ok: true, problems: [], anchor: { seq: 0 } });
    expect(intact.body.records).toBeGreaterThanOrEqual(5);

    db.prepare("UPDATE audit_log SET result = 'success' WHERE seq = 4").run();
    const broken = await get('/audit/verify');
    expect(broken.status).toBe(409);
    expect(broken.body).toMatchObject({
      ok: false,
      problems: [{ seq: 4, kind: 'edited' }],
      error: {
        code: 'audit_chain_broken',
        message: expect.stringMatching(/BROKEN at seq 4/),
        requestId: 'req-test',
      },
    });
    const recorded = await audit.query({ limit: 1, action: 'audit.verify' });
    expect(recorded.records[0]).toMatchObject({
      result: 'failure',
      details: { ok: false, firstProblemSeq: 4 },
    });
  });
});
