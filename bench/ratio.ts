/**
 * `npm run bench:ratio -- [--pairs 3] [--runs 900] [--concurrency 50] [--workflows 2000]`
 *
 * Orchestration efficiency: the pipeline's throughput as a share of the empty-workflow ceiling on the same
 * machine. It runs `bench:ceiling` (with the worker's default poller split, `--non-sticky-ratio 1`) and
 * `bench:pipeline --via temporal` one after the other, --pairs times, each on its own fresh stack, and prints
 * each pair's ratio and their median. Pairs, because a small VM's speed drifts by ±15 % over minutes: a
 * ceiling measured an hour apart from the pipeline says little.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { Command } from 'commander';
import { positiveInt } from './workflows/harness';

interface Options {
  pairs: number;
  runs: number;
  concurrency: number;
  workflows: number;
}

const benchDir = __dirname;

/** Runs one of the bench scripts with this process's Node and tsx, and returns what it printed. */
function runBench(script: string, args: string[]): string {
  return execFileSync(process.execPath, ['--import', 'tsx', path.join(benchDir, script), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 16 * 1024 * 1024,
  });
}

function ceiling(options: Options): number {
  const out = runBench('ceiling.ts', [
    '--non-sticky-ratio',
    '1',
    '--workflows',
    String(options.workflows),
    '--json',
  ]);
  const parsed = JSON.parse(out) as { results: { throughput: number }[] };
  const throughput = parsed.results[0]?.throughput;
  if (typeof throughput !== 'number') throw new Error(`bench:ceiling printed no throughput:\n${out}`);
  return throughput;
}

function pipeline(options: Options): number {
  const out = runBench('pipeline.ts', [
    '--via',
    'temporal',
    '--runs',
    String(options.runs),
    '--concurrency',
    String(options.concurrency),
  ]);
  const match = /throughput: ([\d.]+) pipelines\/s/.exec(out);
  if (!match) throw new Error(`bench:pipeline printed no throughput:\n${out}`);
  return Number(match[1]);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function main(): void {
  const options = new Command('bench:ratio')
    .option('--pairs <n>', 'ceiling + pipeline pairs to run', positiveInt('--pairs'), 3)
    .option('--runs <n>', 'pipelines per pipeline run', positiveInt('--runs'), 900)
    .option('--concurrency <n>', 'pipelines in flight at once', positiveInt('--concurrency'), 50)
    .option('--workflows <n>', 'empty workflows per ceiling run', positiveInt('--workflows'), 2000)
    .parse(process.argv)
    .opts<Options>();

  const ratios: number[] = [];
  console.log('pair  ceiling (empty workflows/s)  pipeline (pipelines/s)  ratio');
  for (let pair = 1; pair <= options.pairs; pair += 1) {
    const empty = ceiling(options);
    const pipelines = pipeline(options);
    const ratio = pipelines / empty;
    ratios.push(ratio);
    console.log(
      `${String(pair).padEnd(4)}  ${empty.toFixed(1).padEnd(27)}  ${pipelines.toFixed(1).padEnd(22)}  ${(100 * ratio).toFixed(1)} %`,
    );
  }
  console.log(`median ratio: ${(100 * median(ratios)).toFixed(1)} % of the ceiling (target: 50 %)`);
}

try {
  main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
