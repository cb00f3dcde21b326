/**
 * Which authentication failures become audit rows. Every 401 used to be a chained row, so anyone could flood the
 * log (1,300 random keys in 4.5 s, 1.5 KB rows). Now the first failure per source (client IP) per window is recorded
 * in full, the rest are counted, and one summary row per source says "N more failures" when its window ends.
 * Fields coming from the request are capped, so a row stays small whatever the client sends.
 */

/** Longest path, user agent or reason kept in an audit row (the rest is cut and marked with "…"). */
export const AUDIT_FIELD_MAX = 200;
/** Sources tracked at once; beyond this, failures from new sources are counted under "*" (memory stays bounded). */
export const MAX_TRACKED_SOURCES = 10_000;

export function capField(value: string, max = AUDIT_FIELD_MAX): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}

export interface FailureSummary {
  source: string;
  /** Failures counted but not recorded one by one in the window. */
  suppressed: number;
  from: string;
  to: string;
}

export interface AuthFailureAggregator {
  /** Counts a failure from `source`; true when it is the window's first from that source (record it in full). */
  admit(source: string): boolean;
  /** Emits the summaries of windows that have ended (all of them with `all`). */
  flush(all?: boolean): void;
  close(): void;
}

export function createAuthFailureAggregator(options: {
  windowMs: number;
  onSummary: (summary: FailureSummary) => void;
  now?: () => number;
}): AuthFailureAggregator {
  const now = options.now ?? Date.now;
  const windows = new Map<string, { start: number; suppressed: number }>();

  function flush(all = false): void {
    const at = now();
    for (const [source, window] of windows) {
      if (!all && at - window.start < options.windowMs) continue;
      windows.delete(source);
      if (window.suppressed > 0) {
        options.onSummary({
          source,
          suppressed: window.suppressed,
          from: new Date(window.start).toISOString(),
          to: new Date(Math.min(at, window.start + options.windowMs)).toISOString(),
        });
      }
    }
  }
  const timer = setInterval(() => flush(), Math.max(50, Math.floor(options.windowMs / 2)));
  timer.unref();

  return {
    admit(source) {
      const at = now();
      const current = windows.get(source);
      if (current && at - current.start < options.windowMs) {
        current.suppressed += 1;
        return false;
      }
      if (current) flush();
      const key = windows.size >= MAX_TRACKED_SOURCES && !windows.has(source) ? '*' : source;
      const shared = windows.get(key);
      if (shared) {
        shared.suppressed += 1;
        return false;
      }
      windows.set(key, { start: at, suppressed: 0 });
      return true;
    },
    flush,
    close() {
      clearInterval(timer);
      flush(true);
    },
  };
}
