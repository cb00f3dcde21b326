/** First keys: the bootstrap admin key is seeded once; the local development key is created once and kept. */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkApiKey, createApiKey } from '../../../src/auth/api-keys';
import { ensureBootstrapAdminKey, ensureLocalAdminKey } from '../../../src/auth/bootstrap';
import { hasRole } from '../../../src/auth/roles';
import { openStores, type Stores } from '../../../src/store';

describe('first API keys', () => {
  let stores: Stores;
  beforeEach(() => {
    stores = openStores(':memory:');
  });
  afterEach(() => stores.close());

  it('seeds the bootstrap key as an admin once, and refuses a short one', async () => {
    const key = 'bootstrap-admin-key-for-this-test-0123456789';
    expect(await ensureBootstrapAdminKey(stores.apiKeys, key)).toBe('created');
    expect(await ensureBootstrapAdminKey(stores.apiKeys, key)).toBe('exists');
    const check = await checkApiKey(stores.apiKeys, key);
    expect(check).toMatchObject({ ok: true, record: { role: 'admin', name: 'bootstrap' } });
    expect(await stores.apiKeys.list()).toHaveLength(1);
    await expect(ensureBootstrapAdminKey(stores.apiKeys, 'short')).rejects.toThrow(/at least 32 characters/);
  });

  it('creates the local development key once, owner-readable, and reuses it on later starts', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'tf-devkey-')), 'data', 'admin-api-key');
    const first = await ensureLocalAdminKey(stores.apiKeys, file);
    expect(first.created).toBe(true);
    expect(readFileSync(file, 'utf8').trim()).toBe(first.key);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = await ensureLocalAdminKey(stores.apiKeys, file);
    expect(again).toEqual({ key: first.key, created: false });
    // A fresh database (e.g. data/ wiped but the key file kept): the same key is seeded again.
    const fresh = openStores(':memory:');
    try {
      expect(await ensureLocalAdminKey(fresh.apiKeys, file)).toEqual({ key: first.key, created: true });
    } finally {
      void fresh.close();
    }
  });

  it('refuses revoked and expired keys with the reason, and stores only hashes', async () => {
    const { key, record } = await createApiKey(stores.apiKeys, { name: 'x', role: 'viewer' });
    expect(JSON.stringify(await stores.apiKeys.list())).not.toContain(key);
    await stores.apiKeys.revoke(record.id, new Date().toISOString());
    expect(await checkApiKey(stores.apiKeys, key)).toEqual({ ok: false, reason: 'revoked' });
    const expiring = await createApiKey(stores.apiKeys, {
      name: 'y',
      role: 'viewer',
      expiresAt: '2026-01-01T00:00:00Z',
    });
    expect(await checkApiKey(stores.apiKeys, expiring.key, new Date('2025-12-31T00:00:00Z'))).toMatchObject({
      ok: true,
    });
    expect(await checkApiKey(stores.apiKeys, expiring.key, new Date('2026-01-01T00:00:00Z'))).toEqual({
      ok: false,
      reason: 'expired',
    });
    expect(await checkApiKey(stores.apiKeys, 'tfk_unknown')).toEqual({ ok: false, reason: 'unknown' });
  });

  it('orders roles: admin includes operator includes viewer', () => {
    expect(hasRole('admin', 'operator')).toBe(true);
    expect(hasRole('operator', 'viewer')).toBe(true);
    expect(hasRole('viewer', 'operator')).toBe(false);
    expect(hasRole('operator', 'admin')).toBe(false);
  });
});
