/**
 * Samples a worker process once a second while a load suite runs: its CPU time and resident memory (from
 * /proc/<pid>/stat and /proc/<pid>/status) and the Temporal SDK's workflow-task schedule-to-start latency (from the
 * worker's Prometheus endpoint, WORKER_METRICS_PORT). `windows` turns the samples into per-phase figures.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface WorkerSample {
  /** Epoch milliseconds. */
  at: number;
  cpuMs: number;
  rssBytes: number;
  /** Running totals of the schedule-to-start histogram (workflow tasks), when the endpoint answered. */
  scheduleToStart?: { sumSeconds: number; count: number };
}

export interface WindowFigures {
  name: string;
  /** Share of one core the worker used over the window, in %. */
  cpuPercent: number;
  rssMaxMiB: number;
  /** Mean workflow-task schedule-to-start latency over the window (undefined: no task started in it). */
  scheduleToStartMeanMs?: number;
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** The process whose parent is `parentPid` and whose command line contains `entry`. */
export function findChildProcess(parentPid: number, entry: string): number | undefined {
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      if (!readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(entry)) continue;
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parentPid) return Number(name);
    } catch {
      // The process ended while we looked.
    }
  }
  return undefined;
}

function processFigures(pid: number): { cpuMs: number; rssBytes: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after "(comm)": state is field 3 of stat(5), utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return { cpuMs: (ticks * 1000) / TICKS_PER_SECOND, rssBytes: rssKiB * 1024 };
}

/**
 * Sums a histogram's `_sum` and `_count` series over all label sets. The worker exports durations in seconds
 * (`useSecondsForDurations` in src/worker.ts).
 */
export function histogramTotals(metrics: string, name: string): { sumSeconds: number; count: number } {
  let sumSeconds = 0;
  let count = 0;
  for (const line of metrics.split('\n')) {
    const match = /^(\w+?)(?:\{[^}]*\})? ([\d.eE+-]+)$/.exec(line.trim());
    if (!match) continue;
    if (match[1] === `${name}_sum`) sumSeconds += Number(match[2]);
    if (match[1] === `${name}_count`) count += Number(match[2]);
  }
  return { sumSeconds, count };
}

export function startWorkerSampler(pid: number, metricsUrl: string | undefined, intervalMs = 1000) {
  const samples: WorkerSample[] = [];
  let busy = false;
  const take = async () => {
    if (busy) return;
    busy = true;
    try {
      const sample: WorkerSample = { at: Date.now(), ...processFigures(pid) };
      if (metricsUrl) {
        const text = await fetch(metricsUrl, { signal: AbortSignal.timeout(500) })
          .then((r) => r.text())
          .catch(() => undefined);
        if (text) {
          sample.scheduleToStart = histogramTotals(text, 'temporal_workflow_task_schedule_to_start_latency');
        }
      }
      samples.push(sample);
    } catch {
      // The worker is gone: nothing more to sample.
    } finally {
      busy = false;
    }
  };
  void take();
  const timer = setInterval(() => void take(), intervalMs);
  return {
    stop: async (): Promise<WorkerSample[]> => {
      clearInterval(timer);
      await take();
      return samples;
    },
  };
}

/** Per-window figures from samples: each window from the last sample at or before its start to the last in it. */
export function windows(
  samples: readonly WorkerSample[],
  spans: readonly { name: string; fromMs: number; toMs: number }[],
): WindowFigures[] {
  return spans.flatMap((span) => {
    const before =
      samples.filter((s) => s.at <= span.fromMs).at(-1) ?? samples.find((s) => s.at >= span.fromMs);
    const inside = samples.filter((s) => s.at > span.fromMs && s.at <= span.toMs);
    const last = inside.at(-1);
    if (!before || !last || last.at <= before.at) return [];
    const s2s =
      before.scheduleToStart && last.scheduleToStart
        ? {
            sumSeconds: last.scheduleToStart.sumSeconds - before.scheduleToStart.sumSeconds,
            count: last.scheduleToStart.count - before.scheduleToStart.count,
          }
        : undefined;
    return [
      {
        name: span.name,
        cpuPercent: (100 * (last.cpuMs - before.cpuMs)) / (last.at - before.at),
        rssMaxMiB: Math.max(...[before, ...inside].map((s) => s.rssBytes)) / 2 ** 20,
        ...(s2s && s2s.count > 0 ? { scheduleToStartMeanMs: (1000 * s2s.sumSeconds) / s2s.count } : {}),
      },
    ];
  });
}
