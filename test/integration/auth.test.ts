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
import {
  eventually,
  httpJson,
  startApiOnly,
  testConfig,
  TEST_JWT_AUDIENCE,
  TEST_JWT_ISSUER,
} from '../support/harness';

const repoRoot = path.resolve(__dirname, '../..');
const SIGNING_SECRET = 'test-signing-secret-0123456789-abcdefghij';
const secrets = createEnvSecretsProvider({ API_SIGNING_SECRET: SIGNING_SECRET });

const token = (claims: Record<string, unknown>, secret = SIGNING_SECRET, expiresIn = '5m') =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('alice@example.com')
    .setIssuer(TEST_JWT_ISSUER)
    .setAudience(TEST_JWT_AUDIENCE)
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
    api = await startApiOnly(
      // A short sampling window, so the audit test's failure is a window's first (the matrix test fails many times).
      testConfig({ API_CORS_ORIGINS: 'https://ops.example.com', API_AUTH_FAILURE_AUDIT_WINDOW_MS: '100' }),
      { secrets },
    );
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
          rule.role === 'public' || (rule.anonymous && who === 'nobody')
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
    await new Promise((resolve) => setTimeout(resolve, 150)); // past the earlier tests' failure window
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
      resource: `apikey:${created.body.apiKey.id}`,
      details: {
        status: 201,
        route: 'POST /admin/api-keys',
        keyId: created.body.apiKey.id,
        name: 'audited',
        role: 'viewer',
      },
    });
    expect(JSON.stringify(keyCreated)).not.toContain(created.body.key);

    const verified = await httpJson(api.baseUrl, 'GET', '/audit/verify');
    expect(verified.status).toBe(200);
    expect(verified.body.ok).toBe(true);
    expect(
      (await httpJson(api.baseUrl, 'GET', '/audit', undefined, { 'x-api-key': keys.operator })).status,
    ).toBe(403);
  });

  it('audits a route by what it matched: a mixed-case path is the same route, and the row names the key', async () => {
    // Express routes case-insensitively, so `POST /Admin/Api-Keys/` creates a key: it must be audited as one.
    const created = await httpJson(api.baseUrl, 'POST', '/Admin/Api-Keys/', {
      name: 'mixed case',
      role: 'operator',
    });
    expect(created.status).toBe(201);
    const keyId: string = created.body.apiKey.id;
    expect((await httpJson(api.baseUrl, 'DELETE', `/ADMIN/api-keys/${keyId}`)).status).toBe(204);
    const rowsFor = (action: string) =>
      eventually(async () => {
        const r = await httpJson(
          api.baseUrl,
          'GET',
          `/audit?action=${action}&resource=apikey:${keyId}&limit=5`,
        );
        return r.body.records?.length > 0 ? r.body.records : undefined;
      });
    const [createdRow] = await rowsFor('apikey.create');
    expect(createdRow).toMatchObject({
      resource: `apikey:${keyId}`,
      details: { route: 'POST /admin/api-keys', path: '/Admin/Api-Keys/', keyId, role: 'operator' },
    });
    const [revokedRow] = await rowsFor('apikey.revoke');
    expect(revokedRow).toMatchObject({
      result: 'success',
      details: { route: 'DELETE /admin/api-keys/:id', status: 204 },
    });
    // The role policy matches the same way: a viewer key is refused the mixed-case admin route, not let through.
    const denied = await httpJson(
      api.baseUrl,
      'POST',
      '/ADMIN/API-KEYS',
      { name: 'x', role: 'admin' },
      {
        'x-api-key': keys.viewer,
      },
    );
    expect(denied.status).toBe(403);
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

describe('forwarded headers (API_TRUST_PROXY as a hop count)', () => {
  it('keys the per-IP limit and the audit IP on the address the proxy wrote, not on entries a client sends', async () => {
    const api = await startApiOnly(testConfig({ API_TRUST_PROXY: '1', API_RATE_LIMIT_PER_IP: '3' }), {
      secrets,
    });
    try {
      // One ingress hop: it appends the client's real address (203.0.113.7); the rest is the client's own.
      const statuses: number[] = [];
      for (let i = 0; i < 5; i += 1) {
        const r = await httpJson(api.baseUrl, 'GET', '/health/live', undefined, {
          'x-forwarded-for': `10.9.${i}.1, 203.0.113.7`,
        });
        statuses.push(r.status);
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      const other = await httpJson(api.baseUrl, 'GET', '/health/live', undefined, {
        'x-forwarded-for': '198.51.100.9',
      });
      expect(other.status).toBe(200);
      const refused = await httpJson(api.baseUrl, 'GET', '/workflows', undefined, {
        'x-api-key': 'tfk_not-a-real-key-000000000000000000000',
        'x-forwarded-for': '192.0.2.1, 198.51.100.44',
      });
      expect(refused.status).toBe(401);
      const [failure] = await eventually(async () => {
        const r = await httpJson(api.baseUrl, 'GET', '/audit?action=auth.failure&limit=10', undefined, {
          'x-forwarded-for': '198.51.100.45',
        });
        return r.body.records?.length > 0 ? (r.body.records as { ip?: string }[]) : undefined;
      });
      expect(failure.ip).toBe('198.51.100.44');
    } finally {
      await api.stop();
    }
  });
});

describe('JWT policy: issuer and audience required, lifetime capped', () => {
  const sign = (build: (jwt: SignJWT) => SignJWT) =>
    build(
      new SignJWT({ role: 'viewer' }).setProtectedHeader({ alg: 'HS256' }).setSubject('carol@example.com'),
    ).sign(new TextEncoder().encode(SIGNING_SECRET));
  const good = (jwt: SignJWT) =>
    jwt.setIssuer(TEST_JWT_ISSUER).setAudience(TEST_JWT_AUDIENCE).setIssuedAt().setExpirationTime('10m');

  it('refuses a year-9999 token, a foreign issuer or audience, and tokens without iss/aud', async () => {
    const api = await startApiOnly(testConfig({ JWT_MAX_LIFETIME_SECONDS: '900' }), { secrets });
    const call = async (bearer: string) =>
      httpJson(api.baseUrl, 'GET', '/approvals', undefined, { authorization: `Bearer ${bearer}` });
    try {
      expect((await call(await sign(good))).status).toBe(200);
      const cases: [string, string, RegExp][] = [
        [
          'year 9999',
          await sign((jwt) => good(jwt).setExpirationTime(new Date('9999-12-31T00:00:00Z'))),
          /lives \d+ s \(exp - iat\), more than JWT_MAX_LIFETIME_SECONDS \(900\)/,
        ],
        [
          'no iat, far exp',
          await sign((jwt) =>
            jwt.setIssuer(TEST_JWT_ISSUER).setAudience(TEST_JWT_AUDIENCE).setExpirationTime('2h'),
          ),
          /expires more than JWT_MAX_LIFETIME_SECONDS \(900 s\) from now/,
        ],
        [
          'foreign issuer',
          await sign((jwt) => good(jwt).setIssuer('https://evil.example')),
          /"iss" claim is not accepted/,
        ],
        [
          'foreign audience',
          await sign((jwt) => good(jwt).setAudience('other-app')),
          /"aud" claim is not accepted/,
        ],
        [
          'no iss or aud',
          await sign((jwt) => jwt.setIssuedAt().setExpirationTime('5m')),
          /"iss" claim is not accepted/,
        ],
      ];
      const answers = [];
      for (const [name, bearer, reason] of cases) {
        const r = await call(bearer);
        answers.push([
          name,
          r.status,
          reason.test(r.body.error?.message ?? '') ? 'reason ok' : r.body.error?.message,
        ]);
      }
      expect(answers).toEqual(cases.map(([name]) => [name, 401, 'reason ok']));
    } finally {
      await api.stop();
    }
  });

  it('accepts no token at all when the issuer or audience is not configured (fail closed)', async () => {
    const api = await startApiOnly(testConfig({ JWT_ISSUER: '', JWT_AUDIENCE: '' }), { secrets });
    try {
      const r = await httpJson(api.baseUrl, 'GET', '/approvals', undefined, {
        authorization: `Bearer ${await sign(good)}`,
      });
      expect(r.status).toBe(401);
      expect(r.body.error.message).toMatch(/JWT_ISSUER and JWT_AUDIENCE are not configured/);
    } finally {
      await api.stop();
    }
  });
});

describe('auth failure audit sampling', () => {
  it('records one full row per client IP per window and one summary row, with capped fields', async () => {
    const api = await startApiOnly(testConfig({ API_AUTH_FAILURE_AUDIT_WINDOW_MS: '300' }), { secrets });
    try {
      const longPath = `/workflows/${'x'.repeat(2000)}/status`;
      for (let i = 0; i < 40; i += 1) {
        const r = await httpJson(api.baseUrl, 'GET', longPath, undefined, {
          'x-api-key': `tfk_random-guess-${i}-000000000000000000000000000`,
          'user-agent': `flood/${'y'.repeat(2000)}`,
        });
        expect(r.status).toBe(401);
      }
      // Every failure is accounted for (a full row or a summary's count), in a handful of rows however slow the
      // machine is (each 300 ms window: one full row and one summary row).
      type Row = { resource: string; userAgent?: string; details: { aggregated?: boolean; more?: number } };
      const counted = (list: Row[]) =>
        list.reduce((sum, record) => sum + (record.details.aggregated ? record.details.more! : 1), 0);
      const records = await eventually(async () => {
        const r = await httpJson(api.baseUrl, 'GET', '/audit?action=auth.failure&limit=100');
        const list = r.body.records as Row[];
        return counted(list) === 40 ? list : undefined;
      });
      expect(records.length).toBeLessThanOrEqual(8);
      const full = records.find((record) => !record.details.aggregated)!;
      const summary = records.find((record) => record.details.aggregated)!;
      expect(full.resource.length).toBeLessThanOrEqual(200);
      expect(full.userAgent!.length).toBeLessThanOrEqual(200);
      expect(JSON.stringify(full).length).toBeLessThan(1500);
      expect(summary).toMatchObject({ resource: 'auth:failures', details: { aggregated: true } });
      // A valid key from the same IP still gets in, and its success is recorded as before.
      expect((await httpJson(api.baseUrl, 'GET', '/approvals')).status).toBe(200);
    } finally {
      await api.stop();
    }
  });
});

describe('per-IP limits count failures and successes apart', () => {
  it('throttles a key guesser (429) while a valid admin key from the same IP keeps working', async () => {
    const api = await startApiOnly(
      testConfig({ API_RATE_LIMIT_PER_IP: '10', API_AUTH_FAILURES_PER_IP: '5' }),
      { secrets },
    );
    try {
      const guesses: number[] = [];
      for (let i = 0; i < 30; i += 1) {
        const r = await httpJson(api.baseUrl, 'GET', '/workflows', undefined, {
          'x-api-key': `tfk_guess-${i}-00000000000000000000000000000000`,
        });
        guesses.push(r.status);
      }
      expect(guesses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
      expect(new Set(guesses.slice(5))).toEqual(new Set([429]));
      // 30 failures from this address, yet the admin's requests are counted on their own budget (10 per minute).
      const admin: number[] = [];
      for (let i = 0; i < 3; i += 1) admin.push((await httpJson(api.baseUrl, 'GET', '/approvals')).status);
      expect(admin).toEqual([200, 200, 200]);
    } finally {
      await api.stop();
    }
  });
});

describe('JWT revocation: by jti, and a not-before per subject', () => {
  let api: Awaited<ReturnType<typeof startApiOnly>>;
  const roleKeys: Record<string, string> = {};
  beforeAll(async () => {
    api = await startApiOnly(testConfig(), { secrets });
    for (const role of ['viewer', 'operator'] as const) {
      roleKeys[role] = (await createApiKey(api.stores.apiKeys, { name: `${role}-revocation`, role })).key;
    }
  });
  afterAll(async () => {
    await api.stop();
  });
  const nowSeconds = () => Math.floor(Date.now() / 1000);
  /** A viewer token of `subject`, issued `ageSeconds` ago, with `jti` when given. */
  const mint = (subject: string, options: { jti?: string; ageSeconds?: number } = {}) => {
    const jwt = new SignJWT({ role: 'viewer' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(subject)
      .setIssuer(TEST_JWT_ISSUER)
      .setAudience(TEST_JWT_AUDIENCE)
      .setIssuedAt(nowSeconds() - (options.ageSeconds ?? 0))
      .setExpirationTime('10m');
    return (options.jti ? jwt.setJti(options.jti) : jwt).sign(new TextEncoder().encode(SIGNING_SECRET));
  };
  const call = (bearer: string) =>
    httpJson(api.baseUrl, 'GET', '/approvals', undefined, { authorization: `Bearer ${bearer}` });
  const revoke = (body: unknown, headers: Record<string, string> = {}) =>
    httpJson(api.baseUrl, 'POST', '/admin/jwt-revocations', body, headers);

  it('refuses a token whose jti is revoked, at once; other tokens keep working; the audit row names the jti', async () => {
    const revoked = await mint('alice@example.com', { jti: 'tok-revoked-1' });
    const other = await mint('alice@example.com', { jti: 'tok-other-1' });
    const noJti = await mint('alice@example.com');
    for (const bearer of [revoked, other, noJti]) expect((await call(bearer)).status).toBe(200);

    const created = await revoke({
      jti: 'tok-revoked-1',
      expiresAt: new Date(Date.now() + 600_000).toISOString(),
    });
    expect(created.status).toBe(201);
    expect(created.body.jti).toMatchObject({
      jti: 'tok-revoked-1',
      revokedBy: expect.stringMatching(/^apikey:/),
    });

    const refused = await call(revoked);
    expect(refused.status).toBe(401);
    expect(refused.body.error.message).toMatch(/token revoked/);
    expect((await call(other)).status).toBe(200);
    expect((await call(noJti)).status).toBe(200);

    const listed = await httpJson(api.baseUrl, 'GET', '/admin/jwt-revocations');
    expect(listed.status).toBe(200);
    expect(listed.body.jtis.map((r: { jti: string }) => r.jti)).toContain('tok-revoked-1');

    const [row] = await eventually(async () => {
      const r = await httpJson(api.baseUrl, 'GET', '/audit?action=jwt.revoke&limit=50');
      const rows = (r.body.records ?? []).filter(
        (record: { details?: { jti?: string } }) => record.details?.jti === 'tok-revoked-1',
      );
      return rows.length > 0 ? rows : undefined;
    });
    expect(row).toMatchObject({
      result: 'success',
      resource: 'jwt:tok-revoked-1',
      details: { status: 201, route: 'POST /admin/jwt-revocations' },
    });
  });

  it("refuses a subject's tokens issued before its not-before (or without iat); newer tokens and other subjects pass", async () => {
    const old = await mint('dave@example.com', { ageSeconds: 120 });
    const otherSubject = await mint('erin@example.com', { ageSeconds: 120 });
    expect((await call(old)).status).toBe(200);
    const notBefore = new Date((nowSeconds() - 60) * 1000).toISOString();
    const set = await revoke({ subject: 'dave@example.com', notBefore });
    expect(set.status).toBe(201);
    expect(set.body.subject).toMatchObject({ subject: 'dave@example.com', notBefore });

    const refused = await call(old);
    expect(refused.status).toBe(401);
    expect(refused.body.error.message).toMatch(/token revoked: subject tokens issued before/);
    const noIat = await new SignJWT({ role: 'viewer' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('dave@example.com')
      .setIssuer(TEST_JWT_ISSUER)
      .setAudience(TEST_JWT_AUDIENCE)
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(SIGNING_SECRET));
    expect((await call(noIat)).status).toBe(401);
    expect((await call(await mint('dave@example.com'))).status).toBe(200);
    expect((await call(otherSubject)).status).toBe(200);

    // Without notBefore: now, so a token issued a little earlier is refused.
    const recent = await mint('frank@example.com', { ageSeconds: 5 });
    expect((await call(recent)).status).toBe(200);
    const byDefault = await revoke({ subject: 'frank@example.com' });
    expect(byDefault.status).toBe(201);
    expect(Date.parse(byDefault.body.subject.notBefore)).toBeGreaterThan(Date.now() - 10_000);
    expect((await call(recent)).status).toBe(401);

    const listed = await httpJson(api.baseUrl, 'GET', '/admin/jwt-revocations');
    expect(listed.body.subjects.map((r: { subject: string }) => r.subject)).toEqual(
      expect.arrayContaining(['dave@example.com', 'frank@example.com']),
    );
  });

  it('answers 400 naming the field for a bad body, and 403 to viewers and operators', async () => {
    const cases: [unknown, RegExp][] = [
      [{}, /body\.jti: give exactly one of jti or subject/],
      [{ jti: 'a', subject: 'b' }, /body\.jti: give exactly one of jti or subject/],
      [{ jti: '' }, /body\.jti: must not be empty/],
      [{ jti: 'a', notBefore: new Date().toISOString() }, /body\.notBefore: only goes with subject/],
      [{ subject: 'a', notBefore: 'yesterday' }, /body\.notBefore: must be an ISO-8601 instant/],
      [{ jti: 'a', expiresAt: 'soon' }, /body\.expiresAt: must be an ISO-8601 instant/],
      [{ jti: 'a', role: 'admin' }, /body/],
    ];
    for (const [body, message] of cases) {
      const r = await revoke(body);
      expect([JSON.stringify(body), r.status]).toEqual([JSON.stringify(body), 400]);
      expect(r.body.error.message).toMatch(message);
    }
    for (const role of ['viewer', 'operator']) {
      const headers = { 'x-api-key': roleKeys[role] };
      expect((await revoke({ jti: 'x' }, headers)).status).toBe(403);
      expect((await httpJson(api.baseUrl, 'GET', '/admin/jwt-revocations', undefined, headers)).status).toBe(
        403,
      );
    }
    // Nothing was stored by the refused calls.
    const listed = await httpJson(api.baseUrl, 'GET', '/admin/jwt-revocations');
    expect(listed.body.jtis.map((r: { jti: string }) => r.jti)).not.toContain('x');
  });
});
