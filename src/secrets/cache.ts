/**
 * A small in-memory TTL cache for secret reads, so a hot path (verifying every API request's JWT) does not call Vault
 * each time, while a rotation elsewhere is still picked up within `ttlMs`. Concurrent misses for one key share a
 * single Vault request. Values live in process memory only; nothing is written to disk.
 */

export interface TtlCacheOptions {
  /** How long an entry is served; 0 disables caching (every read goes to Vault). */
  ttlMs: number;
  now?: () => number;
}

export interface CacheLookup<V> {
  value: V;
  cached: boolean;
}

export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();
  private readonly inFlight = new Map<string, Promise<V>>();
  private readonly now: () => number;
  readonly ttlMs: number;

  constructor(options: TtlCacheOptions) {
    if (!Number.isFinite(options.ttlMs) || options.ttlMs < 0) {
      throw new RangeError(`cache TTL must be a non-negative number of ms, got ${options.ttlMs}`);
    }
    this.ttlMs = options.ttlMs;
    this.now = options.now ?? Date.now;
  }

  /** The fresh entry for `key`, if any (an entry is fresh while now < stored-at + ttl). */
  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.now() >= entry.expiresAt) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: V): void {
    if (this.ttlMs === 0) return;
    this.entries.set(key, { value, expiresAt: this.now() + this.ttlMs });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  /** Drops every entry whose key starts with `prefix` (all versions of one secret). */
  deletePrefix(prefix: string): void {
    for (const key of [...this.entries.keys()]) if (key.startsWith(prefix)) this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  /** The cached value, or the loader's (stored on success; failures are not cached). */
  async getOrLoad(key: string, load: () => Promise<V>): Promise<CacheLookup<V>> {
    const hit = this.get(key);
    if (hit !== undefined) return { value: hit, cached: true };
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = load().then(
        (value) => {
          this.inFlight.delete(key);
          this.set(key, value);
          return value;
        },
        (error: unknown) => {
          this.inFlight.delete(key);
          throw error;
        },
      );
      this.inFlight.set(key, pending);
    }
    return { value: await pending, cached: false };
  }
}
