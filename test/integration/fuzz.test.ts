/**
 * Property-based abuse test (fast-check): 10,000 malformed requests — bad JSON, wrong types, huge strings, unicode,
 * path tricks, header abuse — against the real API (SQLite store, the suite's Temporal server). Every answer must
 * be below 500, every refusal a 4xx with a JSON error, and the process must still answer afterwards.
 */
import fc from 'fast-check';
import { ROUTE_POLICY } from '../../src/auth/policy';
import { httpJson, startApiOnly, TEST_ADMIN_KEY, testConfig } from '../support/harness';

const RUNS = 10_000;

const nasty = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.constantFrom(
    '..',
    '../../etc/passwd',
    '%2e%2e%2f',
    '%00',
    '%ff',
    '%',
    '\u202e',
    '😀',
    'NaN',
    '-1',
    '1e309',
    ' ',
  ),
  fc.string({ minLength: 1000, maxLength: 5000 }),
);

const segment = nasty.map((value) => encodeURIComponent(value).slice(0, 3000) || 'x');

const path = fc.oneof(
  // A real route with its parameters replaced by junk.
  fc
    .tuple(fc.constantFrom(...ROUTE_POLICY.map((rule) => rule.path)), segment)
    .map(([template, junk]) => template.replace(/:[a-zA-Z]+/g, junk)),
  // Junk appended to a real route, or raw path tricks.
  fc
    .tuple(fc.constantFrom(...ROUTE_POLICY.map((rule) => rule.path)), segment)
    .map(([t, junk]) => `${t}/${junk}`),
  fc.constantFrom(
    '/',
    '//',
    '/./workflows',
    '/workflows/../admin/api-keys',
    '/%2e%2e/%2e%2e',
    '/workflows?x=%ZZ',
  ),
  fc.array(segment, { maxLength: 5 }).map((parts) => `/${parts.join('/')}`),
);

const query = fc.option(
  fc
    .dictionary(
      fc.constantFrom('from', 'to', 'status', 'limit', 'interval', 'symbol', 'stage', 'pageToken', 'x'),
      nasty,
      {
        maxKeys: 4,
      },
    )
    .map((entries) => `?${new URLSearchParams(entries).toString()}`),
  { nil: '' },
);

const jsonValue = fc.jsonValue({ maxDepth: 4 });
const body = fc.oneof(
  fc.constant(undefined),
  jsonValue.map((value) => JSON.stringify(value)),
  // Plausible shapes with wrong types inside.
  fc
    .record({
      workflow_id: fc.oneof(fc.constant('trading_pipeline'), jsonValue),
      parameters: fc.oneof(
        jsonValue,
        fc.record({ symbols: jsonValue, asOf: jsonValue, lookbackDays: jsonValue }),
      ),
    })
    .map((value) => JSON.stringify(value)),
  fc
    .record({ approver: jsonValue, reason: jsonValue, symbols: jsonValue })
    .map((value) => JSON.stringify(value)),
  fc.record({ name: jsonValue, role: jsonValue, expiresAt: jsonValue }).map((value) => JSON.stringify(value)),
  // Not JSON at all, or truncated JSON.
  fc.string().map((text) => `{${text}`),
  fc.constantFrom('{"a":', '[1,2', 'null', 'true', '"', '{"__proto__": {"admin": true}}', '\u0000'),
  fc.string({ minLength: 50_000, maxLength: 150_000 }).map((text) => JSON.stringify({ text })),
);

const headerValue = fc.string({ maxLength: 200 }).map((value) => value.replace(/[^\x20-\x7e]/g, ''));
const credentials = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ 'x-api-key': TEST_ADMIN_KEY }) },
  { weight: 1, arbitrary: fc.constant({ 'x-api-key': '' }) },
  { weight: 1, arbitrary: headerValue.map((value) => ({ 'x-api-key': value || 'x' })) },
  { weight: 1, arbitrary: headerValue.map((value) => ({ authorization: `Bearer ${value}` })) },
  { weight: 1, arbitrary: headerValue.map((value) => ({ authorization: value || 'Basic' })) },
);
const extraHeaders = fc.record(
  {
    'content-type': fc.constantFrom(
      'application/json',
      'text/plain',
      'application/json; charset=latin1',
      'x/y',
      '',
    ),
    'x-request-id': headerValue,
    'x-forwarded-for': fc.constantFrom('1.2.3.4', 'not-an-ip', '::1, 999.1.1.1'),
    origin: fc.constantFrom('https://evil.example', 'null', ''),
  },
  { requiredKeys: [] },
);

describe('API under malformed input', () => {
  let api: Awaited<ReturnType<typeof startApiOnly>>;
  beforeAll(async () => {
    api = await startApiOnly(testConfig());
  });
  afterAll(async () => {
    await api.stop();
  });

  it(`answers ${RUNS.toLocaleString('en-US')} malformed requests with 4xx JSON errors, never a 5xx, and stays up`, async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'PATCH'),
        path,
        query,
        body,
        credentials,
        extraHeaders,
        async (method, route, search, payload, auth, headers) => {
          const sendBody = method === 'GET' ? undefined : payload;
          const response = await httpJson(api.baseUrl, method, `${route}${search}`, sendBody, {
            ...headers,
            ...auth,
          });
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          if (response.status >= 500) return false;
          if (response.status >= 400) {
            return (
              typeof response.body === 'object' &&
              response.body !== null &&
              typeof response.body.error?.code === 'string' &&
              typeof response.body.error?.message === 'string'
            );
          }
          return true;
        },
      ),
      { numRuns: RUNS, seed: 20261126, endOnFailure: true },
    );
    const total = [...statuses.values()].reduce((a, b) => a + b, 0);
    const clientErrors = [...statuses]
      .filter(([status]) => status >= 400 && status < 500)
      .reduce((a, [, n]) => a + n, 0);
    expect(total).toBe(RUNS);
    expect(clientErrors / total).toBeGreaterThan(0.9);
    expect((await httpJson(api.baseUrl, 'GET', '/health/live')).status).toBe(200);
  }, 600_000);
});
