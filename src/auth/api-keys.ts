/**
 * API keys: random 256-bit secrets shown once at creation, stored only as their SHA-256 hash, each with a role, a
 * name and an optional expiry. A presented key is looked up by its hash (keys are high-entropy, so a fast hash is
 * the usual choice, as for GitHub and Stripe tokens); revoked and expired keys are refused.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Role } from './roles';

export const API_KEY_PREFIX = 'tfk_';
/** Keys set by operators (TRADEFLOW_BOOTSTRAP_ADMIN_KEY) must be at least this long. */
export const MIN_API_KEY_LENGTH = 32;

export interface ApiKeyRecord {
  id: string;
  name: string;
  role: Role;
  /** The first characters of the key, to recognise it in a list without revealing it. */
  prefix: string;
  createdAt: string;
  expiresAt?: string;
  revokedAt?: string;
  lastUsedAt?: string;
}

export interface NewApiKey {
  name: string;
  role: Role;
  expiresAt?: string;
}

export interface ApiKeyStore {
  /** Stores the hash of `key` (a new random key when absent); returns the record. */
  insert(record: ApiKeyRecord, keyHash: string): Promise<void>;
  findByHash(keyHash: string): Promise<ApiKeyRecord | undefined>;
  list(): Promise<ApiKeyRecord[]>;
  /** Marks the key revoked; false when there is no such key or it was already revoked. */
  revoke(id: string, at: string): Promise<boolean>;
  touch(id: string, at: string): Promise<void>;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function generateApiKey(): string {
  return `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** Creates a key: returns the key itself (shown once, never stored) and its record. */
export async function createApiKey(
  store: ApiKeyStore,
  request: NewApiKey,
  now: Date = new Date(),
  key: string = generateApiKey(),
): Promise<{ key: string; record: ApiKeyRecord }> {
  if (key.length < MIN_API_KEY_LENGTH) {
    throw new RangeError(`An API key must be at least ${MIN_API_KEY_LENGTH} characters long`);
  }
  const record: ApiKeyRecord = {
    id: randomUUID(),
    name: request.name,
    role: request.role,
    prefix: key.slice(0, API_KEY_PREFIX.length + 4),
    createdAt: now.toISOString(),
    ...(request.expiresAt ? { expiresAt: request.expiresAt } : {}),
  };
  await store.insert(record, hashApiKey(key));
  return { key, record };
}

export type KeyCheck =
  { ok: true; record: ApiKeyRecord } | { ok: false; reason: 'unknown' | 'revoked' | 'expired' };

/** Looks a presented key up; says why it is refused. */
export async function checkApiKey(
  store: ApiKeyStore,
  key: string,
  now: Date = new Date(),
): Promise<KeyCheck> {
  const record = await store.findByHash(hashApiKey(key));
  if (!record) return { ok: false, reason: 'unknown' };
  if (record.revokedAt) return { ok: false, reason: 'revoked' };
  if (record.expiresAt && Date.parse(record.expiresAt) <= now.getTime())
    return { ok: false, reason: 'expired' };
  return { ok: true, record };
}
