#!/usr/bin/env python3
"""Reference numbers for the strategy backtest (src/backtest/), computed independently with numpy.

Reads test/unit/backtest/fixtures/backtest-input.json (creating it from a fixed seed if it is missing, or with
--regenerate-input) and writes test/unit/backtest/fixtures/backtest-reference.json, which
test/unit/backtest/reference.test.ts compares against to 1e-9 (relative).

Two parts:
  metrics  Sharpe, Sortino, max drawdown (with peak/trough/recovery), annualized volatility and return, total
           return on committed equity curves, for each risk-free rate in the input.
  engine   the engine's accounting replayed on committed closes with a committed action per day (the TypeScript
           test injects the same actions through the `decide` hook): equity, cash and units per day, costs,
           trade counts and P&L, then the metrics, turnover and exposure of the resulting curve.

Conventions (docs/backtesting.md), written here in a different form from the TypeScript:
  r_i            = E_i / E_{i-1} - 1
  total          = E[-1] / E[0] - 1;   annualized return = (E[-1] / E[0]) ** (P / (N - 1)) - 1
  volatility     = np.std(r, ddof=1) * sqrt(P)
  Sharpe         = mean(r - rf/P) / std(r - rf/P, ddof=1) * sqrt(P)
  Sortino        = mean(r - rf/P) / sqrt(mean(min(r, 0)^2)) * sqrt(P)        (downside target 0, all n returns)
  max drawdown   = max(1 - E / cummax(E)); peak = last index at the running max before the first deepest trough
  turnover       = sum|traded notional| / mean(E), annualized x P / (N - 1)
  exposure       = share of units[0 .. N-2] that are non-zero
  engine         decision at close t executes at close t+1; fill price close * (1 +/- slippage), commission on
                 |qty| * close; target units = +/- positionSize * pre-trade equity / close; a trade is a round trip
                 flat -> position -> flat (a flip closes one and opens the next), its P&L all of its cash flows.

Run:  pip install numpy && python3 scripts/reference/backtest_reference.py
      npx prettier --write test/unit/backtest/fixtures/*.json
"""

import argparse
import json
import math
from datetime import date, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "test" / "unit" / "backtest" / "fixtures"
INPUT_PATH = FIXTURES / "backtest-input.json"
OUTPUT_PATH = FIXTURES / "backtest-reference.json"
PERIODS = 252


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
    rng = np.random.default_rng(20260315)

    # A 300-day curve: noisy growth, a flat stretch (no position: zero returns), a sharp drawdown that recovers.
    r = 0.0004 + 0.011 * rng.standard_normal(299)
    r[60:80] = 0.0
    r[150:170] = -0.006 + 0.004 * rng.standard_normal(20)
    growth = np.concatenate([[1.0], np.cumprod(1 + r)])
    recovering = np.round(100_000 * growth, 2)

    # A 60-day curve that rises to a peak held for two days (a tie: the peak is the later one), then slides with
    # small rebounds and never gets back (recovery is null).
    r2 = np.empty(59)
    r2[:19] = 0.003 + 0.002 * np.abs(rng.standard_normal(19))
    r2[19] = 0.0
    r2[20:] = -0.004 + 0.006 * rng.standard_normal(39)
    falling = np.round(50_000 * np.concatenate([[1.0], np.cumprod(1 + r2)]), 2)
    falling[20] = falling[19]
    assert falling[20] == falling.max() and falling[21:].max() < falling[20], "regenerate: adjust the seed"

    # Engine case: GBM closes and one action per day (HOLD most days).
    n = 160
    log_r = rng.normal(0.0002, 0.016, n - 1)
    closes = np.round(80 * np.exp(np.concatenate([[0.0], np.cumsum(log_r)])), 4)
    actions = rng.choice(["BUY", "SELL", "HOLD"], size=n, p=[0.12, 0.12, 0.76]).tolist()

    return {
        "description": "Fixed inputs for scripts/reference/backtest_reference.py; generated once from a seed.",
        "riskFreeRates": [0.0, 0.035],
        "curves": {
            "recovering300": {"dates": business_days(date(2024, 1, 2), 300),
                              "equity": [float(x) for x in recovering]},
            "falling60": {"dates": business_days(date(2025, 3, 3), 60), "equity": [float(x) for x in falling]},
        },
        "engine": {
            "dates": business_days(date(2023, 6, 1), n),
            "closes": [float(x) for x in closes],
            "actions": actions,
            "cases": {
                "longOnly": {"initialCapital": 100_000, "positionSize": 1, "allowShort": False,
                             "costBps": 5, "slippageBps": 5, "rebalance": False, "warmup": 0,
                             "riskFreeRate": 0, "periodsPerYear": 252},
                "longShortRebalance": {"initialCapital": 250_000, "positionSize": 0.8, "allowShort": True,
                                       "costBps": 7.5, "slippageBps": 3, "rebalance": True, "warmup": 10,
                                       "riskFreeRate": 0.02, "periodsPerYear": 252},
                "longShortNoCosts": {"initialCapital": 1_000, "positionSize": 0.5, "allowShort": True,
                                     "costBps": 0, "slippageBps": 0, "rebalance": False, "warmup": 3,
                                     "riskFreeRate": 0, "periodsPerYear": 252},
            },
        },
    }


# ---------------------------------------------------------------------------------------------------------------
# Metrics


def drawdown_info(equity: np.ndarray, dates: list[str]) -> dict:
    running_max = np.maximum.accumulate(equity)
    dd = equity / running_max - 1
    trough = int(np.argmin(dd))
    if dd[trough] == 0:
        return {"maxDrawdown": 0.0, "peakIndex": None, "troughIndex": None, "recoveryIndex": None,
                "peakDate": None, "troughDate": None, "recoveryDate": None}
    at_peak = np.flatnonzero(equity[: trough + 1] == running_max[trough])
    peak = int(at_peak[-1])
    after = np.flatnonzero(equity[trough + 1 :] >= equity[peak])
    recovery = int(trough + 1 + after[0]) if after.size else None
    return {
        "maxDrawdown": float(-dd[trough]),
        "peakIndex": peak,
        "troughIndex": trough,
        "recoveryIndex": recovery,
        "peakDate": dates[peak],
        "troughDate": dates[trough],
        "recoveryDate": dates[recovery] if recovery is not None else None,
    }


def curve_metrics(equity: np.ndarray, dates: list[str], rates: list[float], periods: int = PERIODS) -> dict:
    r = np.diff(equity) / equity[:-1]
    n = len(equity)
    downside = math.sqrt(float(np.mean(np.square(np.minimum(r, 0.0)))))
    by_rate = {}
    for rate in rates:
        excess = r - rate / periods
        sd = float(np.std(excess, ddof=1))
        by_rate[repr(float(rate))] = {
            "sharpe": float(np.mean(excess) / sd * math.sqrt(periods)) if sd > 0 else None,
            "sortino": float(np.mean(excess) / downside * math.sqrt(periods)) if downside > 0 else None,
        }
    return {
        "n": n,
        "totalReturn": float(equity[-1] / equity[0] - 1),
        "annualizedReturn": float((equity[-1] / equity[0]) ** (periods / (n - 1)) - 1),
        "annualizedVolatility": float(np.std(r, ddof=1) * math.sqrt(periods)),
        "downsideDeviation": downside,
        "byRiskFreeRate": by_rate,
        "drawdown": drawdown_info(equity, dates),
    }


# ---------------------------------------------------------------------------------------------------------------
# Engine replay


def replay(closes: np.ndarray, dates: list[str], actions: list[str], case: dict) -> dict:
    slip = case["slippageBps"] / 1e4
    comm = case["costBps"] / 1e4
    cash, units = float(case["initialCapital"]), 0.0
    pending = None
    fills = 0
    traded_total = commissions = slippage_total = 0.0
    closed = wins = 0
    realized = 0.0
    trade_flows: list[float] | None = None  # cash flows of the open trade
    out = {"equity": [], "cash": [], "units": [], "dailyTradedNotional": [], "costs": []}

    def direction_of(action):
        if action == "BUY":
            return 1
        if action == "SELL":
            return -1 if case["allowShort"] else 0
        return None

    for t in range(case["warmup"], len(closes)):
        price = closes[t]
        pre_equity = cash + units * price
        want = direction_of(pending)
        target = None
        if want is not None and (case["rebalance"] or want != np.sign(units)):
            target = want * case["positionSize"] * pre_equity / price
        traded = cost = 0.0
        if target is not None and target != units:
            qty = target - units
            fill = price * (1 + slip) if qty > 0 else price * (1 - slip)
            commission = abs(qty) * price * comm
            cash = cash - qty * fill - commission
            traded = abs(qty) * price
            cost = commission + abs(qty) * price * slip
            fills += 1
            traded_total += traded
            commissions += commission
            slippage_total += abs(qty) * price * slip
            # Split the fill into the part that closes the old position and the part that opens/extends one.
            closes_old = units != 0 and np.sign(target) != np.sign(units)
            if closes_old:
                part = -units
                trade_flows.append(-part * fill - abs(part) * price * comm)
                pnl = sum(trade_flows)
                closed += 1
                wins += pnl > 0
                realized += pnl
                trade_flows = None
            if target != 0:
                part = target if (closes_old or units == 0) else qty
                flow = -part * fill - abs(part) * price * comm
                trade_flows = [flow] if trade_flows is None else trade_flows + [flow]
            units = target
        out["equity"].append(cash + units * price)
        out["cash"].append(cash)
        out["units"].append(units)
        out["dailyTradedNotional"].append(traded)
        out["costs"].append(cost)
        pending = actions[t]

    equity = np.array(out["equity"])
    used_dates = dates[case["warmup"]:]
    metrics = curve_metrics(equity, used_dates, [case["riskFreeRate"]], case["periodsPerYear"])
    n = len(equity)
    traded_arr = np.array(out["dailyTradedNotional"])
    turnover_total = float(np.sum(np.abs(traded_arr)) / np.mean(equity))
    units_arr = np.array(out["units"])
    return {
        **{k: [float(x) for x in v] for k, v in out.items()},
        "fills": fills,
        "tradedNotionalTotal": traded_total,
        "commissions": commissions,
        "slippage": slippage_total,
        "closedTrades": closed,
        "winningTrades": int(wins),
        "realizedPnl": realized,
        "openTrade": bool(units != 0),
        "metrics": metrics,
        "turnover": {"total": turnover_total, "annualized": turnover_total * case["periodsPerYear"] / (n - 1)},
        "exposure": float(np.count_nonzero(units_arr[:-1]) / (n - 1)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--regenerate-input", action="store_true")
    args = parser.parse_args()

    if args.regenerate_input or not INPUT_PATH.exists():
        FIXTURES.mkdir(parents=True, exist_ok=True)
        INPUT_PATH.write_text(json.dumps(generate_input(), indent=2) + "\n")
    data = json.loads(INPUT_PATH.read_text())

    curves = {
        name: curve_metrics(np.array(c["equity"], dtype=float), c["dates"], data["riskFreeRates"])
        for name, c in data["curves"].items()
    }
    eng = data["engine"]
    closes = np.array(eng["closes"], dtype=float)
    engine = {name: replay(closes, eng["dates"], eng["actions"], case) for name, case in eng["cases"].items()}
    reference = {
        "description": "Generated by scripts/reference/backtest_reference.py from backtest-input.json; do not edit.",
        "numpy": np.__version__,
        "curves": curves,
        "engine": engine,
    }
    OUTPUT_PATH.write_text(json.dumps(reference, indent=2) + "\n")
    print(f"wrote {OUTPUT_PATH.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
