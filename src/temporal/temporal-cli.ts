/** Locates the Temporal CLI binary the same way scripts/setup.sh does (setup.sh is what installs it). */
import { findPinnedTool } from '../tooling/find-tool';

export const TEMPORAL_CLI_VERSION = '1.5.1';

export function findTemporalCli(explicitPath: string | undefined = process.env.TEMPORAL_CLI_PATH): string {
  return findPinnedTool(
    {
      binary: 'temporal',
      version: TEMPORAL_CLI_VERSION,
      pathVariable: 'TEMPORAL_CLI_PATH',
      installHint: 'Run `npm run setup` to install it (needs Go), or set TEMPORAL_CLI_PATH.',
    },
    { ...process.env, TEMPORAL_CLI_PATH: explicitPath },
  );
}
