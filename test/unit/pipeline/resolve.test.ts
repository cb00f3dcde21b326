import { DEFAULT_LIMITS, parsePipelineInput } from '../../../src/pipeline/input';
import { lastSessionOnOrBefore, resolvePipelineInput } from '../../../src/pipeline/resolve';

const context = { referenceTime: '2026-11-26T15:00:00Z', defaultProvider: 'synthetic' as const };

describe('resolvePipelineInput', () => {
  it('fills every default from a minimal request', () => {
    const resolved = resolvePipelineInput({ symbols: ['aapl', 'MSFT'] }, context);
    expect(resolved.ok).toBe(true);
    if (!resolved.ok) return;
    expect(resolved.value).toMatchObject({
      book: 'default',
      symbols: ['AAPL', 'MSFT'],
      asOf: '2026-11-25', // Thursday 2026-11-26 is Thanksgiving: the last session before it
      lookbackDays: 252,
      provider: 'synthetic',
      positions: [
        { symbol: 'AAPL', quantity: 100 },
        { symbol: 'MSFT', quantity: 100 },
      ],
      limits: DEFAULT_LIMITS,
      confidence: 0.99,
      ingestBatchSize: 5,
    });
  });

  it('uses the last weekday when the reference time falls on a weekend', () => {
    expect(lastSessionOnOrBefore('2026-11-29T12:00:00Z')).toBe('2026-11-27'); // Sunday → Friday
    expect(lastSessionOnOrBefore('2026-11-28T00:00:00Z')).toBe('2026-11-27'); // Saturday → Friday
    expect(lastSessionOnOrBefore('2026-11-27T23:59:59Z')).toBe('2026-11-27');
    expect(lastSessionOnOrBefore('2026-11-26T23:00:00Z')).toBe('2026-11-25'); // Thanksgiving
  });

  it('sets `from` so the window holds exactly lookbackDays sessions ending at asOf', () => {
    const resolved = resolvePipelineInput(
      { symbols: ['AAPL'], asOf: '2026-11-20', lookbackDays: 30 },
      context,
    );
    expect(resolved.ok && resolved.value.from).toBe('2026-10-12'); // 6 weeks of weekdays back, Monday
  });

  it('accepts an explicit window (from/to) instead of a lookback, and says how many sessions it holds', () => {
    const resolved = resolvePipelineInput(
      { symbols: ['AAPL'], from: '2026-10-01', to: '2026-11-20' },
      context,
    );
    expect(resolved.ok && resolved.value).toMatchObject({
      from: '2026-10-01',
      asOf: '2026-11-20',
      lookbackDays: 37,
    });
  });

  it('runs the VaR backtest by default over 250 days, and can switch it off', () => {
    const on = resolvePipelineInput({ symbols: ['AAPL'] }, context);
    expect(on.ok && on.value.varBacktest).toEqual({ window: 250 });
    const off = resolvePipelineInput({ symbols: ['AAPL'], varBacktest: false }, context);
    expect(off.ok && off.value.varBacktest).toBeUndefined();
  });

  it('merges caller limits over the defaults', () => {
    const resolved = resolvePipelineInput({ symbols: ['AAPL'], limits: { maxGrossNotional: 10 } }, context);
    expect(resolved.ok && resolved.value.limits).toEqual({ ...DEFAULT_LIMITS, maxGrossNotional: 10 });
  });

  it.each([
    [{ symbols: ['AAPL'], asOf: '2026-11-22' }, 'asOf', /not a trading session/],
    [
      { symbols: ['AAPL'], positions: [{ symbol: 'TSLA', quantity: 5 }] },
      'positions.0.symbol',
      /not one of the symbols/,
    ],
    [{ symbols: ['AAPL'], asOf: '2026-13-01' }, 'asOf', /YYYY-MM-DD|real calendar date/],
    [{ symbols: 'AAPL' }, 'symbols', /array/i],
    [{}, 'symbols', /./],
    [{ symbols: ['AAPL'], ingestBatchSize: 0 }, 'ingestBatchSize', /./],
    [{ symbols: ['AAPL'], limits: { maxPairwiseCorrelation: 2 } }, 'limits.maxPairwiseCorrelation', /./],
    [{ symbols: ['AAPL'], extra: true }, '(root)', /extra/],
    [{ symbols: ['AAPL'], from: '2026-11-01', lookbackDays: 60 }, 'from', /either from or lookbackDays/],
    [
      { symbols: ['AAPL'], from: '2026-11-10', to: '2026-11-20' },
      'from',
      /holds 9 sessions; it must hold 30-2520/,
    ],
    [{ symbols: ['AAPL'], asOf: '2026-11-20', to: '2026-11-19' }, 'to', /differs from asOf/],
    [{ symbols: ['AAPL'], to: '2026-11-21' }, 'to', /not a trading session/],
    [{ symbols: ['AAPL'], varBacktest: { window: 5 } }, 'varBacktest.window', />=20/],
  ])('rejects %j naming %s', (raw, field, message) => {
    const resolved = resolvePipelineInput(raw, context);
    expect(resolved.ok).toBe(false);
    if (resolved.ok) return;
    const issue = resolved.issues.find((i) => i.field === field);
    expect(issue).toBeDefined();
    expect(issue!.message).toMatch(message);
  });
});

describe('parsePipelineInput', () => {
  it('upper-cases and trims symbols, and rejects duplicates after that', () => {
    const parsed = parsePipelineInput({ symbols: [' brk.b ', 'SPY'] });
    expect(parsed.ok && parsed.value.symbols).toEqual(['BRK.B', 'SPY']);
    expect(parsePipelineInput({ symbols: ['spy', 'SPY'] }).ok).toBe(false);
  });
});
