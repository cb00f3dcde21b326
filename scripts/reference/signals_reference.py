"""Reference values for src/signals/indicators.ts, computed independently with pandas.

Writes test/unit/signals/fixtures/signals-reference.json, which test/unit/signals/reference.test.ts reads. The
closes are generated here (seeded GBM, rounded to 4 decimals) and stored in the JSON, so TypeScript and pandas
work on exactly the same inputs.

Run (from the repo root), then format the JSON as the repo's prettier check expects:
  python3 -m pip install pandas numpy && python3 scripts/reference/signals_reference.py
  npx prettier --write test/unit/signals/fixtures/signals-reference.json

Conventions mirrored from the TypeScript (each written here with a different pandas formulation):
  sma                 s.rolling(window).mean()
  ema                 s.ewm(span=span, adjust=False).mean()                  (seeded with the first value)
  rsi (Wilder)        first average = mean of the first `period` gains/losses, then
                      ewm(alpha=1/period, adjust=False) over [seed, later gains/losses]
  momentum            s / s.shift(lookback) - 1
  realized volatility np.log(s).diff().rolling(window).std(ddof=1) * sqrt(annualization)
  drawdown            s / s.cummax() - 1
"""

import json
import math
import pathlib

import numpy as np
import pandas as pd

OUT = pathlib.Path(__file__).resolve().parents[2] / "test/unit/signals/fixtures/signals-reference.json"
SEED = 20260101
N = 80


def closes() -> pd.Series:
    rng = np.random.default_rng(SEED)
    log_returns = rng.normal(0.0003, 0.015, N - 1)
    prices = 100 * np.exp(np.concatenate([[0.0], np.cumsum(log_returns)]))
    return pd.Series(np.round(prices, 4))


def wilder_average(x: pd.Series, period: int) -> pd.Series:
    out = pd.Series(np.nan, index=x.index)
    seed = x.iloc[1 : period + 1].mean()
    tail = pd.concat([pd.Series([seed]), x.iloc[period + 1 :]], ignore_index=True)
    out.iloc[period:] = tail.ewm(alpha=1 / period, adjust=False).mean().to_numpy()
    return out


def rsi(s: pd.Series, period: int) -> pd.Series:
    change = s.diff()
    gain = wilder_average(change.clip(lower=0), period)
    loss = wilder_average((-change).clip(lower=0), period)
    value = 100 - 100 / (1 + gain / loss)
    value[(loss == 0) & (gain > 0)] = 100.0
    value[(loss == 0) & (gain == 0)] = 50.0
    return value


def realized_volatility(s: pd.Series, window: int, annualization: float) -> pd.Series:
    return np.log(s).diff().rolling(window).std(ddof=1) * math.sqrt(annualization)


def as_json_list(series: pd.Series) -> list:
    return [None if (isinstance(v, float) and math.isnan(v)) else float(v) for v in series.to_list()]


def crossover(s: pd.Series, fast: int, slow: int) -> dict:
    fast_sma = s.rolling(fast).mean()
    slow_sma = s.rolling(slow).mean()

    def state(i: int) -> str:
        a, b = fast_sma.iloc[i], slow_sma.iloc[i]
        if abs(a - b) <= 1e-9 * max(abs(a), abs(b)):
            return "neutral"
        return "bullish" if a > b else "bearish"

    today = state(-1)
    crossed = today != "neutral" and len(s) > slow and state(-2) != today
    return {"fast": float(fast_sma.iloc[-1]), "slow": float(slow_sma.iloc[-1]), "state": today, "crossedToday": crossed}


def main() -> None:
    s = closes()
    series = {
        "sma": {str(w): as_json_list(s.rolling(w).mean()) for w in (5, 10)},
        "ema": {str(span): as_json_list(s.ewm(span=span, adjust=False).mean()) for span in (3, 12)},
        "rsi": {str(p): as_json_list(rsi(s, p)) for p in (5, 14)},
        "momentum": {str(k): as_json_list(s / s.shift(k) - 1) for k in (1, 5, 20)},
        "realizedVolatility": {str(w): as_json_list(realized_volatility(s, w, 252)) for w in (10, 20)},
        "drawdown": as_json_list(s / s.cummax() - 1),
    }
    # The default snapshot (fast/slow 10/30, EMA 12/26, RSI 14, momentum 20, volatility 20 × sqrt(252)).
    snapshot = {
        "lastClose": float(s.iloc[-1]),
        "smaFast": float(s.rolling(10).mean().iloc[-1]),
        "smaSlow": float(s.rolling(30).mean().iloc[-1]),
        "emaFast": float(s.ewm(span=12, adjust=False).mean().iloc[-1]),
        "emaSlow": float(s.ewm(span=26, adjust=False).mean().iloc[-1]),
        "crossover": crossover(s, 10, 30),
        "rsi": float(rsi(s, 14).iloc[-1]),
        "momentum": float((s / s.shift(20) - 1).iloc[-1]),
        "realizedVolatility": float(realized_volatility(s, 20, 252).iloc[-1]),
        "drawdown": float((s / s.cummax() - 1).iloc[-1]),
        "observations": len(s),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "generatedBy": "scripts/reference/signals_reference.py",
        "pandas": pd.__version__,
        "numpy": np.__version__,
        "seed": SEED,
        "closes": as_json_list(s),
        "series": series,
        "snapshot": snapshot,
    }
    OUT.write_text(json.dumps(payload, indent=1) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
