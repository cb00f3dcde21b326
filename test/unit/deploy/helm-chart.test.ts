/**
 * The Helm chart, checked with the real helm binary (scripts/setup.sh installs it): `helm lint --strict` and
 * `helm template` for each deployment target, every rendered object validated offline against the Kubernetes API
 * schemas (kubernetes-models, KEDA's CRDs), and assertions on what the issue asks of the output: autoscaling,
 * network isolation, hardened pods, images from values, and bad values refused with a message.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { findHelm } from '../../support/deploy-tools';

const repoRoot = path.resolve(__dirname, '../../..');
const chartDir = path.join(repoRoot, 'helm/tradeflow');
// helm built with `go install` reports Kubernetes v1.20 by default; the chart needs >= 1.25.
const KUBE_VERSION = '1.31.0';
const helm = findHelm();

type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
} & Record<string, any>;

interface Target {
  valuesFiles: string[];
  set?: string[];
}

const TARGETS: Record<string, Target> = {
  defaults: { valuesFiles: [] },
  dev: { valuesFiles: ['values-dev.yaml'] },
  'self-hosted': { valuesFiles: ['values-self-hosted.yaml'] },
  'cloud (mTLS)': { valuesFiles: ['values-cloud.yaml'] },
  'cloud (API key)': {
    valuesFiles: ['values-cloud.yaml'],
    set: [
      'temporal.auth=apiKey',
      'temporal.address=us-east-1.aws.api.temporal.io:7233',
      'metrics.grafanaDashboard.enabled=true',
    ],
  },
};

function helmArgs(target: Target): string[] {
  return [
    ...target.valuesFiles.flatMap((file) => ['-f', path.join(chartDir, file)]),
    ...(target.set ?? []).flatMap((s) => ['--set', s]),
  ];
}

function runHelm(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(helm, args, {
    encoding: 'utf8',
    env: { ...process.env, HELM_CACHE_HOME: '/tmp/helm-cache' },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function render(target: Target, extraSet: string[] = []): K8sObject[] {
  const args = ['template', 'tf', chartDir, '--namespace', 'trading', '--kube-version', KUBE_VERSION];
  const result = runHelm([...args, ...helmArgs(target), ...extraSet.flatMap((s) => ['--set', s])]);
  if (result.status !== 0) throw new Error(`helm template failed:\n${result.stderr}`);
  return parseAllDocuments(result.stdout)
    .map((doc) => doc.toJSON() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

/** Validates objects in a child process (kubernetes-models is ESM-only); returns one entry per object. */
function validateAgainstKubernetesSchemas(
  objects: unknown[],
): { kind: string; name: string; errors: string[] }[] {
  const result = spawnSync(process.execPath, [path.join(repoRoot, 'test/support/validate-k8s.mjs')], {
    input: JSON.stringify(objects),
    encoding: 'utf8',
    cwd: repoRoot,
  });
  if (result.status !== 0) throw new Error(`validator crashed:\n${result.stderr}`);
  return JSON.parse(result.stdout);
}

const byKind = (objects: K8sObject[], kind: string) => objects.filter((o) => o.kind === kind);
const named = (objects: K8sObject[], kind: string, suffix: string) => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name.endsWith(suffix));
  if (!found) throw new Error(`no ${kind} named *${suffix}`);
  return found;
};
function podSpecs(objects: K8sObject[]): { owner: string; spec: any }[] {
  return objects.flatMap((o) => {
    if (o.kind === 'Deployment')
      return [{ owner: `Deployment/${o.metadata.name}`, spec: o.spec.template.spec }];
    if (o.kind === 'Pod') return [{ owner: `Pod/${o.metadata.name}`, spec: o.spec }];
    return [];
  });
}

const rendered = new Map<string, K8sObject[]>();
const renderedFor = (name: string) => {
  if (!rendered.has(name)) rendered.set(name, render(TARGETS[name]));
  return rendered.get(name)!;
};

describe.each(Object.keys(TARGETS))('helm chart, target %s', (name) => {
  it('passes helm lint --strict', () => {
    const result = runHelm([
      'lint',
      '--strict',
      chartDir,
      '--kube-version',
      KUBE_VERSION,
      ...helmArgs(TARGETS[name]),
    ]);
    expect(`${result.stdout}${result.stderr}`).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
    expect(result.status).toBe(0);
  });

  it('renders only objects that are valid against the Kubernetes API schemas', () => {
    const objects = renderedFor(name);
    expect(objects.length).toBeGreaterThanOrEqual(5);
    const results = validateAgainstKubernetesSchemas(objects);
    const invalid = results.filter((r) => r.errors.length > 0);
    expect(invalid).toEqual([]);
    expect(results.map((r) => r.kind)).toEqual(objects.map((o) => o.kind));
  });

  it('runs every pod non-root, unprivileged, read-only, with no capabilities and the runtime seccomp profile', () => {
    const pods = podSpecs(renderedFor(name));
    expect(pods.length).toBe(3); // api, worker, helm-test pod
    for (const { owner, spec } of pods) {
      const context = `${owner}`;
      expect([context, spec.securityContext.runAsNonRoot]).toEqual([context, true]);
      expect([context, spec.securityContext.runAsUser]).not.toEqual([context, 0]);
      expect([context, spec.securityContext.seccompProfile?.type]).toEqual([context, 'RuntimeDefault']);
      expect([context, spec.automountServiceAccountToken]).toEqual([context, false]);
      expect([context, spec.hostNetwork ?? false, spec.hostPID ?? false, spec.hostIPC ?? false]).toEqual([
        context,
        false,
        false,
        false,
      ]);
      expect((spec.volumes ?? []).filter((v: any) => v.hostPath)).toEqual([]);
      for (const container of [...spec.containers, ...(spec.initContainers ?? [])]) {
        const sc = container.securityContext;
        expect([
          context,
          container.name,
          sc.privileged,
          sc.allowPrivilegeEscalation,
          sc.readOnlyRootFilesystem,
        ]).toEqual([context, container.name, false, false, true]);
        expect(sc.capabilities.drop).toEqual(['ALL']);
        expect(sc.capabilities.add ?? []).toEqual([]);
        expect(container.resources.limits).toBeDefined();
      }
    }
  });

  it('sets only environment variables the application reads (.env.example lists them)', () => {
    const documented = new Set(
      [...readFileSync(path.join(repoRoot, '.env.example'), 'utf8').matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map(
        (m) => m[1],
      ),
    );
    const objects = renderedFor(name);
    const configMap = byKind(objects, 'ConfigMap')[0];
    const envNames = [
      ...Object.keys(configMap.data),
      ...podSpecs(objects)
        .filter((p) => p.owner.startsWith('Deployment'))
        .flatMap((p) => p.spec.containers.flatMap((c: any) => (c.env ?? []).map((e: any) => e.name))),
    ];
    expect(envNames.filter((n) => !documented.has(n))).toEqual([]);
  });
});

describe('helm chart output', () => {
  it('autoscales API and workers on CPU 70 % and memory 80 %, 3 to 20 replicas, scaling down slowly', () => {
    const objects = renderedFor('self-hosted');
    const hpas = byKind(objects, 'HorizontalPodAutoscaler');
    expect(hpas.map((h) => h.spec.scaleTargetRef.name).sort()).toEqual([
      'tf-tradeflow-api',
      'tf-tradeflow-worker',
    ]);
    const deployments = byKind(objects, 'Deployment').map((d) => d.metadata.name);
    for (const hpa of hpas) {
      expect(deployments).toContain(hpa.spec.scaleTargetRef.name);
      expect(hpa.spec.minReplicas).toBe(3);
      expect(hpa.spec.maxReplicas).toBe(20);
      const utilisation = Object.fromEntries(
        hpa.spec.metrics.map((m: any) => [m.resource.name, m.resource.target.averageUtilization]),
      );
      expect(utilisation).toEqual({ cpu: 70, memory: 80 });
      expect(hpa.spec.behavior.scaleDown).toEqual({
        stabilizationWindowSeconds: 300,
        policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }],
      });
    }
    // The HPA owns the replica count: the Deployments must not fight it with their own.
    for (const deployment of byKind(objects, 'Deployment')) expect(deployment.spec.replicas).toBeUndefined();
  });

  it('keeps disruption budgets for both roles', () => {
    const pdbs = byKind(renderedFor('self-hosted'), 'PodDisruptionBudget');
    expect(pdbs.map((p) => p.spec.selector.matchLabels['app.kubernetes.io/component']).sort()).toEqual([
      'api',
      'worker',
    ]);
    for (const pdb of pdbs) expect(pdb.spec.maxUnavailable).toBe(1);
  });

  it('scales workers on the Temporal task-queue backlog with KEDA instead of the worker HPA when enabled', () => {
    const objects = renderedFor('cloud (mTLS)');
    expect(byKind(objects, 'HorizontalPodAutoscaler').map((h) => h.metadata.name)).toEqual([
      'tf-tradeflow-api',
    ]);
    const scaled = named(objects, 'ScaledObject', '-worker');
    expect(scaled.spec.scaleTargetRef.name).toBe('tf-tradeflow-worker');
    expect([scaled.spec.minReplicaCount, scaled.spec.maxReplicaCount]).toEqual([3, 20]);
    const temporal = scaled.spec.triggers.find((t: any) => t.type === 'temporal');
    expect(temporal.metadata).toMatchObject({
      endpoint: 'tradeflow-prod.a1b2c.tmprl.cloud:7233',
      namespace: 'tradeflow-prod.a1b2c',
      taskQueue: 'tradeflow-pipeline',
      targetQueueSize: '20',
    });
    expect(
      scaled.spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown.stabilizationWindowSeconds,
    ).toBe(300);
    const auth = named(objects, 'TriggerAuthentication', '-temporal');
    expect(temporal.authenticationRef.name).toBe(auth.metadata.name);
    expect(auth.spec.secretTargetRef.map((r: any) => `${r.parameter}:${r.name}/${r.key}`)).toEqual([
      'cert:tradeflow-temporal-client/tls.crt',
      'key:tradeflow-temporal-client/tls.key',
    ]);
    const withApiKey = renderedFor('cloud (API key)');
    expect(named(withApiKey, 'TriggerAuthentication', '-temporal').spec.secretTargetRef).toEqual([
      { parameter: 'apiKey', name: 'tradeflow-temporal-api-key', key: 'TEMPORAL_API_KEY' },
    ]);
    // Off by default.
    expect(byKind(renderedFor('self-hosted'), 'ScaledObject')).toEqual([]);
  });

  it('denies all traffic by default and allows only the ingress controller in and Temporal, PostgreSQL, Vault and DNS out', () => {
    const objects = renderedFor('self-hosted');
    const policies = byKind(objects, 'NetworkPolicy');
    const deny = named(objects, 'NetworkPolicy', '-default-deny');
    expect(deny.spec).toEqual({
      podSelector: {
        matchLabels: { 'app.kubernetes.io/name': 'tradeflow', 'app.kubernetes.io/instance': 'tf' },
      },
      policyTypes: ['Ingress', 'Egress'],
    });
    // Every pod of the release is selected by the default deny.
    for (const deployment of byKind(objects, 'Deployment')) {
      const labels = deployment.spec.template.metadata.labels;
      for (const [key, value] of Object.entries(deny.spec.podSelector.matchLabels))
        expect(labels[key]).toBe(value);
    }

    const api = named(objects, 'NetworkPolicy', '-api');
    expect(api.spec.ingress).toHaveLength(2);
    const [ingressController, smokeTest] = api.spec.ingress[0].from;
    expect(ingressController).toEqual({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } },
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
    });
    expect(smokeTest.podSelector.matchLabels['app.kubernetes.io/component']).toBe('smoke-test');
    expect(api.spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 3000 }]);

    const egressPorts = (policy: K8sObject) =>
      policy.spec.egress.flatMap((rule: any) => rule.ports.map((p: any) => `${p.protocol}/${p.port}`)).sort();
    const expected = ['TCP/53', 'TCP/5432', 'TCP/7233', 'TCP/8200', 'UDP/53'];
    expect(egressPorts(api)).toEqual(expected);
    // Prometheus, and only Prometheus, may reach the metrics ports.
    const prometheus = {
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
    };
    expect(api.spec.ingress[1]).toEqual({ from: [prometheus], ports: [{ protocol: 'TCP', port: 9464 }] });
    const worker = named(objects, 'NetworkPolicy', '-worker');
    expect(worker.spec.ingress).toEqual([{ from: [prometheus], ports: [{ protocol: 'TCP', port: 9465 }] }]);
    expect(egressPorts(worker)).toEqual(expected);
    const temporalRule = worker.spec.egress.find((r: any) => r.ports.some((p: any) => p.port === 7233));
    expect(temporalRule.to).toEqual([
      {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'temporal' } },
        podSelector: { matchLabels: { 'app.kubernetes.io/component': 'frontend' } },
      },
    ]);
    expect(policies).toHaveLength(4);

    // Temporal Cloud: port 7233 to public addresses only; no Vault egress when Vault is not the provider.
    const cloud = named(renderedFor('cloud (mTLS)'), 'NetworkPolicy', '-worker');
    const cloudTemporal = cloud.spec.egress.find((r: any) => r.ports.some((p: any) => p.port === 7233));
    expect(cloudTemporal.to[0].ipBlock.except).toContain('10.0.0.0/8');
    const envProvider = named(
      render(TARGETS['self-hosted'], ['secrets.provider=env']),
      'NetworkPolicy',
      '-worker',
    );
    expect(egressPorts(envProvider)).not.toContain('TCP/8200');
    // The dev target talks to a dev server on the host: no policies.
    expect(byKind(renderedFor('dev'), 'NetworkPolicy')).toEqual([]);
  });

  it('exposes the API and worker metrics ports, configured through the ConfigMap and annotated for scraping', () => {
    const objects = renderedFor('self-hosted');
    const data = byKind(objects, 'ConfigMap')[0].data;
    expect([data.API_METRICS_PORT, data.WORKER_METRICS_PORT]).toEqual(['9464', '9465']);
    for (const [suffix, port] of [
      ['-api', 9464],
      ['-worker', 9465],
    ] as const) {
      const template = named(objects, 'Deployment', suffix).spec.template;
      expect(template.spec.containers[0].ports).toContainEqual({
        name: 'metrics',
        containerPort: port,
        protocol: 'TCP',
      });
      expect(template.metadata.annotations).toMatchObject({
        'prometheus.io/scrape': 'true',
        'prometheus.io/port': String(port),
        'prometheus.io/path': '/metrics',
      });
    }
    // The Grafana dashboard ConfigMap, for the sidecar, when asked for.
    expect(byKind(objects, 'ConfigMap')).toHaveLength(1);
    const dashboard = named(renderedFor('cloud (API key)'), 'ConfigMap', '-grafana-dashboard');
    expect(dashboard.metadata.labels?.grafana_dashboard).toBe('1');
    expect(JSON.parse(dashboard.data['tradeflow.json']).uid).toBe('tradeflow-overview');
    // Off: no ports, no variables, no Prometheus ingress.
    const off = render(TARGETS['self-hosted'], ['metrics.enabled=false']);
    expect(byKind(off, 'ConfigMap')[0].data.API_METRICS_PORT).toBeUndefined();
    expect(named(off, 'NetworkPolicy', '-worker').spec.ingress).toEqual([]);
    expect(named(off, 'Deployment', '-api').spec.template.spec.containers[0].ports).toHaveLength(1);
  });

  it('takes the image repository and tag from values, defaulting the tag to the chart appVersion', () => {
    const objects = render(TARGETS['self-hosted'], [
      'image.repository=registry.example.com/ops/tradeflow',
      'image.tag=3f9c2e1',
    ]);
    const images = podSpecs(objects).flatMap((p) => p.spec.containers.map((c: any) => c.image));
    expect(new Set(images)).toEqual(new Set(['registry.example.com/ops/tradeflow:3f9c2e1']));
    const appVersion = (
      parse(readFileSync(path.join(chartDir, 'Chart.yaml'), 'utf8')) as { appVersion: string }
    ).appVersion;
    const defaults = podSpecs(renderedFor('defaults')).flatMap((p) =>
      p.spec.containers.map((c: any) => c.image),
    );
    expect(new Set(defaults)).toEqual(new Set([`ghcr.io/tradeflow/tradeflow:${appVersion}`]));
  });

  it('runs the API and worker commands of the one image, with readiness checking Temporal', () => {
    const objects = renderedFor('self-hosted');
    const api = named(objects, 'Deployment', '-api').spec.template.spec.containers[0];
    const worker = named(objects, 'Deployment', '-worker').spec.template.spec.containers[0];
    expect(api.args).toEqual(['dist/api/main.js']);
    expect(worker.args).toEqual(['dist/worker.js']);
    expect(existsSync(path.join(repoRoot, 'src/api/main.ts'))).toBe(true);
    expect(existsSync(path.join(repoRoot, 'src/worker.ts'))).toBe(true);
    // Both readiness endpoints check the Temporal connection (src/api/routes/health.ts, src/worker-health.ts).
    expect(api.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
    expect(worker.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'health' });
    const configMap = byKind(objects, 'ConfigMap')[0];
    expect(worker.ports[0]).toEqual({
      name: 'health',
      containerPort: Number(configMap.data.WORKER_HEALTH_PORT),
      protocol: 'TCP',
    });
    expect(api.ports[0].containerPort).toBe(Number(configMap.data.API_PORT));
    // The worker's grace period outlasts its activity drain.
    const workerPod = named(objects, 'Deployment', '-worker').spec.template.spec;
    expect(workerPod.terminationGracePeriodSeconds * 1000).toBeGreaterThan(
      Number(configMap.data.WORKER_SHUTDOWN_GRACE_MS),
    );
    // A changed ConfigMap rolls the pods.
    expect(
      named(objects, 'Deployment', '-api').spec.template.metadata.annotations['checksum/config'],
    ).toMatch(/^[0-9a-f]{64}$/);
  });

  it('connects to Temporal as each target needs: plain, mTLS from a Secret, or an API key from a Secret', () => {
    const config = (objects: K8sObject[]) => byKind(objects, 'ConfigMap')[0].data;
    expect(config(renderedFor('self-hosted'))).toMatchObject({
      TEMPORAL_TLS: 'false',
      SECRETS_PROVIDER: 'vault',
    });

    const mtls = renderedFor('cloud (mTLS)');
    expect(config(mtls)).toMatchObject({
      TEMPORAL_TLS: 'true',
      TEMPORAL_ADDRESS: 'tradeflow-prod.a1b2c.tmprl.cloud:7233',
      TEMPORAL_TLS_CERT_PATH: '/etc/tradeflow/temporal-tls/tls.crt',
      TEMPORAL_TLS_KEY_PATH: '/etc/tradeflow/temporal-tls/tls.key',
    });
    const workerPod = named(mtls, 'Deployment', '-worker').spec.template.spec;
    expect(workerPod.volumes.find((v: any) => v.name === 'temporal-tls').secret.secretName).toBe(
      'tradeflow-temporal-client',
    );
    expect(workerPod.containers[0].volumeMounts).toContainEqual({
      name: 'temporal-tls',
      mountPath: '/etc/tradeflow/temporal-tls',
      readOnly: true,
    });

    const apiKey = renderedFor('cloud (API key)');
    expect(config(apiKey).TEMPORAL_TLS).toBe('true');
    expect(config(apiKey).TEMPORAL_TLS_CERT_PATH).toBeUndefined();
    const env = named(apiKey, 'Deployment', '-worker').spec.template.spec.containers[0].env;
    expect(env).toContainEqual({
      name: 'TEMPORAL_API_KEY',
      valueFrom: { secretKeyRef: { name: 'tradeflow-temporal-api-key', key: 'TEMPORAL_API_KEY' } },
    });
    // Secrets only by reference: no Secret objects rendered, no secret-looking values in the ConfigMap.
    for (const target of Object.keys(TARGETS)) {
      expect(byKind(renderedFor(target), 'Secret')).toEqual([]);
      expect(
        Object.keys(config(renderedFor(target))).filter((k) => /SECRET$|PASSWORD|TOKEN$|API_KEY/.test(k)),
      ).toEqual([]);
    }
  });

  it('reads Vault secrets with a short-lived projected service-account token', () => {
    const objects = renderedFor('self-hosted');
    const data = byKind(objects, 'ConfigMap')[0].data;
    expect(data).toMatchObject({
      VAULT_ADDR: 'https://vault.vault.svc.cluster.local:8200',
      VAULT_AUTH_METHOD: 'kubernetes',
      VAULT_CACERT: '/etc/tradeflow/vault-ca/ca.crt',
    });
    const pod = named(objects, 'Deployment', '-api').spec.template.spec;
    const mount = pod.containers[0].volumeMounts.find((m: any) => m.name === 'vault-token');
    expect(`${mount.mountPath}/token`).toBe(data.VAULT_K8S_TOKEN_PATH);
    const projected = pod.volumes.find((v: any) => v.name === 'vault-token').projected.sources[0]
      .serviceAccountToken;
    expect(projected.expirationSeconds).toBeLessThanOrEqual(3600);
  });

  it.each([
    ['image.tag=latest', /image\.tag "latest" is a moving tag/],
    ['api.autoscaling.minReplicas=0', /api\/autoscaling\/minReplicas.*minimum/],
    [
      'worker.autoscaling.minReplicas=5,worker.autoscaling.maxReplicas=4',
      /worker\.autoscaling\.maxReplicas \(4\) must be >= /,
    ],
    ['api.replica=4', /additional properties 'replica' not allowed/],
    ['temporal.address=temporal-frontend', /temporal\/address.*does not match pattern/],
    ['temporal.auth=mtls', /temporal\.auth=mtls needs temporal\.tls\.existingSecret/],
    ['temporal.auth=apiKey', /temporal\.auth=apiKey needs temporal\.apiKey\.existingSecret/],
    ['temporal.auth=password', /temporal\/auth.*value must be one of/],
    [
      'secrets.provider=vault,secrets.vault.address=',
      /secrets\.provider=vault needs secrets\.vault\.address/,
    ],
    ['config.LLM_API_KEY=sk-123', /config\.LLM_API_KEY looks like a secret/],
    ['config.TEMPORAL_ADDRESS=elsewhere:7233', /config\.TEMPORAL_ADDRESS is set by the chart/],
    ['containerSecurityContext.privileged=true', /containerSecurityContext\/privileged/],
    ['podSecurityContext.runAsNonRoot=false', /podSecurityContext\/runAsNonRoot/],
    ['database.existingSecret=', /database\/existingSecret/],
  ])('refuses %s with a message naming the value', (set, message) => {
    const result = runHelm(['template', 'tf', chartDir, '--kube-version', KUBE_VERSION, '--set', set]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(message);
  });

  it('the validator itself reports schema violations and unknown kinds', () => {
    const results = validateAgainstKubernetesSchemas([
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'broken' },
        spec: {
          selector: {},
          template: { spec: { containers: [{ name: 'x', ports: [{ containerPort: 'http' }] }] } },
        },
      },
      {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: 'h' },
        spec: { minReplicas: 3 },
      },
      { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } },
    ]);
    expect(results[0].errors.join('\n')).toMatch(/containerPort must be integer/);
    expect(results[1].errors.join('\n')).toMatch(/must have required property scaleTargetRef/);
    expect(results[2].errors).toEqual(['no schema known for apiVersion example.com/v1 kind Widget']);
  });
});
