/**
 * Liveness (the process answers) and readiness (Temporal and the database answer). Readiness answers Kubernetes
 * probes without credentials with its status only; the per-dependency details (error messages) need a viewer key.
 */
import { Router } from 'express';
import type { TemporalClients } from '../../temporal/client';
import type { BarStore } from '../../store/bar-store';
import { principalOf } from '../../auth/middleware';

export function healthRouter(temporal: TemporalClients, bars: BarStore): Router {
  const router = Router();
  router.get('/health/live', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/health/ready', async (_req, res) => {
    const checks: Record<string, { ok: boolean; error?: string }> = {};
    try {
      await temporal.connection.withDeadline(Date.now() + 2000, async () => {
        await temporal.connection.ensureConnected();
        await temporal.connection.workflowService.getSystemInfo({});
      });
      checks.temporal = { ok: true };
    } catch (error) {
      checks.temporal = {
        ok: false,
        error: `Temporal unreachable: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
    try {
      await bars.countBars('__READINESS__');
      checks.database = { ok: true };
    } catch (error) {
      checks.database = { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    const ready = Object.values(checks).every((c) => c.ok);
    const status = ready ? 'ready' : 'not_ready';
    res.status(ready ? 200 : 503).json(principalOf(res) ? { status, checks } : { status });
  });
  return router;
}
