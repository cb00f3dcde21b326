/**
 * `npm run bench:risk`: times the risk kernels on 100 assets × 2,520 days (and Monte Carlo with 100,000 paths ×
 * 50 assets), then the same computations in numpy on the same inputs (bench/risk_kernels_numpy.py, if python3
 * with numpy is available) twice: with numpy's BLAS at its default thread count and with it held to one thread
 * (OPENBLAS_NUM_THREADS=1, OMP_NUM_THREADS=1; only the correlation matrix and the Monte Carlo dot products
 * reach BLAS). Prints medians and the TypeScript / numpy ratios. The two centred-Gram rows time the TypeScript
 * and WebAssembly kernels behind the correlation matrix on their own.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  correlationMatrix,
  covarianceMatrix,
  createRandom,
  historicalVaR,
  monteCarloVaR,
  parametricVaR,
} from '../src/risk';
import { referenceCentredGram } from '../src/risk/gram';
import { wasmCentredGram } from '../src/risk/gram-wasm';

const ASSETS = 100;
const DAYS = 2520;
const MC_ASSETS = 50;
const MC_PATHS = 100_000;
const REPEATS = 15;
/** Untimed runs first, so V8 has optimised the JavaScript and tiered the WebAssembly up before timing. */
const WARM_UPS = 3;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function time(run: () => unknown): number {
  for (let i = 0; i < WARM_UPS; i += 1) run();
  const samples: number[] = [];
  for (let i = 0; i < REPEATS; i += 1) {
    const start = performance.now();
    run();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

function makeReturns(): Float64Array[] {
  const random = createRandom(2026);
  return Array.from({ length: ASSETS }, (_, a) => {
    const series = new Float64Array(DAYS);
    const vol = 0.01 + 0.0002 * a;
    for (let t = 0; t < DAYS; t += 1) series[t] = 0.0003 + vol * random.nextNormal();
    return series;
  });
}

function main(): void {
  const returns = makeReturns();
  const mcSeries = returns.slice(0, MC_ASSETS);
  const mcMean = mcSeries.map((s) => s.reduce((a, b) => a + b, 0) / s.length);
  const mcCov = covarianceMatrix(mcSeries);
  const weights = Array.from({ length: MC_ASSETS }, () => 1 / MC_ASSETS);

  const results: Record<string, number> = {
    'historical VaR 99% (100 assets x 2,520 days)': time(() => returns.map((r) => historicalVaR(r, 0.99))),
    'parametric VaR 99% (100 assets x 2,520 days)': time(() => returns.map((r) => parametricVaR(r, 0.99))),
    'correlation matrix 100 x 100 (2,520 days)': time(() => correlationMatrix(returns)),
    'Monte Carlo VaR 99% (100,000 paths x 50 assets)': time(() =>
      monteCarloVaR({ mean: mcMean, covariance: mcCov, weights, confidence: 0.99, paths: MC_PATHS, seed: 7 }),
    ),
    'centred Gram 100 x 100, TypeScript kernel': time(() => referenceCentredGram(returns, DAYS)),
    'centred Gram 100 x 100, WebAssembly kernel': time(() => wasmCentredGram(returns, DAYS)),
  };

  const dir = mkdtempSync(path.join(os.tmpdir(), 'tradeflow-bench-risk-'));
  const inputFile = path.join(dir, 'returns.f64');
  const flat = new Float64Array(ASSETS * DAYS);
  returns.forEach((series, a) => flat.set(series, a * DAYS));
  writeFileSync(inputFile, Buffer.from(flat.buffer));

  const numpy = runNumpy(inputFile, {});
  const numpySingle = runNumpy(inputFile, { OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' });

  const cell = (ms: number | undefined) => (ms === undefined ? '-' : ms.toFixed(2));
  const ratio = (ts: number, np: number | undefined) => (np ? (ts / np).toFixed(2) : '-');
  console.log(
    'kernel | TypeScript median (ms) | numpy median (ms) | numpy, 1 BLAS thread (ms) | TS / numpy | TS / numpy 1 thread',
  );
  for (const [name, ms] of Object.entries(results)) {
    const np = numpy?.[name];
    const np1 = numpySingle?.[name];
    console.log(
      `${name} | ${ms.toFixed(2)} | ${cell(np)} | ${cell(np1)} | ${ratio(ms, np)} | ${ratio(ms, np1)}`,
    );
  }
}

/** The numpy medians by kernel name, or undefined (with a note) when python3 with numpy is not there. */
function runNumpy(inputFile: string, env: Record<string, string>): Record<string, number> | undefined {
  try {
    const out = execFileSync(
      'python3',
      [
        path.join(__dirname, 'risk_kernels_numpy.py'),
        inputFile,
        String(ASSETS),
        String(DAYS),
        String(REPEATS),
      ],
      // OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE (set on some of these machines for old OpenBLAS builds) slow a current
      // numpy down; the comparison is against numpy at its normal speed.
      {
        encoding: 'utf8',
        env: { ...process.env, OPENBLAS_CORETYPE: undefined, OPENBLAS_L2_SIZE: undefined, ...env },
      },
    );
    return JSON.parse(out) as Record<string, number>;
  } catch (error) {
    console.log(
      `numpy comparison skipped: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
    );
    return undefined;
  }
}

main();
