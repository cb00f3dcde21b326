/**
 * Benchmark workflows (bundled by the bench worker from this file): an empty workflow and a trivial 3-stage
 * ingest → signal → risk pipeline whose stages run as normal activities, as local activities, or as normal
 * activities that may not be dispatched eagerly; and three sequential durable timers (timers go through the
 * history service's timer queue, as activity retry backoffs and approval deadlines do; on the dev server one
 * shorter than 1 s fires after ~1 s). They only measure Temporal's own overhead.
 */
import { proxyActivities, proxyLocalActivities, sleep } from '@temporalio/workflow';
import type { BenchActivities, StageInput, StageResult } from './activities';

export type StageMode = 'activities' | 'local' | 'no-eager';

const timeouts = { startToCloseTimeout: '30 seconds', retry: { maximumAttempts: 3 } } as const;
const remote = proxyActivities<BenchActivities>(timeouts);
const remoteNoEager = proxyActivities<BenchActivities>({ ...timeouts, allowEagerDispatch: false });
const local = proxyLocalActivities<BenchActivities>(timeouts);

const stagesFor: Record<StageMode, BenchActivities> = {
  activities: remote,
  local,
  'no-eager': remoteNoEager,
};

export async function emptyWorkflow(): Promise<string> {
  return Promise.resolve('done');
}

export async function trivialPipeline(mode: StageMode, input: StageInput): Promise<StageResult[]> {
  const stages = stagesFor[mode];
  const ingested = await stages.ingest(input);
  const signalled = await stages.signal(input);
  const assessed = await stages.risk(input);
  return [ingested, signalled, assessed];
}

/** Three sequential durable timers of `ms` each. */
export async function sequentialTimers(ms: number): Promise<number> {
  for (let i = 0; i < 3; i++) await sleep(ms);
  return 3 * ms;
}
