/** JWT revocations in SQLite: revoked token ids and per-subject not-befores (see src/auth/jwt-revocations.ts). */
import type { JtiRevocation, JwtRevocationStore, SubjectNotBefore } from '../auth/jwt-revocations';
import { asPromise, type SqliteDatabase } from './sqlite';

/** Rows as both backends return them. */
export interface JtiRevocationRow {
  jti: string;
  expires_at: string | null;
  revoked_by: string;
  revoked_at: string;
}
export interface SubjectNotBeforeRow {
  subject: string;
  not_before: string;
  revoked_by: string;
  revoked_at: string;
}

export const JTI_SQL = {
  prune: 'DELETE FROM jwt_revoked_jtis WHERE expires_at IS NOT NULL AND expires_at < ?',
  upsert: `INSERT INTO jwt_revoked_jtis (jti, expires_at, revoked_by, revoked_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (jti) DO UPDATE SET expires_at = excluded.expires_at, revoked_by = excluded.revoked_by,
    revoked_at = excluded.revoked_at`,
  find: 'SELECT jti FROM jwt_revoked_jtis WHERE jti = ?',
  list: 'SELECT jti, expires_at, revoked_by, revoked_at FROM jwt_revoked_jtis ORDER BY revoked_at, jti',
};
export const SUBJECT_SQL = {
  upsert: `INSERT INTO jwt_subject_not_before (subject, not_before, revoked_by, revoked_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (subject) DO UPDATE SET not_before = excluded.not_before, revoked_by = excluded.revoked_by,
    revoked_at = excluded.revoked_at`,
  find: 'SELECT not_before FROM jwt_subject_not_before WHERE subject = ?',
  list: 'SELECT subject, not_before, revoked_by, revoked_at FROM jwt_subject_not_before ORDER BY revoked_at, subject',
};

export function rowToJti(row: JtiRevocationRow): JtiRevocation {
  return {
    jti: row.jti,
    ...(row.expires_at ? { expiresAt: row.expires_at } : {}),
    revokedBy: row.revoked_by,
    revokedAt: row.revoked_at,
  };
}
export function rowToSubject(row: SubjectNotBeforeRow): SubjectNotBefore {
  return {
    subject: row.subject,
    notBefore: row.not_before,
    revokedBy: row.revoked_by,
    revokedAt: row.revoked_at,
  };
}

export function createSqliteJwtRevocationStore(db: SqliteDatabase): JwtRevocationStore {
  return {
    revokeJti(r) {
      return asPromise(() => {
        db.prepare(JTI_SQL.prune).run(r.revokedAt);
        db.prepare(JTI_SQL.upsert).run(r.jti, r.expiresAt ?? null, r.revokedBy, r.revokedAt);
      });
    },
    setSubjectNotBefore(e) {
      return asPromise(() => {
        db.prepare(SUBJECT_SQL.upsert).run(e.subject, e.notBefore, e.revokedBy, e.revokedAt);
      });
    },
    isJtiRevoked(jti) {
      return asPromise(() => db.prepare(JTI_SQL.find).get(jti) !== undefined);
    },
    subjectNotBefore(subject) {
      return asPromise(
        () => (db.prepare(SUBJECT_SQL.find).get(subject) as { not_before: string } | undefined)?.not_before,
      );
    },
    list() {
      return asPromise(() => ({
        jtis: (db.prepare(JTI_SQL.list).all() as unknown as JtiRevocationRow[]).map(rowToJti),
        subjects: (db.prepare(SUBJECT_SQL.list).all() as unknown as SubjectNotBeforeRow[]).map(rowToSubject),
      }));
    },
  };
}
