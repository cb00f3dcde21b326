/**
 * What the audit log records: security events, each with who (actor), what (action), on what (resource) and how it
 * ended (result), plus where it came from (IP, user agent, request id) and free-form details.
 *
 * Details must never hold a secret's value, a key or a token: name the secret, the key id, the version.
 */

/** Every action the audit log accepts. Add new ones at the end; never rename one (records keep the name). */
export const AUDIT_ACTIONS = [
  'auth.success',
  'auth.failure',
  /** Authenticated, but the role does not allow the route. */
  'auth.denied',
  'apikey.create',
  'apikey.revoke',
  'workflow.start',
  'workflow.cancel',
  'workflow.approve',
  'workflow.reject',
  'schedule.create',
  'schedule.update',
  'schedule.pause',
  'schedule.unpause',
  'schedule.delete',
  'schedule.trigger',
  'schedule.backfill',
  'secret.read',
  'secret.rotate',
  'config.reload',
  /** Someone read audit records (GET /audit). */
  'audit.export',
  /** Someone verified the chain (GET /audit/verify, `npm run audit:verify` does not record). */
  'audit.verify',
  /** Retention archived old records to a file and deleted them from the table. */
  'audit.archive',
  /** An admin revoked a JWT by jti, or a subject's tokens issued before a not-before. */
  'jwt.revoke',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** The part of an action before the dot: `schedule` of `schedule.pause`. Filters accept `schedule.*`. */
export const AUDIT_ACTION_CATEGORIES = [...new Set(AUDIT_ACTIONS.map((a) => a.split('.')[0]))];

export const AUDIT_RESULTS = ['success', 'failure', 'denied'] as const;
export type AuditResult = (typeof AUDIT_RESULTS)[number];

/** JSON that details may hold. */
export type AuditDetails = Record<string, unknown>;

/** One event as callers hand it to `AuditLog.record`. The log adds seq, timestamp and the hashes. */
export interface AuditEvent {
  /** Who: a user, an API key (`apikey:<id>`), a service (`system:<name>`), or `anonymous`. */
  actor: string;
  action: AuditAction;
  /** On what: `workflow:<id>`, `schedule:<id>`, `apikey:<id>`, `secret:<name>`, `route:GET /audit`… */
  resource: string;
  result: AuditResult;
  ip?: string;
  userAgent?: string;
  requestId?: string;
  /** Anything else worth keeping (a role, a reason, a key id); JSON only, never a secret value. */
  details?: AuditDetails;
}

/** One stored record: the event plus its place in the hash chain. */
export interface AuditRecord {
  seq: number;
  /** ISO 8601 UTC instant (`toISOString()` format), assigned when the record is appended. */
  timestamp: string;
  actor: string;
  /** An `AuditAction` for every record the log wrote; typed as string because stored rows are read back as-is. */
  action: string;
  resource: string;
  result: string;
  ip?: string;
  userAgent?: string;
  requestId?: string;
  details?: AuditDetails;
  /** The hash of the record before this one (of the retention anchor for the first record after a cut). */
  prevHash: string;
  /** SHA-256 (v1) or HMAC-SHA256 (v2, keyed) hex of this record's canonical serialization, which includes prevHash. */
  hash: string;
  /** The id of the audit HMAC key the hash was made with; absent on plain SHA-256 (v1) records. */
  keyId?: string;
}
