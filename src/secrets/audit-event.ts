/** A secret read or rotation as an audit event: the secret's name and version, never its value. */
import type { AuditEvent } from '../audit';
import type { SecretAccessEvent } from './secrets-provider';

export function secretAccessAuditEvent(event: SecretAccessEvent, actor: string): AuditEvent {
  return {
    actor,
    action: event.action,
    resource: `secret:${event.name}`,
    result: event.result,
    details: {
      provider: event.provider,
      ...(event.version !== undefined ? { version: event.version } : {}),
      ...(event.error ? { error: event.error } : {}),
    },
  };
}
