/** The read cache: one load per key per TTL, concurrent identical reads share one load, failures are not kept. */
import { createReadCache } from '../../../src/api/read-cache';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('createReadCache', () => {
  it('shares one load among concurrent and repeated reads of a key within the TTL', async () => {
    const cache = createReadCache<{ n: number }>(200);
    let loads = 0;
    const load = async () => {
      loads++;
      await sleep(20);
      return { n: loads };
    };
    const answers = await Promise.all(Array.from({ length: 10 }, () => cache.get('list?a', load)));
    expect(loads).toBe(1);
    expect(new Set(answers.map((a) => a.n))).toEqual(new Set([1]));
    expect((await cache.get('list?a', load)).n).toBe(1);
    // Another key is another load.
    expect((await cache.get('list?b', load)).n).toBe(2);
    // After the TTL the key loads again.
    await sleep(250);
    expect((await cache.get('list?a', load)).n).toBe(3);
  });

  it('does not keep a failed load', async () => {
    const cache = createReadCache<{ ok: boolean }>(10_000);
    let calls = 0;
    const flaky = () => {
      calls++;
      return calls === 1
        ? Promise.reject(new Error('visibility unavailable'))
        : Promise.resolve({ ok: true });
    };
    await expect(cache.get('k', flaky)).rejects.toThrow('visibility unavailable');
    await expect(cache.get('k', flaky)).resolves.toEqual({ ok: true });
    expect(calls).toBe(2);
  });

  it('loads every time when the TTL is 0', async () => {
    const cache = createReadCache<{ n: number }>(0);
    let loads = 0;
    const load = () => Promise.resolve({ n: ++loads });
    await cache.get('k', load);
    await cache.get('k', load);
    expect(loads).toBe(2);
  });
});
