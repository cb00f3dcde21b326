/** API roles, each including the ones before it: viewer reads, operator also acts on runs, admin also administers. */
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Whether `actual` may do what `required` may. */
export function hasRole(actual: Role, required: Role): boolean {
  return ROLES.indexOf(actual) >= ROLES.indexOf(required);
}

/** Who is calling: from an API key or a JWT. */
export interface Principal {
  /** `apikey:<id>` for API keys, `jwt:<sub>` for tokens: what the audit log records as the actor. */
  actor: string;
  role: Role;
  via: 'api-key' | 'jwt';
  /** The API key's id (rate limits count per key). */
  keyId?: string;
}
