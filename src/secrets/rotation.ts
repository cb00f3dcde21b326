/**
 * Rotation with an overlap window.
 *
 * A rotation writes a new KV v2 version. From then on signers use the new (current) version at once, and verifiers
 * accept the current version and the one just before it until `overlapMs` after the new version's created_time
 * (Vault's clock); after that, only the current one. So tokens signed just before a rotation, or by a process whose
 * cache still holds the old value, keep verifying for the window, and a leaked old secret stops working when it
 * ends. The window must therefore cover the secrets cache TTL plus the longest lifetime of what is signed.
 *
 * Only the immediately previous version is ever accepted: rotating twice inside one window drops the oldest at once,
 * and a previous version that was deleted or destroyed (e.g. because it leaked) is not accepted at all.
 */
import { randomBytes } from 'node:crypto';

export interface SecretVersionInfo {
  version: number;
  /** When the version was written (epoch ms; Vault's created_time). */
  createdAt: number;
  /** False when the version is soft-deleted or destroyed; Vault will not return its value. */
  available?: boolean;
}

export type Accepted<T> = T & {
  /** Set on the previous version: accept it until then (epoch ms). */
  acceptUntil?: number;
};

/**
 * The versions to accept at `now`: the current (highest) version first, then the previous version while
 * `now < current.createdAt + overlapMs`. Empty when the current version is deleted or destroyed (Vault then reads the
 * secret as missing; restore an old value with `vault kv rollback`, which writes it as a new version).
 */
export function acceptedSecrets<T extends SecretVersionInfo>(
  versions: readonly T[],
  now: number,
  overlapMs: number,
): Accepted<T>[] {
  if (!(overlapMs >= 0)) throw new RangeError(`overlapMs must be >= 0, got ${overlapMs}`);
  if (versions.length === 0) return [];
  const current = versions.reduce((a, b) => (b.version > a.version ? b : a));
  if (current.available === false) return [];
  const accepted: Accepted<T>[] = [current];
  const previous = versions.find((v) => v.version === current.version - 1);
  const acceptUntil = current.createdAt + overlapMs;
  if (previous && previous.available !== false && now < acceptUntil) {
    accepted.push({ ...previous, acceptUntil });
  }
  return accepted;
}

/** 32 random bytes (256 bits, the HS256 minimum of RFC 7518 §3.2), base64url-encoded: a 43-character string. */
export function generateSecretValue(bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes < 32)
    throw new RangeError(`a secret needs at least 32 bytes, got ${bytes}`);
  return randomBytes(bytes).toString('base64url');
}
