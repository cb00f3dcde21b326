/**
 * JWT revocation: a deny-list of token ids (`jti`) and a not-before per subject (`sub`): a token of that subject
 * issued before it (its `iat`), or without `iat`, is refused. Kept in the store (both backends, migration 12);
 * `cachedJwtRevocations` keeps lookups for at most a second and forgets them on every write in this process.
 */

export interface JtiRevocation {
  jti: string;
  /** When the token expires anyway; the row may be pruned after it. */
  expiresAt?: string;
  revokedBy: string;
  revokedAt: string;
}

export interface SubjectNotBefore {
  subject: string;
  /** Tokens of the subject issued before this instant are refused. */
  notBefore: string;
  revokedBy: string;
  revokedAt: string;
}

export interface JwtRevocationStore {
  /** Adds (or refreshes) a revoked jti; also prunes revocations whose `expiresAt` has passed. */
  revokeJti(revocation: JtiRevocation): Promise<void>;
  /** Sets (replaces) a subject's not-before. */
  setSubjectNotBefore(entry: SubjectNotBefore): Promise<void>;
  isJtiRevoked(jti: string): Promise<boolean>;
  subjectNotBefore(subject: string): Promise<string | undefined>;
  list(): Promise<{ jtis: JtiRevocation[]; subjects: SubjectNotBefore[] }>;
}

/** Why a verified token is refused anyway, or undefined when it is not revoked. Store errors propagate (fail closed). */
export async function revocationReason(
  store: JwtRevocationStore,
  claims: { jti?: string; sub?: string; iat?: number },
): Promise<string | undefined> {
  if (typeof claims.jti === 'string' && (await store.isJtiRevoked(claims.jti))) {
    return 'token revoked (its jti is on the revocation list)';
  }
  if (typeof claims.sub === 'string') {
    const notBefore = await store.subjectNotBefore(claims.sub);
    if (notBefore !== undefined) {
      if (typeof claims.iat !== 'number') {
        return `token revoked: subject tokens issued before ${notBefore} are refused and this one has no iat`;
      }
      if (claims.iat * 1000 < Date.parse(notBefore)) {
        return `token revoked: subject tokens issued before ${notBefore} are refused`;
      }
    }
  }
  return undefined;
}

/** A read cache of at most `ttlMs` (default 1 s) over a store; every write through it clears the cache. */
export function cachedJwtRevocations(
  store: JwtRevocationStore,
  ttlMs = 1000,
  now: () => number = Date.now,
): JwtRevocationStore {
  const jtis = new Map<string, { at: number; value: boolean }>();
  const subjects = new Map<string, { at: number; value: string | undefined }>();
  const cached = async <T>(
    map: Map<string, { at: number; value: T }>,
    key: string,
    load: () => Promise<T>,
  ): Promise<T> => {
    const hit = map.get(key);
    if (hit && now() - hit.at < ttlMs) return hit.value;
    const value = await load();
    if (map.size >= 10_000) map.clear(); // bounded memory under a spray of token ids
    map.set(key, { at: now(), value });
    return value;
  };
  return {
    async revokeJti(revocation) {
      await store.revokeJti(revocation);
      jtis.clear();
    },
    async setSubjectNotBefore(entry) {
      await store.setSubjectNotBefore(entry);
      subjects.clear();
    },
    isJtiRevoked: (jti) => cached(jtis, jti, () => store.isJtiRevoked(jti)),
    subjectNotBefore: (subject) => cached(subjects, subject, () => store.subjectNotBefore(subject)),
    list: () => store.list(),
  };
}
