/**
 * The audit chain's HMAC keys. New records are keyed with the current key; verification needs every key the stored
 * records name, so a rotated-away key stays available for its old rows.
 *
 * Where the key comes from (first found wins):
 * - Vault (SECRETS_PROVIDER=vault): the secret AUDIT_HMAC_KEY; key id `vault:v<version>`, and verification reads
 *   the older versions old rows name (rotate with `npm run secrets:rotate -- --name AUDIT_HMAC_KEY`).
 * - the environment: AUDIT_HMAC_KEY; key id `k-<fingerprint>` (the first 12 hex digits of SHA-256 of the key, which
 *   says nothing about the key). After a rotation, keep the old values in AUDIT_HMAC_RETIRED_KEYS (comma-separated).
 * - neither (development, demo, tests): a random key created once in AUDIT_HMAC_KEY_FILE (owner-only), as `npm run
 *   dev` does for its admin key. Set AUDIT_HMAC_KEY_FILE=none to refuse to start without the secret instead.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { SecretsProvider } from '../secrets/secrets-provider';
import type { VaultSecretsProvider } from '../secrets/vault-provider';
import type { AuditSigningKey } from './chain';

/** A key shorter than this is refused: HMAC-SHA256 wants 256 bits of key. */
export const MIN_AUDIT_KEY_LENGTH = 32;

export interface AuditKeyring {
  /** The key new records are written with. */
  signing: AuditSigningKey;
  /** Where it came from, for the start-up line (never the value). */
  source: 'vault' | 'env' | 'file';
  /** The keys for these ids that can be found (ids without a key are left out: verification names them). */
  resolve(ids: readonly string[]): Promise<Map<string, Buffer>>;
}

export class AuditKeyError extends Error {
  override readonly name = 'AuditKeyError';
}

/** `k-` + 12 hex digits of SHA-256 of the key. */
export function keyFingerprintId(key: Buffer): string {
  return `k-${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
}

function keyBytes(value: string, what: string): Buffer {
  const trimmed = value.trim();
  if (trimmed.length < MIN_AUDIT_KEY_LENGTH) {
    throw new AuditKeyError(
      `${what} must be at least ${MIN_AUDIT_KEY_LENGTH} characters (got ${trimmed.length})`,
    );
  }
  return Buffer.from(trimmed, 'utf8');
}

/** A keyring over fixed keys: the first one signs, all verify. */
export function staticAuditKeyring(
  values: readonly string[],
  source: AuditKeyring['source'] = 'env',
): AuditKeyring {
  if (values.length === 0) throw new AuditKeyError('An audit keyring needs at least one key');
  const keys = values.map((value, index) =>
    keyBytes(value, index === 0 ? 'AUDIT_HMAC_KEY' : 'AUDIT_HMAC_RETIRED_KEYS entry'),
  );
  const byId = new Map(keys.map((key) => [keyFingerprintId(key), key]));
  return {
    signing: { id: keyFingerprintId(keys[0]), key: keys[0] },
    source,
    resolve: (ids) =>
      Promise.resolve(new Map(ids.flatMap((id) => (byId.has(id) ? [[id, byId.get(id)!] as const] : [])))),
  };
}

/** The development key: read from `file`, or created there (32 random bytes, hex, owner-only) when missing. */
export function ensureLocalAuditKey(file: string): { key: string; created: boolean } {
  if (existsSync(file)) return { key: readFileSync(file, 'utf8').trim(), created: false };
  const key = randomBytes(32).toString('hex');
  mkdirSync(path.dirname(file), { recursive: true });
  // 'wx': two processes starting at once must not overwrite each other's key.
  try {
    writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST')
      return { key: readFileSync(file, 'utf8').trim(), created: false };
    throw error;
  }
  return { key, created: true };
}

function isVault(provider: SecretsProvider): provider is VaultSecretsProvider {
  return provider.kind === 'vault' && 'getSecretVersion' in provider && 'readSecret' in provider;
}

const VAULT_ID = /^vault:v([1-9]\d{0,9})$/;

export interface LoadAuditKeyringOptions {
  /** The development key file used when the provider has no AUDIT_HMAC_KEY; undefined: refuse instead. */
  localKeyFile?: string;
}

/** The keyring from the secrets provider (see the module comment for the order). */
export async function loadAuditKeyring(
  provider: SecretsProvider,
  options: LoadAuditKeyringOptions = {},
): Promise<AuditKeyring> {
  if (isVault(provider)) {
    const current = await provider.readSecret('AUDIT_HMAC_KEY');
    if (current) {
      const signing = { id: `vault:v${current.version}`, key: keyBytes(current.value, 'AUDIT_HMAC_KEY') };
      return {
        signing,
        source: 'vault',
        async resolve(ids) {
          const found = new Map<string, Buffer>();
          for (const id of ids) {
            if (id === signing.id) {
              found.set(id, signing.key);
              continue;
            }
            const match = VAULT_ID.exec(id);
            if (!match) continue;
            try {
              const old = await provider.getSecretVersion('AUDIT_HMAC_KEY', Number(match[1]));
              found.set(id, keyBytes(old.value, `AUDIT_HMAC_KEY version ${match[1]}`));
            } catch {
              // deleted or destroyed: verification names the records it cannot check
            }
          }
          return found;
        },
      };
    }
  } else {
    const current = await provider.getSecret('AUDIT_HMAC_KEY');
    if (current !== undefined) {
      const retired = (await provider.getSecret('AUDIT_HMAC_RETIRED_KEYS')) ?? '';
      return staticAuditKeyring([
        current,
        ...retired
          .split(',')
          .map((value) => value.trim())
          .filter(Boolean),
      ]);
    }
  }
  if (!options.localKeyFile) {
    throw new AuditKeyError(
      `AUDIT_HMAC_KEY is not set (${provider.kind} secrets provider) and AUDIT_HMAC_KEY_FILE is none: the audit log cannot key its records`,
    );
  }
  return staticAuditKeyring([ensureLocalAuditKey(options.localKeyFile).key], 'file');
}
