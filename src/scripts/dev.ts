/**
 * `npm run dev`: the whole stack in the foreground — Temporal dev server (+ Web UI), worker and API.
 * Ctrl-C / SIGTERM stops the API, drains the worker, then stops the server (src/scripts/launcher.ts).
 */
import '../check-node';
import 'dotenv/config';
import { launchStack } from './launcher';

async function main(): Promise<void> {
  const { config, server, adminKey } = await launchStack({ tag: 'dev' });
  console.log(
    [
      '',
      'Tradeflow is up:',
      `  API            http://localhost:${config.api.port}`,
      `  Dashboard      http://localhost:${config.api.port}/dashboard`,
      `  API docs       http://localhost:${config.api.port}/docs  (OpenAPI: /openapi.json)`,
      `  Admin API key  ${adminKey.key}  (${adminKey.source})`,
      `                 try: curl -H 'X-API-Key: ${adminKey.key}' localhost:${config.api.port}/health/ready`,
      `  Temporal       ${server.address} (namespace ${config.temporal.namespace}, task queue ${config.temporal.taskQueue})`,
      `  Temporal UI    ${server.uiUrl ?? '(headless)'}`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  console.error(`[dev] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
