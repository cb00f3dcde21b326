import {
  hashString,
  hashWords,
  integerWords,
  standardNormal,
  uniform,
} from '../../../src/market-data/counter-random';

describe('counter-based randomness', () => {
  it('is a pure function of its key', () => {
    expect(standardNormal([42, 9000, hashString('AAPL'), 1])).toBe(
      standardNormal([42, 9000, hashString('AAPL'), 1]),
    );
    expect(uniform([1, 2, 3])).toBe(uniform([1, 2, 3]));
  });

  it('changes with every key word and with word order', () => {
    const base = uniform([42, 9000, 7, 1]);
    expect(uniform([43, 9000, 7, 1])).not.toBe(base);
    expect(uniform([42, 9001, 7, 1])).not.toBe(base);
    expect(uniform([42, 9000, 7, 2])).not.toBe(base);
    expect(hashWords([1, 2])).not.toBe(hashWords([2, 1]));
    expect(hashString('MSFT')).not.toBe(hashString('AAPL'));
  });

  it('gives uniforms strictly inside (0, 1) with the right moments', () => {
    const draws = Array.from({ length: 20_000 }, (_, i) => uniform([7, i]));
    expect(Math.min(...draws)).toBeGreaterThan(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    const mean = draws.reduce((s, u) => s + u, 0) / draws.length;
    const variance = draws.reduce((s, u) => s + (u - mean) ** 2, 0) / draws.length;
    expect(mean).toBeCloseTo(0.5, 2);
    expect(variance).toBeCloseTo(1 / 12, 2);
  });

  it('gives standard normals: mean 0, variance 1, symmetric tails, no serial correlation', () => {
    const z = Array.from({ length: 20_000 }, (_, i) => standardNormal([11, i]));
    const mean = z.reduce((s, v) => s + v, 0) / z.length;
    const variance = z.reduce((s, v) => s + (v - mean) ** 2, 0) / z.length;
    const beyondTwo = z.filter((v) => Math.abs(v) > 2).length / z.length;
    const lag1 = z.slice(1).reduce((s, v, i) => s + v * z[i], 0) / (z.length - 1);
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(variance).toBeGreaterThan(0.96);
    expect(variance).toBeLessThan(1.04);
    expect(beyondTwo).toBeGreaterThan(0.035); // theory: 4.55%
    expect(beyondTwo).toBeLessThan(0.056);
    expect(Math.abs(lag1)).toBeLessThan(0.03);
  });

  it('splits seeds wider than 32 bits into distinct words', () => {
    expect(integerWords(5)).toEqual([5, 0]);
    expect(integerWords(2 ** 32 + 5)).toEqual([5, 1]);
    expect(integerWords(-1)[0]).toBe(2 ** 32 - 1);
  });
});
