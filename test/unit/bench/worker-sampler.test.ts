import { histogramTotals, windows, type WorkerSample } from '../../../bench/support/worker-sampler';

describe('the load suites worker sampler', () => {
  it('sums a histogram over its label sets, ignoring its buckets and other metrics', () => {
    const metrics = [
      '# TYPE temporal_workflow_task_schedule_to_start_latency histogram',
      'temporal_workflow_task_schedule_to_start_latency_bucket{le="10",task_queue="a"} 3',
      'temporal_workflow_task_schedule_to_start_latency_sum{task_queue="a"} 0.12',
      'temporal_workflow_task_schedule_to_start_latency_count{task_queue="a"} 4',
      'temporal_workflow_task_schedule_to_start_latency_sum{task_queue="b"} 0.0305',
      'temporal_workflow_task_schedule_to_start_latency_count{task_queue="b"} 1',
      'temporal_activity_schedule_to_start_latency_sum 999',
    ].join('\n');
    expect(histogramTotals(metrics, 'temporal_workflow_task_schedule_to_start_latency')).toEqual({
      sumSeconds: 0.1505,
      count: 5,
    });
  });

  it('turns cumulative samples into per-window CPU share, peak memory and mean schedule-to-start', () => {
    const mib = 2 ** 20;
    const samples: WorkerSample[] = [
      { at: 0, cpuMs: 0, rssBytes: 100 * mib, scheduleToStart: { sumSeconds: 0, count: 0 } },
      { at: 1000, cpuMs: 500, rssBytes: 150 * mib, scheduleToStart: { sumSeconds: 0.1, count: 10 } },
      { at: 2000, cpuMs: 1000, rssBytes: 120 * mib, scheduleToStart: { sumSeconds: 0.3, count: 20 } },
      { at: 3000, cpuMs: 1900, rssBytes: 200 * mib, scheduleToStart: { sumSeconds: 0.3, count: 20 } },
    ];
    expect(
      windows(samples, [
        { name: 'first', fromMs: 0, toMs: 2000 },
        { name: 'last', fromMs: 2000, toMs: 3000 },
        { name: 'after', fromMs: 3000, toMs: 4000 },
      ]),
    ).toEqual([
      { name: 'first', cpuPercent: 50, rssMaxMiB: 150, scheduleToStartMeanMs: 15 },
      // No workflow task started in it: no mean rather than a zero.
      { name: 'last', cpuPercent: 90, rssMaxMiB: 200 },
    ]);
  });
});
