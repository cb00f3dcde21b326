/**
 * Risk-limit checks. A limit is breached when the measured value is strictly greater than the limit (a position
 * exactly at its limit is allowed). Notional limits apply to absolute notional, so shorts count like longs.
 */

export interface Position {
  symbol: string;
  /** Signed: negative for a short. */
  quantity: number;
}

export interface RiskLimits {
  /** Per-symbol cap on |quantity × price|, unless the symbol has its own entry below. */
  maxPositionNotional?: number;
  maxPositionNotionalBySymbol?: Record<string, number>;
  /** Cap on Σ |notional|. */
  maxGrossNotional?: number;
  /** Cap on |ρ| between any two held symbols' returns. */
  maxPairwiseCorrelation?: number;
  /** Cap on the portfolio VaR in currency. */
  maxVaR?: number;
}

export type BreachKind = 'position' | 'gross' | 'correlation' | 'var';

export interface LimitBreach {
  kind: BreachKind;
  symbol?: string;
  pair?: [string, string];
  value: number;
  limit: number;
  message: string;
}

/** Nets positions per symbol (two lines in the same symbol are one exposure), keeping first-seen order. */
export function netPositions(positions: Position[]): Position[] {
  const bySymbol = new Map<string, number>();
  for (const { symbol, quantity } of positions) {
    if (!Number.isFinite(quantity)) {
      throw new RangeError(`netPositions: quantity of ${symbol} is ${quantity}; must be a finite number`);
    }
    bySymbol.set(symbol, (bySymbol.get(symbol) ?? 0) + quantity);
  }
  return [...bySymbol].map(([symbol, quantity]) => ({ symbol, quantity }));
}

function priceOf(prices: Record<string, number>, symbol: string): number {
  const price = Object.hasOwn(prices, symbol) ? prices[symbol] : undefined;
  if (price === undefined || !Number.isFinite(price)) {
    throw new RangeError(`checkPositionLimits: no price for position symbol ${symbol}`);
  }
  return price;
}

const formatAmount = (value: number): string => value.toLocaleString('en-US', { maximumFractionDigits: 2 });

/** Per-symbol and gross notional limits (positions are netted per symbol first). */
export function checkPositionLimits(
  positions: Position[],
  prices: Record<string, number>,
  limits: RiskLimits,
): LimitBreach[] {
  const breaches: LimitBreach[] = [];
  let gross = 0;
  for (const { symbol, quantity } of netPositions(positions)) {
    const notional = Math.abs(quantity * priceOf(prices, symbol));
    gross += notional;
    const limit = limits.maxPositionNotionalBySymbol?.[symbol] ?? limits.maxPositionNotional;
    if (limit !== undefined && notional > limit) {
      breaches.push({
        kind: 'position',
        symbol,
        value: notional,
        limit,
        message: `${symbol} notional ${formatAmount(notional)} exceeds the position limit ${formatAmount(limit)}`,
      });
    }
  }
  const grossLimit = limits.maxGrossNotional;
  if (grossLimit !== undefined && gross > grossLimit) {
    breaches.push({
      kind: 'gross',
      value: gross,
      limit: grossLimit,
      message: `gross notional ${formatAmount(gross)} exceeds the limit ${formatAmount(grossLimit)}`,
    });
  }
  return breaches;
}

/** One breach per unordered pair (i < j) whose |ρ| exceeds maxAbs. */
export function checkCorrelationLimit(
  corrMatrix: number[][],
  symbols: string[],
  maxAbs: number,
): LimitBreach[] {
  if (corrMatrix.length !== symbols.length || corrMatrix.some((row) => row.length !== symbols.length)) {
    throw new RangeError(
      `checkCorrelationLimit: corrMatrix must be ${symbols.length}×${symbols.length} to match symbols`,
    );
  }
  const breaches: LimitBreach[] = [];
  for (let i = 0; i < symbols.length; i++) {
    for (let j = i + 1; j < symbols.length; j++) {
      const rho = corrMatrix[i][j];
      if (Math.abs(rho) > maxAbs) {
        breaches.push({
          kind: 'correlation',
          pair: [symbols[i], symbols[j]],
          value: rho,
          limit: maxAbs,
          message: `correlation of ${symbols[i]} and ${symbols[j]} is ${rho.toFixed(4)}, beyond ±${maxAbs}`,
        });
      }
    }
  }
  return breaches;
}

/** VaR limit in currency. */
export function checkVaRLimit(varAmount: number, maxVaR: number | undefined, label = 'VaR'): LimitBreach[] {
  if (maxVaR === undefined || !(varAmount > maxVaR)) return [];
  return [
    {
      kind: 'var',
      value: varAmount,
      limit: maxVaR,
      message: `${label} ${formatAmount(varAmount)} exceeds the limit ${formatAmount(maxVaR)}`,
    },
  ];
}
