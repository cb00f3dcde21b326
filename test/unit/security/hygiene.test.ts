/**
 * Repository hygiene: no credential-like literals in tracked files, every environment variable the code reads is
 * documented (with a comment) in .env.example, and `.env` is ignored by git.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../../..');
const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' })
  .split('\0')
  .filter(
    (file) =>
      file && !/\.(png|jpg|gif|ico|wasm|sqlite|db|mp4)$/.test(file) && !file.startsWith('test/fixtures/'),
  );
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

/** Shapes of real credentials (AWS, GitHub, Slack, OpenAI-style, private keys, our own API keys, URLs with a password). */
const CREDENTIAL_PATTERNS: [string, RegExp][] = [
  ['AWS access key id', /\bAKIA[0-9A-Z]{16}\b/],
  ['private key block', /-----BEGIN (?:RSA |EC |OPENSSH |DSA |)PRIVATE KEY-----/],
  ['GitHub token', /\bgh[pousr]_[A-Za-z0-9]{36,}\b/],
  ['Slack token', /\bxox[abprs]-[A-Za-z0-9-]{10,}/],
  ['OpenAI-style secret key', /\bsk-(?:proj-)?[A-Za-z0-9]{32,}\b/],
  ['Tradeflow API key', /\btfk_[A-Za-z0-9_-]{40,}/],
  ['URL with a password', /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@'"`]+:[^\s:/@'"`$<{]{6,}@/i],
];

/** Literals that look like credentials on purpose: test keys that are not secrets anywhere. */
const ALLOWED = [
  'tfk_integration-tests-admin-key-0123456789abcdef',
  'tfk_banner-test-key-0123456789abcdefghijklmnop',
];

describe('repository hygiene', () => {
  it('has no credential-like literals in tracked files', () => {
    expect(tracked.length).toBeGreaterThan(100);
    const findings: string[] = [];
    for (const file of tracked) {
      const lines = read(file).split('\n');
      lines.forEach((line, index) => {
        let text = line;
        for (const allowed of ALLOWED) text = text.split(allowed).join('');
        for (const [kind, pattern] of CREDENTIAL_PATTERNS) {
          if (pattern.test(text)) findings.push(`${file}:${index + 1}: ${kind}`);
        }
      });
    }
    expect(findings).toEqual([]);
  });

  it('catches the shapes it is meant to catch', () => {
    // Assembled at run time, so this file does not itself contain what the scan looks for.
    const samples = [
      ['AKIA', 'IOSFODNN7EXAMPLE'].join(''),
      ['-----BEGIN RSA', 'PRIVATE KEY-----'].join(' '),
      `ghp_${'a'.repeat(36)}`,
      `sk-${'A1'.repeat(20)}`,
      `tfk_${'x'.repeat(43)}`,
      ['postgres://app', 'hunter2hunter2@db:5432/tradeflow'].join(':'),
    ];
    for (const sample of samples) {
      expect(CREDENTIAL_PATTERNS.some(([, pattern]) => pattern.test(sample))).toBe(true);
    }
    expect(
      CREDENTIAL_PATTERNS.some(([, pattern]) => pattern.test('postgres://localhost:5432/tradeflow')),
    ).toBe(false);
  });

  it('documents every environment variable the code reads in .env.example, each with a comment', () => {
    const example = read('.env.example').split('\n');
    const documented = new Map<string, boolean>();
    example.forEach((line, index) => {
      const match = /^([A-Z][A-Z0-9_]*)=/.exec(line);
      if (!match) return;
      const commented = line.includes('#') || /^#/.test(example[index - 1] ?? '');
      documented.set(match[1], commented);
    });

    const read_vars = new Set<string>();
    for (const file of tracked.filter((f) => /^(src|bench|scripts)\/.*\.(ts|sh)$/.test(f))) {
      const text = read(file);
      // process.env.X, process.env['X'], and env.X / source.X on an environment object passed around.
      for (const m of text.matchAll(
        /(?:process\.env|\benv|\bsource)(?:\.([A-Z][A-Z0-9_]{2,})|\[['"]([A-Z][A-Z0-9_]*)['"]\])/g,
      )) {
        read_vars.add(m[1] ?? m[2]);
      }
    }
    // The configuration schema and the secrets the providers serve are read through the environment too.
    for (const m of read('src/config.ts').matchAll(/^\s{2}([A-Z][A-Z0-9_]+):/gm)) read_vars.add(m[1]);
    const secrets = /SECRET_NAMES = \[([^\]]*)\]/.exec(read('src/secrets/secrets-provider.ts'))?.[1] ?? '';
    for (const m of secrets.matchAll(/'([A-Z][A-Z0-9_]*)'/g)) read_vars.add(m[1]);

    // Set by the platform or by our own launchers for child processes, not by operators.
    const notOperatorSettings = new Set([
      'NODE_ENV',
      'CI',
      'HOME',
      'PATH',
      'XDG_CACHE_HOME',
      'PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD',
      'JEST_WORKER_ID',
    ]);
    const missing = [...read_vars]
      .filter((name) => !notOperatorSettings.has(name) && !name.startsWith('TRADEFLOW_IT_'))
      .filter((name) => !documented.has(name));
    const uncommented = [...documented].filter(([, commented]) => !commented).map(([name]) => name);
    expect(missing.sort()).toEqual([]);
    expect(uncommented).toEqual([]);
  });

  it('keeps .env out of git', () => {
    expect(execFileSync('git', ['check-ignore', '.env'], { cwd: root, encoding: 'utf8' }).trim()).toBe(
      '.env',
    );
    expect(tracked).not.toContain('.env');
  });
});
