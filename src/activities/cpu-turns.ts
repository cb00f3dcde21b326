/**
 * Turns on the worker's one JavaScript thread for CPU-bound activity work (backtest slices). Without them, every
 * running simulation resumes in the same event-loop iteration (each `setImmediate` queued by the last), so with 20
 * of them one iteration computes for 20 × the slice time before the loop polls I/O again — and a cancel request, a
 * heartbeat reply or another run's activity task waits that long for each step.
 *
 * A turn is granted from `setImmediate`, one per event-loop iteration, in FIFO order: the loop polls I/O between any
 * two slices, whoever runs them. A waiter whose activity is cancelled leaves the queue at once (its promise rejects
 * with the signal's reason), so a cancel never waits for a turn.
 */
export interface CpuTurns {
  /** Resolves when it is the caller's turn (always after a trip through the event loop); rejects on abort. */
  take(signal?: AbortSignal): Promise<void>;
  /** Ends the caller's turn; the next waiter gets one on the next event-loop iteration. */
  release(): void;
}

export function createCpuTurns(): CpuTurns {
  const waiting: (() => void)[] = [];
  let busy = false;
  let scheduled = false;

  const grantNext = () => {
    scheduled = false;
    if (busy) return;
    const next = waiting.shift();
    if (!next) return;
    busy = true;
    next();
  };
  const schedule = () => {
    if (busy || scheduled || waiting.length === 0) return;
    scheduled = true;
    setImmediate(grantNext);
  };

  return {
    take(signal?: AbortSignal): Promise<void> {
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) {
          reject(signal.reason as Error);
          return;
        }
        const onAbort = () => {
          const index = waiting.indexOf(grant);
          if (index >= 0) waiting.splice(index, 1);
          reject(signal?.reason as Error);
        };
        const grant = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        waiting.push(grant);
        schedule();
      });
    },
    release(): void {
      busy = false;
      schedule();
    },
  };
}
