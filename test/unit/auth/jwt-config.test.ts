/** JWT settings at config load (issue 18, item 14): issuer and audience are required whenever tokens are accepted. */
import { ConfigError, loadConfig } from '../../../src/config';

describe('JWT configuration', () => {
  it.each([
    [
      { JWT_JWKS_URL: 'https://idp.example.com/jwks.json' },
      /JWT_ISSUER: is required .*JWT_JWKS_URL is set[\s\S]*JWT_AUDIENCE: is required/,
    ],
    [
      { API_SIGNING_SECRET: 'x'.repeat(40), JWT_ISSUER: 'https://idp' },
      /JWT_AUDIENCE: is required when bearer tokens are accepted \(API_SIGNING_SECRET is set\)/,
    ],
    [{ API_SIGNING_SECRET: 'x'.repeat(40), JWT_AUDIENCE: 'tradeflow' }, /JWT_ISSUER: is required/],
  ])('fails at load naming the missing variable: %p', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('loads with both set; the lifetime cap defaults to an hour and is bounded', () => {
    const config = loadConfig({
      API_SIGNING_SECRET: 'x'.repeat(40),
      JWT_ISSUER: 'https://idp',
      JWT_AUDIENCE: 'tf',
    });
    expect(config.jwt).toMatchObject({ issuer: 'https://idp', audience: 'tf', maxLifetimeSeconds: 3600 });
    expect(loadConfig({ JWT_MAX_LIFETIME_SECONDS: '600' }).jwt.maxLifetimeSeconds).toBe(600);
    expect(() => loadConfig({ JWT_MAX_LIFETIME_SECONDS: '0' })).toThrow(/JWT_MAX_LIFETIME_SECONDS/);
  });
});
