/** `npm run api`: serves the HTTP API on API_HOST:API_PORT (default 127.0.0.1:3000; the image and chart set 0.0.0.0). */
import '../check-node';
import 'dotenv/config';
import type { Server } from 'node:http';
import { loadConfig } from '../config';
import { createLogger } from '../logging';
import { assertSupportedNode } from '../runtime-check';
import { openConfiguredStores } from '../store';
import { createTemporalClients } from '../temporal/client';
import { ensureBootstrapAdminKey } from '../auth/bootstrap';
import { auditKeyDeps, createAuditLog, createAuditLogger } from '../audit';
import { ensureAuditRetentionSchedule } from '../schedules/audit-retention-schedule';
import { loadSecretsProviderFromEnv } from '../secrets/load-from-env';
import { secretAccessAuditEvent } from '../secrets/audit-event';
import { createApp } from './app';
import { createApiMetrics, startMetricsServer } from './metrics';

export async function startApi(): Promise<{ server: Server; stop(): Promise<void> }> {
  assertSupportedNode();
  const config = loadConfig();
  const logger = createLogger(config.logLevel, 'api');
  const stores = await openConfiguredStores(config.store);
  const audit = createAuditLog({
    store: stores.audit,
    logger: createAuditLogger({ file: config.audit.logFile, console: config.audit.console }),
    // The HMAC key comes from the secrets provider below (read on the first record).
    ...auditKeyDeps(config, () => secrets),
  });
  // Secret reads and rotations are security events (never with the value); cached re-reads are not.
  const secrets = loadSecretsProviderFromEnv(process.env, {
    onAccess: (event) => {
      if (event.cached) return;
      audit
        .record(secretAccessAuditEvent(event, 'tradeflow-api'))
        .catch((error: unknown) => logger.error('audit record failed', { error: String(error) }));
    },
  });
  const bootstrapKey = (await secrets.getSecret('TRADEFLOW_BOOTSTRAP_ADMIN_KEY'))?.trim();
  if (bootstrapKey) {
    const outcome = await ensureBootstrapAdminKey(stores.apiKeys, bootstrapKey);
    logger.info('bootstrap admin key', { outcome });
  }
  const temporal = createTemporalClients(config, await secrets.getSecret('TEMPORAL_API_KEY'));
  const metrics = createApiMetrics();
  const app = createApp({ temporal, stores, config, logger, secrets, audit, metrics });
  const metricsServer =
    config.api.metricsPort === undefined
      ? undefined
      : await startMetricsServer(metrics.registry, config.api.metricsHost, config.api.metricsPort);
  await ensureAuditRetentionSchedule(temporal, config).catch((error: unknown) =>
    logger.warn('could not ensure the audit retention schedule', { error: String(error) }),
  );
  const server = await new Promise<Server>((resolve, reject) => {
    // Express 5 hands a listen error (a port in use) to this callback too.
    const s = app.listen(config.api.port, config.api.host, (error?: Error) =>
      error ? reject(error) : resolve(s),
    );
    s.once('error', reject);
  });
  logger.info('api listening', {
    url: `http://${config.api.host}:${config.api.port}`,
    ...(metricsServer ? { metrics: `http://${config.api.metricsHost}:${metricsServer.port}/metrics` } : {}),
    temporal: config.temporal.address,
  });
  return {
    server,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await metricsServer?.close();
      await temporal.close();
      await secrets.close?.();
      await audit.close();
      await stores.close();
    },
  };
}

if (require.main === module) {
  startApi()
    .then((api) => {
      const shutdown = () => {
        api.stop().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    })
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    });
}
