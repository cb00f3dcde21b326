/** API metrics: counted by route template (never raw ids), by status, errors by kind, served in Prometheus text. */
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createApiMetrics, startMetricsServer } from '../../../src/api/metrics';

async function withApp<T>(run: (base: string) => Promise<T>) {
  const metrics = createApiMetrics({ processMetrics: false });
  const app = express();
  app.use(metrics.middleware);
  app.get('/workflows/:id/status', (req, res) => {
    if (req.params.id === 'boom') res.status(500).json({ error: 'boom' });
    else res.json({ id: req.params.id });
  });
  app.post('/workflows/trigger', (_req, res) => {
    metrics.pipelinesTriggered.inc({ analyst: 'deterministic' });
    res.status(202).json({});
  });
  app.use((_req, res) => res.status(404).json({ error: 'not_found' }));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    await run(base);
  } finally {
    server.close();
  }
  return metrics;
}

describe('API metrics', () => {
  it('labels requests by route template and status, and counts client and server errors', async () => {
    const metrics = await withApp(async (base) => {
      await fetch(`${base}/workflows/run-1/status`);
      await fetch(`${base}/workflows/run-2/status`);
      await fetch(`${base}/workflows/boom/status`);
      await fetch(`${base}/workflows/trigger`, { method: 'POST' });
      await fetch(`${base}/no/such/route/42`);
    });
    const text = await metrics.registry.metrics();
    expect(text).toContain(
      'tradeflow_http_requests_total{method="GET",route="/workflows/:id/status",status="200"} 2',
    );
    expect(text).toContain(
      'tradeflow_http_requests_total{method="GET",route="/workflows/:id/status",status="500"} 1',
    );
    expect(text).toContain(
      'tradeflow_http_requests_total{method="POST",route="/workflows/trigger",status="202"} 1',
    );
    expect(text).toContain('tradeflow_http_requests_total{method="GET",route="unmatched",status="404"} 1');
    expect(text).toContain(
      'tradeflow_http_request_errors_total{method="GET",route="/workflows/:id/status",kind="server"} 1',
    );
    expect(text).toContain(
      'tradeflow_http_request_errors_total{method="GET",route="unmatched",kind="client"} 1',
    );
    expect(text).toContain(
      'tradeflow_http_request_duration_seconds_count{method="GET",route="/workflows/:id/status",status_class="2xx"} 2',
    );
    expect(text).toContain('tradeflow_pipelines_triggered_total{analyst="deterministic"} 1');
    // No raw ids in any label.
    expect(text).not.toMatch(/run-1|run-2|boom|\/no\/such/);
  });

  it('serves the registry on its own port in the Prometheus text format', async () => {
    const metrics = createApiMetrics();
    const server = await startMetricsServer(metrics.registry, '127.0.0.1', 0);
    try {
      const response = await fetch(`http://127.0.0.1:${server.port}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await response.text();
      expect(text).toContain('# TYPE tradeflow_http_requests_total counter');
      expect(text).toContain('# TYPE tradeflow_http_request_duration_seconds histogram');
      // Process metrics of the API (default metrics, prefixed).
      expect(text).toMatch(/^tradeflow_api_process_resident_memory_bytes \d+/m);
      expect((await fetch(`http://127.0.0.1:${server.port}/anything-else`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
