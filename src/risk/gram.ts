/**
 * The centred Gram matrix G_ij = Σ_t (x_i,t − x̄_i)(x_j,t − x̄_j) of k equally long series: the covariance and
 * correlation matrices are G / (n − ddof) and its normalisation. It is the one O(k²·n) kernel of the report.
 *
 * `centredGram` runs the WebAssembly SIMD kernel (./gram-wasm, source in wasm/gram.wat) where WebAssembly is
 * available and falls back to `referenceCentredGram`, the TypeScript kernel below, which is the reference the
 * WebAssembly one is tested against (test/unit/risk/gram.test.ts).
 */
import { wasmCentredGram } from './gram-wasm';
import { sumOf } from './summation';

/** k×k row-major and symmetric; n is the common length of the series (at least 1). */
export function centredGram(series: ArrayLike<number>[], n: number): Float64Array {
  return wasmCentredGram(series, n) ?? referenceCentredGram(series, n);
}

/** The series minus their means, one after another in one array (series i at offset i·n). */
function packCentred(series: ArrayLike<number>[], n: number): Float64Array {
  const packed = new Float64Array(series.length * n);
  series.forEach((values, i) => {
    const mean = sumOf(values) / n;
    const offset = i * n;
    for (let t = 0; t < n; t++) packed[offset + t] = values[t] - mean;
  });
  return packed;
}

function dot(x: Float64Array, a: number, b: number, n: number): number {
  let sum = 0;
  for (let t = 0; t < n; t++) sum += x[a + t] * x[b + t];
  return sum;
}

/**
 * Rows i, i + 1 against columns j … j + 3 in one pass over time: each loaded value feeds two or four products
 * and the eight sums stay in registers.
 */
function block2x4(x: Float64Array, n: number, i: number, j: number, gram: Float64Array, k: number): void {
  const a0 = i * n;
  const a1 = a0 + n;
  const b0 = j * n;
  const b1 = b0 + n;
  const b2 = b1 + n;
  const b3 = b2 + n;
  let s00 = 0;
  let s01 = 0;
  let s02 = 0;
  let s03 = 0;
  let s10 = 0;
  let s11 = 0;
  let s12 = 0;
  let s13 = 0;
  for (let t = 0; t < n; t++) {
    const x0 = x[a0 + t];
    const x1 = x[a1 + t];
    const y0 = x[b0 + t];
    const y1 = x[b1 + t];
    const y2 = x[b2 + t];
    const y3 = x[b3 + t];
    s00 += x0 * y0;
    s01 += x0 * y1;
    s02 += x0 * y2;
    s03 += x0 * y3;
    s10 += x1 * y0;
    s11 += x1 * y1;
    s12 += x1 * y2;
    s13 += x1 * y3;
  }
  const row0 = i * k + j;
  const row1 = row0 + k;
  gram[row0] = s00;
  gram[row0 + 1] = s01;
  gram[row0 + 2] = s02;
  gram[row0 + 3] = s03;
  gram[row1] = s10;
  gram[row1 + 1] = s11;
  gram[row1 + 2] = s12;
  gram[row1 + 3] = s13;
}

/** Copies the upper triangle onto the lower one. */
function mirrorUpperTriangle(gram: Float64Array, k: number): void {
  for (let i = 1; i < k; i++) {
    for (let j = 0; j < i; j++) gram[i * k + j] = gram[j * k + i];
  }
}

/**
 * The TypeScript kernel: centre and pack the series once, then fill the upper triangle in 2×4 register blocks
 * (dot products for the columns left over), then mirror it. Summation runs in time order within each entry.
 */
export function referenceCentredGram(series: ArrayLike<number>[], n: number): Float64Array {
  const k = series.length;
  const x = packCentred(series, n);
  const gram = new Float64Array(k * k);
  for (let i = 0; i < k; i += 2) {
    if (i + 1 === k) {
      for (let j = i; j < k; j++) gram[i * k + j] = dot(x, i * n, j * n, n);
      break;
    }
    let j = i;
    for (; j + 4 <= k; j += 4) block2x4(x, n, i, j, gram, k);
    for (; j < k; j++) {
      gram[i * k + j] = dot(x, i * n, j * n, n);
      gram[(i + 1) * k + j] = dot(x, (i + 1) * n, j * n, n);
    }
  }
  mirrorUpperTriangle(gram, k);
  return gram;
}
