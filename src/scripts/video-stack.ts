/**
 * The stack `npm run video` records: the standalone stack (src/tooling/standalone-stack.ts) with the Temporal Web
 * UI, an operator key for the browser, and only its own settings (no worker tuning from the environment), so a
 * developer's setup does not leak into the tour.
 */
import { startStandaloneStack } from '../tooling/standalone-stack';

export interface VideoStack {
  /** The API, e.g. `http://127.0.0.1:41234` (the dashboard is at `/dashboard/`, Swagger UI at `/docs`). */
  baseUrl: string;
  /** The seeded operator key. */
  apiKey: string;
  /** The Temporal Web UI. */
  uiUrl: string;
  stop(): Promise<void>;
}

export interface VideoStackOptions {
  /** A prebuilt workflow bundle (`npm run build:workflows`); default: bundle at start-up (a few seconds). */
  bundlePath?: string;
}

export async function startVideoStack(options: VideoStackOptions = {}): Promise<VideoStack> {
  const stack = await startStandaloneStack({
    keyName: 'video',
    ui: true,
    workerTuningFromEnv: false,
    env: options.bundlePath ? { WORKER_BUNDLE_PATH: options.bundlePath } : {},
  });
  const { uiUrl } = stack;
  if (!uiUrl) {
    await stack.stop();
    throw new Error('the Temporal dev server started without its Web UI');
  }
  return { baseUrl: stack.baseUrl, apiKey: stack.apiKey, uiUrl, stop: () => stack.stop() };
}
