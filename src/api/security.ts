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
import { authenticate, principalOf, type AuthEvent } from '../auth/middleware';
import type { TradeflowConfig } from '../config';

export interface SecurityOptions {
  config: TradeflowConfig;
  apiKeys: ApiKeyStore;
  /** HS256 secrets accepted for bearer tokens, current first. */
  signingSecrets: () => Promise<string[]>;
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
      handler: tooManyRequests,
    }),
  );
  app.use(
    authenticate({
      apiKeys: options.apiKeys,
      jwt: createJwtVerifier({ signingSecrets: options.signingSecrets, ...jwt }),
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
