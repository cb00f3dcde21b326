import { TtlCache } from '../../../src/secrets/cache';

describe('TtlCache', () => {
  it('serves an entry until its TTL has passed, then forgets it', () => {
    let now = 1_000;
    const cache = new TtlCache<string>({ ttlMs: 500, now: () => now });
    cache.set('a', 'one');
    now = 1_499;
    expect(cache.get('a')).toBe('one');
    now = 1_500; // stored at 1000 + 500: expired exactly at the TTL
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('with a TTL of 0 caches nothing', () => {
    const cache = new TtlCache<string>({ ttlMs: 0, now: () => 0 });
    cache.set('a', 'one');
    expect(cache.get('a')).toBeUndefined();
  });

  it('rejects a negative or non-numeric TTL', () => {
    expect(() => new TtlCache({ ttlMs: -1 })).toThrow(RangeError);
    expect(() => new TtlCache({ ttlMs: Number.NaN })).toThrow(RangeError);
  });

  it('getOrLoad: one load for concurrent misses, a hit afterwards, a new load after expiry', async () => {
    let now = 0;
    const cache = new TtlCache<number>({ ttlMs: 100, now: () => now });
    let loads = 0;
    const load = () => new Promise<number>((resolve) => setImmediate(() => resolve(++loads)));
    const [a, b] = await Promise.all([cache.getOrLoad('k', load), cache.getOrLoad('k', load)]);
    expect(loads).toBe(1);
    expect(a).toEqual({ value: 1, cached: false });
    expect(b).toEqual({ value: 1, cached: false });
    await expect(cache.getOrLoad('k', load)).resolves.toEqual({ value: 1, cached: true });
    now = 100;
    await expect(cache.getOrLoad('k', load)).resolves.toEqual({ value: 2, cached: false });
  });

  it('does not cache failures', async () => {
    const cache = new TtlCache<number>({ ttlMs: 100, now: () => 0 });
    await expect(cache.getOrLoad('k', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    await expect(cache.getOrLoad('k', () => Promise.resolve(7))).resolves.toEqual({
      value: 7,
      cached: false,
    });
  });

  it('deletePrefix drops every version of one secret only', () => {
    const cache = new TtlCache<string>({ ttlMs: 100, now: () => 0 });
    cache.set('A@latest', '1');
    cache.set('A@3', '1');
    cache.set('AB@latest', '2');
    cache.deletePrefix('A@');
    expect(cache.get('A@latest')).toBeUndefined();
    expect(cache.get('A@3')).toBeUndefined();
    expect(cache.get('AB@latest')).toBe('2');
  });
});
