'use strict';
/**
 * The image's Docker HEALTHCHECK, for both roles (Kubernetes uses its own probes instead): GET /health/live on
 * 127.0.0.1, on HEALTHCHECK_PORT if set, else on the API's port (API_PORT, default 3000) and then on the worker's
 * health port (WORKER_HEALTH_PORT, default 9464). The first port that answers decides: a 2xx status is healthy
 * (exit 0), any other status unhealthy (exit 1); no answer on any port is unhealthy too. Plain CommonJS, no
 * dependencies: it runs on the image's node as it is.
 */
/* global process, fetch, AbortSignal */

const TIMEOUT_MS = 3000;

function candidatePorts(env) {
  if (env.HEALTHCHECK_PORT) return [env.HEALTHCHECK_PORT];
  return [env.API_PORT || '3000', env.WORKER_HEALTH_PORT || '9464'];
}

/** Resolves to the HTTP status of GET /health/live on the port, or null when nothing answers in time. */
async function liveStatus(port) {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/health/live`, {
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    return response.status;
  } catch {
    return null;
  }
}

async function main() {
  for (const port of candidatePorts(process.env)) {
    const status = await liveStatus(port);
    if (status !== null) {
      process.stdout.write(`GET 127.0.0.1:${port}/health/live: HTTP ${status}\n`);
      return status >= 200 && status < 300 ? 0 : 1;
    }
  }
  process.stdout.write(`no answer on ${candidatePorts(process.env).join(' or ')}\n`);
  return 1;
}

main().then(
  (code) => process.exit(code),
  () => process.exit(1),
);
