import { afterRenewal, renewalDueAt, tokenAction, type TokenLease } from '../../../src/secrets/token-renewal';

const HOUR = 3_600_000;
const lease = (over: Partial<TokenLease> = {}): TokenLease => ({
  obtainedAt: 0,
  ttlMs: HOUR,
  renewable: true,
  extendable: true,
  ...over,
});

describe('token renewal timing', () => {
  it('is due once 3/4 of the TTL has passed (a quarter left), configurable', () => {
    expect(renewalDueAt(lease())).toBe(0.75 * HOUR);
    expect(renewalDueAt(lease({ obtainedAt: 1000 }), 0.5)).toBe(1000 + 0.5 * HOUR);
  });

  it('a TTL of 0 (root token) is never renewed', () => {
    expect(renewalDueAt(lease({ ttlMs: 0 }))).toBeUndefined();
    expect(tokenAction(lease({ ttlMs: 0 }), 100 * HOUR, true)).toBe('none');
  });

  it('rejects a fraction outside (0, 1)', () => {
    expect(() => renewalDueAt(lease(), 0)).toThrow(RangeError);
    expect(() => renewalDueAt(lease(), 1)).toThrow(RangeError);
  });

  it('renews a renewable token only from the due time', () => {
    expect(tokenAction(lease(), 0.75 * HOUR - 1, false)).toBe('none');
    expect(tokenAction(lease(), 0.75 * HOUR, false)).toBe('renew');
    expect(tokenAction(lease(), 0.99 * HOUR, true)).toBe('renew');
  });

  it('logs in again (AppRole, Kubernetes) when the token is not renewable, maxed out or expired', () => {
    expect(tokenAction(lease({ renewable: false }), 0.8 * HOUR, true)).toBe('login');
    expect(tokenAction(lease({ extendable: false }), 0.8 * HOUR, true)).toBe('login');
    expect(tokenAction(lease(), HOUR, true)).toBe('login');
  });

  it('a plain token that cannot be renewed any more is left alone; an expired renewable one is still tried', () => {
    expect(tokenAction(lease({ renewable: false }), 0.8 * HOUR, false)).toBe('none');
    expect(tokenAction(lease({ extendable: false }), 0.8 * HOUR, false)).toBe('none');
    expect(tokenAction(lease(), 2 * HOUR, false)).toBe('renew');
  });

  it('afterRenewal notes whether the renewal pushed the expiry later (max TTL reached otherwise)', () => {
    const renewed = afterRenewal(lease(), 0.75 * HOUR, HOUR, true);
    expect(renewed).toEqual({ obtainedAt: 0.75 * HOUR, ttlMs: HOUR, renewable: true, extendable: true });
    // Capped at max TTL: Vault gives back only what is left, the expiry does not move.
    const capped = afterRenewal(lease(), 0.75 * HOUR, 0.25 * HOUR, true);
    expect(capped.extendable).toBe(false);
    expect(tokenAction(capped, 0.95 * HOUR, true)).toBe('login');
  });
});
