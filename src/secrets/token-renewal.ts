/**
 * When to renew or replace the Vault token, as pure functions of the clock so they can be tested on numbers.
 *
 * A token obtained (or last renewed) at `obtainedAt` with a TTL of `ttlMs` is renewed (auth/token/renew-self) once
 * `renewFraction` of its TTL has passed, i.e. while a quarter of it is still left by default: near the end of the
 * lease, but with room for a retry. A TTL of 0 means the token never expires (a root token): nothing to do.
 * When a renewal no longer extends the expiry (the token reached its max TTL) or the token is not renewable,
 * AppRole and Kubernetes logins log in again; a plain token is left to expire, and reads then fail with a clear
 * permission error.
 */

export const DEFAULT_RENEW_FRACTION = 0.75;

export interface TokenLease {
  /** When the current TTL started counting (login, lookup or last renewal), epoch ms. */
  obtainedAt: number;
  /** The TTL Vault reported then, in ms; 0 = never expires. */
  ttlMs: number;
  renewable: boolean;
  /** False once a renewal failed to push the expiry later (max TTL reached). */
  extendable: boolean;
}

export type TokenAction = 'none' | 'renew' | 'login';

export function tokenExpiresAt(lease: TokenLease): number | undefined {
  return lease.ttlMs > 0 ? lease.obtainedAt + lease.ttlMs : undefined;
}

/** When the renewal (or re-login) is due, or undefined for a token that never expires. */
export function renewalDueAt(lease: TokenLease, renewFraction = DEFAULT_RENEW_FRACTION): number | undefined {
  if (!(renewFraction > 0 && renewFraction < 1)) {
    throw new RangeError(`renewFraction must be between 0 and 1 (exclusive), got ${renewFraction}`);
  }
  if (lease.ttlMs <= 0) return undefined;
  return lease.obtainedAt + Math.floor(lease.ttlMs * renewFraction);
}

/** What to do before using the token at `now`. `canLogin`: the auth method can get a new token (AppRole, k8s). */
export function tokenAction(
  lease: TokenLease,
  now: number,
  canLogin: boolean,
  renewFraction = DEFAULT_RENEW_FRACTION,
): TokenAction {
  const due = renewalDueAt(lease, renewFraction);
  if (due === undefined || now < due) return 'none';
  const expired = now >= lease.obtainedAt + lease.ttlMs;
  if (canLogin && (expired || !lease.renewable || !lease.extendable)) return 'login';
  // A plain token that cannot be renewed any more: nothing we can do; it expires on its own.
  if (!lease.renewable || !lease.extendable) return 'none';
  return 'renew';
}

/** The lease after a renewal answered at `now` with `ttlMs`; notes whether it pushed the expiry later. */
export function afterRenewal(
  previous: TokenLease,
  now: number,
  ttlMs: number,
  renewable: boolean,
): TokenLease {
  const oldExpiry = tokenExpiresAt(previous);
  const newExpiry = ttlMs > 0 ? now + ttlMs : undefined;
  const extended = oldExpiry === undefined || newExpiry === undefined || newExpiry > oldExpiry;
  return { obtainedAt: now, ttlMs, renewable, extendable: extended };
}
