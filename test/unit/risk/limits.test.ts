import {
  averagePairwiseCorrelation,
  checkAverageCorrelationLimit,
  checkCorrelationLimit,
  checkNotionalLimits,
  checkPositionLimits,
  checkVaRLimit,
  concentration,
  netPositionLines,
  netPositions,
  tagExposures,
  valuePositions,
  type Position,
} from '../../../src/risk';

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

describe('market-value positions', () => {
  it('values a market value as itself and nets it with quantity lines in currency', () => {
    const valued = valuePositions(
      [
        { symbol: 'AAPL', marketValue: 30_000, tags: ['tech'] },
        { symbol: 'MSFT', quantity: -100 },
        { symbol: 'AAPL', quantity: 50, tags: ['us', 'tech'] },
        { symbol: 'SPY', marketValue: -5_000 },
      ],
      prices,
    );
    expect(valued).toEqual([
      {
        symbol: 'AAPL',
        basis: 'mixed',
        quantity: 50,
        marketValue: 30_000,
        price: 200,
        notional: 40_000,
        tags: ['tech', 'us'],
      },
      {
        symbol: 'MSFT',
        basis: 'quantity',
        quantity: -100,
        marketValue: null,
        price: 400,
        notional: -40_000,
        tags: [],
      },
      {
        symbol: 'SPY',
        basis: 'marketValue',
        quantity: null,
        marketValue: -5_000,
        price: 500,
        notional: -5_000,
        tags: [],
      },
    ]);
  });

  it('applies position and gross limits to market values like notionals', () => {
    const breaches = checkPositionLimits([{ symbol: 'SPY', marketValue: -60_000 }], prices, {
      maxPositionNotional: 50_000,
    });
    expect(breaches[0]).toMatchObject({ kind: 'position', symbol: 'SPY', value: 60_000, limit: 50_000 });
  });

  it('requires exactly one of quantity and marketValue, finite, and string tags', () => {
    const both = { symbol: 'AAPL', quantity: 1, marketValue: 1 } as unknown as Position;
    const neither = { symbol: 'AAPL' } as unknown as Position;
    expect(() => valuePositions([both], prices)).toThrow(
      'valuePositions: position 0 (AAPL) must have exactly one of quantity or marketValue',
    );
    expect(() => netPositionLines([{ symbol: 'MSFT', quantity: 1 }, neither])).toThrow(
      /position 1 \(AAPL\) must have exactly one of quantity or marketValue/,
    );
    expect(() => valuePositions([{ symbol: 'AAPL', marketValue: NaN }], prices)).toThrow(
      /marketValue of AAPL is NaN/,
    );
    expect(() => valuePositions([{ symbol: 'AAPL', quantity: 1, tags: [''] }], prices)).toThrow(
      /tags of AAPL must be an array of non-empty strings/,
    );
    expect(() => valuePositions([{ symbol: 'TSLA', marketValue: 1 }], prices)).toThrow(
      /no price for position symbol TSLA/,
    );
  });
});

describe('net, concentration and tag limits', () => {
  const lines = [
    { symbol: 'AAPL', notional: 60_000, tags: ['tech', 'us'] },
    { symbol: 'MSFT', notional: 30_000, tags: ['tech'] },
    { symbol: 'XOM', notional: -10_000, tags: ['energy', 'us'] },
  ];

  it('measures concentration as the largest |notional| over gross and tags as gross and net sums', () => {
    expect(concentration(lines)).toEqual({ symbol: 'AAPL', value: 0.6 });
    expect(concentration([])).toEqual({ symbol: null, value: 0 });
    expect(tagExposures(lines)).toEqual([
      { tag: 'tech', grossNotional: 90_000, netNotional: 90_000, symbols: ['AAPL', 'MSFT'] },
      { tag: 'us', grossNotional: 70_000, netNotional: 50_000, symbols: ['AAPL', 'XOM'] },
      { tag: 'energy', grossNotional: 10_000, netNotional: -10_000, symbols: ['XOM'] },
    ]);
  });

  it('flags each with kind, value, limit and a message naming what breached', () => {
    const breaches = checkNotionalLimits(lines, {
      maxNetNotional: 79_999,
      maxConcentration: 0.5,
      maxNotionalByTag: { tech: 80_000, us: 70_000, energy: 5_000, unused: 1 },
    });
    expect(breaches).toEqual([
      {
        kind: 'net',
        value: 80_000,
        limit: 79_999,
        message: 'net notional 80,000 exceeds the limit ±79,999',
      },
      {
        kind: 'concentration',
        symbol: 'AAPL',
        value: 0.6,
        limit: 0.5,
        message: 'AAPL is 60% of gross notional, above the concentration limit 50%',
      },
      {
        kind: 'tag',
        tag: 'tech',
        symbols: ['AAPL', 'MSFT'],
        value: 90_000,
        limit: 80_000,
        message: 'tag tech gross notional 90,000 (AAPL, MSFT) exceeds the limit 80,000',
      },
      {
        kind: 'tag',
        tag: 'energy',
        symbols: ['XOM'],
        value: 10_000,
        limit: 5_000,
        message: 'tag energy gross notional 10,000 (XOM) exceeds the limit 5,000',
      },
    ]);
  });

  it('compares net notional by absolute value and allows values at their limits', () => {
    const short = lines.map((line) => ({ ...line, notional: -line.notional }));
    expect(checkNotionalLimits(short, { maxNetNotional: 79_999 })[0]).toMatchObject({
      kind: 'net',
      value: 80_000,
      message: 'net notional -80,000 exceeds the limit ±79,999',
    });
    expect(
      checkNotionalLimits(lines, {
        maxNetNotional: 80_000,
        maxConcentration: 0.6,
        maxNotionalByTag: { us: 70_000 },
      }),
    ).toEqual([]);
  });

  it('rejects a concentration limit outside [0, 1] and negative tag limits', () => {
    expect(() => checkNotionalLimits(lines, { maxConcentration: 40 })).toThrow(
      'checkNotionalLimits: limits.maxConcentration must be a number in [0, 1], got 40',
    );
    expect(() => checkNotionalLimits(lines, { maxNotionalByTag: { tech: -1 } })).toThrow(
      /checkNotionalLimits: limits.maxNotionalByTag.tech must be a finite number ≥ 0/,
    );
  });
});

describe('average pairwise correlation limit', () => {
  const rho = [
    [1, 0.8, 0.5],
    [0.8, 1, -0.1],
    [0.5, -0.1, 1],
  ];

  it('is the signed mean of ρ over pairs i < j', () => {
    expect(averagePairwiseCorrelation(rho)).toBeCloseTo((0.8 + 0.5 - 0.1) / 3, 15);
    expect(averagePairwiseCorrelation([[1]])).toBeNull();
  });

  it('breaches above the limit, naming the symbols', () => {
    const [breach] = checkAverageCorrelationLimit(rho, ['A', 'B', 'C'], 0.3);
    expect(breach).toEqual({
      kind: 'averageCorrelation',
      symbols: ['A', 'B', 'C'],
      value: (0.8 + 0.5 - 0.1) / 3,
      limit: 0.3,
      message: 'average pairwise correlation of A, B, C is 0.4000, above the limit 0.3',
    });
    expect(checkAverageCorrelationLimit(rho, ['A', 'B', 'C'], 0.45)).toEqual([]);
    expect(checkAverageCorrelationLimit([[1]], ['A'], -1)).toEqual([]);
    expect(() => checkAverageCorrelationLimit(rho, ['A', 'B'], 0.3)).toThrow(/must be 2×2/);
  });
});

describe('checkVaRLimit with drivers', () => {
  it('names the drivers with their contribution and share', () => {
    const [breach] = checkVaRLimit(
      12_500,
      10_000,
      'historical 99% VaR (1-day)',
      [
        { symbol: 'MSFT', amount: 9_000, share: 0.6 },
        { symbol: 'AAPL', amount: 4_500.5, share: 0.3 },
      ],
      'historical ES',
    );
    expect(breach.message).toBe(
      'historical 99% VaR (1-day) 12,500 exceeds the limit 10,000; largest contributors to historical ES: ' +
        'MSFT 9,000 (60%), AAPL 4,500.5 (30%)',
    );
    expect(breach.drivers).toHaveLength(2);
  });
});
