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
import { checkCorrelationLimit, checkPositionLimits, checkVaRLimit, netPositions } from './limits';
import type { LimitBreach, Position, RiskLimits } from './limits';
import { monteCarloVaR } from './monte-carlo';
import type { QuantileMethod } from './quantile';
import { correlationFromCovariance, covarianceMatrix, mean } from './stats';
import { expectedShortfall, historicalVaR, parametricES, parametricVaR } from './var';
import type { ExpectedShortfallMethod } from './var';
import { assertConfidence } from './validation';

export const DEFAULT_CONFIDENCE = 0.99;
export const DEFAULT_MONTE_CARLO_PATHS = 10_000;
export const DEFAULT_MONTE_CARLO_SEED = 42;

export interface RiskReportInput {
  /** Daily price series per symbol; all are aligned on their common dates. */
  pricesBySymbol: Record<string, DatedPrice[]>;
  /** Positions valued at each symbol's price on the last common date; repeated symbols are netted. */
  positions: Position[];
  limits?: RiskLimits;
  /** Default 0.99. */
  confidence?: number;
  /** Historical VaR quantile method; default `linear` (numpy's default). */
  varMethod?: QuantileMethod;
  /** Historical ES form; default `rockafellar_uryasev`. */
  esMethod?: ExpectedShortfallMethod;
  monteCarlo?: { paths?: number; seed?: number };
}

export interface Exposure {
  symbol: string;
  quantity: number;
  /** Price on `asOfDate`. */
  price: number;
  /** quantity × price (negative for a short). */
  notional: number;
  /** notional / gross notional (0 when there is no exposure). */
  weight: number;
}

export interface RiskMeasures {
  /** Positive loss fraction of gross notional. */
  var: number;
  es: number;
  /** var × gross notional, in currency. */
  varAmount: number;
  esAmount: number;
}

export interface RiskReport {
  /** Last date on which every symbol has a price: positions are valued here. */
  asOfDate: string;
  /** First common date: the returns window is (fromDate, asOfDate]. */
  fromDate: string;
  confidence: number;
  exposures: Exposure[];
  grossNotional: number;
  netNotional: number;
  /** Number of daily portfolio returns behind the historical and parametric figures. */
  returnsCount: number;
  historical: RiskMeasures & { varMethod: QuantileMethod; esMethod: ExpectedShortfallMethod };
  /** Gaussian, μ and σ (ddof = 1) of the portfolio returns. */
  parametric: RiskMeasures & { ddof: 1 };
  /** Gaussian with the held symbols' sample mean vector and covariance; linear quantile, RU ES of the paths. */
  monteCarlo: RiskMeasures & { paths: number; seed: number };
  /** Pearson correlation of daily simple returns over every priced symbol (held or not). */
  correlation: { symbols: string[]; matrix: number[][] };
  /** Position and gross limits; correlation among held symbols only; VaR limit against historical varAmount. */
  breaches: LimitBreach[];
  status: 'ok' | 'breach';
}

function measures(varFraction: number, esFraction: number, gross: number): RiskMeasures {
  return { var: varFraction, es: esFraction, varAmount: varFraction * gross, esAmount: esFraction * gross };
}

export function buildRiskReport(input: RiskReportInput): RiskReport {
  const confidence = input.confidence ?? DEFAULT_CONFIDENCE;
  assertConfidence('buildRiskReport', confidence);
  const varMethod = input.varMethod ?? 'linear';
  const esMethod = input.esMethod ?? 'rockafellar_uryasev';
  const paths = input.monteCarlo?.paths ?? DEFAULT_MONTE_CARLO_PATHS;
  const seed = input.monteCarlo?.seed ?? DEFAULT_MONTE_CARLO_SEED;
  const limits = input.limits ?? {};

  const positions = netPositions(input.positions);
  for (const { symbol } of positions) {
    if (!Object.hasOwn(input.pricesBySymbol, symbol)) {
      throw new RangeError(`buildRiskReport: no prices for position symbol ${symbol}`);
    }
  }
  const aligned = alignedReturnMatrix(input.pricesBySymbol, 'simple');
  const returnsOf = new Map(aligned.symbols.map((symbol, i) => [symbol, aligned.returns[i]]));
  const returnsCount = aligned.dates.length - 1;

  const notionals = positions.map(({ symbol, quantity }) => quantity * aligned.lastPrices[symbol]);
  const grossNotional = notionals.reduce((sum, n) => sum + Math.abs(n), 0);
  const netNotional = notionals.reduce((sum, n) => sum + n, 0);
  const exposures: Exposure[] = positions.map(({ symbol, quantity }, i) => ({
    symbol,
    quantity,
    price: aligned.lastPrices[symbol],
    notional: notionals[i],
    weight: grossNotional > 0 ? notionals[i] / grossNotional : 0,
  }));
  const held = exposures.filter((e) => e.quantity !== 0);

  const covariance = covarianceMatrix(aligned.returns, 1);
  const correlation = { symbols: aligned.symbols, matrix: correlationFromCovariance(covariance) };

  let historical = measures(0, 0, 0);
  let parametric = measures(0, 0, 0);
  let monteCarlo = measures(0, 0, 0);
  if (held.length > 0 && grossNotional > 0) {
    const portfolio = new Float64Array(returnsCount);
    for (const { symbol, weight } of held) {
      const r = returnsOf.get(symbol)!;
      for (let t = 0; t < returnsCount; t++) portfolio[t] += weight * r[t];
    }
    historical = measures(
      historicalVaR(portfolio, confidence, varMethod),
      expectedShortfall(portfolio, confidence, esMethod),
      grossNotional,
    );
    parametric = measures(
      parametricVaR(portfolio, confidence),
      parametricES(portfolio, confidence),
      grossNotional,
    );
    const heldIndex = held.map(({ symbol }) => aligned.symbols.indexOf(symbol));
    const simulated = monteCarloVaR({
      mean: heldIndex.map((i) => mean(aligned.returns[i])),
      covariance: heldIndex.map((i) => heldIndex.map((j) => covariance[i][j])),
      weights: held.map((e) => e.weight),
      confidence,
      paths,
      seed,
    });
    monteCarlo = measures(simulated.var, simulated.es, grossNotional);
  }

  const breaches: LimitBreach[] = [
    ...checkPositionLimits(positions, aligned.lastPrices, limits),
    ...(limits.maxPairwiseCorrelation === undefined
      ? []
      : checkHeldCorrelations(correlation, held, limits.maxPairwiseCorrelation)),
    // toPrecision: 0.57 × 100 is 56.99999999999999 in binary.
    ...checkVaRLimit(
      historical.varAmount,
      limits.maxVaR,
      `historical ${+(confidence * 100).toPrecision(10)}% VaR`,
    ),
  ];

  return {
    asOfDate: aligned.dates[aligned.dates.length - 1],
    fromDate: aligned.dates[0],
    confidence,
    exposures,
    grossNotional,
    netNotional,
    returnsCount,
    historical: { ...historical, varMethod, esMethod },
    parametric: { ...parametric, ddof: 1 },
    monteCarlo: { ...monteCarlo, paths, seed },
    correlation,
    breaches,
    status: breaches.length > 0 ? 'breach' : 'ok',
  };
}

/** A correlation only concentrates risk when both symbols are held. */
function checkHeldCorrelations(
  correlation: { symbols: string[]; matrix: number[][] },
  held: Exposure[],
  maxAbs: number,
): LimitBreach[] {
  const symbols = held.map((e) => e.symbol);
  const index = symbols.map((symbol) => correlation.symbols.indexOf(symbol));
  const matrix = index.map((i) => index.map((j) => correlation.matrix[i][j]));
  return checkCorrelationLimit(matrix, symbols, maxAbs);
}
