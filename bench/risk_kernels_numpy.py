"""numpy side of `npm run bench:risk`: the same kernels on the same inputs (a float64 file written by the TS side).

Prints a JSON object {kernel name: median milliseconds}. Names must match bench/risk-kernels.ts.

Monte Carlo computes what the TypeScript side computes: only the portfolio P&L is needed, so each path is
w'mu + (L'w)'z (one length-50 dot product per path, `z @ loadings`) rather than w'(mu + L z); the Cholesky factor
and L'w are inside the timed function on both sides.
"""
import json
import sys
import time

import numpy as np


def median_ms(fn, repeats):
    fn()  # warm-up
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return float(np.median(samples))


def main():
    path, assets, days, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    returns = np.fromfile(path, dtype=np.float64).reshape(assets, days)
    mc = returns[:50]
    mean = mc.mean(axis=1)
    cov = np.cov(mc, ddof=1)
    weights = np.full(50, 1 / 50)
    rng = np.random.default_rng(7)

    def monte_carlo():
        loadings = np.linalg.cholesky(cov).T @ weights  # L'w
        z = rng.standard_normal((100_000, 50))
        portfolio = mean @ weights + z @ loadings
        return -np.quantile(portfolio, 0.01)

    out = {
        "historical VaR 99% (100 assets x 2,520 days)": median_ms(lambda: -np.quantile(returns, 0.01, axis=1), repeats),
        "parametric VaR 99% (100 assets x 2,520 days)": median_ms(
            lambda: -(returns.mean(axis=1) - 2.3263478740408408 * returns.std(axis=1, ddof=1)), repeats
        ),
        "correlation matrix 100 x 100 (2,520 days)": median_ms(lambda: np.corrcoef(returns), repeats),
        "Monte Carlo VaR 99% (100,000 paths x 50 assets)": median_ms(monte_carlo, repeats),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
