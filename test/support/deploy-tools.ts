/** The deployment linters the test suite runs for real; scripts/setup.sh installs them (keep the versions in step). */
import { findPinnedTool } from '../../src/tooling/find-tool';

export const HELM_VERSION = '3.22.0';
export const ACTIONLINT_VERSION = '1.7.12';

export function findHelm(): string {
  return findPinnedTool({
    binary: 'helm',
    version: HELM_VERSION,
    pathVariable: 'HELM_PATH',
    installHint:
      'Run `npm run setup` to install it (needs Go; about 1.5 minutes the first time), or set HELM_PATH.',
  });
}

export function findActionlint(): string {
  return findPinnedTool({
    binary: 'actionlint',
    version: ACTIONLINT_VERSION,
    pathVariable: 'ACTIONLINT_PATH',
    installHint: 'Run `npm run setup` to install it (needs Go; seconds), or set ACTIONLINT_PATH.',
  });
}
