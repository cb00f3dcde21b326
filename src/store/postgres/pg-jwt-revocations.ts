/** JWT revocations in PostgreSQL: the same contract and SQL as the SQLite store, with $n placeholders. */
import type { Pool } from 'pg';
import type { JwtRevocationStore } from '../../auth/jwt-revocations';
import {
  JTI_SQL,
  type JtiRevocationRow,
  rowToJti,
  rowToSubject,
  SUBJECT_SQL,
  type SubjectNotBeforeRow,
} from '../jwt-revocation-store';

/** `?` → `$1, $2, …` (the shared statements hold no literal question marks). */
const pg = (sql: string) => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

export function createPgJwtRevocationStore(pool: Pool): JwtRevocationStore {
  return {
    async revokeJti(r) {
      await pool.query(pg(JTI_SQL.prune), [r.revokedAt]);
      await pool.query(pg(JTI_SQL.upsert), [r.jti, r.expiresAt ?? null, r.revokedBy, r.revokedAt]);
    },
    async setSubjectNotBefore(e) {
      await pool.query(pg(SUBJECT_SQL.upsert), [e.subject, e.notBefore, e.revokedBy, e.revokedAt]);
    },
    async isJtiRevoked(jti) {
      return (await pool.query(pg(JTI_SQL.find), [jti])).rows.length > 0;
    },
    async subjectNotBefore(subject) {
      const { rows } = await pool.query<{ not_before: string }>(pg(SUBJECT_SQL.find), [subject]);
      return rows[0]?.not_before;
    },
    async list() {
      const jtis = await pool.query<JtiRevocationRow>(JTI_SQL.list);
      const subjects = await pool.query<SubjectNotBeforeRow>(SUBJECT_SQL.list);
      return { jtis: jtis.rows.map(rowToJti), subjects: subjects.rows.map(rowToSubject) };
    },
  };
}
