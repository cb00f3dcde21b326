/**
 * VaR backtests on the exception series I_t = 1{loss_t > VaR_t}: Kupiec's proportion of failures (unconditional
 * coverage, χ²(1)), Christoffersen's independence test (χ²(1)) and their sum, conditional coverage (χ²(2)); and the
 * Basel traffic light for 250 days at 99 %.
 */
import { erfc } from './normal';
import {
  assertConfidence,
  assertCount,
  assertFinite,
  assertFiniteResult,
  assertSeries,
  tailProbability,
} from './validation';

export interface TestStatistic {
  /** Likelihood-ratio statistic. */
  statistic: number;
  /** P(χ² ≥ statistic): small values reject the VaR model. */
  pValue: number;
}

/** Transitions between consecutive days: n01 counts a quiet day followed by an exception, and so on. */
export interface TransitionCounts {
  n00: number;
  n01: number;
  n10: number;
  n11: number;
}

/** a·ln(b) with 0·ln(0) = 0, the convention that keeps the likelihoods finite when a count is zero. */
function xlog(a: number, b: number): number {
  return a === 0 ? 0 : a * Math.log(b);
}

/** A likelihood ratio is ≥ 0; rounding can leave −1e-16 (or −0), which would read as a negative statistic. */
function nonNegative(statistic: number): number {
  return Math.max(0, statistic);
}

/** A χ² argument: any finite number (≤ 0 has survival 1), never NaN (which would read as a p-value of NaN). */
function assertStatistic(fn: string, name: string, x: number): void {
  if (typeof x !== 'number' || Number.isNaN(x) || x === -Infinity) {
    throw new RangeError(`${fn}: ${name} must be a number or +Infinity, got ${String(x)}`);
  }
}

/** Survival function of χ² with 1 degree of freedom: P(X ≥ x) = erfc(√(x/2)). */
export function chiSquare1Survival(x: number): number {
  assertStatistic('chiSquare1Survival', 'x', x);
  return x <= 0 ? 1 : erfc(Math.sqrt(x / 2));
}

/** Survival function of χ² with 2 degrees of freedom: P(X ≥ x) = e^{−x/2}. */
export function chiSquare2Survival(x: number): number {
  assertStatistic('chiSquare2Survival', 'x', x);
  return x <= 0 ? 1 : Math.exp(-x / 2);
}

/** I_t = 1 when the realised loss exceeds that day's VaR (both positive losses). */
export function varExceptions(losses: ArrayLike<number>, vars: ArrayLike<number>): Uint8Array {
  return exceptionSeries('varExceptions', losses, vars, 1);
}

/** varExceptions for `fn`, which needs at least `minLength` days. */
function exceptionSeries(
  fn: string,
  losses: ArrayLike<number>,
  vars: ArrayLike<number>,
  minLength: number,
): Uint8Array {
  const n = assertSeries(fn, 'losses', losses, minLength);
  if (assertSeries(fn, 'vars', vars, minLength) !== n) {
    throw new RangeError(`${fn}: vars has ${vars.length} values but losses has ${n}`);
  }
  const out = new Uint8Array(n);
  for (let t = 0; t < n; t++) out[t] = losses[t] > vars[t] ? 1 : 0;
  return out;
}

export function transitionCounts(exceptions: ArrayLike<number>): TransitionCounts {
  const n = assertSeries('transitionCounts', 'exceptions', exceptions, 0);
  for (let t = 0; t < n; t++) {
    if (exceptions[t] !== 0 && exceptions[t] !== 1) {
      throw new RangeError(`transitionCounts: exceptions[${t}] is ${exceptions[t]}; must be 0 or 1`);
    }
  }
  const counts = { n00: 0, n01: 0, n10: 0, n11: 0 };
  for (let t = 1; t < exceptions.length; t++) {
    const key = `n${exceptions[t - 1] ? 1 : 0}${exceptions[t] ? 1 : 0}` as keyof TransitionCounts;
    counts[key] += 1;
  }
  return counts;
}

/** Kupiec POF: LR = −2 ln[(1 − p)^{N−x} p^x / ((1 − x/N)^{N−x} (x/N)^x)], p = 1 − c. */
export function kupiecPOF(observations: number, exceptions: number, confidence: number): TestStatistic {
  // Safe integers: a count near 1e308 would overflow the log-likelihoods into an infinite statistic.
  if (!Number.isSafeInteger(observations) || observations < 1) {
    throw new RangeError(`kupiecPOF: observations must be a positive integer, got ${observations}`);
  }
  if (!Number.isSafeInteger(exceptions) || exceptions < 0 || exceptions > observations) {
    throw new RangeError(
      `kupiecPOF: exceptions must be an integer in [0, ${observations}], got ${exceptions}`,
    );
  }
  assertConfidence('kupiecPOF', confidence);
  const p = tailProbability(confidence);
  const n = observations;
  const x = exceptions;
  const observed = x / n;
  // Clamped like the Christoffersen statistic: x = N·p gives −7e-15 by rounding rather than 0.
  const statistic = nonNegative(
    -2 * (xlog(n - x, 1 - p) + xlog(x, p) - xlog(n - x, 1 - observed) - xlog(x, observed)),
  );
  return { statistic, pValue: chiSquare1Survival(statistic) };
}

/** Christoffersen independence: does an exception make the next one more (or less) likely? */
export function christoffersenIndependence(counts: TransitionCounts): TestStatistic {
  const fn = 'christoffersenIndependence';
  if (typeof counts !== 'object' || counts === null) throw new RangeError(`${fn}: counts must be an object`);
  const { n00, n01, n10, n11 } = counts;
  // Counts of transitions: a negative, fractional or NaN count is not a count (it gave NaN or a made-up LR).
  assertCount(fn, 'n00', n00);
  assertCount(fn, 'n01', n01);
  assertCount(fn, 'n10', n10);
  assertCount(fn, 'n11', n11);
  const total = n00 + n01 + n10 + n11;
  if (total === 0) throw new RangeError('christoffersenIndependence: needs at least one transition');
  const pi = (n01 + n11) / total;
  // A state never visited contributes nothing to either likelihood.
  const pi0 = n00 + n01 > 0 ? n01 / (n00 + n01) : 0;
  const pi1 = n10 + n11 > 0 ? n11 / (n10 + n11) : 0;
  const restricted = xlog(n00 + n10, 1 - pi) + xlog(n01 + n11, pi);
  const unrestricted = xlog(n00, 1 - pi0) + xlog(n01, pi0) + xlog(n10, 1 - pi1) + xlog(n11, pi1);
  const statistic = nonNegative(-2 * (restricted - unrestricted));
  return { statistic, pValue: chiSquare1Survival(statistic) };
}

/** Conditional coverage LR_cc = LR_POF + LR_ind against χ²(2). */
export function conditionalCoverage(pof: TestStatistic, independence: TestStatistic): TestStatistic {
  for (const [name, test] of [
    ['pof', pof],
    ['independence', independence],
  ] as const) {
    assertFinite('conditionalCoverage', `${name}.statistic`, test?.statistic);
    if (test.statistic < 0) {
      throw new RangeError(`conditionalCoverage: ${name}.statistic must be ≥ 0, got ${test.statistic}`);
    }
  }
  // Two finite statistics near 1.8e308 add up to Infinity, which would read as a p-value of 0.
  const statistic = assertFiniteResult(
    'conditionalCoverage',
    'pof.statistic and independence.statistic',
    pof.statistic + independence.statistic,
  );
  return { statistic, pValue: chiSquare2Survival(statistic) };
}

export interface VaRBacktest {
  observations: number;
  exceptions: number;
  transitions: TransitionCounts;
  pof: TestStatistic;
  independence: TestStatistic;
  conditionalCoverage: TestStatistic;
}

/**
 * All three tests from realised losses and the VaR forecast for each day. Needs two days (one transition for the
 * independence test); arguments are checked here, so an error names backtestVaR rather than a test inside it.
 */
export function backtestVaR(
  losses: ArrayLike<number>,
  vars: ArrayLike<number>,
  confidence: number,
): VaRBacktest {
  const hits = exceptionSeries('backtestVaR', losses, vars, 2);
  assertConfidence('backtestVaR', confidence);
  const exceptions = hits.reduce((sum, hit) => sum + hit, 0);
  const transitions = transitionCounts(hits);
  const pof = kupiecPOF(hits.length, exceptions, confidence);
  const independence = christoffersenIndependence(transitions);
  return {
    observations: hits.length,
    exceptions,
    transitions,
    pof,
    independence,
    conditionalCoverage: conditionalCoverage(pof, independence),
  };
}

export type TrafficLightZone = 'green' | 'yellow' | 'red';

const YELLOW_PLUS_FACTORS = [0.4, 0.5, 0.65, 0.75, 0.85]; // 5 to 9 exceptions

/** Basel traffic light for 250 daily observations of a 99 % VaR; the capital multiplier is 3 + plus factor. */
export function baselTrafficLight(exceptions: number): {
  zone: TrafficLightZone;
  plusFactor: number;
  multiplier: number;
} {
  if (!Number.isSafeInteger(exceptions) || exceptions < 0) {
    throw new RangeError(`baselTrafficLight: exceptions must be a non-negative integer, got ${exceptions}`);
  }
  const [zone, plusFactor]: [TrafficLightZone, number] =
    exceptions <= 4
      ? ['green', 0]
      : exceptions <= 9
        ? ['yellow', YELLOW_PLUS_FACTORS[exceptions - 5]]
        : ['red', 1];
  return { zone, plusFactor, multiplier: 3 + plusFactor };
}
