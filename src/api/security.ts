/**
 * The API's protective middleware, in the order requests meet it: security headers (helmet), CORS from an
 * allow-list, a per-IP rate limit (before authentication, so key guessing is throttled too), authentication and
 * role checks, then a per-principal rate limit. Every refusal is a JSON error like any other.
 */
import cors from 'cors';
import type { Express, Request, Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import type { ApiKeyStore } from '../auth/api-keys';
import { createJwtVerifier } from '../auth/jwt';
import type { JwtRevocationStore } from '../auth/jwt-revocations';
import { authenticate, principalOf, type AuthEvent } from '../auth/middleware';
import type { TradeflowConfig } from '../config';

export interface SecurityOptions {
  config: TradeflowConfig;
  apiKeys: ApiKeyStore;
  /** HS256 secrets accepted for bearer tokens, current first. */
  signingSecrets: () => Promise<string[]>;
  /** Revoked JWT ids and per-subject not-befores (GET/POST /admin/jwt-revocations). */
  jwtRevocations?: JwtRevocationStore;
  onAuthEvent?: (event: AuthEvent, req: Request, res: Response) => void;
}

const tooManyRequests = (_req: Request, res: Response) => {
  res
    .status(429)
    .json({ error: { code: 'rate_limited', message: 'Too many requests: slow down and retry later' } });
};

export function applySecurity(app: Express, options: SecurityOptions): void {
  const { api, jwt } = options.config;
  app.use(helmet());
  app.use(
    cors({
      origin: (origin, callback) => callback(null, origin !== undefined && api.corsOrigins.includes(origin)),
      allowedHeaders: ['content-type', 'authorization', 'x-api-key', 'x-request-id'],
      exposedHeaders: ['x-request-id'],
      maxAge: 600,
    }),
  );
  app.use(
    rateLimit({
      windowMs: 60_000,
      limit: api.rateLimitPerIp,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      keyGenerator: (req) => `ip:${ipKeyGenerator(req.ip ?? 'unknown')}`,
      // Failed authentications have their own count (below): a key guesser must not use up the address's budget
      // and lock out a valid key sent from the same address (a shared NAT, an office).
      skipFailedRequests: true,
      requestWasSuccessful: (_req, res) => (res.locals as { authFailed?: boolean }).authFailed !== true,
      handler: tooManyRequests,
    }),
  );
  const failures = new Map<string, { start: number; count: number }>();
  const countFailure = (req: Request): boolean => {
    const source = ipKeyGenerator(req.ip ?? 'unknown');
    const at = Date.now();
    let window = failures.get(source);
    if (!window || at - window.start >= 60_000) {
      if (failures.size >= 10_000) failures.clear(); // bounded memory under a spray of sources
      window = { start: at, count: 0 };
      failures.set(source, window);
    }
    window.count += 1;
    return window.count > api.authFailuresPerIp;
  };
  app.use(
    authenticate({
      countFailure,
      apiKeys: options.apiKeys,
      jwt: createJwtVerifier({
        signingSecrets: options.signingSecrets,
        ...jwt,
        ...(options.jwtRevocations ? { revocations: options.jwtRevocations } : {}),
      }),
      onEvent: options.onAuthEvent,
    }),
  );
  app.use(
    rateLimit({
      windowMs: 60_000,
      limit: api.rateLimitPerKey,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      // Liveness is public: it has no principal and only the per-IP limit applies.
      skip: (_req, res) => principalOf(res) === undefined,
      keyGenerator: (_req, res) => `principal:${principalOf(res)?.actor ?? 'none'}`,
      handler: tooManyRequests,
    }),
  );
}
