/**
 * The tamper-evident audit log: events, the hash chain, stores for both databases, archives. (`./open`, which opens
 * the configured database on its own, is imported directly by tools: it imports the store wiring, which imports this.)
 */
export {
  AUDIT_ACTIONS,
  AUDIT_ACTION_CATEGORIES,
  AUDIT_RESULTS,
  type AuditAction,
  type AuditDetails,
  type AuditEvent,
  type AuditRecord,
  type AuditResult,
} from './events';
export {
  canonicalJson,
  canonicalRecord,
  ChainVerifier,
  describeProblem,
  GENESIS_HASH,
  hashRecord,
  InvalidAuditEventError,
  normalizeEvent,
  verifyChain,
  type AuditProblem,
  type AuditProblemKind,
  type AuditVerification,
  type ChainRecord,
  type ChainState,
} from './chain';
export {
  AuditChainConflictError,
  createSqliteAuditStore,
  type AuditQuery,
  type AuditStore,
  type AuditStoreOptions,
  type RetentionCut,
} from './store';
export { createPgAuditStore } from './pg-store';
export {
  AuditKeyError,
  ensureLocalAuditKey,
  keyFingerprintId,
  loadAuditKeyring,
  staticAuditKeyring,
  type AuditKeyring,
} from './keys';
export { signCheckpoint, type AuditCheckpoint } from './checkpoints';
export {
  auditKeyDeps,
  AuditWriteError,
  closeLogger,
  createAuditLog,
  createAuditLogger,
  DEFAULT_AUDIT_LOG_FILE,
  summarizeVerification,
  type AuditLog,
  type AuditLogDeps,
  type AuditLoggerOptions,
  type AuditPage,
} from './audit-log';
export {
  archiveFileName,
  listArchives,
  archiveKeyIds,
  verifyArchive,
  verifyArchives,
  writeArchive,
  type ArchiveHeader,
  type ArchiveSetVerification,
  type ArchiveVerification,
} from './archive';
