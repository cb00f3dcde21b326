/** Locates the Temporal CLI binary the same way scripts/setup.sh does (setup.sh is what installs it). */
import { accessSync, constants } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const TEMPORAL_CLI_VERSION = '1.5.1';

const repoRoot = path.resolve(__dirname, '..', '..');

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function findTemporalCli(explicitPath: string | undefined = process.env.TEMPORAL_CLI_PATH): string {
  if (explicitPath) {
    if (!isExecutable(explicitPath)) {
      throw new Error(`TEMPORAL_CLI_PATH=${explicitPath} is not an executable file`);
    }
    return explicitPath;
  }
  const onPath = (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter(Boolean)
    .map((dir) => path.join(dir, 'temporal'));
  const cacheRoot =
    process.env.TRADEFLOW_TOOLS_CACHE ??
    path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'tradeflow');
  const candidates = [
    ...onPath,
    path.join(repoRoot, '.tools', 'bin', 'temporal'),
    path.join(cacheRoot, `temporal-${TEMPORAL_CLI_VERSION}`, 'temporal'),
  ];
  const found = candidates.find(isExecutable);
  if (!found) {
    throw new Error(
      'The Temporal CLI was not found (TEMPORAL_CLI_PATH, PATH, .tools/bin, the tools cache). ' +
        'Run `npm run setup` to install it (needs Go), or set TEMPORAL_CLI_PATH.',
    );
  }
  return found;
}
