/**
 * JWT bearer tokens (jose): HS256 with the API-signing secret (current and, during a rotation overlap, previous),
 * or RS/ES tokens checked against a JWKS URL. A token must carry `sub` (the actor), `role` (viewer, operator or
 * admin) and `exp`; issuer and audience are checked when configured.
 */
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { isRole, type Principal } from './roles';

export interface JwtOptions {
  /** HS256 secrets to accept, current first (empty: HS256 tokens are refused). */
  signingSecrets: () => Promise<string[]>;
  /** Verify tokens against this JWKS instead of (or as well as) the HS256 secrets. */
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
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
  const checks = {
    ...(options.issuer ? { issuer: options.issuer } : {}),
    ...(options.audience ? { audience: options.audience } : {}),
    requiredClaims: ['sub', 'exp'],
  };

  async function payloadOf(token: string): Promise<JWTPayload> {
    let lastError: unknown;
    for (const secret of await options.signingSecrets()) {
      try {
        return (
          await jwtVerify(token, new TextEncoder().encode(secret), { ...checks, algorithms: ['HS256'] })
        ).payload;
      } catch (error) {
        lastError = error;
        // A bad signature may just be the other secret of a rotation overlap; anything else is final.
        if (!(error instanceof errors.JWSSignatureVerificationFailed)) break;
      }
    }
    if (jwks) {
      try {
        return (await jwtVerify(token, jwks, { ...checks, algorithms: ['RS256', 'ES256', 'PS256', 'EdDSA'] }))
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
      if (!isRole(payload.role)) throw new InvalidTokenError('the token has no valid "role" claim');
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
