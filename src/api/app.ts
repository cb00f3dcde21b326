/** The HTTP API, built from its dependencies: `createApp({ temporal, stores, config })`. */
import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import type { TradeflowConfig } from '../config';
import type { Logger } from '../logging';
import { createPipelineSchedules } from '../schedules/pipeline-schedules';
import type { Stores } from '../store';
import type { TemporalClients } from '../temporal/client';
import { errorHandler, notFoundRoute } from './errors';
import { createApiMetrics, type ApiMetrics } from './metrics';
import {
  acceptedSecretValues,
  createEnvSecretsProvider,
  type SecretsProvider,
} from '../secrets/secrets-provider';
import { approvalsRouter } from './routes/approvals';
import { apiKeysRouter } from './routes/api-keys';
import { jwtRevocationsRouter } from './routes/jwt-revocations';
import { cachedJwtRevocations } from '../auth/jwt-revocations';
import { applySecurity } from './security';
import { capField, createAuthFailureAggregator } from './auth-failure-audit';
import { auditTrail, recordQuietly } from './audit-trail';
import { auditRouter, requestAuditContext } from './routes/audit';
import { auditKeyDeps, createAuditLog, createAuditLogger, type AuditLog } from '../audit';
import { principalOf } from '../auth/middleware';
import { backtestsRouter } from './routes/backtests';
import { healthRouter } from './routes/health';
import { docsRouter } from './routes/docs';
import { marketDataRouter } from './routes/market-data';
import { quotesRouter } from './routes/quotes';
import { riskRouter } from './routes/risk';
import { schedulesRouter } from './routes/schedules';
import { workflowsRouter } from './routes/workflows';
import { dashboardRouter } from './routes/dashboard';
import { whoamiRouter } from './routes/whoami';

export interface AppDeps {
  temporal: TemporalClients;
  stores: Stores;
  config: TradeflowConfig;
  logger: Logger;
  /** Where the API-signing secret for bearer tokens comes from (default: the environment). */
  secrets?: SecretsProvider;
  /** The audit log of security events (default: one on `stores.audit`, lines to AUDIT_LOG_FILE). */
  audit?: AuditLog;
  /** Prometheus metrics the app records into (default: a fresh registry, served by nobody). */
  metrics?: ApiMetrics;
}

export function createApp({ temporal, stores, config, logger, secrets, audit, metrics }: AppDeps): Express {
  const apiMetrics = metrics ?? createApiMetrics({ processMetrics: false });
  const secretsProvider = secrets ?? createEnvSecretsProvider();
  const auditLog =
    audit ??
    createAuditLog({
      store: stores.audit,
      logger: createAuditLogger({ file: config.audit.logFile, console: config.audit.console }),
      ...auditKeyDeps(config, () => secretsProvider),
    });
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.api.trustProxy);
  app.set('query parser', 'simple');
  app.use(apiMetrics.middleware);
  app.use((req, res, next) => {
    const incoming = req.header('x-request-id');
    const requestId = incoming && /^[A-Za-z0-9_.:-]{1,100}$/.test(incoming) ? incoming : randomUUID();
    res.setHeader('x-request-id', requestId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      logger.debug('request', {
        requestId,
        method: req.method,
        path: req.path,
        status: res.statusCode,
        ms: Number(process.hrtime.bigint() - started) / 1e6,
      });
    });
    next();
  });
  // Anonymous failures are sampled per client IP (one full row, then a summary row per window): no audit flood.
  const authFailures = createAuthFailureAggregator({
    windowMs: config.api.authFailureAuditWindowMs,
    onSummary: (summary) =>
      recordQuietly(auditLog, logger, {
        actor: 'anonymous',
        action: 'auth.failure',
        resource: 'auth:failures',
        result: 'failure',
        ip: capField(summary.source),
        details: { aggregated: true, more: summary.suppressed, from: summary.from, to: summary.to },
      }),
  });
  // Revocation lookups are cached for at most a second; a revocation made through this app clears the cache.
  const jwtRevocations = cachedJwtRevocations(stores.jwtRevocations);
  applySecurity(app, {
    config,
    apiKeys: stores.apiKeys,
    jwtRevocations,
    // Current first; during a rotation overlap (Vault) the previous version is accepted too.
    signingSecrets: async () =>
      (await acceptedSecretValues(secretsProvider, 'API_SIGNING_SECRET')).map((secret) => secret.value),
    onAuthEvent: (event, req, res) => {
      if (event.action === 'auth.failure' && !authFailures.admit(req.ip ?? 'unknown')) return;
      if (event.action !== 'auth.success') {
        logger.warn(event.action, { ...event, requestId: res.getHeader('x-request-id') });
      }
      recordQuietly(auditLog, logger, {
        actor: event.actor,
        action: event.action,
        resource: capField(`route:${event.method} ${event.path}`),
        result:
          event.action === 'auth.success' ? 'success' : event.action === 'auth.denied' ? 'denied' : 'failure',
        ...cappedContext(requestAuditContext(req, res)),
        details: {
          ...(event.reason ? { reason: capField(event.reason) } : {}),
          ...(event.required ? { required: event.required } : {}),
        },
      });
    },
  });
  app.use(auditTrail(auditLog, logger));
  app.use(express.json({ limit: config.api.jsonLimit, strict: true }));
  // Every Temporal call made while serving a request shares one deadline, so a Temporal outage answers 503 in
  // bounded time instead of hanging through the client's retries.
  app.use((_req, _res, next) => {
    void temporal.connection.withDeadline(Date.now() + config.api.temporalTimeoutMs, () =>
      Promise.resolve(next()),
    );
  });

  app.use(healthRouter(temporal, stores.bars));
  app.use(docsRouter());
  app.use(dashboardRouter());
  app.use(whoamiRouter());
  app.use(workflowsRouter(temporal, config, apiMetrics));
  app.use(approvalsRouter(temporal, stores.runs, config));
  app.use(marketDataRouter(stores.bars, temporal, config));
  app.use(quotesRouter(temporal, stores.quotes));
  app.use(riskRouter(stores.runs));
  app.use(backtestsRouter(temporal, stores.backtests, config));
  app.use(apiKeysRouter(stores.apiKeys));
  app.use(jwtRevocationsRouter(jwtRevocations));
  app.use(auditRouter(auditLog, { actorOf: (_req, res) => principalOf(res)?.actor ?? 'anonymous' }));
  app.use(
    schedulesRouter(
      createPipelineSchedules(temporal.client, {
        taskQueue: temporal.taskQueue,
        cron: config.schedule.cron,
        timezone: config.schedule.timezone,
      }),
      config.requestBounds,
    ),
  );
  app.use(notFoundRoute);
  app.use(errorHandler(logger));
  return app;
}

/** The request's IP, user agent and id with each field capped (they come from the client). */
function cappedContext<T extends { ip?: string; userAgent?: string; requestId?: string }>(context: T): T {
  return Object.fromEntries(
    Object.entries(context).map(([name, value]) => [
      name,
      typeof value === 'string' ? capField(value) : value,
    ]),
  ) as T;
}
