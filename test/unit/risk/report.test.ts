import { buildRiskReport, historicalVaR, simpleReturns, type RiskReportInput } from '../../../src/risk';
import { riskInput, riskReference } from './fixtures';

const expected = riskReference.portfolio;
const base: RiskReportInput = {
  pricesBySymbol: riskInput.prices,
  positions: riskInput.positions,
  monteCarlo: { paths: 100_000, seed: 7 },
};

describe('buildRiskReport on the reference portfolio', () => {
  const report = buildRiskReport(base);

  it('values netted positions at the last common date', () => {
    expect(report.asOfDate).toBe(expected.asOfDate);
    expect(report.fromDate).toBe(expected.fromDate);
    expect(report.returnsCount).toBe(expected.returnsCount);
    expect(report.exposures.map((e) => e.symbol)).toEqual(Object.keys(expected.netQuantities));
    for (const e of report.exposures) {
      expect(e.quantity).toBe(expected.netQuantities[e.symbol]);
      expect(e.price).toBe(expected.lastPrices[e.symbol]);
      expect(e.notional).toBeCloseTo(expected.notionals[e.symbol], 10);
      expect(e.weight).toBeCloseTo(expected.weights[e.symbol], 12);
    }
    expect(report.grossNotional).toBeCloseTo(expected.grossNotional, 10);
    expect(report.netNotional).toBeCloseTo(expected.netNotional, 10);
    expect(report.exposures.find((e) => e.symbol === 'BBB')!.weight).toBeLessThan(0);
  });

  it('computes historical and parametric VaR/ES of Σ wᵢ rᵢ as numpy does, with currency amounts', () => {
    expect(report.confidence).toBe(0.99);
    expect(report.historical.varMethod).toBe('linear');
    expect(report.historical.esMethod).toBe('rockafellar_uryasev');
    expect(report.historical.var).toBeCloseTo(expected.historicalVarLinear, 10);
    expect(report.historical.es).toBeCloseTo(expected.historicalEsRockafellarUryasev, 10);
    expect(report.parametric.var).toBeCloseTo(expected.parametricVar, 10);
    expect(report.parametric.es).toBeCloseTo(expected.parametricEs, 10);
    expect(report.historical.varAmount).toBeCloseTo(expected.historicalVarLinear * expected.grossNotional, 8);
    expect(report.parametric.esAmount).toBeCloseTo(expected.parametricEs * expected.grossNotional, 8);
  });

  it('honours the named VaR and ES methods', () => {
    const other = buildRiskReport({ ...base, varMethod: 'inverted_cdf', esMethod: 'mean_k_worst' });
    expect(other.historical.var).toBeCloseTo(expected.historicalVarInvertedCdf, 10);
    expect(other.historical.es).toBeCloseTo(expected.historicalEsMeanKWorst, 10);
    expect(other.historical).toMatchObject({ varMethod: 'inverted_cdf', esMethod: 'mean_k_worst' });
  });

  it('runs Monte Carlo on the held symbols’ mean and covariance, converging to their Gaussian VaR', () => {
    expect(report.monteCarlo).toMatchObject({ paths: 100_000, seed: 7 });
    expect(Math.abs(report.monteCarlo.var / expected.gaussianFromCovarianceVar - 1)).toBeLessThan(0.02);
    expect(report.monteCarlo.varAmount).toBeCloseTo(report.monteCarlo.var * report.grossNotional, 8);
    expect(buildRiskReport(base).monteCarlo).toEqual(report.monteCarlo);
  });

  it('reports the correlation matrix of every priced symbol', () => {
    expect(report.correlation.symbols).toEqual(expected.symbols);
    report.correlation.matrix.forEach((row, i) =>
      row.forEach((rho, j) => expect(rho).toBeCloseTo(expected.correlation[i][j], 12)),
    );
  });

  it('is plain JSON and has no breaches without limits', () => {
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    expect(report.breaches).toEqual([]);
    expect(report.status).toBe('ok');
  });

  it('uses the defaults of 0.99, 10,000 paths and seed 42', () => {
    const defaults = buildRiskReport({ pricesBySymbol: riskInput.prices, positions: riskInput.positions });
    expect(defaults.monteCarlo).toMatchObject({ paths: 10_000, seed: 42 });
    expect(defaults.historical.var).toBe(report.historical.var);
  });
});

describe('buildRiskReport limits', () => {
  const biggest = Object.entries(expected.notionals).sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))[0];

  it('flags position, gross, correlation and VaR breaches and sets status', () => {
    const report = buildRiskReport({
      ...base,
      limits: {
        maxPositionNotional: Math.abs(biggest[1]) - 1,
        maxGrossNotional: expected.grossNotional - 1,
        maxPairwiseCorrelation: 0.5,
        maxVaR: expected.historicalVarLinear * expected.grossNotional - 1,
      },
    });
    expect(report.status).toBe('breach');
    expect(report.breaches.map((b) => [b.kind, b.symbol ?? b.pair ?? null])).toEqual([
      ['position', biggest[0]],
      ['gross', null],
      ['correlation', ['AAA', 'BBB']], // ρ ≈ 0.595; the other pairs are within ±0.5
      ['var', null],
    ]);
    const varBreach = report.breaches.find((b) => b.kind === 'var')!;
    expect(varBreach.value).toBeCloseTo(expected.historicalVarLinear * expected.grossNotional, 8);
    expect(varBreach.message).toMatch(/^historical 99% VaR /);
  });

  it('ignores correlations with symbols that are not held', () => {
    const report = buildRiskReport({
      ...base,
      positions: [
        { symbol: 'AAA', quantity: 10 },
        { symbol: 'CCC', quantity: 10 },
      ],
      limits: { maxPairwiseCorrelation: 0.5 }, // AAA–BBB exceeds it, AAA–CCC (≈ −0.40) does not
    });
    expect(report.breaches).toEqual([]);
    expect(report.correlation.symbols).toEqual(['AAA', 'BBB', 'CCC']);
  });
});

describe('buildRiskReport edge cases', () => {
  it('reports zero exposure and status ok for no positions', () => {
    const report = buildRiskReport({ ...base, positions: [], limits: { maxVaR: 1, maxGrossNotional: 1 } });
    expect(report.exposures).toEqual([]);
    expect(report.grossNotional).toBe(0);
    expect(report.historical).toMatchObject({ var: 0, es: 0, varAmount: 0, esAmount: 0 });
    expect(report.monteCarlo).toMatchObject({ var: 0, es: 0, paths: 100_000, seed: 7 });
    expect(report.returnsCount).toBe(expected.returnsCount);
    expect(report.status).toBe('ok');
  });

  it('handles a single symbol, long and short', () => {
    const prices = riskInput.prices.CCC;
    const sorted = [...prices].sort((a, b) => a.date.localeCompare(b.date));
    const returns = simpleReturns(sorted.map((p) => p.price));
    const long = buildRiskReport({
      pricesBySymbol: { CCC: prices },
      positions: [{ symbol: 'CCC', quantity: 3 }],
    });
    expect(long.correlation).toEqual({ symbols: ['CCC'], matrix: [[1]] });
    expect(long.exposures[0].weight).toBe(1);
    expect(long.historical.var).toBeCloseTo(historicalVaR(returns, 0.99), 15);
    const short = buildRiskReport({
      pricesBySymbol: { CCC: prices },
      positions: [{ symbol: 'CCC', quantity: -3 }],
    });
    expect(short.exposures[0].weight).toBe(-1);
    expect(short.historical.var).toBeCloseTo(
      historicalVaR(
        returns.map((r) => -r),
        0.99,
      ),
      15,
    );
  });

  it('survives a held symbol whose price never moves (zero variance, singular covariance)', () => {
    const flat = riskInput.prices.AAA.map(({ date }) => ({ date, price: 10 }));
    const report = buildRiskReport({
      ...base,
      pricesBySymbol: { ...riskInput.prices, FLAT: flat },
      positions: [...riskInput.positions, { symbol: 'FLAT', quantity: 1000 }],
      limits: { maxVaR: 1 },
    });
    const flatIndex = report.correlation.symbols.indexOf('FLAT');
    expect(report.correlation.matrix[flatIndex]).toEqual([0, 0, 0, 1]);
    expect(report.monteCarlo.var).toBeGreaterThan(0);
    // The flat position adds notional but no risk, so the VaR amount stays that of the other three.
    expect(report.historical.varAmount).toBeCloseTo(expected.historicalVarLinear * expected.grossNotional, 8);
    expect(report.breaches[0].message).toMatch(/^historical 99% VaR /);
  });

  it('throws a clear error for a symbol with no prices or a position without a series', () => {
    expect(() => buildRiskReport({ ...base, pricesBySymbol: { ...riskInput.prices, DDD: [] } })).toThrow(
      /symbol DDD has no prices/,
    );
    expect(() => buildRiskReport({ ...base, positions: [{ symbol: 'ZZZ', quantity: 1 }] })).toThrow(
      /no prices for position symbol ZZZ/,
    );
    expect(() => buildRiskReport({ ...base, confidence: 99 })).toThrow(
      /confidence must be a number in \(0, 1\)/,
    );
  });
});
