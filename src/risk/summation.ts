/**
 * Summation kernels shared by the moments and the Gram matrix: four interleaved accumulators (the loop unrolled
 * by four) so consecutive additions do not wait on each other, combined pairwise at the end.
 */

/** Σ values[i]. */
export function sumOf(values: ArrayLike<number>): number {
  const n = values.length;
  const tail = n & 3;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let i = 0; i < n - tail; i += 4) {
    s0 += values[i];
    s1 += values[i + 1];
    s2 += values[i + 2];
    s3 += values[i + 3];
  }
  for (let i = n - tail; i < n; i++) s0 += values[i];
  return s0 + s1 + (s2 + s3);
}

/** Σ (values[i] − centre)². */
export function centredSumOfSquares(values: ArrayLike<number>, centre: number): number {
  const n = values.length;
  const tail = n & 3;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let i = 0; i < n - tail; i += 4) {
    const d0 = values[i] - centre;
    const d1 = values[i + 1] - centre;
    const d2 = values[i + 2] - centre;
    const d3 = values[i + 3] - centre;
    s0 += d0 * d0;
    s1 += d1 * d1;
    s2 += d2 * d2;
    s3 += d3 * d3;
  }
  for (let i = n - tail; i < n; i++) {
    const d = values[i] - centre;
    s0 += d * d;
  }
  return s0 + s1 + (s2 + s3);
}
