/** The revocation check in the JWT verifier: refuses revoked jtis and old subject tokens, fails closed on errors. */
import { SignJWT } from 'jose';
import { createJwtVerifier } from '../../../src/auth/jwt';
import { cachedJwtRevocations, type JwtRevocationStore } from '../../../src/auth/jwt-revocations';
import { openStores } from '../../../src/store';

const SECRET = 'unit-secret-0123456789-abcdefghijklmnop';
const mint = (subject: string, jti?: string) => {
  const jwt = new SignJWT({ role: 'viewer' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(subject)
    .setIssuer('tradeflow')
    .setAudience('tradeflow-api')
    .setIssuedAt()
    .setExpirationTime('5m');
  return (jti ? jwt.setJti(jti) : jwt).sign(new TextEncoder().encode(SECRET));
};
const verifier = (revocations: JwtRevocationStore) =>
  createJwtVerifier({
    signingSecrets: () => Promise.resolve([SECRET]),
    issuer: 'tradeflow',
    audience: 'tradeflow-api',
    maxLifetimeSeconds: 3600,
    revocations,
  });

describe('JWT revocation check', () => {
  it('refuses every token when the revocation store fails (fail closed)', async () => {
    const broken: JwtRevocationStore = {
      revokeJti: () => Promise.reject(new Error('db down')),
      setSubjectNotBefore: () => Promise.reject(new Error('db down')),
      isJtiRevoked: () => Promise.reject(new Error('db down')),
      subjectNotBefore: () => Promise.reject(new Error('db down')),
      list: () => Promise.reject(new Error('db down')),
    };
    await expect(verifier(broken).verify(await mint('a', 'j'))).rejects.toThrow(
      /revocation status could not be checked/,
    );
    await expect(verifier(broken).verify(await mint('a'))).rejects.toThrow(
      /revocation status could not be checked/,
    );
  });

  it('caches lookups at most ttl, and a write through the cache takes effect at once', async () => {
    const stores = openStores(':memory:');
    let clock = 0;
    const cached = cachedJwtRevocations(stores.jwtRevocations, 1000, () => clock);
    const v = verifier(cached);
    const token = await mint('bob', 'j-1');
    await expect(v.verify(token)).resolves.toMatchObject({ actor: 'jwt:bob' });
    await cached.revokeJti({ jti: 'j-1', revokedBy: 'test', revokedAt: new Date().toISOString() });
    await expect(v.verify(token)).rejects.toThrow(/token revoked/);

    // A write from elsewhere (another API replica) shows within the ttl.
    const other = await mint('bob', 'j-2');
    await expect(v.verify(other)).resolves.toBeDefined();
    await stores.jwtRevocations.revokeJti({
      jti: 'j-2',
      revokedBy: 'test',
      revokedAt: new Date().toISOString(),
    });
    await expect(v.verify(other)).resolves.toBeDefined(); // still cached
    clock += 1000;
    await expect(v.verify(other)).rejects.toThrow(/token revoked/);
    await stores.close();
  });
});
