/**
 * First keys, so a fresh stack can be administered and is never keyless:
 * - `TRADEFLOW_BOOTSTRAP_ADMIN_KEY` (a secret): seeded as an admin key named "bootstrap" at API start-up.
 * - `npm run dev` with no bootstrap key: a local admin key is created once, kept in `data/admin-api-key`
 *   (readable by the owner only), and printed at every start-up.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { checkApiKey, createApiKey, type ApiKeyStore } from './api-keys';

/** Seeds `key` as an admin key unless it is already stored; says which. */
export async function ensureBootstrapAdminKey(
  store: ApiKeyStore,
  key: string,
  now: Date = new Date(),
): Promise<'created' | 'exists'> {
  const check = await checkApiKey(store, key, now);
  if (check.ok || check.reason !== 'unknown') return 'exists';
  await createApiKey(store, { name: 'bootstrap', role: 'admin' }, now, key);
  return 'created';
}

/** The local development admin key: read from `file`, or created (and stored hashed) when missing. */
export async function ensureLocalAdminKey(
  store: ApiKeyStore,
  file: string,
): Promise<{ key: string; created: boolean }> {
  if (existsSync(file)) {
    const key = readFileSync(file, 'utf8').trim();
    return { key, created: (await ensureBootstrapAdminKey(store, key)) === 'created' };
  }
  const { key } = await createApiKey(store, { name: 'local-dev-admin', role: 'admin' });
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return { key, created: true };
}
