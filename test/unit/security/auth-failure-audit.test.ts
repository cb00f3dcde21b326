/** The auth-failure sampler (issue 18, item 9): one full row per source per window, then one summary row. */
import {
  AUDIT_FIELD_MAX,
  capField,
  createAuthFailureAggregator,
  type FailureSummary,
} from '../../../src/api/auth-failure-audit';

describe('auth failure aggregation', () => {
  it('admits the first failure per source per window and summarises the rest when the window ends', () => {
    let clock = 1_000_000;
    const summaries: FailureSummary[] = [];
    const aggregator = createAuthFailureAggregator({
      windowMs: 60_000,
      now: () => clock,
      onSummary: (s) => summaries.push(s),
    });
    try {
      const admitted = Array.from({ length: 1300 }, () => aggregator.admit('203.0.113.7'));
      expect(admitted.filter(Boolean)).toHaveLength(1);
      expect(aggregator.admit('198.51.100.1')).toBe(true);
      aggregator.flush();
      expect(summaries).toEqual([]);
      clock += 60_000;
      expect(aggregator.admit('203.0.113.7')).toBe(true); // a new window: recorded in full again
      expect(summaries).toEqual([
        {
          source: '203.0.113.7',
          suppressed: 1299,
          from: new Date(1_000_000).toISOString(),
          to: new Date(1_060_000).toISOString(),
        },
      ]);
    } finally {
      aggregator.close();
    }
  });

  it('caps client-supplied fields', () => {
    expect(capField('a'.repeat(5000))).toHaveLength(AUDIT_FIELD_MAX);
    expect(capField('short')).toBe('short');
  });
});
