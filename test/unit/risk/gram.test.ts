import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { correlationMatrix, covarianceMatrix, createRandom } from '../../../src/risk';
import { centredGram, referenceCentredGram } from '../../../src/risk/gram';
import { wasmCentredGram, wasmGramAvailable } from '../../../src/risk/gram-wasm';

const root = path.resolve(__dirname, '../../..');

function randomSeries(seed: number, k: number, n: number, level = 0): Float64Array[] {
  const random = createRandom(seed);
  return Array.from({ length: k }, (_, i) => {
    const vol = 0.005 + 0.001 * i;
    const common = new Float64Array(n);
    random.fillNormals(common);
    const own = new Float64Array(n);
    random.fillNormals(own);
    // some correlation between neighbours, so off-diagonal entries are not all near zero
    return Float64Array.from(own, (z, t) => level + 0.0003 + vol * (0.6 * z + 0.4 * common[t] * (i % 3)));
  });
}

/** Σ_t (x_i,t − x̄_i)(x_j,t − x̄_j) entry by entry, the textbook way. */
function naiveGram(series: Float64Array[]): Float64Array {
  const k = series.length;
  const n = series[0].length;
  const centred = series.map((s) => {
    const m = s.reduce((a, b) => a + b, 0) / n;
    return s.map((v) => v - m);
  });
  const gram = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      let sum = 0;
      for (let t = 0; t < n; t++) sum += centred[i][t] * centred[j][t];
      gram[i * k + j] = sum;
    }
  }
  return gram;
}

/**
 * The largest |a_ij − b_ij| / √(b_ii·b_jj): the error relative to the entry's own scale (on the diagonal, plain
 * relative error; off it, an error in correlation units). Off-diagonal sums of uncorrelated series are close to
 * zero with terms of size √(b_ii·b_jj)/n, so a plain relative error there measures cancellation, not the kernel.
 */
function scaledError(a: Float64Array, b: Float64Array, k: number): number {
  let worst = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const scale = Math.sqrt(b[i * k + i] * b[j * k + j]);
      worst = Math.max(worst, Math.abs(a[i * k + j] - b[i * k + j]) / scale);
    }
  }
  return worst;
}

const shapes: [number, number][] = [
  [1, 2],
  [2, 3],
  [3, 7],
  [4, 8],
  [5, 9],
  [7, 64],
  [8, 251],
  [13, 1000],
  [50, 2519],
  [100, 2520],
];

describe('centred Gram kernels', () => {
  it('runs the WebAssembly kernel on this Node', () => {
    expect(wasmGramAvailable()).toBe(true);
  });

  it.each(shapes)('TypeScript reference equals the textbook sums: %i series × %i days', (k, n) => {
    const series = randomSeries(k * 1000 + n, k, n);
    expect(scaledError(referenceCentredGram(series, n), naiveGram(series), k)).toBeLessThan(1e-13);
  });

  it.each(shapes)('WebAssembly equals the TypeScript reference to 1e-12: %i series × %i days', (k, n) => {
    const series = randomSeries(k * 7 + n, k, n);
    const reference = referenceCentredGram(series, n);
    const wasm = wasmCentredGram(series, n)!;
    expect(wasm).toHaveLength(k * k);
    expect(scaledError(wasm, reference, k)).toBeLessThan(1e-12);
    for (let i = 0; i < k; i++) {
      expect(Math.abs(wasm[i * k + i] / reference[i * k + i] - 1)).toBeLessThan(1e-12);
      for (let j = 0; j < k; j++) expect(wasm[i * k + j]).toBe(wasm[j * k + i]);
    }
    expect(centredGram(series, n)).toEqual(wasm);
  });

  it('centres before multiplying: prices around 100 with 1 % moves', () => {
    const series = randomSeries(5, 6, 501, 100);
    const reference = referenceCentredGram(series, 501);
    expect(scaledError(wasmCentredGram(series, 501)!, reference, 6)).toBeLessThan(1e-12);
    expect(scaledError(reference, naiveGram(series), 6)).toBeLessThan(1e-12);
  });

  it('reuses its memory across calls of different sizes (padding rows and days start at zero)', () => {
    const big = randomSeries(1, 9, 301);
    const small = randomSeries(2, 3, 5);
    wasmCentredGram(big, 301);
    expect(scaledError(wasmCentredGram(small, 5)!, referenceCentredGram(small, 5), 3)).toBeLessThan(1e-12);
    expect(scaledError(wasmCentredGram(big, 301)!, referenceCentredGram(big, 301), 9)).toBeLessThan(1e-12);
  });

  it('accepts plain arrays as well as Float64Array', () => {
    const series = randomSeries(3, 5, 40);
    const arrays = series.map((s) => Array.from(s));
    expect(wasmCentredGram(arrays, 40)).toEqual(wasmCentredGram(series, 40));
    expect(referenceCentredGram(arrays, 40)).toEqual(referenceCentredGram(series, 40));
  });

  it('names a NaN or infinite value in a Float64Array series (checked through the Gram diagonal)', () => {
    const series = randomSeries(4, 3, 10);
    series[2][7] = NaN;
    expect(() => covarianceMatrix(series)).toThrow(/covarianceMatrix: series\[2\]\[7\] is NaN/);
    series[2][7] = Infinity;
    expect(() => correlationMatrix(series)).toThrow(/series\[2\]\[7\] is Infinity/);
  });
});

describe('the committed WebAssembly binary', () => {
  it('is what wasm/gram.wat assembles to (npm run build:wasm)', () => {
    const out = execFileSync(process.execPath, [path.join(root, 'wasm', 'build.mjs'), '--check'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(out).toMatch(/matches wasm\/gram\.wat/);
  });
});
