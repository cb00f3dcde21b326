import { acceptedSecrets, generateSecretValue } from '../../../src/secrets/rotation';

const MINUTE = 60_000;
const T0 = Date.parse('2026-11-26T12:00:00Z');

describe('acceptedSecrets (overlap window after a rotation)', () => {
  const versions = [
    { version: 1, createdAt: T0 - 10 * MINUTE },
    { version: 2, createdAt: T0 }, // the rotation
  ];
  const overlap = 30 * MINUTE;

  it('accepts current and previous from the rotation until the window ends, then only current', () => {
    expect(acceptedSecrets(versions, T0, overlap).map((v) => v.version)).toEqual([2, 1]);
    expect(acceptedSecrets(versions, T0 + overlap - 1, overlap).map((v) => v.version)).toEqual([2, 1]);
    expect(acceptedSecrets(versions, T0 + overlap, overlap).map((v) => v.version)).toEqual([2]);
    expect(acceptedSecrets(versions, T0 + 5 * overlap, overlap).map((v) => v.version)).toEqual([2]);
  });

  it('marks the previous version with the end of the window', () => {
    const [current, previous] = acceptedSecrets(versions, T0 + MINUTE, overlap);
    expect(current.acceptUntil).toBeUndefined();
    expect(previous.acceptUntil).toBe(T0 + overlap);
  });

  it('a clock behind Vault (rotation "in the future") is still inside the window', () => {
    expect(acceptedSecrets(versions, T0 - MINUTE, overlap).map((v) => v.version)).toEqual([2, 1]);
  });

  it('an overlap of 0 accepts only the current version', () => {
    expect(acceptedSecrets(versions, T0, 0).map((v) => v.version)).toEqual([2]);
  });

  it('two rotations inside one window: only the immediately previous version stays accepted', () => {
    const twice = [...versions, { version: 3, createdAt: T0 + MINUTE }];
    expect(acceptedSecrets(twice, T0 + 2 * MINUTE, overlap).map((v) => v.version)).toEqual([3, 2]);
  });

  it('a deleted or destroyed previous version is not accepted, even inside the window', () => {
    const withdrawn = [{ ...versions[0], available: false }, versions[1]];
    expect(acceptedSecrets(withdrawn, T0, overlap).map((v) => v.version)).toEqual([2]);
  });

  it('a deleted current version means nothing is accepted (Vault reads the secret as missing)', () => {
    expect(acceptedSecrets([versions[0], { ...versions[1], available: false }], T0, overlap)).toEqual([]);
  });

  it('takes the versions in any order; no versions, nothing accepted', () => {
    expect(acceptedSecrets([...versions].reverse(), T0, overlap).map((v) => v.version)).toEqual([2, 1]);
    expect(acceptedSecrets([], T0, overlap)).toEqual([]);
  });

  it('a gap in the version numbers (older versions pruned by max_versions) accepts only current', () => {
    expect(
      acceptedSecrets(
        [
          { version: 5, createdAt: T0 },
          { version: 3, createdAt: 0 },
        ],
        T0,
        overlap,
      ),
    ).toHaveLength(1);
  });

  it('rejects a negative overlap', () => {
    expect(() => acceptedSecrets(versions, T0, -1)).toThrow(RangeError);
  });
});

describe('generateSecretValue', () => {
  it('is 32 random bytes, base64url (43 characters), different every time', () => {
    const a = generateSecretValue();
    const b = generateSecretValue();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
    expect(a).not.toBe(b);
  });

  it('refuses fewer than 32 bytes', () => {
    expect(() => generateSecretValue(16)).toThrow(RangeError);
    expect(generateSecretValue(64)).toHaveLength(86);
  });
});
