/** Cholesky factorisation A = L·Lᵀ of a symmetric covariance matrix (lower-triangular L). */

export interface CholeskyOptions {
  /**
   * Accept positive semidefinite matrices: a pivot no larger than `semidefiniteTolerance × max diagonal` is taken
   * as an exact zero and its column of L set to zero. Sample covariances are singular when two series move in
   * lockstep, a price never changes, or there are fewer returns than symbols. Default 0: strictly definite.
   * Must be in [0, 1): every pivot is at most the largest diagonal, so a tolerance ≥ 1 would zero every column
   * (and so all the risk) rather than only the dependent ones.
   */
  semidefiniteTolerance?: number;
}

function assertSymmetricSquare(fn: string, name: string, matrix: number[][]): number {
  const k = Array.isArray(matrix) ? matrix.length : 0;
  if (k === 0) throw new RangeError(`${fn}: ${name} must be a non-empty square array`);
  for (let i = 0; i < k; i++) {
    if (!Array.isArray(matrix[i]) || matrix[i].length !== k) {
      throw new RangeError(`${fn}: ${name} must be square; row ${i} does not have ${k} entries`);
    }
    for (let j = 0; j < k; j++) {
      const a = matrix[i][j];
      if (!Number.isFinite(a)) throw new RangeError(`${fn}: ${name}[${i}][${j}] is ${a}; must be finite`);
      // A variance is a sum of squares: a negative one is bad input, not a pivot within the tolerance of zero.
      if (i === j && a < 0)
        throw new RangeError(`${fn}: ${name}[${i}][${i}] is ${a}; a variance must be ≥ 0`);
      const b = matrix[j][i];
      if (Math.abs(a - b) > 1e-12 * Math.max(1, Math.abs(a), Math.abs(b))) {
        throw new RangeError(`${fn}: ${name} is not symmetric at [${i}][${j}] (${a} vs ${b})`);
      }
    }
  }
  return k;
}

/** A semidefinite tolerance: a finite number in [0, 1) (NaN would make every pivot test false). */
export function assertSemidefiniteTolerance(fn: string, name: string, tolerance: unknown): void {
  if (typeof tolerance !== 'number' || !Number.isFinite(tolerance) || !(tolerance >= 0 && tolerance < 1)) {
    throw new RangeError(`${fn}: ${name} must be a finite number in [0, 1), got ${String(tolerance)}`);
  }
}

export function cholesky(matrix: number[][], options: CholeskyOptions = {}): number[][] {
  const tolerance = options.semidefiniteTolerance ?? 0;
  assertSemidefiniteTolerance('cholesky', 'options.semidefiniteTolerance', tolerance);
  return choleskyFactor(matrix, tolerance, 'cholesky', 'matrix');
}

/** `cholesky` with a checked tolerance, naming `fn` and the matrix argument `name` in its errors. */
export function choleskyFactor(matrix: number[][], tolerance: number, fn: string, name: string): number[][] {
  const k = assertSymmetricSquare(fn, name, matrix);
  const scale = Math.max(...matrix.map((row, i) => Math.abs(row[i])));
  const zeroPivot = tolerance * scale;
  const lower = Array.from({ length: k }, () => new Array<number>(k).fill(0));

  for (let j = 0; j < k; j++) {
    let pivot = matrix[j][j];
    for (let m = 0; m < j; m++) pivot -= lower[j][m] * lower[j][m];
    if (tolerance > 0 && Math.abs(pivot) <= zeroPivot) continue; // dependent column: L[·][j] stays 0
    if (!(pivot > 0)) {
      throw new RangeError(
        `${fn}: ${name} is not positive definite (pivot ${j} is ${pivot}); ` +
          'pass semidefiniteTolerance to accept a singular covariance',
      );
    }
    const diagonal = Math.sqrt(pivot);
    lower[j][j] = diagonal;
    for (let i = j + 1; i < k; i++) {
      let sum = matrix[i][j];
      for (let m = 0; m < j; m++) sum -= lower[i][m] * lower[j][m];
      lower[i][j] = sum / diagonal;
    }
  }
  return lower;
}
