/** Turns for CPU-bound slices (src/activities/cpu-turns.ts): FIFO, one per event-loop iteration, abortable. */
import { stat } from 'node:fs/promises';
import { createCpuTurns } from '../../../src/activities/cpu-turns';

const busyFor = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spin: a synchronous slice of engine work
  }
};

describe('cpu turns', () => {
  it('grants turns in the order asked, one holder at a time', async () => {
    const turns = createCpuTurns();
    const log: string[] = [];
    const worker = async (name: string, slices: number) => {
      for (let i = 0; i < slices; i += 1) {
        await turns.take();
        log.push(`${name}+`);
        await Promise.resolve(); // a holder that awaits keeps its turn until it releases
        log.push(`${name}-`);
        turns.release();
      }
    };
    await Promise.all([worker('a', 2), worker('b', 2), worker('c', 1)]);
    expect(log).toEqual(['a+', 'a-', 'b+', 'b-', 'c+', 'c-', 'a+', 'a-', 'b+', 'b-']);
  });

  it('lets I/O in between any two slices, however many simulations run', async () => {
    const turns = createCpuTurns();
    let slicesSinceIo = 0;
    let mostSlicesBetweenIo = 0;
    let running = true;
    const pollIo = async () => {
      while (running) {
        await stat(__filename); // one real I/O completion (thread pool), delivered in the poll phase
        mostSlicesBetweenIo = Math.max(mostSlicesBetweenIo, slicesSinceIo);
        slicesSinceIo = 0;
      }
    };
    const simulation = async () => {
      for (let i = 0; i < 8; i += 1) {
        await turns.take();
        try {
          busyFor(5);
          slicesSinceIo += 1;
        } finally {
          turns.release();
        }
      }
    };
    const io = pollIo();
    await Promise.all(Array.from({ length: 10 }, simulation));
    running = false;
    await io;
    // Without turns all ten simulations would resume in one iteration (10 slices between two I/O completions).
    expect(mostSlicesBetweenIo).toBeLessThanOrEqual(3);
  });

  it('drops a waiter whose signal aborts, with the signal reason, and the queue moves on', async () => {
    const turns = createCpuTurns();
    await turns.take();
    const controller = new AbortController();
    const waiting = turns.take(controller.signal);
    const after = turns.take();
    controller.abort(new Error('cancelled by the workflow'));
    await expect(waiting).rejects.toThrow('cancelled by the workflow');
    turns.release();
    await expect(after).resolves.toBeUndefined();
    turns.release();
    const aborted = new AbortController();
    aborted.abort(new Error('already cancelled'));
    await expect(turns.take(aborted.signal)).rejects.toThrow('already cancelled');
  });
});
