/**
 * The portfolio risk report the pipeline's risk stage stores and returns: exposures, historical / parametric /
 * Monte Carlo VaR and ES, the correlation matrix and limit breaches. Plain JSON (finite numbers, strings,
 * arrays), so it travels as a Temporal payload and into the run store unchanged.
 *
 * Base of the fractions: weights are w_i = notional_i / gross notional (signed by the quantity's sign), so the
 * portfolio return r_t = Σ w_i r_{i,t} is the P&L per unit of gross notional of today's positions over each
 * historical day. Every `var`/`es` is therefore a positive loss fraction of gross notional, and
 * `varAmount`/`esAmount` = fraction × gross notional is the loss in currency. Gross (not net) is the base because
 * a hedged book's net value can be near zero or negative.
 */
import { alignedReturnMatrix, type DatedPrice } from './returns';
import {
  assertRiskLimits,
  averagePairwiseCorrelation,
  checkAverageCorrelationLimit,
  checkCorrelationLimit,
  checkNotionalLimits,
  checkVaRLimit,
  concentration,
  tagExposures,
} from './limits';
import type { BreachDriver, LimitBreach, RiskLimits, TagExposure } from './limits';
import { historicalContributions, parametricContributions, eulerShares } from './contributions';
import { monteCarloVaR } from './monte-carlo';
import {
  netPositionLines,
  valuePositions,
  type Position,
  type PositionBasis,
  type ValuedPosition,
} from './positions';
import type { QuantileMethod } from './quantile';
import {
  backtestHistoricalVaR,
  resolveSettings,
  type BacktestException,
  type RollingBacktestSettings,
  type RollingVaRBacktest,
} from './rolling-backtest';
import { correlationFromCovariance, covarianceMatrix, excessKurtosis, mean, skewness, std } from './stats';
import {
  EXPECTED_SHORTFALL_METHODS,
  expectedShortfall,
  historicalVaR,
  parametricES,
  parametricVaR,
} from './var';
import type { ExpectedShortfallMethod } from './var';
import { QUANTILE_METHODS } from './quantile';
import {
  assertConfidence,
  assertHorizon,
  assertOneOf,
  assertPositiveInteger,
  assertRecord,
  tailProbability,
} from './validation';

export const DEFAULT_CONFIDENCE = 0.99;
export const DEFAULT_MONTE_CARLO_PATHS = 10_000;
export const DEFAULT_MONTE_CARLO_SEED = 42;
export const DEFAULT_HORIZON_DAYS = 1;

/** How 1-day figures become h-day figures; the report carries this text. */
export const HORIZON_SCALING =
  'historical: VaR_h = VaR_1·√h and ES_h = ES_1·√h (square root of time on the 1-day figures); ' +
  'parametric: mean μ·h and volatility σ·√h (Cornish–Fisher with skewness S/√h and excess kurtosis K/h); ' +
  'Monte Carlo: simulates h-day returns from N(μ·h, Σ·h); contributions scale like their totals; ' +
  'the backtest is always of the 1-day VaR';

const QUANTILE_CONVENTIONS: Record<QuantileMethod, string> = {
  linear:
    'linear (numpy default, Hyndman–Fan 7): VaR = −[r₍ⱼ₎ + γ·(r₍ⱼ₊₁₎ − r₍ⱼ₎)] with the ascending 0-based order ' +
    'statistics r₍·₎, j = ⌊(n − 1)·p⌋, γ = (n − 1)·p − j',
  inverted_cdf:
    'inverted_cdf (lower empirical quantile, Hyndman–Fan 1): VaR = −r₍⌈n·p⌉₋₁₎ with the ascending 0-based order ' +
    'statistics r₍·₎',
};

const ES_CONVENTIONS: Record<ExpectedShortfallMethod, string> = {
  rockafellar_uryasev:
    'rockafellar_uryasev: ES = v + Σ max(Lᵢ − v, 0)/(n·p) with Lᵢ = −rᵢ and v the inverted_cdf VaR ' +
    '(the ⌈n·p⌉ − 1 worst losses weighted 1/(n·p), the next one 1 − (⌈n·p⌉ − 1)/(n·p))',
  mean_k_worst: 'mean_k_worst: mean of the k = ⌊(n − 1)·p⌋ + 1 worst returns, negated',
};

const RETURNS_CONVENTION =
  'simple returns r_t = P_t/P_{t−1} − 1 of the supplied (adjusted close) prices on the dates common to every ' +
  'symbol; portfolio return r_p,t = Σ wᵢ·rᵢ,t with today’s weights wᵢ = Eᵢ / gross notional, ' +
  'Eᵢ = quantity × price on the valuation date + market value (a static-book historical simulation)';

const PARAMETRIC_CONVENTION =
  'Gaussian: VaR = −μ_p·h − z_p·σ_p·√h, ES = −μ_p·h + σ_p·√h·φ(z_p)/p, z_p = Φ⁻¹(p), μ_p and σ_p (ddof = 1) of ' +
  'the daily portfolio returns; Cornish–Fisher replaces z_p by z + (z² − 1)S/6 + (z³ − 3z)K/24 − (2z³ − 5z)S²/36 ' +
  'with the h-day moments S = S₁/√h, K = K₁/h (biased moment estimators)';

const CONTRIBUTIONS_CONVENTION =
  'parametricVaR: Euler allocation of the volatility term, −z_p·√h·Eᵢ·(Σw)ᵢ/σ_p with Σ the daily sample ' +
  'covariance (ddof = 1) of the held symbols and σ_p = √(wᵀΣw); they sum to parametric varAmount + mean term ' +
  '(μ_p·h × gross), i.e. the mean term is not allocated. historicalVaR / historicalES: each position’s loss on ' +
  'the portfolio’s VaR scenario(s) / ES tail scenarios with the weights of the quantile / ES definition ' +
  '(scenarios ranked by portfolio return, ties by date), × √h; they sum to historical varAmount / esAmount. ' +
  'share = historicalES / historical esAmount';

const BACKTEST_METHOD =
  'rolling 1-day historical VaR of today’s positions: the forecast for day t is the historical VaR (report ' +
  'confidence and quantile method) of the `lookback` portfolio returns before t, or of all earlier returns when ' +
  'fewer exist but at least `minLookback`; exception when the realised loss −r_p,t exceeds it; the last ' +
  '`window` days with a forecast are tested';

const DRIVER_COUNT = 3;

export interface RiskReportInput {
  /** Daily price series per symbol (adjusted closes); all are aligned on their common dates. */
  pricesBySymbol: Record<string, DatedPrice[]>;
  /**
   * Positions, each with exactly one of `quantity` (valued at the symbol's price on the last common date) or
   * `marketValue` (the currency exposure itself); repeated symbols are netted in currency. Optional `tags`.
   */
  positions: Position[];
  limits?: RiskLimits;
  /** Default 0.99. */
  confidence?: number;
  /** Historical VaR quantile method; default `linear` (numpy's default). */
  varMethod?: QuantileMethod;
  /** Historical ES form; default `rockafellar_uryasev`. */
  esMethod?: ExpectedShortfallMethod;
  monteCarlo?: { paths?: number; seed?: number };
  /** VaR/ES horizon in trading days (positive integer); default 1. See HORIZON_SCALING. */
  horizonDays?: number;
  /** Adds a rolling 1-day historical VaR backtest of today's positions (window/lookback default 250). */
  backtest?: RollingBacktestSettings;
}

export interface Exposure {
  symbol: string;
  /** Net quantity; for market-value positions the implied notional / price. */
  quantity: number;
  /** Price on `asOfDate`. */
  price: number;
  /** Currency exposure: quantity × price (+ market value lines); negative for a short. */
  notional: number;
  /** notional / gross notional (0 when there is no exposure). */
  weight: number;
  /** Whether the position came as quantities, market values or both. */
  basis: PositionBasis;
  tags: string[];
}

export interface RiskMeasures {
  /** Positive loss fraction of gross notional over the horizon. */
  var: number;
  es: number;
  /** var × gross notional, in currency. */
  varAmount: number;
  esAmount: number;
}

/** What each position carries of the portfolio risk, in currency (see CONTRIBUTIONS_CONVENTION). */
export interface Contribution {
  symbol: string;
  notional: number;
  /** Euler contribution to the parametric VaR's volatility term; Σ = parametric varAmount + mean term. */
  parametricVaR: number;
  /** w_i·(Σw)_i / wᵀΣw: the position's share of the parametric volatility term (Σ = 1). */
  parametricShare: number;
  /** Loss on the historical VaR scenario(s); Σ = historical varAmount. */
  historicalVaR: number;
  /** Weighted loss over the historical ES tail scenarios; Σ = historical esAmount. */
  historicalES: number;
  /** historicalES / historical esAmount (Σ = 1; negative for a hedge). */
  share: number;
}

/** Everything the figures were computed from, so each can be recomputed by hand. */
export interface RiskReportInputs {
  /** Priced symbols, in alignment (and correlation) order. */
  symbols: string[];
  /** Netted positions as valued on `valuationDate`. */
  positions: ValuedPosition[];
  valuationDate: string;
  /** Date of the first and last daily return used (each return is dated by its end date). */
  firstReturnDate: string;
  lastReturnDate: string;
  returnsCount: number;
  returns: string;
  grossNotional: number;
  confidence: number;
  /** p = 1 − confidence, rounded to 12 significant digits. */
  tailProbability: number;
  horizonDays: number;
  horizonScaling: string;
  varMethod: QuantileMethod;
  esMethod: ExpectedShortfallMethod;
  quantileConvention: string;
  esConvention: string;
  parametric: string;
  contributions: string;
  monteCarlo: { paths: number; seed: number; model: string };
  limits: RiskLimits;
  backtest: Required<RollingBacktestSettings> | null;
}

export interface ReportBacktestException extends BacktestException {
  lossAmount: number;
  varAmount: number;
}

export type ReportBacktest = Omit<RollingVaRBacktest, 'exceptionDays'> & {
  method: string;
  exceptionDays: ReportBacktestException[];
};

export interface RiskReport {
  /** Last date on which every symbol has a price: positions are valued here. */
  asOfDate: string;
  /** First common date: the returns window is (fromDate, asOfDate]. */
  fromDate: string;
  confidence: number;
  /** Horizon of every VaR/ES figure (1 = daily). */
  horizonDays: number;
  /** How the 1-day figures were scaled to `horizonDays`. */
  horizonScaling: string;
  exposures: Exposure[];
  grossNotional: number;
  netNotional: number;
  /** Number of daily portfolio returns behind the historical and parametric figures. */
  returnsCount: number;
  historical: RiskMeasures & { varMethod: QuantileMethod; esMethod: ExpectedShortfallMethod };
  /** Gaussian, μ and σ (ddof = 1) of the portfolio returns, at the horizon; Cornish–Fisher alongside. */
  parametric: RiskMeasures & {
    ddof: 1;
    /** μ_p·h (fraction); VaR = −mean − z_p·sigma. */
    mean: number;
    /** σ_p·√h (fraction). */
    sigma: number;
    cornishFisher: { var: number; varAmount: number; skewness: number; excessKurtosis: number };
  };
  /** Gaussian with the held symbols' sample mean vector and covariance; linear quantile, RU ES of the paths. */
  monteCarlo: RiskMeasures & { paths: number; seed: number };
  /** One entry per exposure, in exposure order. */
  contributions: Contribution[];
  /** Pearson correlation of daily simple returns over every priced symbol (held or not). */
  correlation: { symbols: string[]; matrix: number[][] };
  /** Mean ρ_ij over pairs of held symbols; null with fewer than two. */
  averagePairwiseCorrelation: number | null;
  /** Largest |notional| / gross notional and its symbol. */
  concentration: { symbol: string | null; value: number };
  tagExposures: TagExposure[];
  /**
   * Position, gross, net, concentration and tag limits; pairwise and average correlation among held symbols;
   * VaR limit against the historical varAmount at the horizon (naming the largest ES contributors).
   */
  breaches: LimitBreach[];
  status: 'ok' | 'breach';
  inputs: RiskReportInputs;
  /** Present when `backtest` was requested. */
  backtest: ReportBacktest | null;
}

function measures(varFraction: number, esFraction: number, gross: number): RiskMeasures {
  return { var: varFraction, es: esFraction, varAmount: varFraction * gross, esAmount: esFraction * gross };
}

/**
 * Every error names buildRiskReport: its own checks do, and a kernel's error on a figure computed from the input
 * (a portfolio return that overflows for prices near the ends of double range, say) is prefixed with it.
 */
export function buildRiskReport(input: RiskReportInput): RiskReport {
  const fn = 'buildRiskReport';
  try {
    return buildReport(fn, input);
  } catch (error) {
    if (error instanceof RangeError && !error.message.startsWith(`${fn}: `)) {
      throw new RangeError(`${fn}: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

function buildReport(fn: string, input: RiskReportInput): RiskReport {
  assertRecord(fn, 'input', input);
  const confidence = input.confidence ?? DEFAULT_CONFIDENCE;
  assertConfidence('buildRiskReport', confidence);
  const horizonDays = input.horizonDays ?? DEFAULT_HORIZON_DAYS;
  assertHorizon('buildRiskReport', horizonDays);
  const varMethod = input.varMethod ?? 'linear';
  const esMethod = input.esMethod ?? 'rockafellar_uryasev';
  const paths = input.monteCarlo?.paths ?? DEFAULT_MONTE_CARLO_PATHS;
  const seed = input.monteCarlo?.seed ?? DEFAULT_MONTE_CARLO_SEED;
  const limits = input.limits ?? {};
  // Checked here, before anything depends on holdings: a book with no exposure skips the estimators, and an
  // unknown method, bad path count or bad limit must not be echoed back in a report that looks fine.
  assertOneOf(fn, 'varMethod', varMethod, QUANTILE_METHODS);
  assertOneOf(fn, 'esMethod', esMethod, EXPECTED_SHORTFALL_METHODS);
  if (input.monteCarlo !== undefined) assertRecord(fn, 'monteCarlo', input.monteCarlo);
  assertPositiveInteger(fn, 'monteCarlo.paths', paths);
  if (paths < 2) throw new RangeError(`${fn}: monteCarlo.paths must be at least 2, got ${paths}`);
  if (!Number.isSafeInteger(seed)) {
    throw new RangeError(`${fn}: monteCarlo.seed must be a safe integer, got ${String(seed)}`);
  }
  assertRiskLimits(limits, fn);
  if (input.backtest !== undefined) {
    assertRecord(fn, 'backtest', input.backtest);
    resolveSettings(fn, input.backtest, 'backtest.');
  }
  assertRecord(fn, 'pricesBySymbol', input.pricesBySymbol);

  for (const { symbol } of netPositionLines(input.positions, 'buildRiskReport')) {
    if (!Object.hasOwn(input.pricesBySymbol, symbol)) {
      throw new RangeError(`buildRiskReport: no prices for position symbol ${symbol}`);
    }
  }
  const aligned = alignedReturnMatrix(input.pricesBySymbol, 'simple', fn);
  const returnsOf = new Map(aligned.symbols.map((symbol, i) => [symbol, aligned.returns[i]]));
  const returnsCount = aligned.dates.length - 1;

  const valued = valuePositions(input.positions, aligned.lastPrices, 'buildRiskReport');
  const grossNotional = valued.reduce((sum, v) => sum + Math.abs(v.notional), 0);
  const netNotional = valued.reduce((sum, v) => sum + v.notional, 0);
  const exposures: Exposure[] = valued.map((v) => ({
    symbol: v.symbol,
    quantity: v.basis === 'quantity' ? v.quantity! : v.notional / v.price,
    price: v.price,
    notional: v.notional,
    weight: grossNotional > 0 ? v.notional / grossNotional : 0,
    basis: v.basis,
    tags: [...v.tags],
  }));
  const held = exposures.filter((e) => e.notional !== 0);

  const covariance = covarianceMatrix(aligned.returns, 1);
  const correlation = { symbols: aligned.symbols, matrix: correlationFromCovariance(covariance) };
  const heldIndex = held.map(({ symbol }) => aligned.symbols.indexOf(symbol));
  const heldCovariance = heldIndex.map((i) => heldIndex.map((j) => covariance[i][j]));
  const heldCorrelation = heldIndex.map((i) => heldIndex.map((j) => correlation.matrix[i][j]));
  const heldWeights = held.map((e) => e.weight);
  const heldReturns = held.map(({ symbol }) => returnsOf.get(symbol)!);

  // Today's weights over every historical day: the static-book P&L per unit of gross notional.
  const portfolio = new Float64Array(returnsCount);
  for (let h = 0; h < held.length; h++) {
    const weight = heldWeights[h];
    const r = heldReturns[h];
    for (let t = 0; t < returnsCount; t++) portfolio[t] += weight * r[t];
  }

  let historical = measures(0, 0, 0);
  let parametric = measures(0, 0, 0);
  let parametricMoments = { mean: 0, sigma: 0 };
  let cornishFisher = { var: 0, varAmount: 0, skewness: 0, excessKurtosis: 0 };
  let monteCarlo = measures(0, 0, 0);
  const contributionBySymbol = new Map<string, Omit<Contribution, 'symbol' | 'notional'>>();
  if (held.length > 0 && grossNotional > 0) {
    historical = measures(
      historicalVaR(portfolio, confidence, varMethod, horizonDays),
      expectedShortfall(portfolio, confidence, esMethod, horizonDays),
      grossNotional,
    );
    parametric = measures(
      parametricVaR(portfolio, confidence, { horizonDays }),
      parametricES(portfolio, confidence, { horizonDays }),
      grossNotional,
    );
    parametricMoments = {
      mean: mean(portfolio) * horizonDays,
      sigma: std(portfolio, 1) * Math.sqrt(horizonDays),
    };
    const cfVar = parametricVaR(portfolio, confidence, { cornishFisher: true, horizonDays });
    cornishFisher = {
      var: cfVar,
      varAmount: cfVar * grossNotional,
      skewness: skewness(portfolio),
      excessKurtosis: excessKurtosis(portfolio),
    };
    const simulated = monteCarloVaR({
      mean: heldReturns.map((r) => mean(r)),
      covariance: heldCovariance,
      weights: heldWeights,
      confidence,
      paths,
      seed,
      horizonDays,
    });
    monteCarlo = measures(simulated.var, simulated.es, grossNotional);

    const euler = parametricContributions(heldWeights, heldCovariance, confidence, horizonDays);
    const eulerShare = eulerShares(heldWeights, heldCovariance);
    const scenario = historicalContributions(heldWeights, heldReturns, {
      confidence,
      varMethod,
      esMethod,
      horizonDays,
    });
    held.forEach(({ symbol }, h) => {
      const historicalES = scenario.es[h] * grossNotional;
      contributionBySymbol.set(symbol, {
        parametricVaR: euler[h] * grossNotional,
        parametricShare: eulerShare[h],
        historicalVaR: scenario.var[h] * grossNotional,
        historicalES,
        share: historical.esAmount !== 0 ? historicalES / historical.esAmount : 0,
      });
    });
  }
  const contributions: Contribution[] = exposures.map(({ symbol, notional }) => ({
    symbol,
    notional,
    ...(contributionBySymbol.get(symbol) ?? {
      parametricVaR: 0,
      parametricShare: 0,
      historicalVaR: 0,
      historicalES: 0,
      share: 0,
    }),
  }));

  const heldSymbols = held.map((e) => e.symbol);
  const drivers: BreachDriver[] = contributions
    .filter((c) => c.historicalES > 0)
    .sort((a, b) => b.historicalES - a.historicalES)
    .slice(0, DRIVER_COUNT)
    .map(({ symbol, historicalES, share }) => ({ symbol, amount: historicalES, share }));
  // toPrecision: 0.57 × 100 is 56.99999999999999 in binary.
  const percent = +(confidence * 100).toPrecision(10);
  const breaches: LimitBreach[] = [
    ...checkNotionalLimits(valued, limits, fn),
    ...(limits.maxPairwiseCorrelation === undefined
      ? []
      : checkCorrelationLimit(heldCorrelation, heldSymbols, limits.maxPairwiseCorrelation)),
    ...(limits.maxAveragePairwiseCorrelation === undefined
      ? []
      : checkAverageCorrelationLimit(heldCorrelation, heldSymbols, limits.maxAveragePairwiseCorrelation)),
    ...checkVaRLimit(
      historical.varAmount,
      limits.maxVaR,
      `historical ${percent}% VaR (${horizonDays}-day)`,
      drivers,
      'historical ES',
    ),
  ];

  const returnDates = aligned.dates.slice(1);
  const backtest = input.backtest
    ? reportBacktest(portfolio, returnDates, grossNotional, input, confidence)
    : null;

  return {
    asOfDate: aligned.dates[aligned.dates.length - 1],
    fromDate: aligned.dates[0],
    confidence,
    horizonDays,
    horizonScaling: HORIZON_SCALING,
    exposures,
    grossNotional,
    netNotional,
    returnsCount,
    historical: { ...historical, varMethod, esMethod },
    parametric: { ...parametric, ddof: 1, ...parametricMoments, cornishFisher },
    monteCarlo: { ...monteCarlo, paths, seed },
    contributions,
    correlation,
    averagePairwiseCorrelation: averagePairwiseCorrelation(heldCorrelation),
    concentration: concentration(valued),
    tagExposures: tagExposures(valued),
    breaches,
    status: breaches.length > 0 ? 'breach' : 'ok',
    inputs: {
      symbols: aligned.symbols,
      positions: valued,
      valuationDate: aligned.dates[aligned.dates.length - 1],
      firstReturnDate: returnDates[0],
      lastReturnDate: returnDates[returnDates.length - 1],
      returnsCount,
      returns: RETURNS_CONVENTION,
      grossNotional,
      confidence,
      tailProbability: tailProbability(confidence),
      horizonDays,
      horizonScaling: HORIZON_SCALING,
      varMethod,
      esMethod,
      quantileConvention: QUANTILE_CONVENTIONS[varMethod],
      esConvention: ES_CONVENTIONS[esMethod],
      parametric: PARAMETRIC_CONVENTION,
      contributions: CONTRIBUTIONS_CONVENTION,
      monteCarlo: {
        paths,
        seed,
        model:
          'held symbols’ daily returns ~ N(μ·h, Σ·h) with the sample mean vector and covariance (ddof = 1); ' +
          'xoshiro128** + Marsaglia polar normals; linear quantile and Rockafellar–Uryasev ES of the paths',
      },
      limits,
      backtest: backtest
        ? { window: backtest.window, lookback: backtest.lookback, minLookback: backtest.minLookback }
        : null,
    },
    backtest,
  };
}

function reportBacktest(
  portfolio: Float64Array,
  dates: string[],
  grossNotional: number,
  input: RiskReportInput,
  confidence: number,
): ReportBacktest {
  const result = backtestHistoricalVaR(portfolio, {
    ...input.backtest,
    confidence,
    varMethod: input.varMethod ?? 'linear',
    dates,
  });
  return {
    method: BACKTEST_METHOD,
    ...result,
    exceptionDays: result.exceptionDays.map((day) => ({
      ...day,
      lossAmount: day.loss * grossNotional,
      varAmount: day.var * grossNotional,
    })),
  };
}
