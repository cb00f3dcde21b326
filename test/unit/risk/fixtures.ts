/** Typed access to the committed inputs and the numpy/scipy reference numbers (scripts/reference/risk_reference.py). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type {
  DatedPrice,
  ExpectedShortfallMethod,
  Position,
  QuantileMethod,
  TagExposure,
} from '../../../src/risk';

export interface ParametricReference {
  var: number;
  es: number;
  varDdof0: number;
  varCornishFisher: number;
  varScipy: number;
}

export interface ConfidenceReference {
  varLinear: number;
  varInvertedCdf: number;
  esRockafellarUryasev: number;
  esMeanKWorst: number;
  parametric: ParametricReference;
}

export interface SeriesReference {
  n: number;
  mean: number;
  std: number;
  stdDdof0: number;
  skewness: number;
  excessKurtosis: number;
  byConfidence: Record<string, ConfidenceReference>;
}

export interface RiskInput {
  confidences: number[];
  series: Record<string, number[]>;
  prices: Record<string, DatedPrice[]>;
  positions: Position[];
  normal: { cdfPoints: number[]; ppfProbabilities: number[] };
  xoshiroState: number[];
  backtest: {
    published: {
      observations: number;
      exceptions: number;
      confidence: number;
      n00: number;
      n01: number;
      n10: number;
      n11: number;
    };
    baselExceptions: number[];
  };
  portfolioCases: Record<string, PortfolioCase>;
  constructedBacktest: {
    symbol: string;
    prices: DatedPrice[];
    plantedReturnIndices: number[];
    confidence: number;
    varMethod: QuantileMethod;
    cases: { window: number; lookback: number; minLookback: number }[];
  };
  horizons: { series: string[]; days: number[] };
}

export interface PortfolioCase {
  positions: Position[];
  confidence: number;
  horizonDays: number;
  varMethod: QuantileMethod;
  esMethod: ExpectedShortfallMethod;
  backtest: { window: number; lookback: number; minLookback: number };
}

export interface HorizonReference {
  varLinear: number;
  varInvertedCdf: number;
  esRockafellarUryasev: number;
  esMeanKWorst: number;
  parametricVar: number;
  parametricVarScipy: number;
  parametricEs: number;
  cornishFisherVar: number;
}

export interface RollingBacktestReference extends LikelihoodRatios {
  observations: number;
  firstDate: string;
  lastDate: string;
  shortestLookback: number;
  longestLookback: number;
  varForecasts: number[];
  exceptions: number;
  exceptionIndices: number[];
  exceptionDates: string[];
  n00: number;
  n01: number;
  n10: number;
  n11: number;
  baselZone: string | null;
}

export interface PortfolioCaseReference {
  valued: {
    symbol: string;
    basis: string;
    quantity: number | null;
    marketValue: number | null;
    price: number;
    notional: number;
    tags: string[];
  }[];
  grossNotional: number;
  netNotional: number;
  weights: Record<string, number>;
  heldSymbols: string[];
  firstReturnDate: string;
  lastReturnDate: string;
  returnsCount: number;
  historicalVar: number;
  historicalEs: number;
  parametricMean: number;
  parametricSigma: number;
  parametricVar: number;
  parametricEs: number;
  cornishFisherVar: number;
  skewness: number;
  excessKurtosis: number;
  gaussianFromCovarianceVar: number;
  contributions: {
    symbol: string;
    parametricVaR: number;
    parametricShare: number;
    historicalVaR: number;
    historicalES: number;
    share: number;
  }[];
  varScenarioDates: string[];
  esScenarioDates: string[];
  concentration: { symbol: string; value: number };
  averagePairwiseCorrelation: number;
  tagExposures: TagExposure[];
  backtest: RollingBacktestReference;
}

interface LikelihoodRatios {
  lrPof: number;
  pPof: number;
  lrInd: number;
  pInd: number;
  lrCc: number;
  pCc: number;
}

export interface RiskReference {
  tailProbabilities: Record<string, number>;
  series: Record<string, SeriesReference>;
  portfolio: {
    symbols: string[];
    dates: string[];
    asOfDate: string;
    fromDate: string;
    lastPrices: Record<string, number>;
    firstReturns: Record<string, number[]>;
    firstLogReturns: Record<string, number[]>;
    covariance: number[][];
    correlation: number[][];
    cholesky: number[][];
    netQuantities: Record<string, number>;
    notionals: Record<string, number>;
    grossNotional: number;
    netNotional: number;
    weights: Record<string, number>;
    heldSymbols: string[];
    heldMean: number[];
    returnsCount: number;
    confidence: number;
    historicalVarLinear: number;
    historicalVarInvertedCdf: number;
    historicalEsRockafellarUryasev: number;
    historicalEsMeanKWorst: number;
    parametricVar: number;
    parametricEs: number;
    gaussianFromCovarianceVar: number;
  };
  normal: { cdf: number[]; pdf: number[]; ppf: number[]; erfc: number[] };
  xoshiro128ss: number[];
  backtest: {
    published: LikelihoodRatios;
    series: LikelihoodRatios & {
      var: number;
      exceptions: number;
      observations: number;
      n00: number;
      n01: number;
      n10: number;
      n11: number;
    };
    basel: { cumulativeProbability: number[]; zones: string[] };
  };
  /** series → confidence → horizon days → figures. */
  horizon: Record<string, Record<string, Record<string, HorizonReference>>>;
  portfolioCases: Record<string, PortfolioCaseReference>;
  /** One entry per riskInput.constructedBacktest.cases entry. */
  constructedBacktest: RollingBacktestReference[];
}

const read = <T>(name: string): T => JSON.parse(readFileSync(join(__dirname, 'fixtures', name), 'utf8')) as T;

export const riskInput = read<RiskInput>('risk-input.json');
export const riskReference = read<RiskReference>('risk-reference.json');

/** Every (series, confidence) pair the reference covers, for it.each tables. */
export const seriesCases = Object.entries(riskReference.series).flatMap(([name, ref]) =>
  Object.entries(ref.byConfidence).map(([confidence, expected]) => ({
    name,
    confidence: Number(confidence),
    returns: riskInput.series[name],
    expected,
  })),
);
