/**
 * Every HTTP probe the Helm chart renders for the API (startup, liveness, readiness, and the `helm test` pod's URL)
 * answers a request without credentials, as the kubelet sends it, against the real API on the suite's Temporal
 * server: 200, with the status only (the dependency details need a key).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { findHelm } from '../support/deploy-tools';
import { startApiOnly, testConfig, TEST_ADMIN_KEY } from '../support/harness';

const chartDir = path.resolve(__dirname, '../../helm/tradeflow');

type Probe = { httpGet?: { path: string } };
type Container = { name: string; startupProbe?: Probe; livenessProbe?: Probe; readinessProbe?: Probe };

/** [where, path] of each probe of the API Deployment and the smoke-test pod's URL, from `helm template`. */
function renderedApiProbePaths(): [string, string][] {
  const rendered = spawnSync(
    findHelm(),
    ['template', 'tf', chartDir, '--namespace', 'trading', '--kube-version', '1.31.0'],
    { encoding: 'utf8', env: { ...process.env, HELM_CACHE_HOME: '/tmp/helm-cache' } },
  );
  if (rendered.status !== 0) throw new Error(`helm template failed:\n${rendered.stderr}`);
  const objects = parseAllDocuments(rendered.stdout)
    .map((doc) => doc.toJSON() as Record<string, any> | null)
    .filter((o): o is Record<string, any> => o !== null);
  const paths: [string, string][] = [];
  const api = objects.find((o) => o.kind === 'Deployment' && String(o.metadata.name).endsWith('-api'));
  for (const container of (api?.spec.template.spec.containers ?? []) as Container[]) {
    for (const kind of ['startupProbe', 'livenessProbe', 'readinessProbe'] as const) {
      const probe = container[kind]?.httpGet;
      if (probe) paths.push([`api ${container.name} ${kind}`, probe.path]);
    }
  }
  const smoke = objects.find((o) => o.kind === 'Pod' && o.metadata.annotations?.['helm.sh/hook'] === 'test');
  for (const container of smoke?.spec.containers ?? []) {
    for (const env of (container.env ?? []) as { name: string; value?: string }[]) {
      if (env.value?.startsWith('http')) paths.push([`helm test ${env.name}`, new URL(env.value).pathname]);
    }
  }
  return paths;
}

describe('the chart’s probes against a running API', () => {
  let api: Awaited<ReturnType<typeof startApiOnly>>;
  beforeAll(async () => {
    api = await startApiOnly(testConfig());
  });
  afterAll(async () => {
    await api.stop();
  });

  it('answers every rendered probe path without credentials (200, status only)', async () => {
    const probes = renderedApiProbePaths();
    expect(probes.map(([, p]) => p)).toEqual(expect.arrayContaining(['/health/live', '/health/ready']));
    expect(probes.length).toBeGreaterThanOrEqual(4);
    const answers = [];
    for (const [where, probePath] of probes) {
      const response = await fetch(`${api.baseUrl}${probePath}`);
      const body = (await response.json()) as Record<string, unknown>;
      answers.push([where, probePath, response.status, Object.keys(body)]);
    }
    expect(answers).toEqual(probes.map(([where, p]) => [where, p, 200, ['status']]));
  });

  it('gives readiness details to a caller with a key, and refuses a bad key', async () => {
    const withKey = await fetch(`${api.baseUrl}/health/ready`, { headers: { 'x-api-key': TEST_ADMIN_KEY } });
    expect(withKey.status).toBe(200);
    expect(await withKey.json()).toEqual({
      status: 'ready',
      checks: { temporal: { ok: true }, database: { ok: true } },
    });
    const badKey = await fetch(`${api.baseUrl}/health/ready`, {
      headers: { 'x-api-key': 'tfk_not-a-real-key-000000000000000000000' },
    });
    expect(badKey.status).toBe(401);
  });
});
