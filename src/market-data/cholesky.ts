/**
 * Cholesky factor of a correlation matrix, used to turn independent normal shocks into correlated ones
 * (shocks = L · z). Kept here rather than shared with src/risk so market data has no dependency on the risk code.
 */

const TOLERANCE = 1e-9;

/**
 * Checks that `matrix` is a valid n×n correlation matrix (square, symmetric, unit diagonal, entries in [-1, 1],
 * positive semi-definite) and returns its lower-triangular factor L with L·Lᵀ = matrix. Throws a RangeError
 * saying what is wrong. Semi-definite matrices (e.g. two perfectly correlated symbols) are accepted: a zero pivot
 * gives a zero column, which is the exact factor in that case.
 */
export function choleskyOfCorrelation(
  matrix: readonly (readonly number[])[],
  labels?: readonly string[],
): number[][] {
  const n = matrix.length;
  const name = (i: number) => labels?.[i] ?? String(i);
  matrix.forEach((row, i) => {
    if (row.length !== n) {
      throw new RangeError(`Correlation matrix must be ${n}x${n}: row ${name(i)} has ${row.length} entries`);
    }
    row.forEach((value, j) => {
      if (!Number.isFinite(value) || value < -1 - TOLERANCE || value > 1 + TOLERANCE) {
        throw new RangeError(`Correlation [${name(i)}, ${name(j)}] = ${value} is not in [-1, 1]`);
      }
      if (Math.abs(value - matrix[j][i]) > TOLERANCE) {
        throw new RangeError(`Correlation matrix is not symmetric at [${name(i)}, ${name(j)}]`);
      }
    });
    if (Math.abs(row[i] - 1) > TOLERANCE) {
      throw new RangeError(`Correlation of ${name(i)} with itself must be 1, got ${row[i]}`);
    }
  });

  const lower = matrix.map(() => new Array<number>(n).fill(0));
  for (let j = 0; j < n; j += 1) {
    let pivot = matrix[j][j];
    for (let k = 0; k < j; k += 1) pivot -= lower[j][k] * lower[j][k];
    if (pivot < -TOLERANCE) {
      throw new RangeError(`Correlation matrix is not positive semi-definite (fails at ${name(j)})`);
    }
    const diagonal = Math.sqrt(Math.max(pivot, 0));
    lower[j][j] = diagonal;
    for (let i = j + 1; i < n; i += 1) {
      let sum = matrix[i][j];
      for (let k = 0; k < j; k += 1) sum -= lower[i][k] * lower[j][k];
      if (diagonal > TOLERANCE) {
        lower[i][j] = sum / diagonal;
      } else if (Math.abs(sum) > 1e-6) {
        // A zero pivot with a non-zero residual means no factor exists.
        throw new RangeError(`Correlation matrix is not positive semi-definite (fails at ${name(i)})`);
      }
    }
  }
  return lower;
}
