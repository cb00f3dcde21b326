/**
 * ShellCheck, run for real, over every scripts/*.sh and .ci/run (default severity: style and up). scripts/setup.sh
 * installs shellcheck; a deliberately bad snippet proves it really runs and reports.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..', '..');

interface ShellcheckResult {
  code: number;
  stdout: string;
  stderr: string;
}

function shellcheck(args: string[]): Promise<ShellcheckResult> {
  return new Promise((resolve, reject) => {
    execFile('shellcheck', args, { cwd: repoRoot }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') {
        reject(
          new Error(
            `shellcheck could not run (${error.message}). Run \`npm run setup\` (installs it) or apt-get install shellcheck.`,
          ),
        );
        return;
      }
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}

const scripts = [
  ...readdirSync(path.join(repoRoot, 'scripts'))
    .filter((name) => name.endsWith('.sh'))
    .sort()
    .map((name) => path.join('scripts', name)),
  path.join('.ci', 'run'),
];

describe('shell scripts pass shellcheck', () => {
  it('finds the scripts to check', () => {
    expect(scripts).toEqual(expect.arrayContaining(['scripts/setup.sh', 'scripts/rollback.sh', '.ci/run']));
  });

  it.each(scripts)('%s has no shellcheck findings', async (script) => {
    const result = await shellcheck(['--format=gcc', script]);
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('shellcheck really runs: an unquoted expansion in a temp script is reported as SC2086', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tradeflow-shellcheck-'));
    try {
      const bad = path.join(dir, 'bad.sh');
      writeFileSync(bad, '#!/usr/bin/env bash\nrm -rf $1/cache\n');
      const result = await shellcheck(['--format=json', bad]);
      expect(result.code).toBe(1);
      const findings = JSON.parse(result.stdout) as Array<{ code: number; line: number }>;
      expect(findings).toEqual(expect.arrayContaining([expect.objectContaining({ code: 2086, line: 2 })]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
