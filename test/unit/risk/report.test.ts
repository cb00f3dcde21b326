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

/** Agreement to 1e-9, relative for currency amounts (which are in the thousands). */
function expectClose(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
}

describe.each(Object.entries(riskInput.portfolioCases))(
  'portfolio case %s against numpy/scipy',
  (name, spec) => {
    const ref = riskReference.portfolioCases[name];
    const report = buildRiskReport({
      pricesBySymbol: riskInput.prices,
      positions: spec.positions,
      confidence: spec.confidence,
      horizonDays: spec.horizonDays,
      varMethod: spec.varMethod,
      esMethod: spec.esMethod,
      backtest: spec.backtest,
      monteCarlo: { paths: 100_000, seed: 7 },
    });

    it('values positions (quantities and market values) as the reference does', () => {
      expect(report.inputs.positions.map(({ notional: _notional, ...rest }) => rest)).toEqual(
        ref.valued.map(({ notional: _notional, ...rest }) => rest),
      );
      report.inputs.positions.forEach((p, i) => expectClose(p.notional, ref.valued[i].notional));
      expectClose(report.grossNotional, ref.grossNotional);
      expectClose(report.netNotional, ref.netNotional);
      for (const e of report.exposures) {
        expect(e.weight).toBeCloseTo(ref.weights[e.symbol], 12);
        expectClose(e.quantity * e.price, e.notional);
      }
    });

    it(`scales VaR/ES to ${spec.horizonDays} day(s): historical ×√h, parametric μ·h and σ·√h`, () => {
      expect(report.horizonDays).toBe(spec.horizonDays);
      expect(report.horizonScaling).toMatch(/VaR_h = VaR_1·√h/);
      expect(report.historical.var).toBeCloseTo(ref.historicalVar, 10);
      expect(report.historical.es).toBeCloseTo(ref.historicalEs, 10);
      expect(report.parametric.var).toBeCloseTo(ref.parametricVar, 10);
      expect(report.parametric.es).toBeCloseTo(ref.parametricEs, 10);
      expect(report.parametric.mean).toBeCloseTo(ref.parametricMean, 10);
      expect(report.parametric.sigma).toBeCloseTo(ref.parametricSigma, 10);
      expect(report.parametric.cornishFisher.var).toBeCloseTo(ref.cornishFisherVar, 10);
      expect(report.parametric.cornishFisher.skewness).toBeCloseTo(ref.skewness, 10);
      expect(report.parametric.cornishFisher.excessKurtosis).toBeCloseTo(ref.excessKurtosis, 10);
      expectClose(report.historical.varAmount, ref.historicalVar * ref.grossNotional);
      expectClose(report.parametric.cornishFisher.varAmount, ref.cornishFisherVar * ref.grossNotional);
      // Monte Carlo simulates h-day returns N(μ·h, Σ·h): it converges to that Gaussian VaR.
      expect(Math.abs(report.monteCarlo.var / ref.gaussianFromCovarianceVar - 1)).toBeLessThan(0.02);
    });

    it('reports contributions that match the reference and add up as stated', () => {
      expect(report.contributions.map((c) => c.symbol)).toEqual(ref.contributions.map((c) => c.symbol));
      report.contributions.forEach((c, i) => {
        const expected = ref.contributions[i];
        expectClose(c.parametricVaR, expected.parametricVaR);
        expect(c.parametricShare).toBeCloseTo(expected.parametricShare, 10);
        expectClose(c.historicalVaR, expected.historicalVaR);
        expectClose(c.historicalES, expected.historicalES);
        expect(c.share).toBeCloseTo(expected.share, 10);
      });
      const total = (key: 'parametricVaR' | 'historicalVaR' | 'historicalES' | 'share') =>
        report.contributions.reduce((sum, c) => sum + c[key], 0);
      // Euler: Σ = parametric VaR less its mean term, i.e. varAmount + μ_p·h × gross.
      expectClose(
        total('parametricVaR'),
        report.parametric.varAmount + report.parametric.mean * report.grossNotional,
      );
      expectClose(total('historicalVaR'), report.historical.varAmount);
      expectClose(total('historicalES'), report.historical.esAmount);
      expect(total('share')).toBeCloseTo(1, 12);
    });

    it('measures concentration, average correlation and tag exposures', () => {
      expect(report.concentration.symbol).toBe(ref.concentration.symbol);
      expect(report.concentration.value).toBeCloseTo(ref.concentration.value, 12);
      expect(report.averagePairwiseCorrelation).toBeCloseTo(ref.averagePairwiseCorrelation, 12);
      expect(report.tagExposures.map((t) => [t.tag, t.symbols])).toEqual(
        ref.tagExposures.map((t) => [t.tag, t.symbols]),
      );
      report.tagExposures.forEach((t, i) => {
        expectClose(t.grossNotional, ref.tagExposures[i].grossNotional);
        expectClose(t.netNotional, ref.tagExposures[i].netNotional);
      });
    });

    it('states its inputs so each figure can be recomputed', () => {
      expect(report.inputs).toMatchObject({
        symbols: ['AAA', 'BBB', 'CCC'],
        valuationDate: report.asOfDate,
        firstReturnDate: ref.firstReturnDate,
        lastReturnDate: ref.lastReturnDate,
        returnsCount: ref.returnsCount,
        confidence: spec.confidence,
        tailProbability: riskReference.tailProbabilities[String(spec.confidence)],
        horizonDays: spec.horizonDays,
        varMethod: spec.varMethod,
        esMethod: spec.esMethod,
        monteCarlo: { paths: 100_000, seed: 7 },
        limits: {},
        backtest: spec.backtest,
      });
      expect(report.inputs.quantileConvention.startsWith(spec.varMethod)).toBe(true);
      expect(report.inputs.esConvention.startsWith(spec.esMethod)).toBe(true);
      expect(report.inputs.returns).toMatch(/simple returns/);
      expect(report.inputs.contributions).toMatch(/Euler/);
      expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    });

    it('backtests the rolling 1-day historical VaR of today’s positions as the reference does', () => {
      const bt = report.backtest!;
      const expected = ref.backtest;
      expect(bt).toMatchObject({
        status: 'ok',
        ...spec.backtest,
        observations: expected.observations,
        firstDate: expected.firstDate,
        lastDate: expected.lastDate,
        shortestLookback: expected.shortestLookback,
        longestLookback: expected.longestLookback,
        exceptions: expected.exceptions,
        transitions: { n00: expected.n00, n01: expected.n01, n10: expected.n10, n11: expected.n11 },
      });
      expect(bt.exceptionDays.map((d) => d.date)).toEqual(expected.exceptionDates);
      expect(bt.kupiec!.statistic).toBeCloseTo(expected.lrPof, 10);
      expect(bt.kupiec!.pValue).toBeCloseTo(expected.pPof, 10);
      expect(bt.christoffersen!.statistic).toBeCloseTo(expected.lrInd, 10);
      expect(bt.christoffersen!.pValue).toBeCloseTo(expected.pInd, 10);
      expect(bt.conditionalCoverage!.statistic).toBeCloseTo(expected.lrCc, 10);
      expect(bt.conditionalCoverage!.pValue).toBeCloseTo(expected.pCc, 10);
      expect(bt.basel?.zone ?? null).toBe(expected.baselZone);
      for (const day of bt.exceptionDays) expectClose(day.lossAmount, day.loss * report.grossNotional);
      // The history here is shorter than window + lookback or the confidence is not 99 %: the notes say so.
      expect(bt.notes.length).toBeGreaterThan(0);
    });
  },
);

describe('buildRiskReport horizon, breaches and drivers', () => {
  const tenDay = riskInput.portfolioCases.quantityBook10d;
  const ref = riskReference.portfolioCases.quantityBook10d;

  it('names the largest historical-ES contributors in a VaR breach, at the report’s horizon', () => {
    const report = buildRiskReport({
      ...base,
      horizonDays: 10,
      limits: { maxVaR: ref.historicalVar * ref.grossNotional - 1 },
    });
    const [breach] = report.breaches;
    expect(breach.kind).toBe('var');
    const positive = ref.contributions
      .filter((c) => c.historicalES > 0)
      .sort((a, b) => b.historicalES - a.historicalES);
    expect(positive.map((c) => c.symbol)).toEqual(['AAA', 'CCC']); // BBB is the hedge
    expect(breach.drivers!.map((d) => d.symbol)).toEqual(positive.map((c) => c.symbol));
    breach.drivers!.forEach((d, i) => {
      expectClose(d.amount, positive[i].historicalES);
      expect(d.share).toBeCloseTo(positive[i].share, 10);
    });
    expect(breach.message).toMatch(
      /^historical 99% VaR \(10-day\) [\d,.]+ exceeds the limit [\d,.]+; largest contributors to historical ES: AAA [\d,.]+ \(112\.9\d*%\), CCC [\d,.]+ \(12\.6\d*%\)$/,
    );
    expect(tenDay.horizonDays).toBe(10);
  });

  it('flags net, concentration, tag and average-correlation limits alongside the others', () => {
    const spec = riskInput.portfolioCases.marketValueBook5d;
    const mv = riskReference.portfolioCases.marketValueBook5d;
    const report = buildRiskReport({
      pricesBySymbol: riskInput.prices,
      positions: spec.positions,
      limits: {
        maxGrossNotional: mv.grossNotional + 1,
        maxNetNotional: Math.abs(mv.netNotional) - 1,
        maxConcentration: 0.4,
        maxNotionalByTag: { tech: 1_000, energy: 1e9 },
        maxPairwiseCorrelation: 0.99,
        maxAveragePairwiseCorrelation: 0.05,
      },
    });
    expect(report.status).toBe('breach');
    expect(report.breaches.map((b) => [b.kind, b.symbol ?? b.tag ?? b.symbols ?? null])).toEqual([
      ['net', null],
      ['concentration', 'AAA'],
      ['tag', 'tech'],
      ['averageCorrelation', ['AAA', 'BBB', 'CCC']],
    ]);
    const [net, concentrated, tag, average] = report.breaches;
    expectClose(net.value, Math.abs(mv.netNotional));
    expect(concentrated.value).toBeCloseTo(mv.concentration.value, 12);
    expect(concentrated.message).toMatch(
      /^AAA is 48\.4% of gross notional, above the concentration limit 40%$/,
    );
    expect(tag.message).toMatch(/^tag tech gross notional [\d,.]+ \(AAA, CCC\) exceeds the limit 1,000$/);
    expect(average.value).toBeCloseTo(mv.averagePairwiseCorrelation, 12);
    expect(average.message).toMatch(
      /^average pairwise correlation of AAA, BBB, CCC is 0\.0645, above the limit 0\.05$/,
    );
  });

  it('gives the same risk for market values equal to quantity × price', () => {
    const quantities = buildRiskReport(base);
    const marketValues = buildRiskReport({
      ...base,
      positions: quantities.exposures.map(({ symbol, notional }) => ({ symbol, marketValue: notional })),
    });
    expect(marketValues.exposures.map((e) => e.basis)).toEqual(['marketValue', 'marketValue', 'marketValue']);
    for (const key of ['historical', 'parametric'] as const) {
      expect(marketValues[key].var).toBeCloseTo(quantities[key].var, 14);
      expect(marketValues[key].es).toBeCloseTo(quantities[key].es, 14);
    }
    marketValues.exposures.forEach((e, i) =>
      expect(e.quantity).toBeCloseTo(quantities.exposures[i].quantity, 9),
    );
  });

  it('defaults to a 1-day horizon with no backtest, and validates horizonDays', () => {
    const report = buildRiskReport(base);
    expect(report.horizonDays).toBe(1);
    expect(report.inputs.horizonDays).toBe(1);
    expect(report.backtest).toBeNull();
    expect(report.inputs.backtest).toBeNull();
    expect(report.inputs.firstReturnDate > report.fromDate).toBe(true);
    expect(() => buildRiskReport({ ...base, horizonDays: 2.5 })).toThrow(
      'buildRiskReport: horizonDays must be a positive integer, got 2.5',
    );
    expect(() =>
      buildRiskReport({ ...base, positions: [{ symbol: 'AAA', quantity: 1, marketValue: 2 } as never] }),
    ).toThrow('buildRiskReport: position 0 (AAA) must have exactly one of quantity or marketValue');
  });

  it('reports zero contributions for a book without exposure', () => {
    const report = buildRiskReport({ ...base, positions: [{ symbol: 'AAA', quantity: 0 }] });
    expect(report.contributions).toEqual([
      {
        symbol: 'AAA',
        notional: 0,
        parametricVaR: 0,
        parametricShare: 0,
        historicalVaR: 0,
        historicalES: 0,
        share: 0,
      },
    ]);
    expect(report.concentration).toEqual({ symbol: null, value: 0 });
    expect(report.averagePairwiseCorrelation).toBeNull();
  });
});

describe('in-report backtest on the constructed series', () => {
  const spec = riskInput.constructedBacktest;
  const expected = riskReference.constructedBacktest[0];

  it('finds exactly the planted losses in the last 250 days and puts 5 exceptions in the yellow zone', () => {
    const report = buildRiskReport({
      pricesBySymbol: { [spec.symbol]: spec.prices },
      positions: [{ symbol: spec.symbol, marketValue: 1_000_000 }],
      backtest: { window: 250 },
    });
    const bt = report.backtest!;
    const returnDates = spec.prices.slice(1).map((p) => p.date);
    const planted = spec.plantedReturnIndices.filter((t) => t >= returnDates.length - 250);
    expect(bt.exceptionDays.map((d) => d.date)).toEqual(planted.map((t) => returnDates[t]));
    expect(bt.exceptionDays.map((d) => d.date)).toEqual(expected.exceptionDates);
    expect(bt).toMatchObject({
      observations: 250,
      exceptions: 5,
      basel: { zone: 'yellow', plusFactor: 0.4 },
    });
    expect(bt.kupiec!.statistic).toBeCloseTo(expected.lrPof, 10);
    expect(bt.method).toMatch(/rolling 1-day historical VaR/);
    for (const day of bt.exceptionDays) {
      expect(day.lossAmount).toBeCloseTo(day.loss * 1_000_000, 6);
      expect(day.varAmount).toBeCloseTo(day.var * 1_000_000, 6);
    }
  });
});
