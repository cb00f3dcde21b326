/**
 * API authentication and roles over HTTP, against the real API (SQLite store, the suite's Temporal server): every
 * route in the policy table × every kind of caller, API key administration, bearer tokens, rate limits, headers.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { ROUTE_POLICY } from '../../src/auth/policy';
import { createApiKey } from '../../src/auth/api-keys';
import { createEnvSecretsProvider } from '../../src/secrets/secrets-provider';
import { eventually, httpJson, startApiOnly, testConfig } from '../support/harness';

const repoRoot = path.resolve(__dirname, '../..');
const SIGNING_SECRET = 'test-signing-secret-0123456789-abcdefghij';
const secrets = createEnvSecretsProvider({ API_SIGNING_SECRET: SIGNING_SECRET });

const token = (claims: Record<string, unknown>, secret = SIGNING_SECRET, expiresIn = '5m') =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('alice@example.com')
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));

/** A concrete path for a policy path: parameters become plausible values. */
const concrete = (path: string) =>
  path
    .replace(':symbol', 'AAPL')
    .replace(':runId', 'run-1')
    .replace(/:id/, '00000000-0000-4000-8000-000000000000');

describe('API authentication and authorization', () => {
  let api: Awaited<ReturnType<typeof startApiOnly>>;
  const keys: Record<string, string> = {};
  beforeAll(async () => {
    api = await startApiOnly(testConfig({ API_CORS_ORIGINS: 'https://ops.example.com' }), { secrets });
    for (const role of ['viewer', 'operator', 'admin'] as const) {
      keys[role] = (await createApiKey(api.stores.apiKeys, { name: `${role}-test`, role })).key;
    }
    keys.expired = (
      await createApiKey(api.stores.apiKeys, {
        name: 'old',
        role: 'admin',
        expiresAt: '2020-01-01T00:00:00Z',
      })
    ).key;
  });
  afterAll(async () => {
    await api.stop();
  });

  it('walks the whole route × role matrix: 401 without or with bad credentials, 403 with too small a role', async () => {
    const callers: [string, Record<string, string>, 'viewer' | 'operator' | 'admin' | null][] = [
      ['nobody', { 'x-api-key': '' }, null],
      ['unknown key', { 'x-api-key': 'tfk_not-a-real-key-000000000000000000000' }, null],
      ['expired key', { 'x-api-key': keys.expired }, null],
      ['viewer key', { 'x-api-key': keys.viewer }, 'viewer'],
      ['operator key', { 'x-api-key': keys.operator }, 'operator'],
      ['admin key', { 'x-api-key': keys.admin }, 'admin'],
      ['operator token', { authorization: `Bearer ${await token({ role: 'operator' })}` }, 'operator'],
    ];
    const rank = { viewer: 0, operator: 1, admin: 2 };
    const failures: string[] = [];
    for (const rule of ROUTE_POLICY) {
      for (const [who, headers, role] of callers) {
        const { status, body } = await httpJson(
          api.baseUrl,
          rule.method,
          concrete(rule.path),
          undefined,
          headers,
        );
        const expected =
          rule.role === 'public'
            ? 'allowed'
            : role === null
              ? 401
              : rank[role] < rank[rule.role]
                ? 403
                : 'allowed';
        const ok = expected === 'allowed' ? status !== 401 && status !== 403 : status === expected;
        if (!ok) failures.push(`${who} ${rule.method} ${rule.path}: ${status} (expected ${expected})`);
        if (status === 401 || status === 403)
          expect(body.error.code).toBe(status === 401 ? 'unauthorized' : 'forbidden');
      }
    }
    expect(failures).toEqual([]);
  });

  it('refuses bad bearer tokens with the reason: wrong secret, expired, no role', async () => {
    const cases: [string, RegExp][] = [
      [
        await token({ role: 'admin' }, 'another-secret-0123456789-abcdefghijklmn'),
        /signature does not verify/,
      ],
      [await token({ role: 'admin' }, SIGNING_SECRET, '-1m'), /expired/],
      [await token({}), /no valid "role" claim/],
      ['not.a.jwt', /malformed/],
    ];
    for (const [bearer, reason] of cases) {
      const r = await httpJson(api.baseUrl, 'GET', '/workflows', undefined, {
        authorization: `Bearer ${bearer}`,
      });
      expect(r.status).toBe(401);
      expect(r.body.error.message).toMatch(reason);
      expect(r.headers.get('www-authenticate')).toMatch(/Bearer/);
    }
  });

  it('lets an admin create, list and revoke keys; a revoked key stops working at once', async () => {
    const created = await httpJson(api.baseUrl, 'POST', '/admin/api-keys', {
      name: 'ci bot',
      role: 'operator',
    });
    expect(created.status).toBe(201);
    const { key, apiKey } = created.body as { key: string; apiKey: { id: string; prefix: string } };
    expect(key).toMatch(/^tfk_/);
    expect((await httpJson(api.baseUrl, 'GET', '/approvals', undefined, { 'x-api-key': key })).status).toBe(
      200,
    );

    const listed = await httpJson(api.baseUrl, 'GET', '/admin/api-keys');
    const text = JSON.stringify(listed.body);
    expect(text).toContain(apiKey.id);
    expect(text).not.toContain(key);
    expect(text).not.toMatch(/hash/);

    expect((await httpJson(api.baseUrl, 'DELETE', `/admin/api-keys/${apiKey.id}`)).status).toBe(204);
    const after = await httpJson(api.baseUrl, 'GET', '/approvals', undefined, { 'x-api-key': key });
    expect(after.status).toBe(401);
    expect(after.body.error.message).toMatch(/API key revoked/);
    expect((await httpJson(api.baseUrl, 'DELETE', `/admin/api-keys/${apiKey.id}`)).status).toBe(404);

    const bad = await httpJson(api.baseUrl, 'POST', '/admin/api-keys', { name: 'x', role: 'root' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/body\.role: must be one of viewer, operator, admin/);
  });

  it('records security events in the tamper-evident audit log, readable and verifiable by admins', async () => {
    await httpJson(api.baseUrl, 'GET', '/workflows', undefined, {
      'x-api-key': 'tfk_wrong-key-0000000000000000000000000',
    });
    await httpJson(api.baseUrl, 'POST', '/schedules', {}, { 'x-api-key': keys.operator });
    const created = await httpJson(api.baseUrl, 'POST', '/admin/api-keys', {
      name: 'audited',
      role: 'viewer',
    });
    const find = (action: string) =>
      eventually(async () => {
        const r = await httpJson(api.baseUrl, 'GET', `/audit?action=${action}&limit=50`);
        return r.body.records.length > 0 ? r.body.records : undefined;
      });
    const [failure] = await find('auth.failure');
    expect(failure).toMatchObject({
      actor: 'anonymous',
      result: 'failure',
      resource: 'route:GET /workflows',
    });
    expect(failure.details.reason).toBe('API key unknown');
    expect(failure.requestId).toEqual(expect.any(String));
    const [denied] = await find('auth.denied');
    expect(denied).toMatchObject({
      result: 'denied',
      resource: 'route:POST /schedules',
      details: { required: 'admin' },
    });
    const [keyCreated] = await find('apikey.create');
    expect(keyCreated).toMatchObject({
      result: 'success',
      resource: '/admin/api-keys',
      details: { status: 201 },
    });
    expect(JSON.stringify(keyCreated)).not.toContain(created.body.key);

    const verified = await httpJson(api.baseUrl, 'GET', '/audit/verify');
    expect(verified.status).toBe(200);
    expect(verified.body.ok).toBe(true);
    expect(
      (await httpJson(api.baseUrl, 'GET', '/audit', undefined, { 'x-api-key': keys.operator })).status,
    ).toBe(403);
  });

  it('sends security headers, and CORS only for allowed origins', async () => {
    const allowed = await httpJson(api.baseUrl, 'GET', '/health/live', undefined, {
      origin: 'https://ops.example.com',
    });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://ops.example.com');
    expect(allowed.headers.get('x-content-type-options')).toBe('nosniff');
    expect(allowed.headers.get('content-security-policy')).toEqual(expect.any(String));
    expect(allowed.headers.get('x-powered-by')).toBeNull();
    const other = await httpJson(api.baseUrl, 'GET', '/health/live', undefined, {
      origin: 'https://evil.example',
    });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('rate limits', () => {
  it('answers 429 with a JSON error past the per-key limit, counting per key', async () => {
    const api = await startApiOnly(testConfig({ API_RATE_LIMIT_PER_KEY: '5' }), { secrets });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 7; i += 1) statuses.push((await httpJson(api.baseUrl, 'GET', '/approvals')).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
      const limited = await httpJson(api.baseUrl, 'GET', '/approvals');
      expect(limited.body.error.code).toBe('rate_limited');
      const other = (await createApiKey(api.stores.apiKeys, { name: 'other', role: 'viewer' })).key;
      expect(
        (await httpJson(api.baseUrl, 'GET', '/approvals', undefined, { 'x-api-key': other })).status,
      ).toBe(200);
    } finally {
      await api.stop();
    }
  });
});

describe('npm run apikey', () => {
  it('creates a key printed alone on its last line, which the API accepts; bad flags are named', async () => {
    const config = testConfig();
    const env = {
      ...process.env,
      TRADEFLOW_DB_PATH: config.store.dbPath,
      AUDIT_LOG_FILE: config.audit.logFile,
      DATABASE_URL: '',
    };
    const run = (...args: string[]) =>
      promisify(execFile)('npm', ['run', '--silent', 'apikey', '--', ...args], {
        cwd: repoRoot,
        env,
        timeout: 60_000,
      });
    const { stdout } = await run('create', '--role', 'operator', '--name', 'cli-test');
    const key = stdout.trim().split('\n').at(-1)!;
    expect(key).toMatch(/^tfk_[A-Za-z0-9_-]{43}$/);

    const api = await startApiOnly(config, { secrets });
    try {
      const r = await httpJson(api.baseUrl, 'POST', '/workflows/trigger', {}, { 'x-api-key': key });
      expect(r.status).toBe(400); // authenticated as an operator; the empty body is what is wrong
      const audited = await httpJson(api.baseUrl, 'GET', '/audit?action=apikey.create');
      expect(audited.body.records[0].actor).toMatch(/^cli:/);
    } finally {
      await api.stop();
    }
    const bad = await run('create', '--role', 'root', '--name', 'x').then(
      () => undefined,
      (error: { stderr: string }) => error,
    );
    expect(bad?.stderr).toMatch(/--role <role>' argument 'root' is invalid/);
  });
});

describe('bearer tokens checked against a JWKS URL', () => {
  it('accepts RS256 tokens from the key set, with the configured issuer and audience, and refuses others', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const other = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    // A local stand-in for the identity provider's JWKS endpoint (the real one is behind the network).
    const server = http.createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const api = await startApiOnly(
      testConfig({
        JWT_JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json`,
        JWT_ISSUER: 'https://idp.example.com',
        JWT_AUDIENCE: 'tradeflow',
      }),
    );
    const sign = (
      key: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'],
      claims: Record<string, unknown> = {},
      issuer = 'https://idp.example.com',
    ) =>
      new SignJWT({ role: 'viewer', ...claims })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setSubject('bob@example.com')
        .setIssuer(issuer)
        .setAudience('tradeflow')
        .setExpirationTime('5m')
        .sign(key);
    const call = async (token: string) =>
      httpJson(api.baseUrl, 'GET', '/approvals', undefined, { authorization: `Bearer ${token}` });
    try {
      expect((await call(await sign(privateKey))).status).toBe(200);
      const forged = await call(await sign(other.privateKey));
      expect(forged.status).toBe(401);
      const wrongIssuer = await call(await sign(privateKey, {}, 'https://other-idp.example.com'));
      expect(wrongIssuer.status).toBe(401);
      expect(wrongIssuer.body.error.message).toMatch(/"iss" claim is not accepted/);
    } finally {
      await api.stop();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
