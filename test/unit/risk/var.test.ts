import {
  cornishFisherZ,
  expectedShortfall,
  gaussianES,
  gaussianVaR,
  historicalVaR,
  inverseNormalCdf,
  parametricES,
  parametricVaR,
  scaleToHorizon,
} from '../../../src/risk';
import { tailProbability } from '../../../src/risk/validation';
import { riskInput, riskReference, seriesCases } from './fixtures';

const caseName = '$name at $confidence';

describe('tail probability', () => {
  it.each(Object.entries(riskReference.tailProbabilities))(
    'p = 1 − %s matches the reference rounding',
    (c, p) => {
      expect(tailProbability(Number(c))).toBe(p);
    },
  );
});

describe('historicalVaR against numpy.quantile', () => {
  it.each(seriesCases)(`linear (numpy default), ${caseName}`, ({ returns, confidence, expected }) => {
    expect(historicalVaR(returns, confidence, 'linear')).toBeCloseTo(expected.varLinear, 10);
  });

  it.each(seriesCases)(
    `inverted_cdf (lower empirical quantile), ${caseName}`,
    ({ returns, confidence, expected }) => {
      expect(historicalVaR(returns, confidence, 'inverted_cdf')).toBeCloseTo(expected.varInvertedCdf, 10);
    },
  );

  it('defaults to the linear method', () => {
    const returns = riskInput.series.fatTailed250;
    expect(historicalVaR(returns, 0.99)).toBe(historicalVaR(returns, 0.99, 'linear'));
    // The two methods really differ on this series, so the default is not trivially either.
    expect(historicalVaR(returns, 0.99, 'inverted_cdf')).not.toBeCloseTo(historicalVaR(returns, 0.99), 8);
  });

  it('inverted_cdf returns an observed loss', () => {
    const returns = riskInput.series.fatTailed250;
    const loss = historicalVaR(returns, 0.95, 'inverted_cdf');
    expect(returns).toContain(-loss);
  });

  it('does not reorder the caller’s array', () => {
    const returns = [...riskInput.series.gaussian200];
    historicalVaR(returns, 0.99);
    expect(returns).toEqual(riskInput.series.gaussian200);
  });

  it('reports a negative VaR when even the tail is a gain', () => {
    expect(historicalVaR([0.01, 0.02, 0.03], 0.5, 'inverted_cdf')).toBe(-0.02);
  });
});

describe('expectedShortfall against the Riskfolio-Lib and empyrical definitions', () => {
  it.each(seriesCases)(`rockafellar_uryasev, ${caseName}`, ({ returns, confidence, expected }) => {
    expect(expectedShortfall(returns, confidence, 'rockafellar_uryasev')).toBeCloseTo(
      expected.esRockafellarUryasev,
      10,
    );
  });

  it.each(seriesCases)(`mean_k_worst, ${caseName}`, ({ returns, confidence, expected }) => {
    expect(expectedShortfall(returns, confidence, 'mean_k_worst')).toBeCloseTo(expected.esMeanKWorst, 10);
  });

  it.each(seriesCases)(`RU ES is at least the inverted_cdf VaR, ${caseName}`, ({ returns, confidence }) => {
    expect(expectedShortfall(returns, confidence)).toBeGreaterThanOrEqual(
      historicalVaR(returns, confidence, 'inverted_cdf'),
    );
  });

  it('puts a fractional weight on the boundary loss (n·p = 2.4 with ties)', () => {
    // Sorted: −0.031, −0.031, −0.027 … so RU averages 0.031, 0.031 and 0.4 × 0.027 over 2.4.
    const ties = riskInput.series.ties20;
    expect(expectedShortfall(ties, 0.88)).toBeCloseTo((0.031 + 0.031 + 0.4 * 0.027) / 2.4, 12);
    // empyrical takes k = ⌊19 × 0.12⌋ + 1 = 3 whole observations instead.
    expect(expectedShortfall(ties, 0.88, 'mean_k_worst')).toBeCloseTo((0.031 + 0.031 + 0.027) / 3, 12);
  });
});

describe('parametric VaR and ES against scipy.stats.norm', () => {
  it.each(seriesCases)(
    `Gaussian VaR −μ − z·σ (ddof = 1), ${caseName}`,
    ({ returns, confidence, expected }) => {
      expect(parametricVaR(returns, confidence)).toBeCloseTo(expected.parametric.var, 10);
      expect(parametricVaR(returns, confidence)).toBeCloseTo(expected.parametric.varScipy, 10);
    },
  );

  it.each(seriesCases)(`ddof = 0, ${caseName}`, ({ returns, confidence, expected }) => {
    expect(parametricVaR(returns, confidence, { ddof: 0 })).toBeCloseTo(expected.parametric.varDdof0, 10);
  });

  it.each(seriesCases)(`Cornish–Fisher, ${caseName}`, ({ returns, confidence, expected }) => {
    expect(parametricVaR(returns, confidence, { cornishFisher: true })).toBeCloseTo(
      expected.parametric.varCornishFisher,
      10,
    );
  });

  it.each(seriesCases)(`Gaussian ES −μ + σ·φ(z)/p, ${caseName}`, ({ returns, confidence, expected }) => {
    expect(parametricES(returns, confidence)).toBeCloseTo(expected.parametric.es, 10);
  });

  it('gaussianVaR/ES of N(0, 1) are the normal quantile and tail mean', () => {
    const z = inverseNormalCdf(0.99);
    expect(gaussianVaR(0, 1, 0.99)).toBeCloseTo(z, 14);
    expect(gaussianVaR(0.001, 0.02, 0.99)).toBeCloseTo(-0.001 + 0.02 * z, 14);
    expect(gaussianES(0, 1, 0.99)).toBeCloseTo(Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI) / 0.01, 12);
    expect(gaussianES(0, 1, 0.99)).toBeGreaterThan(gaussianVaR(0, 1, 0.99));
  });
});

describe('input validation', () => {
  const fns = {
    historicalVaR: (r: number[], c: number) => historicalVaR(r, c),
    expectedShortfall: (r: number[], c: number) => expectedShortfall(r, c),
    parametricVaR: (r: number[], c: number) => parametricVaR(r, c),
    parametricES: (r: number[], c: number) => parametricES(r, c),
  };

  it.each(Object.entries(fns))(
    '%s rejects empty, short and non-finite series naming `returns`',
    (name, fn) => {
      expect(() => fn([], 0.99)).toThrow(
        new RangeError(`${name}: returns must have at least 2 values, got 0`),
      );
      expect(() => fn([0.01], 0.99)).toThrow(RangeError);
      expect(() => fn([0.01, NaN, 0.02], 0.99)).toThrow(/returns\[1\] is NaN/);
      expect(() => fn([0.01, Infinity], 0.99)).toThrow(/returns\[1\] is Infinity/);
    },
  );

  it.each(Object.entries(fns))('%s rejects confidence outside (0, 1)', (name, fn) => {
    for (const c of [0, 1, 1.5, -0.2, NaN]) {
      expect(() => fn([0.01, -0.02, 0.03], c)).toThrow(
        new RangeError(`${name}: confidence must be a number in (0, 1), got ${c}`),
      );
    }
  });

  it('rejects unknown method names', () => {
    expect(() => historicalVaR([0.01, -0.02], 0.9, 'nearest' as never)).toThrow(
      /method must be one of linear, inverted_cdf/,
    );
    expect(() => expectedShortfall([0.01, -0.02], 0.9, 'cvar' as never)).toThrow(
      /method must be one of rockafellar_uryasev, mean_k_worst/,
    );
  });

  it('rejects a negative sigma and a ddof that leaves no degrees of freedom', () => {
    expect(() => gaussianVaR(0, -1, 0.99)).toThrow(/sigma/);
    expect(() => parametricVaR([0.01, -0.02], 0.99, { ddof: 2 })).toThrow(/ddof/);
  });
});

describe('horizon h against the numpy/scipy reference', () => {
  const horizonCases = Object.entries(riskReference.horizon).flatMap(([name, byConfidence]) =>
    Object.entries(byConfidence).flatMap(([confidence, byDays]) =>
      Object.entries(byDays).map(([days, expected]) => ({
        name,
        confidence: Number(confidence),
        horizonDays: Number(days),
        returns: riskInput.series[name],
        expected,
      })),
    ),
  );
  const horizonName = '$name at $confidence, $horizonDays days';

  it('covers every listed series, confidence and horizon', () => {
    expect(horizonCases).toHaveLength(
      riskInput.horizons.series.length * riskInput.confidences.length * riskInput.horizons.days.length,
    );
  });

  it.each(horizonCases)(`historical VaR and ES scale by √h, ${horizonName}`, (c) => {
    const { returns, confidence, horizonDays: h, expected } = c;
    expect(historicalVaR(returns, confidence, 'linear', h)).toBeCloseTo(expected.varLinear, 10);
    expect(historicalVaR(returns, confidence, 'inverted_cdf', h)).toBeCloseTo(expected.varInvertedCdf, 10);
    expect(expectedShortfall(returns, confidence, 'rockafellar_uryasev', h)).toBeCloseTo(
      expected.esRockafellarUryasev,
      10,
    );
    expect(expectedShortfall(returns, confidence, 'mean_k_worst', h)).toBeCloseTo(expected.esMeanKWorst, 10);
  });

  it.each(horizonCases)(`parametric uses μ·h and σ·√h, ${horizonName}`, (c) => {
    const { returns, confidence, horizonDays, expected } = c;
    expect(parametricVaR(returns, confidence, { horizonDays })).toBeCloseTo(expected.parametricVar, 10);
    expect(parametricVaR(returns, confidence, { horizonDays })).toBeCloseTo(expected.parametricVarScipy, 10);
    expect(parametricES(returns, confidence, { horizonDays })).toBeCloseTo(expected.parametricEs, 10);
  });

  it.each(horizonCases)(`Cornish–Fisher uses the h-day moments S/√h, K/h, ${horizonName}`, (c) => {
    const { returns, confidence, horizonDays, expected } = c;
    expect(parametricVaR(returns, confidence, { horizonDays, cornishFisher: true })).toBeCloseTo(
      expected.cornishFisherVar,
      10,
    );
  });

  it('leaves 1-day figures bit for bit unchanged', () => {
    const returns = riskInput.series.fatTailed250;
    expect(historicalVaR(returns, 0.99, 'linear', 1)).toBe(historicalVaR(returns, 0.99));
    expect(expectedShortfall(returns, 0.99, 'rockafellar_uryasev', 1)).toBe(expectedShortfall(returns, 0.99));
    expect(parametricVaR(returns, 0.99, { horizonDays: 1, cornishFisher: true })).toBe(
      parametricVaR(returns, 0.99, { cornishFisher: true }),
    );
    expect(scaleToHorizon(0.0123, 1)).toBe(0.0123);
    expect(scaleToHorizon(0.01, 4)).toBe(0.02);
  });

  it('Cornish–Fisher z is z itself without skew or excess kurtosis', () => {
    expect(cornishFisherZ(-2.326, 0, 0)).toBe(-2.326);
  });

  it('rejects a horizon that is not a positive integer', () => {
    for (const h of [0, -1, 1.5, NaN]) {
      expect(() => historicalVaR([0.01, -0.02], 0.9, 'linear', h)).toThrow(
        new RangeError(`historicalVaR: horizonDays must be a positive integer, got ${h}`),
      );
      expect(() => parametricVaR([0.01, -0.02], 0.9, { horizonDays: h })).toThrow(/horizonDays/);
      expect(() => parametricES([0.01, -0.02], 0.9, { horizonDays: h })).toThrow(/horizonDays/);
      expect(() => expectedShortfall([0.01, -0.02], 0.9, 'rockafellar_uryasev', h)).toThrow(/horizonDays/);
    }
  });
});
