/**
 * scripts/rollback.sh, run for real with bash: its decision rule on recorded `helm history -o json` outputs
 * (test/fixtures/helm-history), its CLI errors, its audit line, a real rollback through a stand-in helm (there is no
 * Kubernetes cluster here) and the real helm binary failing to reach a cluster.
 */
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findHelm } from '../../support/deploy-tools';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const script = path.join(repoRoot, 'scripts', 'rollback.sh');
const fixtureDir = path.join(repoRoot, 'test', 'fixtures', 'helm-history');

interface HelmRevision {
  revision: number;
  updated: string;
  status: string;
  chart: string;
  app_version: string;
  description: string;
}

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

interface AuditLine {
  ts: string;
  event: string;
  actor: string;
  release: string;
  namespace: string;
  from: number | null;
  to: number | null;
  new_revision: number | null;
  dry_run: boolean;
  outcome: string;
  reason: string;
}

const fixture = (name: string) => path.join(fixtureDir, `${name}.json`);
const loadFixture = (name: string): HelmRevision[] => JSON.parse(readFileSync(fixture(name), 'utf8'));

let tmp: string;
let auditLog: string;

beforeEach(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'tradeflow-rollback-'));
  auditLog = path.join(tmp, 'rollback-audit.log');
});

afterEach(() => {
  rmSync(tmp, { recursive: true, force: true });
});

/** Runs the script with bash; the environment is the test's own minus anything that would steer the script. */
function runRollback(args: string[], env: Record<string, string | undefined> = {}): Promise<RunResult> {
  const baseEnv: NodeJS.ProcessEnv = { ...process.env, ROLLBACK_AUDIT_LOG: auditLog, USER: 'tester' };
  for (const name of ['HELM', 'HELM_NAMESPACE', 'GITHUB_ACTOR', 'KUBECONFIG']) delete baseEnv[name];
  const fullEnv: NodeJS.ProcessEnv = { ...baseEnv };
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete fullEnv[name];
    else fullEnv[name] = value;
  }
  return new Promise((resolve) => {
    execFile('bash', [script, ...args], { cwd: repoRoot, env: fullEnv }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const dryRun = (name: string, ...extra: string[]) =>
  runRollback([
    '--release',
    'tradeflow',
    '--namespace',
    'tradeflow',
    '--history-file',
    fixture(name),
    '--dry-run',
    ...extra,
  ]);

/** The value of a `key:   value` line of the script's decision output. */
function field(stdout: string, key: string): string | undefined {
  return new RegExp(`^${key}:\\s+(.*)$`, 'm').exec(stdout)?.[1];
}

const targetOf = (stdout: string) => Number(/^(\d+) \(/.exec(field(stdout, 'target') ?? '')?.[1]);
const currentOf = (stdout: string) => Number(/^(\d+) \(/.exec(field(stdout, 'current') ?? '')?.[1]);

const helmCommand = (target: number, namespace = 'tradeflow', timeout = '5m', helm = 'helm') =>
  `${helm} rollback tradeflow ${target} --namespace ${namespace} --wait --timeout ${timeout} --cleanup-on-fail`;

function auditLines(): AuditLine[] {
  if (!existsSync(auditLog)) return [];
  return readFileSync(auditLog, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as AuditLine);
}

function onlyAuditLine(result: RunResult): AuditLine {
  const lines = auditLines();
  expect(lines).toHaveLength(1);
  // The same line goes to stderr, prefixed.
  const printed = result.stderr.split('\n').filter((line) => line.startsWith('audit: '));
  expect(printed).toHaveLength(1);
  expect(JSON.parse(printed[0].slice('audit: '.length))).toEqual(lines[0]);
  return lines[0];
}

describe('rollback.sh decision rule on recorded helm histories (dry run)', () => {
  const automatic: Array<{ name: string; fixture: string; current: number; target: number }> = [
    {
      name: 'normal: 3 is deployed, so 2, the successful revision before it',
      fixture: 'normal',
      current: 3,
      target: 2,
    },
    {
      name: 'after an --atomic failure: 4 failed and 5 ("Rollback to 3") is 3\'s content, so 2 (current - 1 would pick the failed 4)',
      fixture: 'after-atomic-failure',
      current: 5,
      target: 2,
    },
    {
      name: 'failed upgrade without --atomic: the failed 3 is current (the cluster may run part of it), so 2, still marked deployed (the last successful state), not 1',
      fixture: 'failed-without-rollback',
      current: 3,
      target: 2,
    },
    {
      name: "rollback to a rollback: 5 -> 4 -> 2 all hold 2's content, so 3, the newest different content (current - 1 would re-apply the same content)",
      fixture: 'rollback-chain',
      current: 5,
      target: 3,
    },
    {
      name: 'every upgrade after the install failed without --atomic: 1, still deployed, is the only successful state, so 1',
      fixture: 'all-failed-except-first',
      current: 4,
      target: 1,
    },
    {
      name: 'history trimmed by --history-max: 17 -> 16 -> 11 -> 6 (no longer kept) share content and 13 failed, so 15',
      fixture: 'history-trimmed',
      current: 17,
      target: 15,
    },
  ];

  it.each(automatic)('$name', async ({ fixture: name, current, target }) => {
    const result = await dryRun(name);
    expect(result.stderr).not.toMatch(/warning|error/);
    expect(result.code).toBe(0);
    expect(currentOf(result.stdout)).toBe(current);
    expect(targetOf(result.stdout)).toBe(target);
    expect(field(result.stdout, 'command')).toBe(helmCommand(target));
    expect(field(result.stdout, 'dry run')).toBe('nothing was changed');
    const audit = onlyAuditLine(result);
    expect(audit).toMatchObject({ from: current, to: target, dry_run: true, outcome: 'dry_run' });
    expect(audit.reason).toBe(field(result.stdout, 'why'));
    // The chosen revision really is a successful one in the recording.
    const chosen = loadFixture(name).find((revision) => revision.revision === target);
    expect(['superseded', 'deployed']).toContain(chosen?.status);
  });

  it('explains the choice: skipped revisions and the content a rollback revision holds', async () => {
    const result = await dryRun('after-atomic-failure');
    expect(field(result.stdout, 'current')).toMatch(
      /^5 \(deployed: Rollback to 3; .*\[content of revision 3\]$/,
    );
    expect(field(result.stdout, 'why')).toContain(
      'skipped: 4 failed; 3 same content as the current revision',
    );
  });

  it("pending-upgrade stuck: shows the rule's choice (2, still deployed), says revision 3 is stuck, and a real run will need --to-revision", async () => {
    const result = await dryRun('pending-upgrade-stuck');
    expect(result.code).toBe(0);
    expect(currentOf(result.stdout)).toBe(3);
    expect(targetOf(result.stdout)).toBe(2);
    expect(field(result.stdout, 'command')).toBe(helmCommand(2));
    expect(field(result.stdout, 'dry run')).toMatch(/a real run needs --to-revision/);
    expect(result.stderr).toMatch(/warning: revision 3 is stuck in pending-upgrade/);
    expect(result.stderr).toMatch(/rerun with --to-revision 2/);
    const audit = onlyAuditLine(result);
    expect(audit).toMatchObject({ from: 3, to: 2, outcome: 'dry_run' });
    expect(audit.reason).toMatch(/stuck in pending-upgrade/);
  });

  it("failed rollback (no revision deployed): shows the rule's choice (3, current before it) but will not guess where the failed rollback was heading", async () => {
    const result = await dryRun('failed-rollback');
    expect(result.code).toBe(0);
    expect(currentOf(result.stdout)).toBe(4);
    expect(targetOf(result.stdout)).toBe(3);
    expect(result.stderr).toMatch(/revision 4 is a failed rollback/);
    expect(result.stderr).toMatch(/rerun with --to-revision 3/);
  });

  it('only one revision: there is nothing to roll back to, a clear error and exit 1', async () => {
    const result = await dryRun('only-one-revision');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/no earlier successful revision of release tradeflow to roll back to/);
    expect(onlyAuditLine(result)).toMatchObject({ from: 1, to: null, dry_run: true, outcome: 'refused' });
  });

  it('uninstalled release (history kept): refused, the script rolls back installed releases only', async () => {
    const result = await dryRun('uninstalled');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/release tradeflow is uninstalled \(revision 2\)/);
    expect(onlyAuditLine(result)).toMatchObject({ from: 2, outcome: 'refused' });
  });

  it('--to-revision overrides the rule when it names a successful revision', async () => {
    const result = await dryRun('rollback-chain', '--to-revision', '1');
    expect(result.code).toBe(0);
    expect(targetOf(result.stdout)).toBe(1);
    expect(field(result.stdout, 'command')).toBe(helmCommand(1));
    expect(field(result.stdout, 'why')).toBe('chosen with --to-revision (the decision rule would choose 3)');
  });

  it('--to-revision to the same content as the current revision says the rollback re-applies it', async () => {
    const result = await dryRun('after-atomic-failure', '--to-revision', '3');
    expect(result.code).toBe(0);
    expect(field(result.stdout, 'why')).toMatch(/revision 3 holds the same content as the current revision/);
  });

  it('takes the namespace from HELM_NAMESPACE, else "default", and passes --timeout on', async () => {
    const args = ['-r', 'tradeflow', '--history-file', fixture('normal'), '--dry-run', '--timeout', '90s'];
    const fromEnv = await runRollback(args, { HELM_NAMESPACE: 'tradeflow-staging' });
    expect(field(fromEnv.stdout, 'command')).toBe(helmCommand(2, 'tradeflow-staging', '90s'));
    const fallback = await runRollback(args);
    expect(field(fallback.stdout, 'command')).toBe(helmCommand(2, 'default', '90s'));
  });
});

describe('rollback.sh CLI errors', () => {
  it('unknown flag: exit 2, the message names it, usage on stderr, no audit line', async () => {
    const result = await runRollback(['--release', 'tradeflow', '--force']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown argument: --force/);
    expect(result.stderr).toMatch(/^Usage: scripts\/rollback\.sh --release NAME/m);
    expect(result.stdout).toBe('');
    expect(auditLines()).toEqual([]);
  });

  it('missing --release: exit 2', async () => {
    const result = await runRollback(['--dry-run', '--history-file', fixture('normal')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--release is required/);
  });

  it('a flag without its value: exit 2 naming the flag', async () => {
    const atEnd = await runRollback(['--release', 'tradeflow', '--namespace']);
    expect(atEnd.code).toBe(2);
    expect(atEnd.stderr).toMatch(/--namespace needs a value/);
    const beforeAnotherFlag = await runRollback(['-r', '--dry-run']);
    expect(beforeAnotherFlag.code).toBe(2);
    expect(beforeAnotherFlag.stderr).toMatch(/-r needs a value/);
  });

  it('non-numeric --to-revision: exit 2 naming the flag', async () => {
    const result = await runRollback(['-r', 'tradeflow', '--to-revision', 'two']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--to-revision must be a revision number .*got 'two'/);
  });

  it('--to-revision pointing at a failed revision: a clear error naming the flag, exit 1, audited as refused', async () => {
    const result = await dryRun('after-atomic-failure', '--to-revision', '4');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /--to-revision 4: revision 4 of release tradeflow is failed, not a successful \(superseded or deployed\) revision; successful earlier revisions: 3, 2, 1/,
    );
    expect(onlyAuditLine(result)).toMatchObject({ from: 5, to: 4, outcome: 'refused' });
  });

  it('--to-revision naming a revision the history does not hold, or the current one: exit 1', async () => {
    const missing = await dryRun('history-trimmed', '--to-revision', '6');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      /--to-revision 6: release tradeflow has no revision 6 in its history \(revisions 8-17\)/,
    );
    const current = await dryRun('normal', '--to-revision', '3');
    expect(current.code).toBe(1);
    expect(current.stderr).toMatch(/--to-revision 3: revision 3 is the current revision/);
  });

  it('bad --release, --namespace and --timeout values: exit 2 naming the flag', async () => {
    const release = await runRollback(['--release', 'Trade_Flow']);
    expect(release.code).toBe(2);
    expect(release.stderr).toMatch(/--release: 'Trade_Flow' is not a valid Helm release name/);
    const namespace = await runRollback(['-r', 'tradeflow', '-n', 'Prod']);
    expect(namespace.code).toBe(2);
    expect(namespace.stderr).toMatch(/--namespace: 'Prod'/);
    const timeout = await runRollback(['-r', 'tradeflow', '--timeout=5 minutes']);
    expect(timeout.code).toBe(2);
    expect(timeout.stderr).toMatch(/--timeout must be a Go duration/);
  });

  it('--history-file without --dry-run is refused: a recording is not the live release', async () => {
    const result = await runRollback(['-r', 'tradeflow', '--history-file', fixture('normal')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /--history-file reads a recorded history, not the live release: use it with --dry-run/,
    );
  });

  it('a history file that is not helm history JSON: a clear error, exit 1', async () => {
    const bogus = path.join(tmp, 'history.json');
    writeFileSync(bogus, '{"revision": 1}\n');
    const result = await runRollback(['-r', 'tradeflow', '--history-file', bogus, '--dry-run']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/is not helm history JSON/);
  });

  it('--help prints the usage to stdout and exits 0', async () => {
    const result = await runRollback(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: scripts\/rollback\.sh --release NAME/);
    expect(result.stdout).toMatch(/--to-revision N/);
  });
});

describe('rollback.sh audit line', () => {
  it('one JSON line per run, appended to ROLLBACK_AUDIT_LOG and printed to stderr, with the actor from GITHUB_ACTOR', async () => {
    const before = Date.now();
    const first = await runRollback(
      ['-r', 'tradeflow', '-n', 'tradeflow', '--history-file', fixture('normal'), '--dry-run'],
      { GITHUB_ACTOR: 'octocat' },
    );
    expect(first.code).toBe(0);
    const audit = onlyAuditLine(first);
    expect(Object.keys(audit).sort()).toEqual(
      [
        'actor',
        'dry_run',
        'event',
        'from',
        'namespace',
        'new_revision',
        'outcome',
        'reason',
        'release',
        'to',
        'ts',
      ].sort(),
    );
    expect(audit).toEqual({
      ts: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
      event: 'deploy.rollback',
      actor: 'octocat',
      release: 'tradeflow',
      namespace: 'tradeflow',
      from: 3,
      to: 2,
      new_revision: null,
      dry_run: true,
      outcome: 'dry_run',
      reason: expect.stringContaining('revision 2 is the newest revision before 3'),
    });
    const ts = Date.parse(audit.ts);
    expect(ts).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(ts).toBeLessThanOrEqual(Date.now());

    // A second run appends; without GITHUB_ACTOR the actor is USER.
    await dryRun('only-one-revision');
    const lines = auditLines();
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ actor: 'tester', outcome: 'refused', from: 1, to: null });
  });

  it('reasons with quotes and newlines stay valid JSON (jq builds the line)', async () => {
    const result = await dryRun('failed-rollback');
    const audit = onlyAuditLine(result);
    expect(audit.reason).toContain('Rollback "tradeflow" failed: cannot patch "tradeflow-worker"');
  });

  it('refuses to run when ROLLBACK_AUDIT_LOG cannot be written', async () => {
    const result = await runRollback(['-r', 'tradeflow', '--history-file', fixture('normal'), '--dry-run'], {
      ROLLBACK_AUDIT_LOG: path.join(tmp, 'no-such-dir', 'audit.log'),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/ROLLBACK_AUDIT_LOG=.* is not writable/);
    expect(result.stdout).toBe('');
  });
});

/**
 * A stand-in for helm talking to a Kubernetes cluster, since none runs here: `history` prints a recorded history
 * (compact, as helm's JSON encoder does; after a `rollback`, the history with the new revision), `rollback` succeeds
 * or fails as told, and every call's argv is recorded, tab-separated, one call a line.
 */
function standInHelm(
  history: HelmRevision[],
  options: { after?: HelmRevision[]; rollbackFails?: boolean } = {},
) {
  const dir = path.join(tmp, 'stand-in-helm');
  const bin = path.join(dir, 'helm');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'history.json'), `${JSON.stringify(history)}\n`);
  if (options.after)
    writeFileSync(path.join(dir, 'history-after.json'), `${JSON.stringify(options.after)}\n`);
  if (options.rollbackFails) writeFileSync(path.join(dir, 'rollback-fails'), '');
  writeFileSync(
    bin,
    `#!/usr/bin/env bash
# Stand-in for helm with a Kubernetes cluster behind it (none runs in the unit tests).
set -euo pipefail
dir="$(cd "$(dirname "$0")" && pwd)"
(IFS=$'\\t'; printf '%s\\n' "$*") >>"$dir/calls.tsv"
case "$1" in
  history)
    if [[ -f "$dir/rolled-back" ]]; then cat "$dir/history-after.json"; else cat "$dir/history.json"; fi
    ;;
  rollback)
    if [[ -f "$dir/rollback-fails" ]]; then
      echo 'Error: release tradeflow failed: timed out waiting for the condition' >&2
      exit 1
    fi
    touch "$dir/rolled-back"
    echo 'Rollback was a success! Happy Helming!'
    ;;
  *)
    echo "stand-in helm: unexpected command: $1" >&2
    exit 64
    ;;
esac
`,
  );
  chmodSync(bin, 0o755);
  return {
    bin,
    calls: (): string[][] => {
      const file = path.join(dir, 'calls.tsv');
      if (!existsSync(file)) return [];
      return readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split('\t'));
    },
  };
}

/** What helm's history looks like after `helm rollback tradeflow <target>` succeeded. */
function afterRollback(history: HelmRevision[], target: number): HelmRevision[] {
  const to = history.find((revision) => revision.revision === target)!;
  const newest = Math.max(...history.map((revision) => revision.revision));
  return [
    ...history.map((revision) =>
      revision.status === 'deployed' ? { ...revision, status: 'superseded' } : revision,
    ),
    {
      revision: newest + 1,
      updated: '2026-11-20T10:20:41.55098132Z',
      status: 'deployed',
      chart: to.chart,
      app_version: to.app_version,
      description: `Rollback to ${target}`,
    },
  ];
}

describe('rollback.sh real runs through a stand-in helm (no Kubernetes cluster runs here)', () => {
  const historyCall = (namespace: string) => [
    'history',
    'tradeflow',
    '--namespace',
    namespace,
    '-o',
    'json',
    '--max',
    '256',
  ];

  it('rolls back with the exact helm argv, then re-reads the history to report the new revision', async () => {
    const history = loadFixture('after-atomic-failure');
    const helm = standInHelm(history, { after: afterRollback(history, 2) });
    const result = await runRollback(
      ['--release', 'tradeflow', '--namespace', 'tradeflow-staging', '--timeout', '7m'],
      {
        HELM: helm.bin,
        GITHUB_ACTOR: 'deploy-bot',
      },
    );
    expect(result.stderr).not.toMatch(/warning|error/);
    expect(result.code).toBe(0);
    expect(helm.calls()).toEqual([
      historyCall('tradeflow-staging'),
      [
        'rollback',
        'tradeflow',
        '2',
        '--namespace',
        'tradeflow-staging',
        '--wait',
        '--timeout',
        '7m',
        '--cleanup-on-fail',
      ],
      historyCall('tradeflow-staging'),
    ]);
    expect(field(result.stdout, 'command')).toBe(helmCommand(2, 'tradeflow-staging', '7m', helm.bin));
    expect(field(result.stdout, 'result')).toMatch(
      /^rolled back to revision 2; new revision 6 \(deployed: Rollback to 2; chart tradeflow-0\.1\.1, app 0\.1\.1\)$/,
    );
    expect(result.stderr).toContain('Rollback was a success! Happy Helming!');
    expect(onlyAuditLine(result)).toMatchObject({
      actor: 'deploy-bot',
      namespace: 'tradeflow-staging',
      from: 5,
      to: 2,
      new_revision: 6,
      dry_run: false,
      outcome: 'rolled_back',
    });
  });

  it('a dry run against helm only reads the history', async () => {
    const helm = standInHelm(loadFixture('normal'));
    const result = await runRollback(['-r', 'tradeflow', '-n', 'tradeflow', '--dry-run'], { HELM: helm.bin });
    expect(result.code).toBe(0);
    expect(targetOf(result.stdout)).toBe(2);
    expect(helm.calls()).toEqual([historyCall('tradeflow')]);
  });

  it('pending-upgrade stuck: a real run without --to-revision is refused and nothing is rolled back', async () => {
    const helm = standInHelm(loadFixture('pending-upgrade-stuck'));
    const result = await runRollback(['-r', 'tradeflow', '-n', 'tradeflow'], { HELM: helm.bin });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /error: revision 3 is stuck in pending-upgrade.*rerun with --to-revision 2/,
    );
    expect(field(result.stdout, 'refused')).toMatch(
      /^nothing was changed; name the target with --to-revision/,
    );
    expect(helm.calls()).toEqual([historyCall('tradeflow')]);
    expect(onlyAuditLine(result)).toMatchObject({ from: 3, to: 2, dry_run: false, outcome: 'refused' });
  });

  it('pending-upgrade stuck: with --to-revision 2 the rollback runs (and still warns)', async () => {
    const history = loadFixture('pending-upgrade-stuck');
    const helm = standInHelm(history, { after: afterRollback(history, 2) });
    const result = await runRollback(['-r', 'tradeflow', '-n', 'tradeflow', '--to-revision', '2'], {
      HELM: helm.bin,
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/warning: revision 3 is stuck in pending-upgrade/);
    expect(helm.calls()[1]).toEqual([
      'rollback',
      'tradeflow',
      '2',
      '--namespace',
      'tradeflow',
      '--wait',
      '--timeout',
      '5m',
      '--cleanup-on-fail',
    ]);
    expect(onlyAuditLine(result)).toMatchObject({ from: 3, to: 2, new_revision: 4, outcome: 'rolled_back' });
  });

  it("a failing helm rollback: exit 1, helm's error shown, audited as failed", async () => {
    const helm = standInHelm(loadFixture('normal'), { rollbackFails: true });
    const result = await runRollback(['-r', 'tradeflow', '-n', 'tradeflow'], { HELM: helm.bin });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /error: helm rollback of release tradeflow to revision 2 failed \(exit 1\): release tradeflow failed: timed out waiting for the condition/,
    );
    expect(helm.calls().map((call) => call[0])).toEqual(['history', 'rollback']);
    expect(onlyAuditLine(result)).toMatchObject({ from: 3, to: 2, new_revision: null, outcome: 'failed' });
  });

  it('HELM naming a missing binary: a clear error', async () => {
    const result = await runRollback(['-r', 'tradeflow'], { HELM: path.join(tmp, 'no-helm-here') });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/helm not found \(HELM=.*no-helm-here\)/);
    expect(onlyAuditLine(result)).toMatchObject({ from: null, to: null, outcome: 'failed' });
  });
});

describe('rollback.sh with the real helm binary and no reachable cluster', () => {
  it.each([false, true])(
    'turns "Kubernetes cluster unreachable" into a clear error and exit 1 (dry run: %s)',
    async (dry) => {
      const helm = findHelm();
      // A kubeconfig whose API server is a closed local port: helm fails fast and the same way everywhere.
      const kubeconfig = path.join(tmp, 'kubeconfig');
      writeFileSync(
        kubeconfig,
        [
          'apiVersion: v1',
          'kind: Config',
          'clusters:',
          '  - name: nowhere',
          '    cluster:',
          '      server: https://127.0.0.1:1',
          'contexts:',
          '  - name: nowhere',
          '    context: { cluster: nowhere, user: nobody }',
          'current-context: nowhere',
          'users:',
          '  - name: nobody',
          '    user: {}',
          '',
        ].join('\n'),
      );
      const result = await runRollback(
        ['-r', 'tradeflow', '-n', 'tradeflow', ...(dry ? ['--dry-run'] : [])],
        {
          HELM: helm,
          KUBECONFIG: kubeconfig,
          HELM_CONFIG_HOME: path.join(tmp, 'helm-config'),
          HELM_CACHE_HOME: path.join(tmp, 'helm-cache'),
          HELM_DATA_HOME: path.join(tmp, 'helm-data'),
        },
      );
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(
        /error: cannot reach the Kubernetes cluster, so the history of release tradeflow could not be read \(check KUBECONFIG and the kube context\): Kubernetes cluster unreachable/,
      );
      expect(onlyAuditLine(result)).toMatchObject({ from: null, to: null, dry_run: dry, outcome: 'failed' });
    },
  );
});
