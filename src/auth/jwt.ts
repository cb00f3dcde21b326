/**
 * JWT bearer tokens (jose): HS256 with the API-signing secret (current and, during a rotation overlap, previous),
 * or RS/ES tokens checked against a JWKS URL. A token must carry `sub` (the actor), `role` (viewer, operator or
 * admin), `exp`, the configured `iss` and `aud` (without both configured no token is accepted), and live at most
 * `maxLifetimeSeconds`: exp - iat, and exp - now (a token "valid until 9999" is refused). A revoked `jti`, or an
 * `iat` before the subject's not-before, is refused too (see jwt-revocations.ts).
 */
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { revocationReason, type JwtRevocationStore } from './jwt-revocations';
import { isRole, type Principal } from './roles';

export interface JwtOptions {
  /** HS256 secrets to accept, current first (empty: HS256 tokens are refused). */
  signingSecrets: () => Promise<string[]>;
  /** Verify tokens against this JWKS instead of (or as well as) the HS256 secrets. */
  jwksUrl?: string;
  /** Required: without both, every token is refused (fail closed). */
  issuer?: string;
  audience?: string;
  /** JWT_MAX_LIFETIME_SECONDS. */
  maxLifetimeSeconds: number;
  /** Revoked jtis and per-subject not-befores, checked after the signature and claims (a store error refuses). */
  revocations?: JwtRevocationStore;
  now?: () => Date;
}

export class InvalidTokenError extends Error {
  override readonly name = 'InvalidTokenError';
}

export interface JwtVerifier {
  verify(token: string): Promise<Principal>;
}

export function createJwtVerifier(options: JwtOptions): JwtVerifier {
  const jwks: JWTVerifyGetKey | undefined = options.jwksUrl
    ? createRemoteJWKSet(new URL(options.jwksUrl))
    : undefined;
  const now = options.now ?? (() => new Date());
  const checks = {
    ...(options.issuer ? { issuer: options.issuer } : {}),
    ...(options.audience ? { audience: options.audience } : {}),
    requiredClaims: ['sub', 'exp'],
  };

  async function payloadOf(token: string): Promise<JWTPayload> {
    if (!options.issuer || !options.audience) {
      throw new InvalidTokenError(
        'bearer tokens are not accepted: JWT_ISSUER and JWT_AUDIENCE are not configured',
      );
    }
    const at = { ...checks, currentDate: now() };
    let lastError: unknown;
    for (const secret of await options.signingSecrets()) {
      try {
        return (await jwtVerify(token, new TextEncoder().encode(secret), { ...at, algorithms: ['HS256'] }))
          .payload;
      } catch (error) {
        lastError = error;
        // A bad signature may just be the other secret of a rotation overlap; anything else is final.
        if (!(error instanceof errors.JWSSignatureVerificationFailed)) break;
      }
    }
    if (jwks) {
      try {
        return (await jwtVerify(token, jwks, { ...at, algorithms: ['RS256', 'ES256', 'PS256', 'EdDSA'] }))
          .payload;
      } catch (error) {
        lastError = error;
      }
    }
    throw new InvalidTokenError(reasonOf(lastError));
  }

  return {
    async verify(token) {
      const payload = await payloadOf(token);
      const max = options.maxLifetimeSeconds;
      const exp = payload.exp!;
      if (typeof payload.iat === 'number' && exp - payload.iat > max) {
        throw new InvalidTokenError(
          `the token lives ${exp - payload.iat} s (exp - iat), more than JWT_MAX_LIFETIME_SECONDS (${max})`,
        );
      }
      if (exp - now().getTime() / 1000 > max) {
        throw new InvalidTokenError(
          `the token expires more than JWT_MAX_LIFETIME_SECONDS (${max} s) from now`,
        );
      }
      if (!isRole(payload.role)) throw new InvalidTokenError('the token has no valid "role" claim');
      if (options.revocations) {
        let reason: string | undefined;
        try {
          reason = await revocationReason(options.revocations, payload);
        } catch {
          // Fail closed: a token whose revocation status cannot be read is not accepted.
          throw new InvalidTokenError('token revocation status could not be checked');
        }
        if (reason) throw new InvalidTokenError(reason);
      }
      return { actor: `jwt:${payload.sub}`, role: payload.role, via: 'jwt' };
    },
  };
}

function reasonOf(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'the token has expired';
  if (error instanceof errors.JWTClaimValidationFailed)
    return `the token's "${error.claim}" claim is not accepted`;
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'the token signature does not verify';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'the token algorithm is not accepted';
  if (error === undefined) return 'no key to verify tokens with is configured';
  return 'the token is malformed';
}
