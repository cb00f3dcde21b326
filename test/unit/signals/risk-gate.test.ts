/** The risk gate on the trades signals imply: flags new or worsened limit breaches, passes HOLDs and safe trades. */
import type { DatedPrice } from '../../../src/risk';
import { gateSignals, type RiskGateInput } from '../../../src/signals/risk-gate';
import { createRandom } from '../../../src/risk';

/** Two independent random walks and one that tracks the first closely (correlation ≈ 0.99). */
function prices(): Record<string, DatedPrice[]> {
  const random = createRandom(5);
  const out: Record<string, DatedPrice[]> = { AAA: [], BBB: [], CCC: [] };
  let [a, b, c] = [100, 50, 80];
  for (let day = 0; day < 120; day += 1) {
    const date = new Date(Date.UTC(2026, 0, 1 + day)).toISOString().slice(0, 10);
    const shockA = random.nextNormal();
    a *= 1 + 0.01 * shockA;
    b *= 1 + 0.01 * random.nextNormal();
    c *= 1 + 0.01 * (shockA + 0.1 * random.nextNormal());
    out.AAA.push({ date, price: a });
    out.BBB.push({ date, price: b });
    out.CCC.push({ date, price: c });
  }
  return out;
}

const base = (overrides: Partial<RiskGateInput> = {}): RiskGateInput => ({
  signals: [],
  pricesBySymbol: prices(),
  positions: [
    { symbol: 'AAA', marketValue: 400_000 },
    { symbol: 'BBB', marketValue: 300_000 },
  ],
  limits: { maxPositionNotional: 500_000, maxGrossNotional: 800_000 },
  tradeNotional: 150_000,
  confidence: 0.99,
  horizonDays: 1,
  ...overrides,
});

describe('gateSignals', () => {
  it('passes HOLDs and trades that stay inside every limit', () => {
    const verdicts = gateSignals(
      base({
        signals: [
          { symbol: 'AAA', action: 'HOLD' },
          { symbol: 'BBB', action: 'SELL' },
        ],
        tradeNotional: 50_000,
      }),
    );
    expect(verdicts.map((v) => [v.symbol, v.tradeNotional, v.flagged])).toEqual([
      ['AAA', 0, false],
      ['BBB', -50_000, false],
    ]);
    expect(verdicts[0].varAfter).toBe(verdicts[0].varBefore);
    // Selling down a long lowers the VaR.
    expect(verdicts[1].varAfter).toBeLessThan(verdicts[1].varBefore);
  });

  it('flags a BUY that takes a position and the gross over their limits, naming both', () => {
    const [verdict] = gateSignals(base({ signals: [{ symbol: 'AAA', action: 'BUY' }] }));
    expect(verdict).toMatchObject({ symbol: 'AAA', action: 'BUY', tradeNotional: 150_000, flagged: true });
    expect(verdict.reasons).toEqual([
      expect.stringMatching(/^new breach: .*AAA.*550,000.*500,000/),
      expect.stringMatching(/^new breach: .*gross.*850,000/i),
    ]);
  });

  it('flags a trade that raises the VaR past maxVaR, and one that makes an existing breach worse', () => {
    const inputs = base({ limits: { maxVaR: 1 }, signals: [] });
    const before = gateSignals({ ...inputs, signals: [{ symbol: 'AAA', action: 'HOLD' }] })[0].varBefore;
    const tight = base({ limits: { maxVaR: before * 1.05 }, signals: [{ symbol: 'AAA', action: 'BUY' }] });
    const [varVerdict] = gateSignals(tight);
    expect(varVerdict.varAfter).toBeGreaterThan(before * 1.05);
    expect(varVerdict.reasons).toEqual([
      expect.stringMatching(
        /^new breach: historical 99% VaR \(1-day\) .* exceeds the limit .*largest contributors.*AAA/,
      ),
    ]);

    const alreadyOver = base({
      positions: [{ symbol: 'AAA', marketValue: 600_000 }],
      signals: [
        { symbol: 'AAA', action: 'BUY' },
        { symbol: 'AAA', action: 'SELL' },
      ],
    });
    const [buy, sell] = gateSignals(alreadyOver);
    expect(buy.reasons).toEqual([expect.stringMatching(/^worse breach \(600,000 → 750,000\)/)]);
    expect(sell.flagged).toBe(false); // selling reduces the breach
  });

  it('flags a new position highly correlated with a held one, under a correlation limit', () => {
    const [verdict] = gateSignals(
      base({ limits: { maxPairwiseCorrelation: 0.9 }, signals: [{ symbol: 'CCC', action: 'BUY' }] }),
    );
    expect(verdict.flagged).toBe(true);
    expect(verdict.reasons[0]).toMatch(/^new breach: .*AAA.*CCC|^new breach: .*CCC.*AAA/);
  });

  it('refuses a non-positive trade size', () => {
    expect(() => gateSignals(base({ tradeNotional: 0 }))).toThrow(/tradeNotional must be a positive amount/);
  });
});
