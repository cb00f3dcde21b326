/**
 * Dev exposure (issue 18, item 15): the API binds loopback unless configured (the image sets all interfaces), the
 * database and audit files are created owner-only, and the dev banner prints the admin key once.
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAuditLogger, closeLogger } from '../../../src/audit/audit-log';
import { loadConfig } from '../../../src/config';
import { devBanner, keyShellLine } from '../../../src/scripts/launcher';
import { openDatabase } from '../../../src/store/sqlite';

const modeOf = (file: string) => statSync(file).mode & 0o777;
const repoRoot = path.resolve(__dirname, '../../..');

describe('dev exposure', () => {
  const previousUmask = process.umask(0o022); // the usual umask, under which plain creation gives 0644
  afterAll(() => process.umask(previousUmask));

  it('binds the API to 127.0.0.1 unless API_HOST says otherwise; the image sets 0.0.0.0', () => {
    expect(loadConfig({}).api.host).toBe('127.0.0.1');
    expect(loadConfig({ API_HOST: '0.0.0.0' }).api.host).toBe('0.0.0.0');
    expect(readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8')).toMatch(/^\s+API_HOST=0\.0\.0\.0 \\$/m);
  });

  it('creates the SQLite database 0600 and leaves an existing file’s mode alone', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tf-modes-'));
    const file = path.join(dir, 'sub', 'tradeflow.db');
    openDatabase(file).close();
    expect(modeOf(file)).toBe(0o600);
    const existing = path.join(dir, 'existing.db');
    writeFileSync(existing, '');
    chmodSync(existing, 0o640);
    openDatabase(existing).close();
    expect(modeOf(existing)).toBe(0o640);
  });

  it('creates the audit log file 0600', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'tf-modes-')), 'audit.log');
    const logger = createAuditLogger({ file });
    logger.info('line', { audit: { seq: 1 } });
    await closeLogger(logger);
    expect(readFileSync(file, 'utf8')).toContain('"seq":1');
    expect(modeOf(file)).toBe(0o600);
  });

  it('prints the admin key once in the dev banner on a terminal, and never into piped output', () => {
    const key = 'tfk_banner-test-key-0123456789abcdefghijklmnop';
    const config = loadConfig({});
    const server = { address: '127.0.0.1:7233', uiUrl: 'http://127.0.0.1:8233' } as never;
    for (const adminKey of [
      { key, source: 'kept in data/admin-api-key', file: 'data/admin-api-key' },
      { key, source: 'TRADEFLOW_BOOTSTRAP_ADMIN_KEY' },
    ]) {
      const banner = devBanner({ config, server, adminKey }, true);
      expect(banner.split(key).length - 1).toBe(1);
      expect(banner).toContain(keyShellLine(adminKey));
      expect(keyShellLine(adminKey)).not.toContain(key);
      const piped = devBanner({ config, server, adminKey }, false);
      expect(piped).not.toContain(key);
      expect(piped).toContain('Admin API key  (not printed: the output is not a terminal;');
      expect(piped).toContain(adminKey.file ?? '$TRADEFLOW_BOOTSTRAP_ADMIN_KEY');
    }
  });
});
