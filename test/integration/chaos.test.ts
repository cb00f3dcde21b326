/**
 * The short chaos run (the full one is `npm run chaos`): pipelines triggered through the real API while the worker,
 * the API and the Temporal dev server are SIGKILLed and restarted — every acknowledged pipeline completes exactly
 * once and nothing is stored twice.
 */
import { DEFAULT_CHAOS_OPTIONS, killPlan, runChaos } from '../../bench/chaos/run';

describe('chaos', () => {
  it('spreads the kills evenly over the three processes, in a seeded order', () => {
    let state = 1;
    const random = () => (state = (state * 16807) % 2147483647) / 2147483647;
    const plan = killPlan(21, random);
    expect(plan.filter((v) => v === 'server')).toHaveLength(7);
    expect(plan.filter((v) => v === 'worker')).toHaveLength(7);
    expect(plan.filter((v) => v === 'api')).toHaveLength(7);
    expect(plan.slice(0, 6)).not.toEqual(['server', 'worker', 'api', 'server', 'worker', 'api']);
  });

  it('loses no acknowledged pipeline and duplicates nothing while every process is killed twice', async () => {
    const report = await runChaos({
      ...DEFAULT_CHAOS_OPTIONS,
      pipelines: 12,
      kills: 6,
      completionTimeoutMs: 120_000,
    });
    expect(report.kills).toEqual({ server: 2, worker: 2, api: 2 });
    expect(report.recoveries).toHaveLength(6);
    expect(report.acknowledged).toBe(12);
    expect(report.lost).toEqual([]);
    expect(report.completed).toBe(12);
    expect(report.duplicateExecutions).toBe(0);
    expect(report.duplicateRows).toEqual({ pipelineRuns: 0, signals: 0, riskReports: 0 });
  }, 240_000);
});
