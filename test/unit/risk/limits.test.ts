import { checkCorrelationLimit, checkPositionLimits, checkVaRLimit, netPositions } from '../../../src/risk';

const prices = { AAPL: 200, MSFT: 400, SPY: 500 };

describe('checkPositionLimits', () => {
  it('flags each symbol whose |quantity × price| exceeds its limit, shorts included', () => {
    const breaches = checkPositionLimits(
      [
        { symbol: 'AAPL', quantity: 300 }, // 60,000
        { symbol: 'MSFT', quantity: -200 }, // −80,000
        { symbol: 'SPY', quantity: 50 }, // 25,000
      ],
      prices,
      { maxPositionNotional: 50_000 },
    );
    expect(breaches.map(({ kind, symbol, value, limit }) => ({ kind, symbol, value, limit }))).toEqual([
      { kind: 'position', symbol: 'AAPL', value: 60_000, limit: 50_000 },
      { kind: 'position', symbol: 'MSFT', value: 80_000, limit: 50_000 },
    ]);
    expect(breaches[1].message).toBe('MSFT notional 80,000 exceeds the position limit 50,000');
  });

  it('allows a position exactly at its limit and prefers a per-symbol limit over the general one', () => {
    const positions = [
      { symbol: 'AAPL', quantity: 250 }, // 50,000
      { symbol: 'SPY', quantity: 50 }, // 25,000
    ];
    expect(checkPositionLimits(positions, prices, { maxPositionNotional: 50_000 })).toEqual([]);
    const breaches = checkPositionLimits(positions, prices, {
      maxPositionNotional: 50_000,
      maxPositionNotionalBySymbol: { SPY: 20_000, AAPL: 100_000 },
    });
    expect(breaches).toHaveLength(1);
    expect(breaches[0]).toMatchObject({ symbol: 'SPY', value: 25_000, limit: 20_000 });
  });

  it('checks gross notional Σ|notional| after netting repeated symbols', () => {
    const positions = [
      { symbol: 'AAPL', quantity: 100 },
      { symbol: 'MSFT', quantity: -50 },
      { symbol: 'AAPL', quantity: -40 }, // nets AAPL to 60 → 12,000
    ];
    expect(checkPositionLimits(positions, prices, { maxGrossNotional: 32_000 })).toEqual([]);
    const [gross] = checkPositionLimits(positions, prices, { maxGrossNotional: 31_999 });
    expect(gross).toMatchObject({ kind: 'gross', value: 32_000, limit: 31_999 });
    expect(gross.symbol).toBeUndefined();
  });

  it('returns no breaches without limits and throws for a position without a price', () => {
    expect(checkPositionLimits([{ symbol: 'AAPL', quantity: 1e9 }], prices, {})).toEqual([]);
    expect(() => checkPositionLimits([{ symbol: 'TSLA', quantity: 1 }], prices, {})).toThrow(
      /no price for position symbol TSLA/,
    );
  });
});

describe('netPositions', () => {
  it('sums quantities per symbol in first-seen order', () => {
    expect(
      netPositions([
        { symbol: 'B', quantity: 5 },
        { symbol: 'A', quantity: 1 },
        { symbol: 'B', quantity: -7 },
      ]),
    ).toEqual([
      { symbol: 'B', quantity: -2 },
      { symbol: 'A', quantity: 1 },
    ]);
    expect(() => netPositions([{ symbol: 'A', quantity: NaN }])).toThrow(/quantity of A is NaN/);
  });
});

describe('checkCorrelationLimit', () => {
  const symbols = ['A', 'B', 'C'];
  const rho = [
    [1, 0.95, -0.92],
    [0.95, 1, 0.3],
    [-0.92, 0.3, 1],
  ];

  it('reports each pair once, by |ρ|, with the signed value', () => {
    const breaches = checkCorrelationLimit(rho, symbols, 0.9);
    expect(breaches.map(({ pair, value }) => ({ pair, value }))).toEqual([
      { pair: ['A', 'B'], value: 0.95 },
      { pair: ['A', 'C'], value: -0.92 },
    ]);
    expect(breaches[1].message).toBe('correlation of A and C is -0.9200, beyond ±0.9');
    expect(checkCorrelationLimit(rho, symbols, 0.95)).toEqual([]);
  });

  it('never flags the diagonal and rejects a matrix of the wrong size', () => {
    expect(checkCorrelationLimit([[1]], ['A'], 0.5)).toEqual([]);
    expect(() => checkCorrelationLimit(rho, ['A', 'B'], 0.5)).toThrow(/must be 2×2/);
  });
});

describe('checkVaRLimit', () => {
  it('breaches only above the limit, and only when a limit is set', () => {
    expect(checkVaRLimit(12_500, 10_000)).toEqual([
      { kind: 'var', value: 12_500, limit: 10_000, message: 'VaR 12,500 exceeds the limit 10,000' },
    ]);
    expect(checkVaRLimit(10_000, 10_000)).toEqual([]);
    expect(checkVaRLimit(1e9, undefined)).toEqual([]);
  });
});
