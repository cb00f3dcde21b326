#!/usr/bin/env python3
"""Reference numbers for the TypeScript risk engine (src/risk/), computed with numpy/scipy.

Reads test/unit/risk/fixtures/risk-input.json (creating it from a fixed seed if it is missing, or with
--regenerate-input; sections added later -- portfolioCases, constructedBacktest -- are deterministic and are
added to an existing file when missing) and writes test/unit/risk/fixtures/risk-reference.json, which
test/unit/risk/*.test.ts compare against with toBeCloseTo(x, 10).

Conventions (as docs/risk.md): losses positive; tail p = 1 - c, rounded to 12 significant digits
(1 - 0.99 is 0.010000000000000009 in binary); historical VaR = -np.quantile(r, p, method=...);
ES Rockafellar-Uryasev (Riskfolio-Lib's CVaR_Hist) and mean of the k worst (empyrical); parametric
VaR = -mu - z_p * sigma (ddof=1), Cornish-Fisher with scipy's (biased) skew and excess kurtosis.
Horizon h: historical VaR/ES x sqrt(h); parametric mu*h, sigma*sqrt(h), Cornish-Fisher with skew/sqrt(h) and
excess kurtosis/h; Monte Carlo's Gaussian target -w.mu*h - z*sqrt(h * w'Cw). Contributions: Euler
-z*sqrt(h)*E_i*(Cw)_i/sqrt(w'Cw); historical scenario weights on the stably ranked portfolio scenarios.
Backtest: rolling historical VaR from the `lookback` returns before each day (at least `minLookback`).

Run:  pip install numpy scipy && python3 scripts/reference/risk_reference.py
"""

import argparse
import json
import math
import subprocess
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import scipy
from scipy import stats
from scipy.special import xlogy

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "test" / "unit" / "risk" / "fixtures"
INPUT_PATH = FIXTURES / "risk-input.json"
OUTPUT_PATH = FIXTURES / "risk-reference.json"

CONFIDENCES = [0.95, 0.975, 0.99]
# The 20-observation series has a usable tail only at lower confidences; 0.898 gives n*p = 2.04, where
# empyrical's k = floor((n - 1) p) + 1 = 2 differs from ceil(n p) = 3.
CONFIDENCES_BY_SERIES = {"ties20": [0.8, 0.85, 0.88, 0.898, 0.9]}


# ---------------------------------------------------------------------------------------------------------------
# Input generation (only when the committed input file is missing or --regenerate-input is given)


def business_days(start: date, count: int) -> list[str]:
    days, d = [], start
    while len(days) < count:
        if d.weekday() < 5:
            days.append(d.isoformat())
        d += timedelta(days=1)
    return days


def generate_input() -> dict:
    rng = np.random.default_rng(20240611)
    # Fat-tailed, slightly skewed daily returns so that the quantile methods, ES forms and Cornish-Fisher differ.
    t4 = rng.standard_t(4, size=250)
    skewed = 0.0004 + 0.011 * t4 - 0.002 * (rng.random(250) < 0.05)
    n200 = 0.0002 + 0.015 * rng.standard_normal(200)
    # n = 20 with tied losses in the tail: where "k worst" and "below the cut-off" conventions part ways.
    ties = [-0.031, -0.031, -0.027, -0.027, -0.027, -0.02, -0.015, -0.01, -0.004, 0.0,
            0.002, 0.004, 0.006, 0.009, 0.011, 0.013, 0.017, 0.02, 0.024, 0.03]

    dates = business_days(date(2025, 1, 2), 140)
    corr = np.array([[1.0, 0.6, -0.2], [0.6, 1.0, 0.1], [-0.2, 0.1, 1.0]])
    vols = np.array([0.012, 0.018, 0.009])
    chol = np.linalg.cholesky(corr * np.outer(vols, vols))
    shocks = rng.standard_normal((len(dates) - 1, 3)) @ chol.T + np.array([0.0005, 0.0002, 0.0001])
    start_prices = np.array([187.25, 42.1, 501.0])
    prices = start_prices * np.vstack([np.ones(3), np.cumprod(1 + shocks, axis=0)])
    symbols = ["AAA", "BBB", "CCC"]
    series = {}
    for k, symbol in enumerate(symbols):
        rows = [{"date": d, "price": round(float(prices[t, k]), 4)} for t, d in enumerate(dates)]
        series[symbol] = rows
    # Gaps: BBB misses two sessions, CCC starts late; rows are stored out of order for AAA (alignment sorts).
    series["BBB"] = [r for r in series["BBB"] if r["date"] not in (dates[17], dates[90])]
    series["CCC"] = series["CCC"][5:]
    series["AAA"] = series["AAA"][::-1]

    data = {
        "description": "Fixed inputs for scripts/reference/risk_reference.py; generated once from a seed.",
        "confidences": CONFIDENCES,
        "series": {
            "fatTailed250": [round(float(x), 8) for x in skewed],
            "gaussian200": [round(float(x), 8) for x in n200],
            "ties20": ties,
        },
        "prices": series,
        "positions": [
            {"symbol": "AAA", "quantity": 120},
            {"symbol": "BBB", "quantity": -300},
            {"symbol": "CCC", "quantity": 25},
            {"symbol": "AAA", "quantity": -20},
        ],
        "normal": {
            "cdfPoints": [-8.0, -5.0, -3.5, -2.5, -1.2, -0.3, 0.0, 0.7, 1.6448536, 2.5, 4.0],
            "ppfProbabilities": [1e-12, 1e-6, 0.001, 0.01, 0.02, 0.02425, 0.05, 0.3, 0.5, 0.8, 0.975, 0.99,
                                 0.999999],
        },
        "xoshiroState": [1, 2, 3, 4],
        "backtest": {
            "published": {"observations": 1043, "exceptions": 57, "confidence": 0.95,
                          "n00": 932, "n01": 53, "n10": 53, "n11": 4},
            "baselExceptions": list(range(0, 13)),
        },
    }
    add_missing_sections(data)
    return data


def portfolio_cases(fixture_positions: list) -> dict:
    # Deterministic (no random numbers), so they can be added to an existing input file.
    market_value_book = [
        {"symbol": "AAA", "marketValue": 20000, "tags": ["tech", "us"]},
        {"symbol": "BBB", "marketValue": -12000, "tags": ["energy"]},
        {"symbol": "CCC", "quantity": 25, "tags": ["index", "tech"]},
        {"symbol": "AAA", "quantity": 10, "tags": ["us"]},
    ]
    return {
        "quantityBook10d": {"positions": fixture_positions, "confidence": 0.99, "horizonDays": 10,
                            "varMethod": "linear", "esMethod": "rockafellar_uryasev",
                            "backtest": {"window": 250, "lookback": 250, "minLookback": 60}},
        "quantityBook1d": {"positions": fixture_positions, "confidence": 0.95, "horizonDays": 1,
                           "varMethod": "linear", "esMethod": "rockafellar_uryasev",
                           "backtest": {"window": 40, "lookback": 80, "minLookback": 60}},
        "marketValueBook5d": {"positions": market_value_book, "confidence": 0.975, "horizonDays": 5,
                              "varMethod": "inverted_cdf", "esMethod": "mean_k_worst",
                              "backtest": {"window": 30, "lookback": 100, "minLookback": 60}},
    }


def constructed_backtest() -> dict:
    # One symbol whose ordinary days alternate 100 -> 101 -> 100 (the same two returns every time) and whose
    # planted losses are each larger than every earlier loss: every planted day is an exception against any
    # historical VaR of earlier returns, and no ordinary day is (its loss is at most the VaR, which is at least
    # the ordinary down-day loss once a handful of down days are in the lookback).
    planted = {70: 0.03, 130: 0.04, 200: 0.05, 260: 0.06, 300: 0.07, 301: 0.08, 390: 0.09}
    prices = [100.0]
    for t in range(400):
        prev = prices[-1]
        if t in planted:
            prices.append(round(prev * (1 - planted[t]), 6))
        elif prev == 100.0:
            prices.append(101.0)
        else:
            prices.append(100.0)
    dates = business_days(date(2024, 1, 2), len(prices))
    return {
        "symbol": "KNOWN",
        "prices": [{"date": d, "price": p} for d, p in zip(dates, prices)],
        "plantedReturnIndices": sorted(planted),
        "confidence": 0.99,
        "varMethod": "linear",
        "cases": [
            {"window": 250, "lookback": 250, "minLookback": 60},
            {"window": 400, "lookback": 250, "minLookback": 60},
        ],
    }


def add_missing_sections(data: dict) -> bool:
    added = False
    if "portfolioCases" not in data:
        data["portfolioCases"] = portfolio_cases(data["positions"])
        added = True
    if "constructedBacktest" not in data:
        data["constructedBacktest"] = constructed_backtest()
        added = True
    if "horizons" not in data:
        data["horizons"] = {"series": ["fatTailed250", "gaussian200"], "days": [5, 10]}
        added = True
    return added


# ---------------------------------------------------------------------------------------------------------------
# Reference computations


def tail(confidence: float) -> float:
    return float(f"{1 - confidence:.12g}")


def hist_var(r: np.ndarray, c: float, method: str) -> float:
    return float(-np.quantile(r, tail(c), method=method))


def es_rockafellar_uryasev(r: np.ndarray, c: float) -> float:
    p = tail(c)
    losses = -r
    var = hist_var(r, c, "inverted_cdf")
    es = var + np.sum(np.maximum(losses - var, 0.0)) / (len(r) * p)
    # Independent check: the RU objective t + sum((L - t)+)/(n p) is minimised at the VaR, and its minimum over
    # the observed losses (it is piecewise linear with kinks there) is the ES.
    objective = [t + np.sum(np.maximum(losses - t, 0.0)) / (len(r) * p) for t in losses]
    assert math.isclose(min(objective), es, rel_tol=1e-12, abs_tol=1e-15), (min(objective), es)
    return float(es)


def es_mean_k_worst(r: np.ndarray, c: float) -> float:
    # empyrical.conditional_value_at_risk: mean of the floor((n - 1) p) + 1 smallest returns.
    cutoff_index = int((len(r) - 1) * tail(c))
    return float(-np.mean(np.partition(r, cutoff_index)[: cutoff_index + 1]))


def parametric(r: np.ndarray, c: float) -> dict:
    p = tail(c)
    mu, sigma = float(np.mean(r)), float(np.std(r, ddof=1))
    z = float(stats.norm.ppf(p))
    s, k = float(stats.skew(r)), float(stats.kurtosis(r))
    zcf = z + (z**2 - 1) * s / 6 + (z**3 - 3 * z) * k / 24 - (2 * z**3 - 5 * z) * s**2 / 36
    return {
        "var": -mu - z * sigma,
        "es": -mu + sigma * float(stats.norm.pdf(z)) / p,
        "varDdof0": -mu - z * float(np.std(r, ddof=0)),
        "varCornishFisher": -mu - zcf * sigma,
        # scipy's own Gaussian quantile of the fitted N(mu, sigma^2), as a check on the closed form.
        "varScipy": float(-stats.norm.ppf(p, loc=mu, scale=sigma)),
    }


def series_reference(r: np.ndarray, confidences: list[float]) -> dict:
    out = {
        "n": len(r),
        "mean": float(np.mean(r)),
        "std": float(np.std(r, ddof=1)),
        "stdDdof0": float(np.std(r, ddof=0)),
        "skewness": float(stats.skew(r)),
        "excessKurtosis": float(stats.kurtosis(r)),
        "byConfidence": {},
    }
    for c in confidences:
        out["byConfidence"][str(c)] = {
            "varLinear": hist_var(r, c, "linear"),
            "varInvertedCdf": hist_var(r, c, "inverted_cdf"),
            "esRockafellarUryasev": es_rockafellar_uryasev(r, c),
            "esMeanKWorst": es_mean_k_worst(r, c),
            "parametric": parametric(r, c),
        }
    return out


def aligned(prices: dict) -> tuple[list[str], list[str], np.ndarray]:
    symbols = list(prices)
    maps = [{row["date"]: row["price"] for row in prices[s]} for s in symbols]
    dates = sorted(set.intersection(*(set(m) for m in maps)))
    matrix = np.array([[m[d] for d in dates] for m in maps])  # symbols x dates
    return symbols, dates, matrix


def portfolio_reference(data: dict) -> dict:
    symbols, dates, price_matrix = aligned(data["prices"])
    returns = price_matrix[:, 1:] / price_matrix[:, :-1] - 1
    log_returns = np.log(price_matrix[:, 1:] / price_matrix[:, :-1])
    last = dict(zip(symbols, price_matrix[:, -1].tolist()))

    net: dict[str, float] = {}
    for pos in data["positions"]:
        net[pos["symbol"]] = net.get(pos["symbol"], 0) + pos["quantity"]
    notionals = {s: q * last[s] for s, q in net.items()}
    gross = sum(abs(v) for v in notionals.values())
    weights = {s: v / gross for s, v in notionals.items()}
    index = {s: i for i, s in enumerate(symbols)}
    portfolio = sum(weights[s] * returns[index[s]] for s in net)
    held = [s for s in net if net[s] != 0]
    cov = np.cov(returns, ddof=1)

    c = 0.99
    return {
        "symbols": symbols,
        "dates": dates,
        "asOfDate": dates[-1],
        "fromDate": dates[0],
        "lastPrices": last,
        "firstReturns": {s: returns[i, :3].tolist() for i, s in enumerate(symbols)},
        "firstLogReturns": {s: log_returns[i, :3].tolist() for i, s in enumerate(symbols)},
        "covariance": cov.tolist(),
        "correlation": np.corrcoef(returns).tolist(),
        "cholesky": np.linalg.cholesky(cov).tolist(),
        "netQuantities": net,
        "notionals": notionals,
        "grossNotional": gross,
        "netNotional": sum(notionals.values()),
        "weights": weights,
        "heldSymbols": held,
        "heldMean": [float(np.mean(returns[index[s]])) for s in held],
        "returnsCount": int(returns.shape[1]),
        "confidence": c,
        "historicalVarLinear": hist_var(portfolio, c, "linear"),
        "historicalVarInvertedCdf": hist_var(portfolio, c, "inverted_cdf"),
        "historicalEsRockafellarUryasev": es_rockafellar_uryasev(portfolio, c),
        "historicalEsMeanKWorst": es_mean_k_worst(portfolio, c),
        "parametricVar": parametric(portfolio, c)["var"],
        "parametricEs": parametric(portfolio, c)["es"],
        # Gaussian VaR implied by the held symbols' mean vector and covariance (what Monte Carlo converges to).
        "gaussianFromCovarianceVar": gaussian_from_cov(returns, index, held, weights, c),
    }


def gaussian_from_cov(returns, index, held, weights, c) -> float:
    rows = [index[s] for s in held]
    mu = np.mean(returns[rows], axis=1)
    cov = np.cov(returns[rows], ddof=1)
    w = np.array([weights[s] for s in held])
    return float(-(w @ mu) - stats.norm.ppf(tail(c)) * math.sqrt(w @ cov @ w))


def xoshiro128ss(state: list[int], count: int) -> list[int]:
    # The published xoshiro128** reference algorithm, in Python integers masked to 32 bits.
    s = [x & 0xFFFFFFFF for x in state]
    rotl = lambda x, k: ((x << k) | (x >> (32 - k))) & 0xFFFFFFFF  # noqa: E731
    out = []
    for _ in range(count):
        out.append((rotl((s[1] * 5) & 0xFFFFFFFF, 7) * 9) & 0xFFFFFFFF)
        t = (s[1] << 9) & 0xFFFFFFFF
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 11)
    return out


def backtest_reference(spec: dict, fat_tailed: np.ndarray) -> dict:
    pub = spec["published"]
    n, x, p = pub["observations"], pub["exceptions"], tail(pub["confidence"])

    def pof(n, x, p):
        return float(-2 * (xlogy(n - x, 1 - p) + xlogy(x, p) - xlogy(n - x, 1 - x / n) - xlogy(x, x / n)))

    def ind(n00, n01, n10, n11):
        pi0, pi1 = n01 / (n00 + n01), n11 / (n10 + n11)
        pi = (n01 + n11) / (n00 + n01 + n10 + n11)
        restricted = xlogy(n00 + n10, 1 - pi) + xlogy(n01 + n11, pi)
        unrestricted = xlogy(n00, 1 - pi0) + xlogy(n01, pi0) + xlogy(n10, 1 - pi1) + xlogy(n11, pi1)
        return float(-2 * (restricted - unrestricted))

    lr_pof = pof(n, x, p)
    lr_ind = ind(pub["n00"], pub["n01"], pub["n10"], pub["n11"])
    published = {
        "lrPof": lr_pof,
        "pPof": float(stats.chi2.sf(lr_pof, 1)),
        "lrInd": lr_ind,
        "pInd": float(stats.chi2.sf(lr_ind, 1)),
        "lrCc": lr_pof + lr_ind,
        "pCc": float(stats.chi2.sf(lr_pof + lr_ind, 2)),
    }
    # A series check: losses of the fat-tailed series against a constant 95% VaR taken from its first 100 days.
    losses = -fat_tailed
    var = hist_var(fat_tailed[:100], 0.95, "linear")
    hits = (losses > var).astype(int)
    pairs = list(zip(hits[:-1], hits[1:]))
    counts = {f"n{a}{b}": sum(1 for u, v in pairs if (u, v) == (a, b)) for a in (0, 1) for b in (0, 1)}
    lr_pof_s = pof(len(hits), int(hits.sum()), 0.05)
    lr_ind_s = ind(counts["n00"], counts["n01"], counts["n10"], counts["n11"])
    series = {
        "var": var,
        "exceptions": int(hits.sum()),
        "observations": len(hits),
        **counts,
        "lrPof": lr_pof_s,
        "pPof": float(stats.chi2.sf(lr_pof_s, 1)),
        "lrInd": lr_ind_s,
        "pInd": float(stats.chi2.sf(lr_ind_s, 1)),
        "lrCc": lr_pof_s + lr_ind_s,
        "pCc": float(stats.chi2.sf(lr_pof_s + lr_ind_s, 2)),
    }
    # Basel zones follow the binomial(250, 0.01) CDF of the exception count: green below 95 %, red from 99.99 %.
    cdf = [float(stats.binom.cdf(k, 250, 0.01)) for k in spec["baselExceptions"]]
    zones = ["green" if q < 0.95 else "yellow" if q < 0.9999 else "red" for q in cdf]
    return {"published": published, "series": series, "basel": {"cumulativeProbability": cdf, "zones": zones}}


def horizon_reference(r: np.ndarray, confidences: list[float], days: list[int]) -> dict:
    out = {}
    for c in confidences:
        p = tail(c)
        z = float(stats.norm.ppf(p))
        mu, sigma = float(np.mean(r)), float(np.std(r, ddof=1))
        s, k = float(stats.skew(r)), float(stats.kurtosis(r))
        by_h = {}
        for h in days:
            root = math.sqrt(h)
            mu_h, sigma_h = mu * h, sigma * root
            # Sum of h i.i.d. daily returns: skewness s / sqrt(h), excess kurtosis k / h.
            s_h, k_h = s / root, k / h
            zcf = z + (z**2 - 1) * s_h / 6 + (z**3 - 3 * z) * k_h / 24 - (2 * z**3 - 5 * z) * s_h**2 / 36
            by_h[str(h)] = {
                "varLinear": hist_var(r, c, "linear") * root,
                "varInvertedCdf": hist_var(r, c, "inverted_cdf") * root,
                "esRockafellarUryasev": es_rockafellar_uryasev(r, c) * root,
                "esMeanKWorst": es_mean_k_worst(r, c) * root,
                "parametricVar": -mu_h - z * sigma_h,
                "parametricVarScipy": float(-stats.norm.ppf(p, loc=mu_h, scale=sigma_h)),
                "parametricEs": -mu_h + sigma_h * float(stats.norm.pdf(z)) / p,
                "cornishFisherVar": -mu_h - zcf * sigma_h,
            }
        out[str(c)] = by_h
    return out


def value_positions(positions: list, last: dict) -> list[dict]:
    lines: dict[str, dict] = {}
    for pos in positions:
        assert ("quantity" in pos) != ("marketValue" in pos), pos
        line = lines.setdefault(pos["symbol"], {"symbol": pos["symbol"], "quantity": None, "marketValue": None,
                                                "tags": []})
        key = "quantity" if "quantity" in pos else "marketValue"
        line[key] = (line[key] or 0) + pos[key]
        for tag in pos.get("tags", []):
            if tag not in line["tags"]:
                line["tags"].append(tag)
    valued = []
    for line in lines.values():
        price = last[line["symbol"]]
        q, mv = line["quantity"], line["marketValue"]
        notional = mv if q is None else q * price if mv is None else q * price + mv
        basis = "quantity" if mv is None else "marketValue" if q is None else "mixed"
        valued.append({**line, "basis": basis, "price": price, "notional": notional})
    return valued


def var_scenario_weights(n: int, p: float, method: str) -> list[tuple[int, float]]:
    """(rank, weight) pairs whose weighted sum of ranked losses is the historical VaR."""
    if method == "inverted_cdf":
        return [(math.ceil(n * p) - 1, 1.0)]
    j = math.floor((n - 1) * p)
    gamma = (n - 1) * p - j
    return [(j, 1 - gamma), (j + 1, gamma)] if gamma > 0 else [(j, 1.0)]


def es_scenario_weights(n: int, p: float, method: str) -> list[tuple[int, float]]:
    if method == "mean_k_worst":
        k = int((n - 1) * p) + 1
        return [(i, 1 / k) for i in range(k)]
    b = math.ceil(n * p) - 1
    return [(i, 1 / (n * p)) for i in range(b)] + [(b, 1 - b / (n * p))]


def rolling_backtest(r: np.ndarray, dates: list[str], c: float, method: str, window: int, lookback: int,
                     min_lookback: int) -> dict:
    n = len(r)
    start = max(min_lookback, n - window)
    forecasts = np.array([hist_var(r[max(0, t - lookback):t], c, method) for t in range(start, n)])
    losses = -r[start:]
    hits = (losses > forecasts).astype(int)
    pairs = list(zip(hits[:-1], hits[1:]))
    counts = {f"n{a}{b}": sum(1 for u, v in pairs if (u, v) == (a, b)) for a in (0, 1) for b in (0, 1)}
    x, obs, p = int(hits.sum()), len(hits), tail(c)
    lr_pof = float(-2 * (xlogy(obs - x, 1 - p) + xlogy(x, p) - xlogy(obs - x, 1 - x / obs) - xlogy(x, x / obs)))
    n00, n01, n10, n11 = counts["n00"], counts["n01"], counts["n10"], counts["n11"]
    pi = (n01 + n11) / (n00 + n01 + n10 + n11)
    pi0 = n01 / (n00 + n01) if n00 + n01 else 0.0
    pi1 = n11 / (n10 + n11) if n10 + n11 else 0.0
    restricted = xlogy(n00 + n10, 1 - pi) + xlogy(n01 + n11, pi)
    unrestricted = xlogy(n00, 1 - pi0) + xlogy(n01, pi0) + xlogy(n10, 1 - pi1) + xlogy(n11, pi1)
    lr_ind = max(0.0, float(-2 * (restricted - unrestricted)))
    basel = None
    if obs == 250 and p == 0.01:
        q = float(stats.binom.cdf(x, 250, 0.01))
        basel = "green" if q < 0.95 else "yellow" if q < 0.9999 else "red"
    return {
        "observations": obs,
        "firstDate": dates[start],
        "lastDate": dates[-1],
        "shortestLookback": min(start, lookback),
        "longestLookback": min(n - 1, lookback),
        "varForecasts": forecasts.tolist(),
        "exceptions": x,
        "exceptionIndices": [start + int(i) for i in np.flatnonzero(hits)],
        "exceptionDates": [dates[start + int(i)] for i in np.flatnonzero(hits)],
        **counts,
        "lrPof": lr_pof,
        "pPof": float(stats.chi2.sf(lr_pof, 1)),
        "lrInd": lr_ind,
        "pInd": float(stats.chi2.sf(lr_ind, 1)),
        "lrCc": lr_pof + lr_ind,
        "pCc": float(stats.chi2.sf(lr_pof + lr_ind, 2)),
        "baselZone": basel,
    }


def portfolio_case_reference(data: dict, case: dict) -> dict:
    symbols, dates, price_matrix = aligned(data["prices"])
    returns = price_matrix[:, 1:] / price_matrix[:, :-1] - 1
    last = dict(zip(symbols, price_matrix[:, -1].tolist()))
    index = {s: i for i, s in enumerate(symbols)}
    c, h = case["confidence"], case["horizonDays"]
    p, root = tail(c), math.sqrt(h)
    z = float(stats.norm.ppf(p))
    var_method, es_method = case["varMethod"], case["esMethod"]

    valued = value_positions(case["positions"], last)
    gross = sum(abs(v["notional"]) for v in valued)
    net = sum(v["notional"] for v in valued)
    held = [v for v in valued if v["notional"] != 0]
    w = np.array([v["notional"] / gross for v in held])
    rows = [index[v["symbol"]] for v in held]
    R = returns[rows]  # held symbols x days
    portfolio = sum(wi * R[i] for i, wi in enumerate(w))
    n = len(portfolio)

    var1 = hist_var(portfolio, c, var_method)
    es_fn = es_rockafellar_uryasev if es_method == "rockafellar_uryasev" else es_mean_k_worst
    es1 = es_fn(portfolio, c)
    mu, sigma = float(np.mean(portfolio)), float(np.std(portfolio, ddof=1))
    s1, k1 = float(stats.skew(portfolio)), float(stats.kurtosis(portfolio))
    s_h, k_h = s1 / root, k1 / h
    zcf = z + (z**2 - 1) * s_h / 6 + (z**3 - 3 * z) * k_h / 24 - (2 * z**3 - 5 * z) * s_h**2 / 36

    cov = np.cov(R, ddof=1)
    marginal = cov @ w
    port_var = float(w @ marginal)
    euler = -z * root * w * marginal / math.sqrt(port_var)  # fractions of gross
    assert math.isclose(float(euler.sum()), -z * root * sigma, rel_tol=1e-12)

    order = np.argsort(portfolio, kind="stable")  # ties by date, as the engine ranks scenarios
    ranked = portfolio[order]
    if var_method == "inverted_cdf":
        assert ranked[math.ceil(n * p) - 1] == np.quantile(portfolio, p, method="inverted_cdf")
    var_w = var_scenario_weights(n, p, var_method)
    es_w = es_scenario_weights(n, p, es_method)
    hist_var_contrib = -root * np.array([sum(wt * w[i] * R[i, order[rank]] for rank, wt in var_w)
                                         for i in range(len(held))])
    hist_es_contrib = -root * np.array([sum(wt * w[i] * R[i, order[rank]] for rank, wt in es_w)
                                        for i in range(len(held))])
    assert math.isclose(float(hist_var_contrib.sum()), var1 * root, rel_tol=1e-12)
    assert math.isclose(float(hist_es_contrib.sum()), es1 * root, rel_tol=1e-12)

    corr = np.corrcoef(R)
    pairs = [corr[i, j] for i in range(len(held)) for j in range(i + 1, len(held))]
    sizes = [abs(v["notional"]) for v in valued]
    largest = int(np.argmax(sizes))
    tags: dict[str, dict] = {}
    for v in valued:
        for tag in v["tags"]:
            entry = tags.setdefault(tag, {"tag": tag, "grossNotional": 0.0, "netNotional": 0.0, "symbols": []})
            entry["grossNotional"] += abs(v["notional"])
            entry["netNotional"] += v["notional"]
            entry["symbols"].append(v["symbol"])

    bt = case["backtest"]
    es_amount = es1 * root * gross
    return {
        "valued": valued,
        "grossNotional": gross,
        "netNotional": net,
        "weights": {v["symbol"]: v["notional"] / gross for v in valued},
        "heldSymbols": [v["symbol"] for v in held],
        "firstReturnDate": dates[1],
        "lastReturnDate": dates[-1],
        "returnsCount": n,
        "historicalVar": var1 * root,
        "historicalEs": es1 * root,
        "parametricMean": mu * h,
        "parametricSigma": sigma * root,
        "parametricVar": -mu * h - z * sigma * root,
        "parametricEs": -mu * h + sigma * root * float(stats.norm.pdf(z)) / p,
        "cornishFisherVar": -mu * h - zcf * sigma * root,
        "skewness": s1,
        "excessKurtosis": k1,
        "gaussianFromCovarianceVar": float(-(w @ np.mean(R, axis=1)) * h - z * math.sqrt(port_var * h)),
        "contributions": [
            {
                "symbol": v["symbol"],
                "parametricVaR": float(euler[i] * gross),
                "parametricShare": float(w[i] * marginal[i] / port_var),
                "historicalVaR": float(hist_var_contrib[i] * gross),
                "historicalES": float(hist_es_contrib[i] * gross),
                "share": float(hist_es_contrib[i] * gross / es_amount),
            }
            for i, v in enumerate(held)
        ],
        "varScenarioDates": [dates[1 + int(order[rank])] for rank, _ in var_w],
        "esScenarioDates": [dates[1 + int(order[rank])] for rank, _ in es_w],
        "concentration": {"symbol": valued[largest]["symbol"], "value": sizes[largest] / gross},
        "averagePairwiseCorrelation": float(np.mean(pairs)),
        "tagExposures": list(tags.values()),
        "backtest": rolling_backtest(portfolio, dates[1:], c, var_method, bt["window"], bt["lookback"],
                                     bt["minLookback"]),
    }


def constructed_backtest_reference(spec: dict) -> list[dict]:
    dates = [row["date"] for row in spec["prices"]]
    prices = np.array([row["price"] for row in spec["prices"]])
    r = prices[1:] / prices[:-1] - 1
    out = []
    for case in spec["cases"]:
        result = rolling_backtest(r, dates[1:], spec["confidence"], spec["varMethod"], case["window"],
                                  case["lookback"], case["minLookback"])
        # The construction's promise: exactly the planted days inside the tested window are exceptions.
        start = len(r) - result["observations"]
        assert result["exceptionIndices"] == [t for t in spec["plantedReturnIndices"] if t >= start], result
        out.append(result)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--regenerate-input", action="store_true", help="rewrite risk-input.json from the seed")
    args = parser.parse_args()

    FIXTURES.mkdir(parents=True, exist_ok=True)
    if args.regenerate_input or not INPUT_PATH.exists():
        INPUT_PATH.write_text(json.dumps(generate_input(), indent=1) + "\n")
        print(f"wrote {INPUT_PATH.relative_to(ROOT)}")
    data = json.loads(INPUT_PATH.read_text())
    if add_missing_sections(data):
        INPUT_PATH.write_text(json.dumps(data, indent=1) + "\n")
        print(f"added new sections to {INPUT_PATH.relative_to(ROOT)}")

    reference = {
        "generatedBy": "scripts/reference/risk_reference.py",
        "versions": {"numpy": np.__version__, "scipy": scipy.__version__},
        "tailProbabilities": {str(c): tail(c) for c in CONFIDENCES},
        "series": {
            name: series_reference(np.array(values), CONFIDENCES_BY_SERIES.get(name, CONFIDENCES))
            for name, values in data["series"].items()
        },
        "portfolio": portfolio_reference(data),
        "normal": {
            "cdf": [float(stats.norm.cdf(x)) for x in data["normal"]["cdfPoints"]],
            "pdf": [float(stats.norm.pdf(x)) for x in data["normal"]["cdfPoints"]],
            "ppf": [float(stats.norm.ppf(p)) for p in data["normal"]["ppfProbabilities"]],
            "erfc": [float(scipy.special.erfc(x)) for x in data["normal"]["cdfPoints"]],
        },
        "xoshiro128ss": xoshiro128ss(data["xoshiroState"], 10),
        "backtest": backtest_reference(data["backtest"], np.array(data["series"]["fatTailed250"])),
        "horizon": {
            name: horizon_reference(np.array(data["series"][name]), CONFIDENCES, data["horizons"]["days"])
            for name in data["horizons"]["series"]
        },
        "portfolioCases": {name: portfolio_case_reference(data, case)
                           for name, case in data["portfolioCases"].items()},
        "constructedBacktest": constructed_backtest_reference(data["constructedBacktest"]),
    }
    OUTPUT_PATH.write_text(json.dumps(reference, indent=1) + "\n")
    print(f"wrote {OUTPUT_PATH.relative_to(ROOT)}")
    # The repository's `prettier --check .` covers these files; prettier keeps JSON number literals verbatim.
    formatted = subprocess.run(["npx", "prettier", "--write", str(INPUT_PATH), str(OUTPUT_PATH)], cwd=ROOT)
    if formatted.returncode != 0:
        print("warning: could not run prettier; run `npx prettier --write test/unit/risk/fixtures` yourself")
    pub = reference["backtest"]["published"]
    print(f"published backtest vector: LR_POF={pub['lrPof']:.5f} (p={pub['pPof']:.5f}) "
          f"LR_ind={pub['lrInd']:.5f} (p={pub['pInd']:.5f}) LR_cc={pub['lrCc']:.5f} (p={pub['pCc']:.5f})")


if __name__ == "__main__":
    main()
