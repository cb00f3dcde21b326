/**
 * The cap on pipeline runs one principal has in flight (API_MAX_RUNS_IN_FLIGHT_PER_PRINCIPAL). The count comes from
 * Temporal visibility (`StartedBy = <actor> AND ExecutionStatus = 'Running'` on this deployment's task queue), so it
 * survives an API restart and is shared by every API replica.
 *
 * Visibility is eventually consistent: a run started a moment ago may not be counted yet (on the dev server for some
 * milliseconds). Starts racing inside one API process are ordered here — each waits behind the reservations made
 * before it — so a burst at one replica cannot overshoot; starts at other replicas within that lag can, by a few.
 * The check fails closed: when the count cannot be read, no run starts.
 */
import { HttpError } from './errors';

export interface RunCap {
  /**
   * Reserves a slot for `actor` or throws a 429 `too_many_runs`. Call `release()` once the start returned (or
   * failed): from then on the run is counted by visibility, not by the reservation.
   */
  reserve(actor: string): Promise<{ release(): void; running: number }>;
}

/** A Temporal visibility string literal: quotes and backslashes escaped, so any actor is one literal. */
export function visibilityLiteral(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export function createRunCap(options: {
  /** 0: no cap. */
  max: number;
  /** Running pipeline runs started by `actor`, as visibility sees them now. */
  countRunning: (actor: string) => Promise<number>;
}): RunCap {
  const { max, countRunning } = options;
  const reservations = new Map<string, object[]>();

  return {
    async reserve(actor) {
      if (max === 0) return { release() {}, running: 0 };
      const mine = {};
      const queue = reservations.get(actor) ?? [];
      // Those made before this one: their runs may not be in the count yet.
      const earlier = queue.length;
      queue.push(mine);
      reservations.set(actor, queue);
      const release = () => {
        const at = queue.indexOf(mine);
        if (at >= 0) queue.splice(at, 1);
        if (queue.length === 0 && reservations.get(actor) === queue) reservations.delete(actor);
      };
      let running: number;
      try {
        running = await countRunning(actor);
      } catch (error) {
        release();
        throw error;
      }
      if (running + earlier >= max) {
        release();
        throw new HttpError(
          429,
          'too_many_runs',
          `${actor} already has ${running + earlier} pipeline runs in flight (at most ${max}, ` +
            'API_MAX_RUNS_IN_FLIGHT_PER_PRINCIPAL): wait for some to finish, or cancel some, and retry',
          { running: running + earlier, max },
        );
      }
      return { release, running };
    },
  };
}
