/**
 * The CI/CD workflow (.github/workflows/ci-cd.yml): actionlint (with shellcheck on every run: script) finds nothing,
 * and the workflow has the shape the deployment process relies on: tests on Node from .nvmrc, an image built on
 * every run but pushed only on push events, staging then production deploys from main only with an atomic helm
 * upgrade, a smoke test and a rollback, a notification whatever happened, and secrets reaching scripts only via env.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { findOnPath } from '../../../src/tooling/find-tool';
import { findActionlint, HELM_VERSION } from '../../support/deploy-tools';

const root = path.resolve(__dirname, '../../..');
const workflowFile = path.join(root, '.github/workflows/ci-cd.yml');

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, string | boolean | number>;
  env?: Record<string, string>;
}

interface Job {
  name?: string;
  'runs-on': string;
  needs?: string | string[];
  if?: string;
  environment?: string | { name: string; url?: string };
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean | string };
  env?: Record<string, string>;
  steps: Step[];
}

interface Workflow {
  on: {
    push?: { branches?: string[] };
    pull_request?: { branches?: string[] };
    workflow_dispatch?: unknown;
  };
  permissions: Record<string, string>;
  env?: Record<string, string>;
  jobs: Record<string, Job>;
}

interface ActionlintFinding {
  message: string;
  filepath: string;
  line: number;
  column: number;
  kind: string;
}

const workflow = parse(readFileSync(workflowFile, 'utf8')) as Workflow;
const jobs = workflow.jobs;
const allSteps = Object.values(jobs).flatMap((job) => job.steps);
const needsOf = (job: Job) => (job.needs === undefined ? [] : [job.needs].flat());
const environmentOf = (job: Job) =>
  typeof job.environment === 'string' ? job.environment : job.environment?.name;
const stepUsing = (job: Job, action: string) => job.steps.find((step) => step.uses?.startsWith(`${action}@`));
const scriptOf = (job: Job) =>
  job.steps
    .map((step) => step.run ?? '')
    .join('\n')
    // Join continued lines, so one command reads as one line.
    .replace(/\\\n\s*/g, ' ');

/** The shellcheck on PATH, found explicitly: actionlint silently skips its shell checks when it has none. */
function findShellcheck(): string {
  const found = findOnPath('shellcheck');
  if (!found) {
    throw new Error(
      'shellcheck is not on PATH; actionlint needs it to check run: scripts. Run `npm run setup` as root, or ' +
        '`sudo apt-get install -y shellcheck`.',
    );
  }
  return found;
}

/** Runs actionlint (JSON output) on one workflow file; exit status 1 just means it found something. */
function actionlint(file: string, cwd: string): ActionlintFinding[] {
  const args = [`-shellcheck=${findShellcheck()}`, '-no-color', '-format', '{{json .}}', file];
  let stdout: string;
  try {
    stdout = execFileSync(findActionlint(), args, {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    const failed = error as { status?: number; stdout?: string; stderr?: string };
    if (failed.status !== 1 || !failed.stdout) {
      throw new Error(`actionlint failed to run (exit ${failed.status}): ${failed.stderr ?? String(error)}`, {
        cause: error,
      });
    }
    stdout = failed.stdout;
  }
  return stdout.trim() ? (JSON.parse(stdout) as ActionlintFinding[]) : [];
}

const describeFindings = (findings: ActionlintFinding[]) =>
  findings.map((f) => `${f.filepath}:${f.line}:${f.column}: [${f.kind}] ${f.message}`).join('\n');

describe('CI/CD workflow', () => {
  describe('actionlint', () => {
    it('finds nothing in .github/workflows/ci-cd.yml, shellcheck included', () => {
      const findings = actionlint(path.relative(root, workflowFile), root);
      if (findings.length > 0) throw new Error(`actionlint findings:\n${describeFindings(findings)}`);
      expect(findings).toEqual([]);
    });

    it('really runs: it reports an unknown runner, an inline injection and a shellcheck finding', () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'tf-actionlint-'));
      try {
        const broken = path.join(dir, 'broken.yml');
        writeFileSync(
          broken,
          [
            'name: broken',
            'on: pull_request',
            'jobs:',
            '  bad:',
            '    runs-on: ubuntu-latestt',
            '    steps:',
            '      - run: echo "${{ github.event.pull_request.title }}"',
            '      - run: rm $DIR/*',
            '',
          ].join('\n'),
        );
        const findings = actionlint(broken, dir);
        expect(findings.map((f) => `${f.kind}@${f.line}`)).toEqual(
          expect.arrayContaining(['runner-label@5', 'expression@7', 'shellcheck@8']),
        );
        expect(describeFindings(findings)).toMatch(
          /"github\.event\.pull_request\.title" is potentially untrusted/,
        );
        expect(describeFindings(findings)).toMatch(/SC2086/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('structure', () => {
    it('runs on pushes and pull requests to main and develop, and by hand', () => {
      expect(workflow.on.push?.branches).toEqual(expect.arrayContaining(['main', 'develop']));
      expect(workflow.on.pull_request?.branches).toEqual(expect.arrayContaining(['main', 'develop']));
      expect('workflow_dispatch' in workflow.on).toBe(true);
    });

    it('grants contents: read by default and more only to the jobs that need it', () => {
      expect(workflow.permissions).toEqual({ contents: 'read' });
      for (const [name, job] of Object.entries(jobs)) {
        const granted = Object.entries(job.permissions ?? {}).filter(([, level]) => level === 'write');
        expect({ name, granted }).toEqual({ name, granted: name === 'image' ? [['packages', 'write']] : [] });
      }
    });

    it('pins every action to a version tag', () => {
      const uses = allSteps.flatMap((step) => (step.uses ? [step.uses] : []));
      expect(uses.length).toBeGreaterThan(5);
      for (const action of uses) expect(action).toMatch(/^[\w.-]+\/[\w./-]+@v\d+(\.\d+){0,2}$/);
    });

    it('tests on the Node version from .nvmrc, which matches the pinned node devDependency', () => {
      const test = jobs.test;
      expect(stepUsing(test, 'actions/setup-node')?.with).toMatchObject({
        'node-version-file': '.nvmrc',
        cache: 'npm',
      });
      const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
        devDependencies: Record<string, string>;
      };
      const pinnedMajor = /^\D*(\d+)\./.exec(pkg.devDependencies.node)?.[1];
      const nvmrc = readFileSync(path.join(root, '.nvmrc'), 'utf8').trim();
      expect(pinnedMajor).toBeDefined();
      expect(/^v?(\d+)/.exec(nvmrc)?.[1]).toBe(pinnedMajor);
    });

    it('runs the CI entry point with Go, the Debian packages and the cached pinned tools', () => {
      const test = jobs.test;
      const script = scriptOf(test);
      expect(script).toMatch(/(^|\s)(\.\/)?\.ci\/run(\s|$)/m);
      expect(script).toMatch(/sudo .*apt-get install -y .*\bpostgresql\b/);
      expect(script).toMatch(/apt-get install -y .*\bshellcheck\b/);
      expect(script).toMatch(/apt-get install -y .*\bjq\b/);
      // The dashboard's browser tests and the tour video: Debian's Chromium (no browser download) and ffmpeg.
      expect(script).toMatch(/apt-get install -y .*\bchromium\b/);
      expect(script).toMatch(/apt-get install -y .*\bffmpeg\b/);
      expect(stepUsing(test, 'actions/setup-go')?.with?.['go-version']).toBeDefined();
      expect(test.env?.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD).toBe('1');
      const restore = stepUsing(test, 'actions/cache/restore') ?? stepUsing(test, 'actions/cache');
      expect(restore?.with?.path).toBe('~/.cache/tradeflow');
      expect(String(restore?.with?.key)).toContain("hashFiles('scripts/setup.sh')");
      // The entry point runs after Go, the packages and the tools are in place.
      const index = (pattern: RegExp) => test.steps.findIndex((s) => pattern.test(s.uses ?? s.run ?? ''));
      const ciRun = index(/\.ci\/run/);
      for (const before of [/^actions\/setup-go@/, /apt-get install/, /^actions\/cache(\/restore)?@/]) {
        expect(index(before)).toBeGreaterThanOrEqual(0);
        expect(index(before)).toBeLessThan(ciRun);
      }
    });

    it('builds the image on every run after the tests, and pushes it only on push events', () => {
      const image = jobs.image;
      expect(needsOf(image)).toContain('test');
      const build = stepUsing(image, 'docker/build-push-action');
      expect(build?.with?.['cache-from']).toBe('type=gha');
      expect(String(build?.with?.['cache-to'])).toMatch(/^type=gha/);
      expect(String(build?.with?.push).replace(/\s+/g, ' ')).toBe("${{ github.event_name == 'push' }}");
      expect(stepUsing(image, 'docker/setup-buildx-action')).toBeDefined();
      const login = stepUsing(image, 'docker/login-action');
      expect(login?.if).toBe("github.event_name == 'push'");
      expect(String(login?.with?.username)).toContain('secrets.REGISTRY_USERNAME');
      expect(String(login?.with?.password)).toContain('secrets.REGISTRY_PASSWORD');
      expect(workflow.env?.REGISTRY).toContain('vars.REGISTRY');
      // Tags: the commit sha, plus `main` on main.
      const tagScript = scriptOf(image);
      expect(tagScript).toContain(':${SHA}');
      expect(tagScript).toMatch(/refs\/heads\/main[\s\S]*:main/);
    });

    describe.each([
      ['deploy-staging', 'staging', 'KUBE_CONFIG_STAGING', 'STAGING_NAMESPACE', 'tradeflow-staging'],
      ['deploy-production', 'production', 'KUBE_CONFIG_PRODUCTION', 'PRODUCTION_NAMESPACE', 'tradeflow'],
    ])('%s', (jobName, environment, kubeconfigSecret, namespaceVariable, defaultNamespace) => {
      const job = jobs[jobName];
      const script = scriptOf(job);

      it('deploys pushes to main only, into its environment, one deploy at a time', () => {
        expect(job.if).toContain("github.ref == 'refs/heads/main'");
        expect(job.if).toContain("github.event_name == 'push'");
        expect(environmentOf(job)).toBe(environment);
        expect(job.concurrency).toEqual({ group: jobName, 'cancel-in-progress': false });
        expect(job.env?.NAMESPACE).toBe(`\${{ vars.${namespaceVariable} || '${defaultNamespace}' }}`);
      });

      it('writes the kubeconfig from its secret to a private file', () => {
        const step = job.steps.find((s) =>
          Object.values(s.env ?? {}).some((v) => v.includes(kubeconfigSecret)),
        );
        expect(step?.run).toContain('base64 --decode');
        expect(step?.run).toContain('chmod 600');
        expect(step?.run).toContain('KUBECONFIG=');
      });

      it('upgrades atomically with the pinned helm, then smoke-tests the release', () => {
        expect(stepUsing(job, 'azure/setup-helm')?.with?.version).toBe(`v${HELM_VERSION}`);
        const upgrade = /helm upgrade --install tradeflow helm\/tradeflow .*/.exec(script)?.[0] ?? '';
        for (const flag of [
          '--atomic',
          '--wait',
          '--timeout 10m',
          '--create-namespace',
          '--namespace "$NAMESPACE"',
        ])
          expect(upgrade).toContain(flag);
        expect(upgrade).toContain('-f helm/tradeflow/values-self-hosted.yaml');
        expect(upgrade).toMatch(/--set image\.repository=\S+/);
        expect(upgrade).toContain('--set image.tag="$IMAGE_TAG"');
        expect(job.env?.IMAGE_TAG).toBe('${{ github.sha }}');
        expect(script).toMatch(/helm test tradeflow -n "\$NAMESPACE" --timeout 5m/);
      });

      it('rolls back with scripts/rollback.sh when anything after the upgrade fails', () => {
        const upgradeStep = job.steps.find((s) => s.run?.includes('helm upgrade'));
        const rollback = job.steps.find((s) => s.run?.includes('scripts/rollback.sh'));
        expect(upgradeStep?.id).toBeDefined();
        expect(rollback?.if).toBe(`failure() && steps.${upgradeStep?.id}.outcome == 'success'`);
        expect(rollback?.run).toContain('scripts/rollback.sh --release tradeflow --namespace "$NAMESPACE"');
        expect(rollback?.env?.ROLLBACK_AUDIT_LOG).toBeDefined();
        expect(job.steps.indexOf(rollback!)).toBeGreaterThan(job.steps.indexOf(upgradeStep!));
      });
    });

    it('deploys to production only after staging', () => {
      expect(needsOf(jobs['deploy-staging'])).toEqual(expect.arrayContaining(['test', 'image']));
      expect(needsOf(jobs['deploy-production'])).toContain('deploy-staging');
    });

    it('always notifies the webhook of every job’s result', () => {
      const notify = jobs.notify;
      expect(notify.if).toBe('always()');
      expect(needsOf(notify).sort()).toEqual(
        Object.keys(jobs)
          .filter((name) => name !== 'notify')
          .sort(),
      );
      const step = notify.steps.find((s) => s.env?.SLACK_WEBHOOK_URL);
      expect(step?.env?.SLACK_WEBHOOK_URL).toBe('${{ secrets.SLACK_WEBHOOK_URL }}');
      expect(step?.env?.NEEDS).toBe('${{ toJSON(needs) }}');
      expect(step?.run).toMatch(/if \[\[ -z "\$SLACK_WEBHOOK_URL" \]\]; then[\s\S]*exit 0/);
      expect(step?.run).toContain('jq -n');
      expect(step?.run).toContain('curl');
    });

    it('passes no expression, and so no secret, inline into a run: script', () => {
      const inline = allSteps.filter((step) => step.run?.includes('${{'));
      expect(inline.map((step) => step.name ?? step.run)).toEqual([]);
      // Secrets appear only as values of env: or with: entries.
      const text = readFileSync(workflowFile, 'utf8');
      const secretLines = text
        .split('\n')
        .filter((line) => line.includes('secrets.') && !line.trim().startsWith('#'));
      expect(secretLines.length).toBeGreaterThan(0);
      for (const line of secretLines) {
        expect(line).toMatch(/^\s+[A-Za-z_][\w-]*: \$\{\{ secrets\.[A-Z_]+( \|\| [\w.]+)? \}\}$/);
      }
    });
  });
});
