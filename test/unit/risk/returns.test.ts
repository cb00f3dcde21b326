import { alignedReturnMatrix, logReturns, simpleReturns } from '../../../src/risk';
import { riskInput, riskReference } from './fixtures';

describe('simple and log returns', () => {
  it('computes P_t/P_{t−1} − 1 and ln(P_t/P_{t−1})', () => {
    const prices = [100, 110, 99, 99];
    expect(Array.from(simpleReturns(prices))).toEqual([110 / 100 - 1, 99 / 110 - 1, 0]);
    const logs = logReturns(prices);
    expect(logs[0]).toBeCloseTo(0.0953101798043249, 15);
    expect(logs[1]).toBeCloseTo(-0.1053605156578263, 15);
    expect(logs[2]).toBe(0);
    // Log returns add up over time to the log of the total price ratio.
    expect(logs.reduce((a, b) => a + b, 0)).toBeCloseTo(Math.log(99 / 100), 15);
  });

  it('rejects short series and non-positive prices, naming the value', () => {
    expect(() => simpleReturns([100])).toThrow(/simpleReturns: prices must have at least 2 values, got 1/);
    expect(() => logReturns([100, 0, 3])).toThrow(/logReturns: prices\[1\] is 0; prices must be positive/);
    expect(() => simpleReturns([100, NaN])).toThrow(/prices\[1\] is NaN/);
  });
});

describe('alignedReturnMatrix', () => {
  const expected = riskReference.portfolio;
  const aligned = alignedReturnMatrix(riskInput.prices);

  it('keeps only dates every symbol has, sorted, and values positions at the last one', () => {
    expect(aligned.symbols).toEqual(expected.symbols);
    expect(aligned.dates).toEqual(expected.dates);
    expect(aligned.lastPrices).toEqual(expected.lastPrices);
    for (const r of aligned.returns) expect(r).toHaveLength(expected.dates.length - 1);
  });

  it('matches numpy’s returns on the aligned dates (simple and log)', () => {
    const logs = alignedReturnMatrix(riskInput.prices, 'log');
    aligned.symbols.forEach((symbol, i) => {
      expected.firstReturns[symbol].forEach((r, t) => expect(aligned.returns[i][t]).toBeCloseTo(r, 15));
      expected.firstLogReturns[symbol].forEach((r, t) => expect(logs.returns[i][t]).toBeCloseTo(r, 15));
    });
  });

  it('lets a missing session make the next return span two sessions', () => {
    const aligned2 = alignedReturnMatrix({
      A: [
        { date: '2025-01-02', price: 100 },
        { date: '2025-01-03', price: 101 },
        { date: '2025-01-06', price: 103 },
      ],
      B: [
        { date: '2025-01-06', price: 55 },
        { date: '2025-01-02', price: 50 },
        { date: '2025-01-03', price: 51 },
        { date: '2025-01-07', price: 56 },
      ],
    });
    expect(aligned2.dates).toEqual(['2025-01-02', '2025-01-03', '2025-01-06']);
    expect(Array.from(aligned2.returns[1])).toEqual([51 / 50 - 1, 55 / 51 - 1]);
    expect(aligned2.lastPrices).toEqual({ A: 103, B: 55 });
  });

  it('throws clear errors for a symbol without prices, duplicates, bad prices and too few dates', () => {
    const ok = [
      { date: '2025-01-02', price: 1 },
      { date: '2025-01-03', price: 2 },
      { date: '2025-01-06', price: 3 },
    ];
    expect(() => alignedReturnMatrix({ A: ok, B: [] })).toThrow(/symbol B has no prices/);
    expect(() => alignedReturnMatrix({})).toThrow(/no symbols/);
    expect(() => alignedReturnMatrix({ A: [...ok, { date: '2025-01-03', price: 2 }] })).toThrow(
      /symbol A has two prices on 2025-01-03/,
    );
    expect(() => alignedReturnMatrix({ A: [...ok, { date: '2025-01-07', price: -1 }] })).toThrow(
      /symbol A has price -1 on 2025-01-07/,
    );
    expect(() => alignedReturnMatrix({ A: ok, B: ok.slice(1) })).toThrow(/only 2 dates common to A, B/);
  });
});
