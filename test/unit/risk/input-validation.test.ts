/**
 * Issue 18: every public function of src/risk fails closed, checked by property (fast-check) over every export
 * of src/risk/index.ts:
 *
 * (a) valid finite inputs of realistic size give finite numbers everywhere in the result;
 * (b) NaN, ±Infinity, or a negative (or otherwise out-of-range) value where the argument does not allow it,
 *     injected into any one numeric argument, throws a RangeError whose message starts with the function's name
 *     and names the argument — never NaN, never a silent "no breach", never zeros;
 * (c) finite inputs from the whole double range (values near ±1.8e308, subnormals) give finite numbers or such a
 *     RangeError naming the function: an overflow is reported as bad input, not returned as ±Infinity or NaN.
 *
 * The last block checks that the specs below cover every runtime export, minus EXEMPT (constants) with reasons,
 * so a new export without a property fails this file.
 */
import fc from 'fast-check';
import * as risk from '../../../src/risk';
import type { Position, QuantileMethod, RiskLimits, RiskReportInput } from '../../../src/risk';

// ---------------------------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------------------------

/** Runs per property: small, so the whole file takes a few seconds. */
const VALID_RUNS = 60;
const INJECTION_RUNS = 25;
const EXTREME_RUNS = 60;

/** The numbers a spec's inputs are drawn from: realistic magnitudes, or the whole finite double range. */
interface Scale {
  /** A daily return or other signed fraction. */
  ret: fc.Arbitrary<number>;
  /** A signed amount: quantity, notional, market value, VaR in currency. */
  amount: fc.Arbitrary<number>;
  /** A positive price. */
  price: fc.Arbitrary<number>;
  /** A non-negative magnitude: a limit, a volatility, a test statistic. */
  nonNegative: fc.Arbitrary<number>;
  /** A portfolio weight (signed). */
  weight: fc.Arbitrary<number>;
  /** A confidence in (0, 1). */
  confidence: fc.Arbitrary<number>;
}

const finite = (min: number, max: number): fc.Arbitrary<number> => fc.double({ min, max, noNaN: true });
const ANY_FINITE = fc.double({ noNaN: true, noDefaultInfinity: true });

const REALISTIC: Scale = {
  ret: finite(-0.2, 0.2),
  amount: finite(-1e6, 1e6),
  price: finite(0.01, 1e4),
  nonNegative: finite(0, 1e6),
  weight: finite(-1, 1),
  confidence: finite(0.8, 0.999),
};

const EXTREME: Scale = {
  ret: ANY_FINITE,
  amount: ANY_FINITE,
  price: fc.double({ min: Number.MIN_VALUE, noNaN: true, noDefaultInfinity: true }),
  nonNegative: fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }),
  weight: ANY_FINITE,
  confidence: fc.double({ min: Number.MIN_VALUE, max: 1 - 2 ** -53, noNaN: true }),
};

const OPEN_UNIT = fc.double({ min: 0, max: 1, minExcluded: true, maxExcluded: true, noNaN: true });
const CLOSED_UNIT = finite(0, 1);
const quantileMethod = fc.constantFrom(...risk.QUANTILE_METHODS);
const esMethod = fc.constantFrom(...risk.EXPECTED_SHORTFALL_METHODS);
const horizon = fc.integer({ min: 1, max: 250 });
const seed = fc.maxSafeInteger();

// Bad values. NEGATIVE includes −Infinity and −Number.MIN_VALUE.
const NON_FINITE = fc.constantFrom(NaN, Infinity, -Infinity);
const NEGATIVE = fc.double({ max: -Number.MIN_VALUE, noNaN: true });
const ABOVE_ONE = fc.double({ min: 1, minExcluded: true, noNaN: true });
const FRACTIONAL = finite(0.001, 1e6).filter((x) => !Number.isInteger(x));
const BAD_NON_NEGATIVE = fc.oneof(NON_FINITE, NEGATIVE);
const BAD_POSITIVE = fc.oneof(NON_FINITE, NEGATIVE, fc.constant(0));
/** For a confidence or tail probability in (0, 1). */
const BAD_OPEN_UNIT = fc.oneof(NON_FINITE, NEGATIVE, fc.constantFrom(0, 1), ABOVE_ONE);
/** For a probability or fraction in [0, 1]. */
const BAD_CLOSED_UNIT = fc.oneof(NON_FINITE, NEGATIVE, ABOVE_ONE);
/** For a positive integer (a horizon, a path count, a window). */
const BAD_POSITIVE_INTEGER = fc.oneof(NON_FINITE, fc.integer({ max: 0 }), FRACTIONAL, fc.constant(2 ** 53));
/** For a count (an integer ≥ 0). */
const BAD_COUNT = fc.oneof(NON_FINITE, fc.integer({ max: -1 }), FRACTIONAL, fc.constant(2 ** 53));

const SYMBOLS = ['AAA', 'BBB', 'CCC', 'DDD'];
const TAGS = ['tech', 'energy', 'financials'];
const DAY = 86_400_000;
const dateOf = (t: number): string => new Date(Date.UTC(2024, 0, 1) + t * DAY).toISOString().slice(0, 10);

const series = (values: fc.Arbitrary<number>, minLength: number, maxLength: number): fc.Arbitrary<number[]> =>
  fc.array(values, { minLength, maxLength });

/** Some inputs have a Float64Array fast path: draw both kinds. */
const arrayLike = (values: fc.Arbitrary<number[]>): fc.Arbitrary<ArrayLike<number>> =>
  fc.tuple(values, fc.boolean()).map(([v, typed]) => (typed ? Float64Array.from(v) : v));

/** k series of one length n. */
const seriesSet = (
  values: fc.Arbitrary<number>,
  k: { min: number; max: number },
  n: { min: number; max: number },
): fc.Arbitrary<number[][]> =>
  fc
    .tuple(fc.integer(k), fc.integer(n))
    .chain(([count, length]) =>
      fc.array(series(values, length, length), { minLength: count, maxLength: count }),
    );

/** A symmetric positive definite k×k matrix: F·Fᵀ/m + jitter·I of a random k×m factor F. */
const covariance = (entry: fc.Arbitrary<number>, k: number): fc.Arbitrary<number[][]> =>
  fc.array(series(entry, k + 1, k + 1), { minLength: k, maxLength: k }).map((factor) => {
    const m = k + 1;
    const cov = factor.map(() => new Array<number>(k).fill(0));
    for (let i = 0; i < k; i++) {
      for (let j = 0; j <= i; j++) {
        let sum = 0;
        for (let c = 0; c < m; c++) sum += factor[i][c] * factor[j][c];
        cov[i][j] = sum / m + (i === j ? 1e-4 : 0);
        cov[j][i] = cov[i][j];
      }
    }
    return cov;
  });

/** A symmetric matrix with unit diagonal and entries in [−1, 1] (what the correlation limits read). */
const correlation = (k: number): fc.Arbitrary<number[][]> =>
  fc.array(finite(-1, 1), { minLength: k * k, maxLength: k * k }).map((entries) => {
    const rho = Array.from({ length: k }, () => new Array<number>(k).fill(1));
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < i; j++) {
        rho[i][j] = entries[i * k + j];
        rho[j][i] = rho[i][j];
      }
    }
    return rho;
  });

const tags = fc.subarray(TAGS);

/** A position line: a quantity or a market value, with tags. */
const position = (s: Scale, symbols: string[] = SYMBOLS): fc.Arbitrary<Position> =>
  fc.oneof(
    fc.record({ symbol: fc.constantFrom(...symbols), quantity: s.amount, tags }),
    fc.record({ symbol: fc.constantFrom(...symbols), marketValue: s.amount, tags }),
  );

const prices = (s: Scale): fc.Arbitrary<Record<string, number>> =>
  fc
    .tuple(...SYMBOLS.map(() => s.price))
    .map((p) => Object.fromEntries(SYMBOLS.map((sym, i) => [sym, p[i]])));

/** Valued lines as the notional checks read them (one per symbol). */
const lines = (s: Scale) =>
  fc.uniqueArray(fc.record({ symbol: fc.constantFrom(...SYMBOLS), notional: s.amount, tags }), {
    selector: (line) => line.symbol,
    minLength: 1,
    maxLength: SYMBOLS.length,
  });

const limits = (s: Scale): fc.Arbitrary<RiskLimits> => {
  const amount = fc.oneof(s.nonNegative, finite(0, 1e7));
  return fc.record(
    {
      maxPositionNotional: amount,
      maxPositionNotionalBySymbol: fc.dictionary(fc.constantFrom(...SYMBOLS), amount, { maxKeys: 2 }),
      maxGrossNotional: amount,
      maxNetNotional: amount,
      maxConcentration: CLOSED_UNIT,
      maxNotionalByTag: fc.dictionary(fc.constantFrom(...TAGS), amount, { maxKeys: 2 }),
      maxPairwiseCorrelation: CLOSED_UNIT,
      maxAveragePairwiseCorrelation: finite(-1, 1),
      maxVaR: amount,
    },
    { requiredKeys: [] },
  );
};

// ---------------------------------------------------------------------------------------------------------------
// Specs
// ---------------------------------------------------------------------------------------------------------------

interface Injected<A> {
  args: A;
  /** The argument as the error message must name it, e.g. `returns[3]` or `limits.maxVaR`. */
  label: string;
}

interface Slot<A> {
  /** The argument, for the test title. */
  name: string;
  /** Values this argument must reject. */
  bad: fc.Arbitrary<number>;
  /** A copy of `args` with `value` in this argument; `pick` chooses an element of an array argument. */
  inject: (args: A, value: number, pick: number) => Injected<A>;
}

interface Spec<A> {
  /** The export under test (its name starts every error message). */
  fn: string;
  /** Valid arguments at a scale. */
  gen: (scale: Scale) => fc.Arbitrary<A>;
  call: (args: A) => unknown;
  slots: Slot<A>[];
  /** A further check of the result for valid arguments. */
  check?: (args: A, result: unknown) => void;
}

const specs: Spec<unknown>[] = [];
function define<A>(spec: Spec<A>): void {
  specs.push(spec as unknown as Spec<unknown>);
}

/** Where an argument sits in a spec's arguments: read it, or put a changed copy back (returning new arguments). */
interface Lens<A, T> {
  get: (args: A) => T;
  set: (args: A, value: T) => A;
}

/** A scalar argument whose message names it `label`. */
function scalar<A>(label: string, bad: fc.Arbitrary<number>, set: (args: A, value: number) => A): Slot<A> {
  return { name: label, bad, inject: (args, value) => ({ args: set(args, value), label }) };
}

/** One element of an array argument, named `name[i]`; an empty array (where valid) gets one bad element. */
function element<A>(
  name: string,
  bad: fc.Arbitrary<number>,
  { get, set }: { get: (args: A) => ArrayLike<number>; set: (args: A, values: number[]) => A },
): Slot<A> {
  return {
    name: `${name}[i]`,
    bad,
    inject: (args, value, pick) => {
      const values = Array.from(get(args));
      const index = values.length === 0 ? 0 : pick % values.length;
      values[index] = value;
      return { args: set(args, values), label: `${name}[${index}]` };
    },
  };
}

/** One entry of a square matrix argument; `diagonal` picks from the diagonal only. */
function entry<A>(
  name: string,
  bad: fc.Arbitrary<number>,
  { get, set }: Lens<A, number[][]>,
  diagonal = false,
): Slot<A> {
  return {
    name: diagonal ? `${name}[i][i]` : `${name}[i][j]`,
    bad,
    inject: (args, value, pick) => {
      const matrix = get(args).map((row) => [...row]);
      const k = matrix.length;
      const i = pick % k;
      const j = diagonal ? i : Math.floor(pick / k) % k;
      matrix[i][j] = value;
      return { args: set(args, matrix), label: `${name}[${i}][${j}]` };
    },
  };
}

const f64 = (values: number[]): Float64Array => Float64Array.from(values);
/** Keeps a typed array typed (a Float64Array holds NaN and ±Infinity as given). */
const like = (original: ArrayLike<number>, values: number[]): ArrayLike<number> =>
  original instanceof Float64Array ? f64(values) : values;

// --- returns ------------------------------------------------------------------------------------------------

for (const fn of ['simpleReturns', 'logReturns'] as const) {
  define<number[]>({
    fn,
    gen: (s) => series(s.price, 2, 60),
    call: (p) => risk[fn](p),
    slots: [element('prices', BAD_POSITIVE, { get: (p) => p, set: (_, v) => v })],
  });
}

type PriceTable = { symbols: string[]; table: number[][]; kind: 'simple' | 'log' };
const priceRecord = ({ symbols, table }: PriceTable) =>
  Object.fromEntries(
    symbols.map((sym, i) => [sym, table[i].map((price, t) => ({ date: dateOf(t), price }))]),
  );

define<PriceTable>({
  fn: 'alignedReturnMatrix',
  gen: (s) =>
    fc.record({
      symbols: fc.constant(SYMBOLS),
      table: seriesSet(s.price, { min: SYMBOLS.length, max: SYMBOLS.length }, { min: 3, max: 40 }),
      kind: fc.constantFrom('simple' as const, 'log' as const),
    }),
  call: (a) => risk.alignedReturnMatrix(priceRecord(a), a.kind),
  slots: [
    {
      name: 'price',
      bad: BAD_POSITIVE,
      inject: (a, value, pick) => {
        const table = a.table.map((row) => [...row]);
        const i = pick % table.length;
        const t = Math.floor(pick / table.length) % table[i].length;
        table[i][t] = value;
        return { args: { ...a, table }, label: `symbol ${a.symbols[i]} has price ${value} on ${dateOf(t)}` };
      },
    },
  ],
});

// --- stats --------------------------------------------------------------------------------------------------

for (const fn of ['mean', 'skewness', 'excessKurtosis'] as const) {
  define<ArrayLike<number>>({
    fn,
    gen: (s) => arrayLike(series(s.ret, fn === 'mean' ? 1 : 2, 80)),
    call: (v) => risk[fn](v),
    slots: [element('values', NON_FINITE, { get: (v) => v, set: (v, copy) => like(v, copy) })],
  });
}

for (const fn of ['meanAndVariance', 'variance', 'std'] as const) {
  define<[ArrayLike<number>, number]>({
    fn,
    gen: (s) => fc.tuple(arrayLike(series(s.ret, 2, 80)), fc.constantFrom(0, 1)),
    call: ([v, ddof]) => risk[fn](v, ddof),
    slots: [
      element('values', NON_FINITE, { get: ([v]) => v, set: ([v, ddof], copy) => [like(v, copy), ddof] }),
      scalar('ddof', BAD_COUNT, ([v], ddof) => [v, ddof]),
    ],
  });
}

const seriesElement = <A>(name: string, { get, set }: Lens<A, ArrayLike<number>[]>): Slot<A> => ({
  name: `${name}[k][i]`,
  bad: NON_FINITE,
  inject: (args, value, pick) => {
    const all = get(args);
    const k = pick % all.length;
    const values = Array.from(all[k]);
    const i = Math.floor(pick / all.length) % values.length;
    values[i] = value;
    const copy = all.map((s, j) => (j === k ? like(s, values) : s));
    return { args: set(args, copy), label: `${name}[${k}][${i}]` };
  },
});

const typedSeriesSet = (s: Scale) =>
  fc
    .tuple(seriesSet(s.ret, { min: 1, max: 4 }, { min: 2, max: 40 }), fc.boolean())
    .map(([all, typed]) => (typed ? all.map(f64) : all) as ArrayLike<number>[]);

define<[ArrayLike<number>[], number]>({
  fn: 'covarianceMatrix',
  gen: (s) => fc.tuple(typedSeriesSet(s), fc.constantFrom(0, 1)),
  call: ([all, ddof]) => risk.covarianceMatrix(all, ddof),
  slots: [
    seriesElement('series', { get: ([all]) => all, set: ([, ddof], all) => [all, ddof] }),
    scalar('ddof', BAD_COUNT, ([all], ddof) => [all, ddof]),
  ],
});

define<ArrayLike<number>[]>({
  fn: 'correlationMatrix',
  gen: typedSeriesSet,
  call: (all) => risk.correlationMatrix(all),
  slots: [seriesElement('series', { get: (all) => all, set: (_, all) => all })],
});

const squareSize = fc.integer({ min: 1, max: 4 });

define<number[][]>({
  fn: 'correlationFromCovariance',
  gen: (s) => squareSize.chain((k) => covariance(s.ret, k)),
  call: (cov) => risk.correlationFromCovariance(cov),
  slots: [
    entry('cov', NON_FINITE, { get: (c) => c, set: (_, c) => c }),
    entry('cov', NEGATIVE, { get: (c) => c, set: (_, c) => c }, true),
  ],
});

define<[number[][], number | undefined]>({
  fn: 'cholesky',
  gen: (s) =>
    fc.tuple(
      squareSize.chain((k) => covariance(s.ret, k)),
      fc.constantFrom(undefined, 0, 1e-12, 1e-8),
    ),
  call: ([m, tolerance]) =>
    risk.cholesky(m, tolerance === undefined ? {} : { semidefiniteTolerance: tolerance }),
  slots: [
    entry('matrix', NON_FINITE, { get: ([m]) => m, set: ([, t], m) => [m, t] }),
    entry('matrix', NEGATIVE, { get: ([m]) => m, set: ([, t], m) => [m, t] }, true),
    scalar(
      'options.semidefiniteTolerance',
      fc.oneof(BAD_NON_NEGATIVE, fc.constant(1), ABOVE_ONE),
      ([m], t) => [m, t],
    ),
  ],
});

// --- normal distribution --------------------------------------------------------------------------------------

for (const fn of ['erfc', 'normalCdf', 'normalPdf'] as const) {
  define<number>({
    fn,
    // ±Infinity is a valid argument here: the limits are finite (erfc(−∞) = 2, Φ(∞) = 1, φ(±∞) = 0).
    gen: (s) => fc.oneof(s === REALISTIC ? finite(-40, 40) : s.amount, fc.constantFrom(Infinity, -Infinity)),
    call: (x) => risk[fn](x),
    slots: [scalar('x', fc.constant(NaN), (_, x) => x)],
  });
}

define<number>({
  fn: 'inverseNormalCdf',
  // Any p in (0, 1), subnormals included: Φ⁻¹(0) = −∞ and Φ⁻¹(1) = +∞ are the documented ends (see below).
  gen: () => OPEN_UNIT,
  call: (p) => risk.inverseNormalCdf(p),
  slots: [scalar('p', BAD_CLOSED_UNIT, (_, p) => p)],
});

// --- quantiles ------------------------------------------------------------------------------------------------

define<[Float64Array, number, QuantileMethod, number]>({
  fn: 'quantileInPlace',
  gen: (s) =>
    fc
      .tuple(series(s.ret, 1, 100), CLOSED_UNIT, quantileMethod, fc.nat(), fc.boolean())
      .map(([v, p, method, pick, sortFirst]) => {
        // `ordered` declares a sorted prefix: valid when the sample is sorted first, else only 0 is.
        const values = sortFirst ? f64(v).sort() : f64(v);
        return [values, p, method, sortFirst ? pick % (v.length + 1) : 0];
      }),
  call: ([v, p, method, ordered]) => risk.quantileInPlace(Float64Array.from(v), p, method, ordered),
  slots: [
    element('values', NON_FINITE, { get: ([v]) => v, set: ([, p, m, o], copy) => [f64(copy), p, m, o] }),
    scalar('p', BAD_CLOSED_UNIT, ([v, , m, o], p) => [v, p, m, o]),
    scalar('ordered', BAD_COUNT, ([v, p, m], o) => [v, p, m, o]),
  ],
});

define<[Float64Array, number, QuantileMethod]>({
  fn: 'quantileSorted',
  gen: (s) =>
    fc
      .tuple(series(s.ret, 1, 100), CLOSED_UNIT, quantileMethod)
      .map(([v, p, method]) => [f64(v).sort(), p, method]),
  call: ([sorted, p, method]) => risk.quantileSorted(sorted, p, method),
  slots: [
    // Anywhere, not only at the ends where a sort would put it: the whole sample is checked.
    element('sorted', NON_FINITE, { get: ([v]) => v, set: ([, p, m], copy) => [f64(copy), p, m] }),
    scalar('p', BAD_CLOSED_UNIT, ([v, , m], p) => [v, p, m]),
  ],
});

define<[Float64Array, number, number, number]>({
  fn: 'selectInPlace',
  gen: (s) =>
    fc.tuple(series(s.ret, 1, 100), fc.nat(), fc.nat(), fc.nat()).map(([v, a, b, c]) => {
      const [from, k, to] = [a % v.length, b % v.length, c % v.length].sort((x, y) => x - y);
      return [f64(v), k, from, to];
    }),
  call: ([v, k, from, to]) => {
    const values = Float64Array.from(v);
    risk.selectInPlace(values, k, from, to);
    return values;
  },
  check: ([v, k, from, to], result) => {
    const sorted = v.slice(from, to + 1).sort();
    expect((result as Float64Array)[k] === sorted[k - from]).toBe(true);
  },
  slots: [
    {
      name: 'values[i] in [from, to]',
      bad: NON_FINITE,
      inject: ([v, k, from, to], value, pick) => {
        const values = Float64Array.from(v);
        const index = from + (pick % (to - from + 1));
        values[index] = value;
        return { args: [values, k, from, to], label: `values[${index}]` };
      },
    },
    scalar('k', fc.oneof(BAD_NON_NEGATIVE, FRACTIONAL), ([v, , from, to], k) => [v, k, from, to]),
    scalar('from', fc.oneof(BAD_NON_NEGATIVE, FRACTIONAL), ([v, k, , to], from) => [v, k, from, to]),
    scalar('to', fc.oneof(BAD_NON_NEGATIVE, FRACTIONAL), ([v, k, from], to) => [v, k, from, to]),
  ],
});

define<number[]>({
  fn: 'sortedCopy',
  gen: (s) => series(s.ret, 0, 100),
  call: (v) => risk.sortedCopy(v),
  slots: [element('values', NON_FINITE, { get: (v) => v, set: (_, v) => v })],
});

// --- VaR and ES -------------------------------------------------------------------------------------------------

define<[number[], number, QuantileMethod, number]>({
  fn: 'historicalVaR',
  gen: (s) => fc.tuple(series(s.ret, 2, 120), s.confidence, quantileMethod, horizon),
  call: ([r, c, m, h]) => risk.historicalVaR(r, c, m, h),
  slots: [
    element('returns', NON_FINITE, { get: ([r]) => r, set: ([, c, m, h], r) => [r, c, m, h] }),
    scalar('confidence', BAD_OPEN_UNIT, ([r, , m, h], c) => [r, c, m, h]),
    scalar('horizonDays', BAD_POSITIVE_INTEGER, ([r, c, m], h) => [r, c, m, h]),
  ],
});

define<[number[], number, risk.ExpectedShortfallMethod, number]>({
  fn: 'expectedShortfall',
  gen: (s) => fc.tuple(series(s.ret, 2, 120), s.confidence, esMethod, horizon),
  call: ([r, c, m, h]) => risk.expectedShortfall(r, c, m, h),
  slots: [
    element('returns', NON_FINITE, { get: ([r]) => r, set: ([, c, m, h], r) => [r, c, m, h] }),
    scalar('confidence', BAD_OPEN_UNIT, ([r, , m, h], c) => [r, c, m, h]),
    scalar('horizonDays', BAD_POSITIVE_INTEGER, ([r, c, m], h) => [r, c, m, h]),
  ],
});

type ParametricArgs = [
  ArrayLike<number>,
  number,
  { ddof: number; cornishFisher: boolean; horizonDays: number },
];
const parametricArgs = (s: Scale): fc.Arbitrary<ParametricArgs> =>
  fc.tuple(
    arrayLike(series(s.ret, 3, 120)),
    s.confidence,
    fc.record({ ddof: fc.constantFrom(0, 1), cornishFisher: fc.boolean(), horizonDays: horizon }),
  );
const parametricSlots = (): Slot<ParametricArgs>[] => [
  element('returns', NON_FINITE, { get: ([r]) => r, set: ([r, c, o], copy) => [like(r, copy), c, o] }),
  scalar('confidence', BAD_OPEN_UNIT, ([r, , o], c) => [r, c, o]),
  scalar('ddof', BAD_COUNT, ([r, c, o], ddof) => [r, c, { ...o, ddof }]),
  scalar('horizonDays', BAD_POSITIVE_INTEGER, ([r, c, o], horizonDays) => [r, c, { ...o, horizonDays }]),
];

define<ParametricArgs>({
  fn: 'parametricVaR',
  gen: parametricArgs,
  call: ([r, c, o]) => risk.parametricVaR(r, c, o),
  slots: parametricSlots(),
});

define<ParametricArgs>({
  fn: 'parametricES',
  gen: parametricArgs,
  call: ([r, c, { ddof, horizonDays }]) => risk.parametricES(r, c, { ddof, horizonDays }),
  slots: parametricSlots(),
});

for (const fn of ['gaussianVaR', 'gaussianES'] as const) {
  define<[number, number, number]>({
    fn,
    gen: (s) => fc.tuple(s.ret, s === REALISTIC ? finite(0, 0.5) : s.nonNegative, s.confidence),
    call: ([mu, sigma, c]) => risk[fn](mu, sigma, c),
    slots: [
      scalar('mu', NON_FINITE, ([, sigma, c], mu) => [mu, sigma, c]),
      scalar('sigma', BAD_NON_NEGATIVE, ([mu, , c], sigma) => [mu, sigma, c]),
      scalar('confidence', BAD_OPEN_UNIT, ([mu, sigma], c) => [mu, sigma, c]),
    ],
  });
}

define<[number, number, number]>({
  fn: 'cornishFisherZ',
  gen: (s) =>
    s === REALISTIC
      ? fc.tuple(finite(-5, 5), finite(-3, 3), finite(-2, 30))
      : fc.tuple(s.amount, s.amount, s.amount),
  call: ([z, skew, kurt]) => risk.cornishFisherZ(z, skew, kurt),
  slots: [
    scalar('z', NON_FINITE, ([, s, k], z) => [z, s, k]),
    scalar('skew', NON_FINITE, ([z, , k], s) => [z, s, k]),
    scalar('exKurtosis', NON_FINITE, ([z, s], k) => [z, s, k]),
  ],
});

define<[number, number]>({
  fn: 'scaleToHorizon',
  gen: (s) => fc.tuple(s.amount, horizon),
  call: ([x, h]) => risk.scaleToHorizon(x, h),
  slots: [
    scalar('oneDay', NON_FINITE, ([, h], x) => [x, h]),
    scalar('horizonDays', BAD_POSITIVE_INTEGER, ([x], h) => [x, h]),
  ],
});

// --- random numbers and Monte Carlo -------------------------------------------------------------------------

define<number>({
  fn: 'createRandom',
  gen: () => seed.map((s) => (s % 2 === 0 ? s : -s)), // negative seeds are valid (and distinct)
  call: (s) => {
    const random = risk.createRandom(s);
    const normals = new Float64Array(16);
    random.fillNormals(normals);
    return { uint: random.nextUint32(), uniform: random.nextUniform(), normal: random.nextNormal(), normals };
  },
  check: (_, result) => {
    const { uint, uniform } = result as { uint: number; uniform: number };
    expect(Number.isInteger(uint) && uint >= 0 && uint < 2 ** 32).toBe(true);
    expect(uniform > 0 && uniform < 1).toBe(true);
  },
  slots: [
    scalar('seed', fc.oneof(NON_FINITE, FRACTIONAL, fc.constantFrom(2 ** 53, -(2 ** 53))), (_, s) => s),
  ],
});

const simulationInput = (s: Scale) =>
  squareSize.chain((k) =>
    fc.record({
      mean: series(s === REALISTIC ? finite(-0.01, 0.01) : s.ret, k, k),
      covariance: covariance(s === REALISTIC ? finite(-0.05, 0.05) : s.ret, k),
      weights: series(s.weight, k, k),
      paths: fc.integer({ min: 2, max: 300 }),
      seed,
      horizonDays: fc.integer({ min: 1, max: 20 }),
      semidefiniteTolerance: fc.constantFrom(undefined, 0, 1e-12, 1e-6),
    }),
  );

type SimulationInput = risk.PortfolioSimulationInput;
const simulationSlots = <A extends SimulationInput>(): Slot<A>[] => [
  element('mean', NON_FINITE, { get: (a) => a.mean, set: (a, mean) => ({ ...a, mean }) }),
  entry('covariance', NON_FINITE, {
    get: (a) => a.covariance,
    set: (a, covariance) => ({ ...a, covariance }),
  }),
  entry(
    'covariance',
    NEGATIVE,
    { get: (a) => a.covariance, set: (a, covariance) => ({ ...a, covariance }) },
    true,
  ),
  element('weights', NON_FINITE, { get: (a) => a.weights, set: (a, weights) => ({ ...a, weights }) }),
  scalar('paths', BAD_POSITIVE_INTEGER, (a, paths) => ({ ...a, paths })),
  scalar('seed', fc.oneof(NON_FINITE, FRACTIONAL, fc.constant(2 ** 53)), (a, seed) => ({ ...a, seed })),
  scalar('horizonDays', BAD_POSITIVE_INTEGER, (a, horizonDays) => ({ ...a, horizonDays })),
  scalar('semidefiniteTolerance', fc.oneof(BAD_NON_NEGATIVE, fc.constant(1), ABOVE_ONE), (a, tolerance) => ({
    ...a,
    semidefiniteTolerance: tolerance,
  })),
];

define<SimulationInput>({
  fn: 'simulatePortfolioReturns',
  gen: simulationInput,
  call: (input) => risk.simulatePortfolioReturns(input),
  slots: simulationSlots(),
});

define<risk.MonteCarloInput>({
  fn: 'monteCarloVaR',
  gen: (s) =>
    fc
      .tuple(simulationInput(s), s.confidence, quantileMethod, esMethod)
      .map(([input, confidence, varMethod, esMethod]) => ({ ...input, confidence, varMethod, esMethod })),
  call: (input) => risk.monteCarloVaR(input),
  slots: [
    ...simulationSlots<risk.MonteCarloInput>(),
    scalar('confidence', BAD_OPEN_UNIT, (a, confidence) => ({ ...a, confidence })),
  ],
});

// --- positions ------------------------------------------------------------------------------------------------

/** The quantity or market value of one position line, named as the messages name it. */
const lineAmount = <A>({ get, set }: Lens<A, Position[]>): Slot<A> => ({
  name: 'quantity / marketValue',
  bad: NON_FINITE,
  inject: (args, value, pick) => {
    const positions = get(args);
    const index = pick % positions.length;
    const line = positions[index];
    const copy = [...positions];
    const field = line.quantity === undefined ? 'marketValue' : 'quantity';
    copy[index] = { ...line, [field]: value };
    return { args: set(args, copy), label: `${field} of ${line.symbol}` };
  },
});

/** The price of the symbol of one position line. */
const linePrice = <A>({
  get,
  set,
}: {
  get: (args: A) => [Position[], Record<string, number>];
  set: (args: A, prices: Record<string, number>) => A;
}): Slot<A> => ({
  name: 'price',
  bad: BAD_POSITIVE,
  inject: (args, value, pick) => {
    const [positions, byPrice] = get(args);
    const { symbol } = positions[pick % positions.length];
    return { args: set(args, { ...byPrice, [symbol]: value }), label: `price of ${symbol}` };
  },
});

const positions = (s: Scale) => fc.array(position(s), { minLength: 1, maxLength: 8 });

define<Position[]>({
  fn: 'netPositionLines',
  gen: positions,
  call: (p) => risk.netPositionLines(p),
  slots: [lineAmount({ get: (p) => p, set: (_, p) => p })],
});

define<[Position[], Record<string, number>]>({
  fn: 'valuePositions',
  gen: (s) => fc.tuple(positions(s), prices(s)),
  call: ([p, byPrice]) => risk.valuePositions(p, byPrice),
  slots: [
    lineAmount({ get: ([p]) => p, set: ([, byPrice], p) => [p, byPrice] }),
    linePrice({ get: (a) => a, set: ([p], byPrice) => [p, byPrice] }),
  ],
});

// --- contributions --------------------------------------------------------------------------------------------

type CovarianceArgs = [number[], number[][], number, number];
const covarianceArgs = (s: Scale): fc.Arbitrary<CovarianceArgs> =>
  squareSize.chain((k) =>
    fc.tuple(
      series(s.weight, k, k),
      covariance(s === REALISTIC ? finite(-0.05, 0.05) : s.ret, k),
      s.confidence,
      horizon,
    ),
  );
const covarianceSlots: Slot<CovarianceArgs>[] = [
  element('weights', NON_FINITE, { get: ([w]) => w, set: ([, c, conf, h], w) => [w, c, conf, h] }),
  entry('covariance', NON_FINITE, { get: ([, c]) => c, set: ([w, , conf, h], c) => [w, c, conf, h] }),
  entry('covariance', NEGATIVE, { get: ([, c]) => c, set: ([w, , conf, h], c) => [w, c, conf, h] }, true),
];

define<CovarianceArgs>({
  fn: 'eulerShares',
  gen: covarianceArgs,
  call: ([w, c]) => risk.eulerShares(w, c),
  slots: covarianceSlots,
});

define<CovarianceArgs>({
  fn: 'parametricContributions',
  gen: covarianceArgs,
  call: ([w, c, conf, h]) => risk.parametricContributions(w, c, conf, h),
  slots: [
    ...covarianceSlots,
    scalar('confidence', BAD_OPEN_UNIT, ([w, c, , h], conf) => [w, c, conf, h]),
    scalar('horizonDays', BAD_POSITIVE_INTEGER, ([w, c, conf], h) => [w, c, conf, h]),
  ],
});

define<number[]>({
  fn: 'scenarioOrder',
  gen: (s) => series(s.ret, 1, 100),
  call: (r) => risk.scenarioOrder(r),
  slots: [element('portfolioReturns', NON_FINITE, { get: (r) => r, set: (_, r) => r })],
});

for (const fn of ['varScenarioWeights', 'esScenarioWeights'] as const) {
  define<[Uint32Array, number, string]>({
    fn,
    gen: (s) =>
      fc
        .tuple(
          series(s.ret, 1, 100),
          s === REALISTIC ? finite(0.001, 0.2) : OPEN_UNIT,
          fn === 'varScenarioWeights' ? quantileMethod : esMethod,
        )
        .map(([r, p, method]) => [risk.scenarioOrder(r), p, method]),
    call: ([order, p, method]) =>
      fn === 'varScenarioWeights'
        ? risk.varScenarioWeights(order, p, method as QuantileMethod)
        : risk.esScenarioWeights(order, p, method as risk.ExpectedShortfallMethod),
    check: ([order], result) => {
      const { days, weights } = result as risk.ScenarioWeights;
      expect(days.every((day) => Number.isInteger(day) && day >= 0 && day < order.length)).toBe(true);
      expect(weights.reduce((sum, w) => sum + w, 0)).toBeCloseTo(1, 9);
    },
    slots: [
      // A plain array: a Uint32Array would turn NaN into 0 before the function could see it.
      element('order', fc.oneof(BAD_NON_NEGATIVE, FRACTIONAL), {
        get: ([o]) => o,
        set: ([, p, m], o) => [o as unknown as Uint32Array, p, m],
      }),
      scalar('p', BAD_OPEN_UNIT, ([o, , m], p) => [o, p, m]),
    ],
  });
}

type HistoricalContributionArgs = [number[], number[][], risk.HistoricalContributionOptions];
define<HistoricalContributionArgs>({
  fn: 'historicalContributions',
  gen: (s) =>
    fc
      .tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 2, max: 60 }))
      .chain(([k, n]) =>
        fc.tuple(
          series(s.weight, k, k),
          fc.array(series(s.ret, n, n), { minLength: k, maxLength: k }),
          fc.record({ confidence: s.confidence, varMethod: quantileMethod, esMethod, horizonDays: horizon }),
        ),
      ),
  call: ([w, r, o]) => risk.historicalContributions(w, r, o),
  slots: [
    element('weights', NON_FINITE, { get: ([w]) => w, set: ([, r, o], w) => [w, r, o] }),
    seriesElement('returns', { get: ([, r]) => r, set: ([w, , o], r) => [w, r as number[][], o] }),
    scalar('confidence', BAD_OPEN_UNIT, ([w, r, o], confidence) => [w, r, { ...o, confidence }]),
    scalar('horizonDays', BAD_POSITIVE_INTEGER, ([w, r, o], horizonDays) => [w, r, { ...o, horizonDays }]),
  ],
});

// --- limits ---------------------------------------------------------------------------------------------------

/** What each limit must reject: non-finite values and values outside its range. */
const LIMIT_RANGES: Record<string, fc.Arbitrary<number>> = {
  maxPositionNotional: BAD_NON_NEGATIVE,
  maxGrossNotional: BAD_NON_NEGATIVE,
  maxNetNotional: BAD_NON_NEGATIVE,
  maxConcentration: BAD_CLOSED_UNIT,
  maxPairwiseCorrelation: BAD_CLOSED_UNIT,
  maxAveragePairwiseCorrelation: fc.oneof(
    NON_FINITE,
    ABOVE_ONE,
    fc.double({ max: -1, maxExcluded: true, noNaN: true }),
  ),
  maxVaR: BAD_NON_NEGATIVE,
};

const limitSlots = <A>({ get, set }: Lens<A, RiskLimits>): Slot<A>[] => [
  ...Object.entries(LIMIT_RANGES).map(([name, bad]) =>
    scalar<A>(`limits.${name}`, bad, (args, value) => set(args, { ...get(args), [name]: value })),
  ),
  ...(
    [
      ['maxPositionNotionalBySymbol', SYMBOLS],
      ['maxNotionalByTag', TAGS],
    ] as const
  ).map(([name, keys]): Slot<A> => ({
    name: `limits.${name}.<key>`,
    bad: BAD_NON_NEGATIVE,
    inject: (args, value, pick) => {
      const current = get(args);
      const key = keys[pick % keys.length];
      const record = { ...(current[name] ?? {}), [key]: value };
      return { args: set(args, { ...current, [name]: record }), label: `limits.${name}.${key}` };
    },
  })),
];

define<RiskLimits>({
  fn: 'assertRiskLimits',
  gen: limits,
  call: (l) => risk.assertRiskLimits(l),
  slots: limitSlots({ get: (l) => l, set: (_, l) => l }),
});

const correlationArgs = <T>(extra: fc.Arbitrary<T>) =>
  fc
    .integer({ min: 1, max: SYMBOLS.length })
    .chain((k) => fc.tuple(correlation(k), fc.constant(SYMBOLS.slice(0, k)), extra));

define<number[][]>({
  fn: 'averagePairwiseCorrelation',
  gen: () => fc.integer({ min: 1, max: 5 }).chain(correlation),
  call: (m) => risk.averagePairwiseCorrelation(m),
  slots: [entry('corrMatrix', NON_FINITE, { get: (m) => m, set: (_, m) => m })],
});

define<[number[][], string[], number]>({
  fn: 'checkCorrelationLimit',
  gen: () => correlationArgs(CLOSED_UNIT),
  call: ([m, symbols, max]) => risk.checkCorrelationLimit(m, symbols, max),
  slots: [
    entry('corrMatrix', NON_FINITE, { get: ([m]) => m, set: ([, s, x], m) => [m, s, x] }),
    scalar('maxAbs', BAD_CLOSED_UNIT, ([m, s], x) => [m, s, x]),
  ],
});

define<[number[][], string[], number]>({
  fn: 'checkAverageCorrelationLimit',
  gen: () => correlationArgs(finite(-1, 1)),
  call: ([m, symbols, max]) => risk.checkAverageCorrelationLimit(m, symbols, max),
  slots: [
    entry('corrMatrix', NON_FINITE, { get: ([m]) => m, set: ([, s, x], m) => [m, s, x] }),
    scalar('maxAverage', LIMIT_RANGES.maxAveragePairwiseCorrelation, ([m, s], x) => [m, s, x]),
  ],
});

type Line = { symbol: string; notional: number; tags: string[] };
const lineNotional = <A>({ get, set }: Lens<A, Line[]>): Slot<A> => ({
  name: 'notional',
  bad: NON_FINITE,
  inject: (args, value, pick) => {
    const all = get(args);
    const index = pick % all.length;
    const copy = all.map((line, i) => (i === index ? { ...line, notional: value } : line));
    return { args: set(args, copy), label: `notional of ${all[index].symbol}` };
  },
});

define<[Line[], RiskLimits]>({
  fn: 'checkNotionalLimits',
  gen: (s) => fc.tuple(lines(s), limits(s)),
  call: ([l, lim]) => risk.checkNotionalLimits(l, lim),
  slots: [
    lineNotional({ get: ([l]) => l, set: ([, lim], l) => [l, lim] }),
    ...limitSlots<[Line[], RiskLimits]>({ get: ([, lim]) => lim, set: ([l], lim) => [l, lim] }),
  ],
});

for (const fn of ['concentration', 'tagExposures'] as const) {
  define<Line[]>({
    fn,
    gen: lines,
    call: (l) => risk[fn](l),
    slots: [lineNotional({ get: (l) => l, set: (_, l) => l })],
  });
}

define<[Position[], Record<string, number>, RiskLimits]>({
  fn: 'checkPositionLimits',
  gen: (s) => fc.tuple(positions(s), prices(s), limits(s)),
  call: ([p, byPrice, lim]) => risk.checkPositionLimits(p, byPrice, lim),
  slots: [
    lineAmount({ get: ([p]) => p, set: ([, byPrice, lim], p) => [p, byPrice, lim] }),
    linePrice({ get: ([p, byPrice]) => [p, byPrice], set: ([p, , lim], byPrice) => [p, byPrice, lim] }),
    ...limitSlots<[Position[], Record<string, number>, RiskLimits]>({
      get: ([, , lim]) => lim,
      set: ([p, byPrice], lim) => [p, byPrice, lim],
    }),
  ],
});

type Driver = risk.BreachDriver;
define<[number, number | undefined, Driver[]]>({
  fn: 'checkVaRLimit',
  gen: (s) =>
    fc.tuple(
      s.amount,
      fc.option(s.nonNegative, { nil: undefined }),
      fc.array(fc.record({ symbol: fc.constantFrom(...SYMBOLS), amount: s.amount, share: s.ret }), {
        maxLength: 3,
      }),
    ),
  call: ([amount, max, drivers]) => risk.checkVaRLimit(amount, max, 'VaR', drivers),
  slots: [
    // A VaR below zero (the tail is a gain) is valid; a non-finite one must not read as "no breach".
    scalar('varAmount', NON_FINITE, ([, max, d], amount) => [amount, max, d]),
    scalar('maxVaR', BAD_NON_NEGATIVE, ([amount, , d], max) => [amount, max, d]),
    ...(['amount', 'share'] as const).map((field): Slot<[number, number | undefined, Driver[]]> => ({
      name: `drivers[i].${field}`,
      bad: NON_FINITE,
      inject: ([amount, max, drivers], value, pick) => {
        const all = drivers.length > 0 ? drivers : [{ symbol: 'AAA', amount: 1, share: 1 }];
        const index = pick % all.length;
        const copy = all.map((d, i) => (i === index ? { ...d, [field]: value } : d));
        return { args: [amount, max, copy], label: `drivers[${index}].${field}` };
      },
    })),
  ],
});

define<risk.QuantityPosition[]>({
  fn: 'netPositions',
  gen: (s) =>
    fc.array(fc.record({ symbol: fc.constantFrom(...SYMBOLS), quantity: s.amount }), {
      minLength: 1,
      maxLength: 8,
    }),
  call: (p) => risk.netPositions(p),
  slots: [lineAmount({ get: (p) => p as Position[], set: (_, p) => p as risk.QuantityPosition[] })],
});

// --- report ---------------------------------------------------------------------------------------------------

const reportInput = (s: Scale): fc.Arbitrary<RiskReportInput> =>
  fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 5, max: 40 })).chain(([k, n]) => {
    const symbols = SYMBOLS.slice(0, k);
    // Realistic prices follow a random walk from 50–150; extreme ones are any positive doubles.
    const path =
      s === REALISTIC
        ? fc
            .tuple(finite(50, 150), series(finite(-0.05, 0.05), n - 1, n - 1))
            .map(([start, moves]) => moves.reduce((p, r) => [...p, p[p.length - 1] * (1 + r)], [start]))
        : series(s.price, n, n);
    return fc.record({
      pricesBySymbol: fc
        .tuple(...symbols.map(() => path))
        .map((table) =>
          Object.fromEntries(
            symbols.map((sym, i) => [sym, table[i].map((price, t) => ({ date: dateOf(t), price }))]),
          ),
        ),
      positions: fc.array(position(s, symbols), { minLength: 1, maxLength: 4 }),
      limits: limits(s),
      confidence: s === REALISTIC ? finite(0.9, 0.99) : s.confidence,
      varMethod: quantileMethod,
      esMethod,
      horizonDays: fc.integer({ min: 1, max: 10 }),
      monteCarlo: fc.record({ paths: fc.integer({ min: 2, max: 200 }), seed }),
      backtest: fc.option(
        fc
          .tuple(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 30 }), fc.nat())
          .map(([window, lookback, pick]) => ({ window, lookback, minLookback: 1 + (pick % lookback) })),
        { nil: undefined },
      ),
    });
  });

define<RiskReportInput>({
  fn: 'buildRiskReport',
  gen: reportInput,
  call: (input) => risk.buildRiskReport(input),
  slots: [
    {
      name: 'price',
      bad: BAD_POSITIVE,
      inject: (input, value, pick) => {
        const symbols = Object.keys(input.pricesBySymbol);
        const symbol = symbols[pick % symbols.length];
        const series = [...input.pricesBySymbol[symbol]];
        const t = Math.floor(pick / symbols.length) % series.length;
        series[t] = { ...series[t], price: value };
        return {
          args: { ...input, pricesBySymbol: { ...input.pricesBySymbol, [symbol]: series } },
          label: `symbol ${symbol} has price ${value} on ${series[t].date}`,
        };
      },
    },
    lineAmount({ get: (input) => input.positions, set: (input, positions) => ({ ...input, positions }) }),
    scalar('confidence', BAD_OPEN_UNIT, (input, confidence) => ({ ...input, confidence })),
    scalar('horizonDays', BAD_POSITIVE_INTEGER, (input, horizonDays) => ({ ...input, horizonDays })),
    scalar('monteCarlo.paths', BAD_POSITIVE_INTEGER, (input, paths) => ({
      ...input,
      monteCarlo: { ...input.monteCarlo, paths },
    })),
    scalar('monteCarlo.seed', fc.oneof(NON_FINITE, FRACTIONAL), (input, seed) => ({
      ...input,
      monteCarlo: { ...input.monteCarlo, seed },
    })),
    ...(['window', 'lookback', 'minLookback'] as const).map((name) =>
      scalar<RiskReportInput>(`backtest.${name}`, BAD_POSITIVE_INTEGER, (input, value) => ({
        ...input,
        backtest: { window: 20, lookback: 20, minLookback: 10, ...input.backtest, [name]: value },
      })),
    ),
    ...limitSlots<RiskReportInput>({
      get: (input) => input.limits ?? {},
      set: (input, limits) => ({ ...input, limits }),
    }),
  ],
});

// --- backtests --------------------------------------------------------------------------------------------------

type RollingOptions = {
  confidence: number;
  varMethod: QuantileMethod;
  window: number;
  lookback: number;
  minLookback: number;
};
define<[number[], RollingOptions]>({
  fn: 'backtestHistoricalVaR',
  gen: (s) =>
    fc.tuple(
      series(s.ret, 1, 300),
      fc
        .tuple(
          s.confidence,
          quantileMethod,
          fc.integer({ min: 1, max: 100 }),
          fc.integer({ min: 1, max: 100 }),
          fc.nat(),
        )
        .map(([confidence, varMethod, window, lookback, pick]) => ({
          confidence,
          varMethod,
          window,
          lookback,
          minLookback: 1 + (pick % lookback),
        })),
    ),
  call: ([r, o]) => risk.backtestHistoricalVaR(r, o),
  slots: [
    element('returns', NON_FINITE, { get: ([r]) => r, set: ([, o], r) => [r, o] }),
    scalar('confidence', BAD_OPEN_UNIT, ([r, o], confidence) => [r, { ...o, confidence }]),
    ...(['window', 'lookback', 'minLookback'] as const).map((name) =>
      scalar<[number[], RollingOptions]>(name, BAD_POSITIVE_INTEGER, ([r, o], value) => [
        r,
        { ...o, [name]: value },
      ]),
    ),
  ],
});

type RollingVaROptions = { confidence: number; varMethod: QuantileMethod; lookback: number; start: number };
define<[number[], RollingVaROptions]>({
  fn: 'rollingHistoricalVaR',
  gen: (s) =>
    series(s.ret, 1, 300).chain((r) =>
      fc.tuple(
        fc.constant(r),
        fc.record({
          confidence: s.confidence,
          varMethod: quantileMethod,
          lookback: fc.oneof(fc.integer({ min: 1, max: 100 }), fc.constant(2 ** 40)),
          start: fc.integer({ min: 1, max: r.length }),
        }),
      ),
    ),
  call: ([r, o]) => risk.rollingHistoricalVaR(r, o),
  slots: [
    element('returns', NON_FINITE, { get: ([r]) => r, set: ([, o], r) => [r, o] }),
    scalar('confidence', BAD_OPEN_UNIT, ([r, o], confidence) => [r, { ...o, confidence }]),
    scalar('lookback', BAD_POSITIVE_INTEGER, ([r, o], lookback) => [r, { ...o, lookback }]),
    scalar('start', BAD_POSITIVE_INTEGER, ([r, o], start) => [r, { ...o, start }]),
  ],
});

const lossesAndVars = (s: Scale, minLength: number) =>
  fc.integer({ min: minLength, max: 100 }).chain((n) => fc.tuple(series(s.ret, n, n), series(s.ret, n, n)));

define<[number[], number[], number]>({
  fn: 'backtestVaR',
  gen: (s) => fc.tuple(lossesAndVars(s, 2), s.confidence).map(([[l, v], c]) => [l, v, c]),
  call: ([l, v, c]) => risk.backtestVaR(l, v, c),
  slots: [
    element('losses', NON_FINITE, { get: ([l]) => l, set: ([, v, c], l) => [l, v, c] }),
    element('vars', NON_FINITE, { get: ([, v]) => v, set: ([l, , c], v) => [l, v, c] }),
    scalar('confidence', BAD_OPEN_UNIT, ([l, v], c) => [l, v, c]),
  ],
});

define<[number[], number[]]>({
  fn: 'varExceptions',
  gen: (s) => lossesAndVars(s, 1),
  call: ([l, v]) => risk.varExceptions(l, v),
  slots: [
    element('losses', NON_FINITE, { get: ([l]) => l, set: ([, v], l) => [l, v] }),
    element('vars', NON_FINITE, { get: ([, v]) => v, set: ([l], v) => [l, v] }),
  ],
});

define<number>({
  fn: 'baselTrafficLight',
  gen: () => fc.integer({ min: 0, max: 250 }),
  call: (x) => risk.baselTrafficLight(x),
  slots: [scalar('exceptions', BAD_COUNT, (_, x) => x)],
});

for (const fn of ['chiSquare1Survival', 'chiSquare2Survival'] as const) {
  define<number>({
    fn,
    // Any statistic from −1e300 up, and +Infinity (survival 0); x ≤ 0 has survival 1, as scipy's chi2.sf.
    gen: (s) => fc.oneof(s === REALISTIC ? finite(-10, 100) : s.amount, fc.constant(Infinity)),
    call: (x) => risk[fn](x),
    check: (_, p) => expect((p as number) >= 0 && (p as number) <= 1).toBe(true),
    slots: [scalar('x', fc.constantFrom(NaN, -Infinity), (_, x) => x)],
  });
}

type Counts = risk.TransitionCounts;
define<Counts>({
  fn: 'christoffersenIndependence',
  gen: () =>
    fc
      .record({ n00: fc.nat(300), n01: fc.nat(30), n10: fc.nat(30), n11: fc.nat(10) })
      .filter((c) => c.n00 + c.n01 + c.n10 + c.n11 > 0),
  call: (c) => risk.christoffersenIndependence(c),
  slots: (['n00', 'n01', 'n10', 'n11'] as const).map((name) =>
    scalar<Counts>(name, BAD_COUNT, (c, value) => ({ ...c, [name]: value })),
  ),
});

type Statistics = [risk.TestStatistic, risk.TestStatistic];
define<Statistics>({
  fn: 'conditionalCoverage',
  gen: (s) =>
    fc.tuple(
      fc.record({ statistic: s === REALISTIC ? finite(0, 50) : s.nonNegative, pValue: CLOSED_UNIT }),
      fc.record({ statistic: s === REALISTIC ? finite(0, 50) : s.nonNegative, pValue: CLOSED_UNIT }),
    ),
  call: ([pof, ind]) => risk.conditionalCoverage(pof, ind),
  slots: [
    scalar('pof.statistic', BAD_NON_NEGATIVE, ([pof, ind], statistic) => [{ ...pof, statistic }, ind]),
    scalar('independence.statistic', BAD_NON_NEGATIVE, ([pof, ind], statistic) => [
      pof,
      { ...ind, statistic },
    ]),
  ],
});

define<[number, number, number]>({
  fn: 'kupiecPOF',
  gen: (s) =>
    fc
      .tuple(fc.integer({ min: 1, max: 1000 }), fc.nat(), s.confidence)
      .map(([n, pick, c]) => [n, pick % (n + 1), c]),
  call: ([n, x, c]) => risk.kupiecPOF(n, x, c),
  slots: [
    scalar('observations', BAD_POSITIVE_INTEGER, ([, x, c], n) => [n, x, c]),
    scalar('exceptions', BAD_COUNT, ([n, , c], x) => [n, x, c]),
    scalar('confidence', BAD_OPEN_UNIT, ([n, x], c) => [n, x, c]),
  ],
});

define<number[]>({
  fn: 'transitionCounts',
  gen: () => fc.array(fc.constantFrom(0, 1), { maxLength: 100 }),
  call: (e) => risk.transitionCounts(e),
  slots: [
    element('exceptions', fc.oneof(NON_FINITE, NEGATIVE, fc.constantFrom(0.5, 2)), {
      get: (e) => e,
      set: (_, e) => e,
    }),
  ],
});

// ---------------------------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------------------------

/** Every number in `value` (nested objects, arrays and typed arrays) that is not finite, by path. */
function nonFiniteNumbers(value: unknown, path = 'result', found: string[] = []): string[] {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) found.push(`${path} = ${value}`);
  } else if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    Array.from(value as unknown as ArrayLike<number>).forEach((v, i) =>
      nonFiniteNumbers(v, `${path}[${i}]`, found),
    );
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => nonFiniteNumbers(v, `${path}[${i}]`, found));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) nonFiniteNumbers(v, `${path}.${key}`, found);
  }
  return found;
}

/** Calls `run` and returns the error it throws, failing the test when it returns instead. */
function thrown(run: () => unknown): Error {
  let result: unknown;
  try {
    result = run();
  } catch (error) {
    return error as Error;
  }
  throw new Error(
    `expected a RangeError, got ${JSON.stringify(result, (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v))}`,
  );
}

describe.each(specs.map((spec) => [spec.fn, spec] as const))('%s', (fn, spec) => {
  it('valid finite inputs give finite numbers throughout the result', () => {
    fc.assert(
      fc.property(spec.gen(REALISTIC), (args) => {
        const result = spec.call(args);
        expect(nonFiniteNumbers(result)).toEqual([]);
        spec.check?.(args, result);
      }),
      { numRuns: VALID_RUNS },
    );
  });

  it.each(spec.slots.map((slot) => [slot.name, slot] as const))(
    'a bad %s throws a RangeError naming the function and the argument',
    (_, slot) => {
      fc.assert(
        fc.property(spec.gen(REALISTIC), slot.bad, fc.nat(), (args, value, pick) => {
          const { args: bad, label } = slot.inject(args, value, pick);
          const error = thrown(() => spec.call(bad));
          expect(error).toBeInstanceOf(RangeError);
          expect(error.message).toMatch(new RegExp(`^${fn}: `));
          expect(error.message).toContain(label);
        }),
        { numRuns: INJECTION_RUNS },
      );
    },
  );

  it('finite inputs from the whole double range give finite numbers or a RangeError naming the function', () => {
    fc.assert(
      fc.property(spec.gen(EXTREME), (args) => {
        let result: unknown;
        try {
          result = spec.call(args);
        } catch (error) {
          expect(error).toBeInstanceOf(RangeError);
          expect((error as Error).message).toMatch(new RegExp(`^${fn}: `));
          return;
        }
        expect(nonFiniteNumbers(result)).toEqual([]);
      }),
      { numRuns: EXTREME_RUNS },
    );
  });
});

/** Runtime exports that are constants, not functions of inputs: nothing to inject into. */
const EXEMPT: Record<string, string> = {
  QUANTILE_METHODS: 'constant list of quantile method names',
  EXPECTED_SHORTFALL_METHODS: 'constant list of ES method names',
  DEFAULT_CONFIDENCE: 'constant default (0.99)',
  DEFAULT_HORIZON_DAYS: 'constant default (1)',
  DEFAULT_MONTE_CARLO_PATHS: 'constant default (10,000)',
  DEFAULT_MONTE_CARLO_SEED: 'constant default (42)',
  HORIZON_SCALING: 'constant text describing the horizon rule',
  DEFAULT_BACKTEST_WINDOW: 'constant default (250)',
  DEFAULT_BACKTEST_LOOKBACK: 'constant default (250)',
  DEFAULT_BACKTEST_MIN_LOOKBACK: 'constant default (60)',
};

describe('coverage of src/risk/index.ts', () => {
  // Type-only exports (interfaces, unions) have no runtime value and so are not listed by Object.keys.
  const exported = Object.keys(risk);
  const covered = new Set(specs.map((spec) => spec.fn));

  it('every runtime export has a property spec or an exemption with a reason', () => {
    const missing = exported.filter((name) => !covered.has(name) && !Object.hasOwn(EXEMPT, name));
    expect(missing).toEqual([]);
  });

  it('specs and exemptions name only real exports, and only constants are exempt', () => {
    expect([...covered].filter((name) => !exported.includes(name))).toEqual([]);
    expect(Object.keys(EXEMPT).filter((name) => !exported.includes(name))).toEqual([]);
    const record = risk as unknown as Record<string, unknown>;
    expect(Object.keys(EXEMPT).filter((name) => typeof record[name] === 'function')).toEqual([]);
    expect(Object.keys(EXEMPT).flatMap((name) => nonFiniteNumbers(record[name], name))).toEqual([]);
  });

  it('every function export is covered (none is exempt)', () => {
    const record = risk as unknown as Record<string, unknown>;
    const functions = exported.filter((name) => typeof record[name] === 'function');
    expect(functions.filter((name) => !covered.has(name))).toEqual([]);
  });
});

describe('documented boundaries', () => {
  it('inverseNormalCdf is ±Infinity exactly at p = 0 and p = 1 (the limits, as scipy.stats.norm.ppf)', () => {
    expect(risk.inverseNormalCdf(0)).toBe(-Infinity);
    expect(risk.inverseNormalCdf(1)).toBe(Infinity);
    // Subnormal p: the Halley step would overflow; Acklam's approximation stands.
    expect(risk.inverseNormalCdf(5e-324)).toBeCloseTo(-38.4674, 3);
  });
});
