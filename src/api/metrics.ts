/**
 * Prometheus metrics of the HTTP API (prom-client): request rate and latency by route template and status, errors
 * by kind, pipelines triggered, and Node.js process metrics. Served on their own port (API_METRICS_PORT) so they
 * never pass the ingress or need an API key; the Helm chart lets only the Prometheus namespace reach that port.
 */
import { listen, type ListeningServer } from '../http/listen';
import express, { type RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { routeTemplate } from '../auth/policy';

export interface ApiMetrics {
  registry: Registry;
  /** Times every request; mount it first, so refusals (401, 403, 429) are counted too. */
  middleware: RequestHandler;
  pipelinesTriggered: Counter<'analyst'>;
}

/** Seconds; dense below 100 ms, where the API's own targets are. */
const LATENCY_BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createApiMetrics(options: { processMetrics?: boolean } = {}): ApiMetrics {
  const registry = new Registry();
  if (options.processMetrics !== false)
    collectDefaultMetrics({ register: registry, prefix: 'tradeflow_api_' });
  const requests = new Counter({
    name: 'tradeflow_http_requests_total',
    help: 'HTTP requests answered, by method, route template and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'tradeflow_http_request_duration_seconds',
    help: 'HTTP request latency from arrival to the last byte of the response, by method and route template',
    labelNames: ['method', 'route', 'status_class'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const errors = new Counter({
    name: 'tradeflow_http_request_errors_total',
    help: 'HTTP requests answered with an error: kind client (4xx) or server (5xx)',
    labelNames: ['method', 'route', 'kind'] as const,
    registers: [registry],
  });
  const pipelinesTriggered = new Counter({
    name: 'tradeflow_pipelines_triggered_total',
    help: 'Pipelines started through POST /workflows/trigger, by analyst',
    labelNames: ['analyst'] as const,
    registers: [registry],
  });

  const middleware: RequestHandler = (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const method = req.method === 'HEAD' ? 'GET' : req.method;
      // Templates only, never raw paths: one series per route, whatever ids are in the URL.
      const route = routeTemplate(method, req.path) ?? 'unmatched';
      const status = res.statusCode;
      requests.inc({ method, route, status: String(status) });
      duration.observe(
        { method, route, status_class: `${Math.floor(status / 100)}xx` },
        Number(process.hrtime.bigint() - started) / 1e9,
      );
      if (status >= 400) errors.inc({ method, route, kind: status >= 500 ? 'server' : 'client' });
    });
    next();
  };
  return { registry, middleware, pipelinesTriggered };
}

export type MetricsServer = ListeningServer;

/** GET /metrics in the Prometheus text format on host:port (0: a free port). */
export async function startMetricsServer(
  registry: Registry,
  host: string,
  port: number,
): Promise<MetricsServer> {
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', registry.contentType);
    res.send(await registry.metrics());
  });
  return listen(app, host, port);
}
