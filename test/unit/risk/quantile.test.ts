/**
 * The selection path (quantileInPlace / selectInPlace / esInPlace) against the sort path it replaced
 * (quantileSorted / esFromSorted of sortedCopy): the same numbers, compared exactly, on random, tied, constant and
 * adversarially ordered samples of many sizes.
 */
import {
  createRandom,
  expectedShortfall,
  historicalVaR,
  monteCarloVaR,
  quantileInPlace,
  quantileSorted,
  selectInPlace,
  simulatePortfolioReturns,
  sortedCopy,
  type ExpectedShortfallMethod,
  type QuantileMethod,
} from '../../../src/risk';
import { tailProbability } from '../../../src/risk/validation';
import { esFromSorted, esInPlace, orderTailInPlace, varFromSorted, varInPlace } from '../../../src/risk/var';

const QUANTILE_METHODS: QuantileMethod[] = ['linear', 'inverted_cdf'];
const ES_METHODS: ExpectedShortfallMethod[] = ['rockafellar_uryasev', 'mean_k_worst'];
const PROBABILITIES = [0.001, 0.01, 0.025, 0.05, 0.1, 0.12, 0.25, 0.5, 0.77, 0.95, 0.99];

type Random = ReturnType<typeof createRandom>;

/** Sample shapes: random, heavy ties and duplicates (with ±0), constant, and orders that defeat naive pivots. */
const SHAPES: Record<string, (n: number, random: Random) => Float64Array> = {
  gaussian: (n, random) => Float64Array.from({ length: n }, () => 0.0003 + 0.012 * random.nextNormal()),
  'rounded (ties)': (n, random) =>
    Float64Array.from({ length: n }, () => Math.round(random.nextNormal() * 20) / 1000),
  'few distinct values with ±0': (n, random) =>
    Float64Array.from({ length: n }, () => [-0.02, -0, 0, 0.01, 0.03][Math.floor(random.nextUniform() * 5)]),
  constant: (n) => new Float64Array(n).fill(-0.004),
  'already sorted': (n, random) => sortedCopy(SHAPES.gaussian(n, random)),
  'reverse sorted': (n, random) => sortedCopy(SHAPES.gaussian(n, random)).reverse(),
  'sorted with duplicates': (n) => Float64Array.from({ length: n }, (_, i) => Math.floor(i / 7)),
  'organ pipe': (n) => Float64Array.from({ length: n }, (_, i) => Math.min(i, n - 1 - i)),
  sawtooth: (n) => Float64Array.from({ length: n }, (_, i) => (i % 37) - 18),
  'two sorted runs': (n) => Float64Array.from({ length: n }, (_, i) => (i < n / 2 ? i : i - n / 2)),
  'alternating signs': (n) => Float64Array.from({ length: n }, (_, i) => (i % 2 === 0 ? i : -i)),
};

/** Throws on the first index where a and b differ (===, so ±0 count as equal): cheap enough for hot loops. */
function expectSameValues(a: ArrayLike<number>, b: ArrayLike<number>, label: string): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) throw new Error(`${label}: [${i}] ${a[i]} !== ${b[i]}`);
  }
}

const FIXED_SIZES = [2, 3, 4, 5, 16, 17, 18, 99, 250, 599, 600, 601, 602, 1000, 2520, 5000];
const RANDOM_SIZES_PER_SHAPE = 40;

/** Fixed sizes (the insertion-sort and sampling thresholds among them) plus seeded random sizes in [2, 5000]. */
function casesFor(shape: string): { n: number; seed: number }[] {
  const sizes = createRandom(shape.length * 7919);
  const random = Array.from(
    { length: RANDOM_SIZES_PER_SHAPE },
    () => 2 + Math.floor(sizes.nextUniform() * 4999),
  );
  return [...FIXED_SIZES, ...random].map((n, i) => ({ n, seed: 1000 * i + n }));
}

describe.each(Object.keys(SHAPES))('selection equals the full sort: %s samples', (shape) => {
  const cases = casesFor(shape).map(({ n, seed }) => ({ n, sample: SHAPES[shape](n, createRandom(seed)) }));

  it('selectInPlace puts the sorted value at k, nothing larger before it and nothing smaller after it', () => {
    for (const { n, sample } of cases) {
      const sorted = sortedCopy(sample);
      const ks = n <= 20 ? Array.from({ length: n }, (_, k) => k) : [0, 1, n >> 7, n >> 1, n - 2, n - 1];
      for (const k of ks) {
        const scratch = sample.slice();
        selectInPlace(scratch, k);
        const label = `n=${n} k=${k}`;
        if (scratch[k] !== sorted[k]) throw new Error(`${label}: ${scratch[k]} !== ${sorted[k]}`);
        for (let i = 0; i < n; i++) {
          const wrongSide = (i < k && scratch[i] > scratch[k]) || (i > k && scratch[i] < scratch[k]);
          if (wrongSide) {
            throw new Error(`${label}: [${i}] is on the wrong side`);
          }
        }
        // A permutation of the sample: the same multiset.
        expectSameValues(sortedCopy(scratch), sorted, `${label} multiset`);
      }
    }
  });

  it.each(QUANTILE_METHODS)('quantileInPlace (%s) === quantileSorted at every tested p', (method) => {
    for (const { sample } of cases) {
      const sorted = sortedCopy(sample);
      for (const p of PROBABILITIES) {
        const selected = quantileInPlace(sample.slice(), p, method);
        const expected = quantileSorted(sorted, p, method);
        if (selected !== expected) throw new Error(`n=${sample.length} p=${p}: ${selected} !== ${expected}`);
        expect(Object.is(varInPlace(sample.slice(), p, method), varFromSorted(sorted, p, method))).toBe(true);
      }
    }
  });

  it.each(ES_METHODS)('esInPlace (%s) is bit for bit esFromSorted at every tested p', (method) => {
    for (const { sample } of cases) {
      const sorted = sortedCopy(sample);
      for (const p of PROBABILITIES) {
        const selected = esInPlace(sample.slice(), p, method);
        const expected = esFromSorted(sorted, p, method);
        if (!Object.is(selected, expected)) {
          throw new Error(`n=${sample.length} p=${p}: ${selected} is not ${expected}`);
        }
      }
    }
  });

  it('orderTailInPlace leaves the ES tail ascending in front, and the VaR can then select in the rest only', () => {
    for (const { n, sample } of cases) {
      const sorted = sortedCopy(sample);
      for (const p of PROBABILITIES) {
        for (const esMethod of ES_METHODS) {
          const scratch = sample.slice();
          const ordered = orderTailInPlace(scratch, p, esMethod);
          const label = `n=${n} p=${p} ${esMethod}`;
          expectSameValues(scratch.subarray(0, ordered), sorted.subarray(0, ordered), label);
          for (let i = ordered; i < n; i++) {
            if (scratch[i] < scratch[ordered - 1]) throw new Error(`${label}: [${i}] is below the tail`);
          }
          for (const method of QUANTILE_METHODS) {
            // The VaR selection may only reorder the rest: the ordered prefix stays as it is.
            const copy = scratch.slice();
            const selected = quantileInPlace(copy, p, method, ordered);
            if (selected !== quantileSorted(sorted, p, method)) {
              throw new Error(`${label} ${method}: ${selected}`);
            }
            expectSameValues(copy.subarray(0, ordered), scratch.subarray(0, ordered), `${label} ${method}`);
          }
        }
      }
    }
  });
});

describe('public historical VaR / ES are unchanged by the selection path', () => {
  const confidences = [0.9, 0.95, 0.975, 0.99, 0.999, 0.5];

  it.each([2, 3, 10, 61, 250, 2520, 5000])('%i returns, both methods of each, 1 and 10 days', (n) => {
    for (let seed = 0; seed < 10; seed++) {
      const random = createRandom(seed);
      const returns = Array.from({ length: n }, () => Math.round(random.nextNormal() * 400) / 20000);
      const sorted = sortedCopy(returns);
      for (const c of confidences) {
        const p = tailProbability(c);
        for (const method of QUANTILE_METHODS) {
          expect(historicalVaR(returns, c, method)).toBe(varFromSorted(sorted, p, method));
          expect(historicalVaR(returns, c, method, 10)).toBe(
            varFromSorted(sorted, p, method) * Math.sqrt(10),
          );
        }
        for (const method of ES_METHODS) {
          expect(expectedShortfall(returns, c, method)).toBe(esFromSorted(sorted, p, method));
          expect(expectedShortfall(returns, c, method, 10)).toBe(
            esFromSorted(sorted, p, method) * Math.sqrt(10),
          );
        }
      }
    }
  });

  it('expectedShortfall does not reorder the caller’s array either', () => {
    const random = createRandom(5);
    const returns = Array.from({ length: 500 }, () => random.nextNormal());
    const typed = Float64Array.from(returns);
    expectedShortfall(returns, 0.99, 'mean_k_worst');
    expectedShortfall(typed, 0.95);
    historicalVaR(typed, 0.95);
    expect(Array.from(typed)).toEqual(returns);
  });
});

describe('Monte Carlo VaR / ES by selection', () => {
  const book = {
    mean: [0.0004, 0.0001, -0.0002],
    covariance: [
      [0.0004, 0.00018, -0.00003],
      [0.00018, 0.000225, 0.00001],
      [-0.00003, 0.00001, 0.0001],
    ],
    weights: [0.5, -0.2, 0.3],
  };

  it.each([2, 3, 7, 100, 999, 20_000])(
    'equal the sort of the simulated paths (%i paths), all four combinations',
    (paths) => {
      for (const seed of [1, 2, 3]) {
        const sorted = simulatePortfolioReturns({ ...book, paths, seed }).sort();
        for (const confidence of [0.5, 0.9, 0.95, 0.99]) {
          const p = tailProbability(confidence);
          for (const varMethod of QUANTILE_METHODS) {
            for (const esMethod of ES_METHODS) {
              const result = monteCarloVaR({ ...book, paths, seed, confidence, varMethod, esMethod });
              expect(result.var).toBe(varFromSorted(sorted, p, varMethod));
              expect(result.es).toBe(esFromSorted(sorted, p, esMethod));
            }
          }
        }
      }
    },
  );
});

describe('large adversarially ordered samples', () => {
  const n = 200_000;
  const orders: Record<string, Float64Array> = {
    ascending: Float64Array.from({ length: n }, (_, i) => i / n),
    descending: Float64Array.from({ length: n }, (_, i) => (n - i) / n),
    'organ pipe': Float64Array.from({ length: n }, (_, i) => Math.min(i, n - 1 - i)),
    'two sorted runs': Float64Array.from({ length: n }, (_, i) => (i < n / 2 ? i : i - n / 2)),
    'strided sawtooth': Float64Array.from({ length: n }, (_, i) => i % 1000),
    'all equal': new Float64Array(n).fill(1),
  };

  it.each(Object.keys(orders))('%s: quantiles and ES tails equal the sorted ones', (name) => {
    const sample = orders[name];
    const sorted = sortedCopy(sample);
    for (const p of [0.01, 0.5, 0.99]) {
      for (const method of QUANTILE_METHODS) {
        expect(quantileInPlace(sample.slice(), p, method) === quantileSorted(sorted, p, method)).toBe(true);
      }
      for (const method of ES_METHODS) {
        expect(esInPlace(sample.slice(), p, method)).toBe(esFromSorted(sorted, p, method));
      }
    }
  });
});

describe('selectInPlace arguments', () => {
  it('selects within [from, to] only and leaves the rest untouched', () => {
    const random = createRandom(12);
    const sample = Float64Array.from({ length: 300 }, () => random.nextNormal());
    const scratch = sample.slice();
    selectInPlace(scratch, 150, 100, 199);
    expect(scratch.subarray(0, 100)).toEqual(sample.subarray(0, 100));
    expect(scratch.subarray(200)).toEqual(sample.subarray(200));
    expect(scratch[150]).toBe(sortedCopy(sample.subarray(100, 200))[50]);
  });

  it('rejects k outside [from, to], a range outside the array and non-integers', () => {
    const values = new Float64Array(10);
    expect(() => selectInPlace(values, 10)).toThrow(/need 0 ≤ from ≤ k ≤ to < 10, got 0, 10, 9/);
    expect(() => selectInPlace(values, 2, 3, 5)).toThrow(RangeError);
    expect(() => selectInPlace(values, 2, 0, 10)).toThrow(RangeError);
    expect(() => selectInPlace(values, 1.5)).toThrow(/must be integers/);
  });

  it('quantileInPlace rejects an unknown method like quantileSorted', () => {
    expect(() => quantileInPlace(new Float64Array(3), 0.5, 'nearest' as never)).toThrow(
      /quantileInPlace: method must be one of linear, inverted_cdf, got nearest/,
    );
  });
});
