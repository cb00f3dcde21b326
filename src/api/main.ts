/** `npm run api`: serves the HTTP API on API_HOST:API_PORT (default 0.0.0.0:3000). */
import '../check-node';
import 'dotenv/config';
import type { Server } from 'node:http';
import { loadConfig } from '../config';
import { createLogger } from '../logging';
import { assertSupportedNode } from '../runtime-check';
import { openConfiguredStores } from '../store';
import { createTemporalClients } from '../temporal/client';
import { createApp } from './app';

export async function startApi(): Promise<{ server: Server; stop(): Promise<void> }> {
  assertSupportedNode();
  const config = loadConfig();
  const logger = createLogger(config.logLevel, 'api');
  const stores = await openConfiguredStores(config.store);
  const temporal = createTemporalClients(config);
  const app = createApp({ temporal, stores, config, logger });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.api.port, config.api.host, () => resolve(s));
    s.once('error', reject);
  });
  logger.info('api listening', {
    url: `http://${config.api.host}:${config.api.port}`,
    temporal: config.temporal.address,
  });
  return {
    server,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await temporal.close();
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
