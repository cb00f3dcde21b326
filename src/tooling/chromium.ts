/**
 * Headless Chromium for browser tests and recordings: Debian's `chromium` package driven by playwright-core. No
 * browser is ever downloaded (playwright-core has no download step of its own; PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
 * covers the `playwright` package others pull in), and the flags below keep the browser from calling out of a
 * closed network (update checks, component updates, sync, first-run pages).
 */
import { chromium, type Browser, type LaunchOptions } from 'playwright-core';
import { isExecutable, pathCandidates } from './find-tool';

/** Where Debian and Ubuntu put the binary (`apt-get install chromium`), then the same names on PATH. */
const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
const PATH_NAMES = ['chromium', 'chromium-browser'];

/** Flags for a sandboxed, offline run: quiet network, no first-run UI. */
export const CHROMIUM_FLAGS = [
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-default-apps',
  '--disable-dev-shm-usage',
];

/** The Chromium binary, or an error that says how to install it. */
export function findChromium(): string {
  const found = [...CANDIDATES, ...pathCandidates(PATH_NAMES)].find(isExecutable);
  if (!found) {
    throw new Error(
      "Chromium not found (looked for /usr/bin/chromium and chromium on PATH). Install Debian's build: " +
        '`apt-get install -y chromium` (scripts/setup.sh does it when run as root). No browser is downloaded.',
    );
  }
  return found;
}

/**
 * Launches headless Chromium. As root Chromium refuses to start without `--no-sandbox`, so that flag is added
 * there only.
 */
export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  return chromium.launch({
    headless: true,
    ...options,
    executablePath: options.executablePath ?? findChromium(),
    args: [...CHROMIUM_FLAGS, ...(asRoot ? ['--no-sandbox'] : []), ...(options.args ?? [])],
  });
}
