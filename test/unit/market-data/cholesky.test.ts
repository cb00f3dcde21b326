import { choleskyOfCorrelation } from '../../../src/market-data/cholesky';
import { standardNormal } from '../../../src/market-data/counter-random';

const multiplyByTranspose = (l: number[][]) =>
  l.map((row) => l.map((_, j) => row.reduce((sum, value, k) => sum + value * l[j][k], 0)));

/** A random valid correlation matrix: normalise B·Bᵀ for a random B. */
function randomCorrelation(n: number, salt: number): number[][] {
  const b = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => standardNormal([salt, i, j])),
  );
  const cov = multiplyByTranspose(b);
  return cov.map((row, i) => row.map((value, j) => (i === j ? 1 : value / Math.sqrt(cov[i][i] * cov[j][j]))));
}

describe('choleskyOfCorrelation', () => {
  it.each([1, 2, 3, 6])('factors a random %i x %i correlation matrix (L Lᵀ = C, L lower-triangular)', (n) => {
    const matrix = randomCorrelation(n, n * 17);
    const lower = choleskyOfCorrelation(matrix);
    lower.forEach((row, i) => row.forEach((value, j) => j > i && expect(value).toBe(0)));
    multiplyByTranspose(lower).forEach((row, i) =>
      row.forEach((value, j) => expect(value).toBeCloseTo(matrix[i][j], 10)),
    );
  });

  it('accepts a semi-definite matrix (perfect correlation)', () => {
    const matrix = [
      [1, 1, 0.3],
      [1, 1, 0.3],
      [0.3, 0.3, 1],
    ];
    const lower = choleskyOfCorrelation(matrix);
    multiplyByTranspose(lower).forEach((row, i) =>
      row.forEach((value, j) => expect(value).toBeCloseTo(matrix[i][j], 10)),
    );
  });

  it.each([
    ['not square', [[1, 0.2], [0.2]], /must be 2x2/],
    [
      'not symmetric',
      [
        [1, 0.2],
        [0.3, 1],
      ],
      /not symmetric at \[A, B\]/,
    ],
    [
      'off the unit diagonal',
      [
        [1, 0.2],
        [0.2, 0.9],
      ],
      /B with itself must be 1/,
    ],
    [
      'out of [-1, 1]',
      [
        [1, 1.5],
        [1.5, 1],
      ],
      /\[A, B\] = 1.5 is not in \[-1, 1\]/,
    ],
    [
      'not positive semi-definite',
      [
        [1, 0.9, -0.9],
        [0.9, 1, 0.9],
        [-0.9, 0.9, 1],
      ],
      /not positive semi-definite/,
    ],
  ])('refuses a matrix that is %s', (_label, matrix, message) => {
    const labels = ['A', 'B', 'C'].slice(0, matrix.length);
    expect(() => choleskyOfCorrelation(matrix, labels)).toThrow(RangeError);
    expect(() => choleskyOfCorrelation(matrix, labels)).toThrow(message);
  });
});
