/**
 * A short-lived cache for expensive reads that many clients repeat (the run list is a Temporal visibility query):
 * identical requests within `ttlMs` share one answer, and concurrent identical requests share one call (lru-cache's
 * fetch de-duplicates in-flight loads). A failed load is not cached. `ttlMs` 0 turns caching off.
 */
import { LRUCache } from 'lru-cache';

export interface ReadCache<T extends object> {
  get(key: string, load: () => Promise<T>): Promise<T>;
}

export function createReadCache<T extends object>(ttlMs: number, maxEntries = 500): ReadCache<T> {
  if (ttlMs <= 0) return { get: (_key, load) => load() };
  const cache = new LRUCache<string, T, () => Promise<T>>({
    max: maxEntries,
    ttl: ttlMs,
    fetchMethod: (_key, _stale, { context }) => context(),
  });
  return {
    async get(key, load) {
      const value = await cache.fetch(key, { context: load });
      // Only an aborted fetch resolves undefined, and nothing here aborts one.
      if (value === undefined) throw new Error(`read cache: the load for ${key} was aborted`);
      return value;
    },
  };
}
