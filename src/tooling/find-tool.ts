/**
 * Locates a pinned command-line tool the way scripts/setup.sh installs it: an explicit path from an environment
 * variable, then PATH, then the repo's .tools/bin, then the per-user tools cache (keyed by version). setup.sh is
 * what installs the tools; this only finds them.
 */
import { accessSync, constants } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface PinnedTool {
  /** The binary's file name, e.g. `helm`. */
  binary: string;
  /** The version setup.sh installs; names the cache folder `<binary>-<version>`. */
  version: string;
  /** The environment variable that may name the binary's path explicitly, e.g. `HELM_PATH`. */
  pathVariable: string;
  /** Shown when nothing is found: how to install it. */
  installHint: string;
}

const repoRoot = path.resolve(__dirname, '..', '..');

export function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Each directory of PATH joined with each name, in PATH order. */
export function pathCandidates(names: readonly string[], env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.PATH ?? '')
    .split(path.delimiter)
    .filter(Boolean)
    .flatMap((dir) => names.map((name) => path.join(dir, name)));
}

/** The first executable file named `name` on PATH, or undefined. */
export function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return pathCandidates([name], env).find(isExecutable);
}

export function toolsCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return (
    env.TRADEFLOW_TOOLS_CACHE ??
    path.join(env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'tradeflow')
  );
}

export function findPinnedTool(tool: PinnedTool, env: NodeJS.ProcessEnv = process.env): string {
  const explicitPath = env[tool.pathVariable];
  if (explicitPath) {
    if (!isExecutable(explicitPath)) {
      throw new Error(`${tool.pathVariable}=${explicitPath} is not an executable file`);
    }
    return explicitPath;
  }
  const candidates = [
    ...pathCandidates([tool.binary], env),
    path.join(repoRoot, '.tools', 'bin', tool.binary),
    path.join(toolsCacheRoot(env), `${tool.binary}-${tool.version}`, tool.binary),
  ];
  const found = candidates.find(isExecutable);
  if (!found) {
    throw new Error(
      `${tool.binary} was not found (${tool.pathVariable}, PATH, .tools/bin, the tools cache). ${tool.installHint}`,
    );
  }
  return found;
}
