/**
 * `npm run dev`: the whole stack in the foreground — Temporal dev server (+ Web UI), worker and API.
 * Ctrl-C / SIGTERM stops the API, drains the worker, then stops the server (src/scripts/launcher.ts).
 */
import '../check-node';
import 'dotenv/config';
import { devBanner, launchStack } from './launcher';

async function main(): Promise<void> {
  const { config, server, adminKey } = await launchStack({ tag: 'dev' });
  console.log(devBanner({ config, server, adminKey }));
}

main().catch((error: unknown) => {
  console.error(`[dev] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
