/** The Chromium launcher lives in src/tooling/chromium.ts (scripts use it too); tests import it from here. */
export { CHROMIUM_FLAGS, findChromium, launchChromium } from '../../src/tooling/chromium';
