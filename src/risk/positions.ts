/**
 * Positions and how they are valued. A position line is either a quantity (shares, contracts; signed) or a market
 * value (the book's currency exposure; signed), never both. Either way it becomes one currency exposure per
 * symbol at the valuation price:
 *
 *   E_s = Σ quantity lines × P_s + Σ marketValue lines
 *
 * and its historical P&L on day t is E_s · r_{s,t}, with r_{s,t} the day's simple return of the (adjusted close)
 * price series — the usual historical-simulation convention, identical for both kinds of line.
 */

import { assertFiniteResult, assertRecord } from './validation';

interface PositionBase {
  symbol: string;
  /** Free-form labels (sector, strategy, desk) that tag limits aggregate over; duplicates are ignored. */
  tags?: string[];
}

export interface QuantityPosition extends PositionBase {
  /** Signed: negative for a short. */
  quantity: number;
  marketValue?: never;
}

export interface MarketValuePosition extends PositionBase {
  /** Signed currency exposure: negative for a short. */
  marketValue: number;
  quantity?: never;
}

/** Exactly one of `quantity` and `marketValue`. */
export type Position = QuantityPosition | MarketValuePosition;

/** How a netted position was given: only quantity lines, only market-value lines, or both. */
export type PositionBasis = 'quantity' | 'marketValue' | 'mixed';

export interface ValuedPosition {
  symbol: string;
  basis: PositionBasis;
  /** Σ of the symbol's quantity lines; null when it has none. */
  quantity: number | null;
  /** Σ of the symbol's market-value lines; null when it has none. */
  marketValue: number | null;
  /** Valuation price (the last common date's price in the report). */
  price: number;
  /** Currency exposure E = quantity × price + marketValue (signed). */
  notional: number;
  /** Union of the lines' tags, in first-seen order. */
  tags: string[];
}

function assertLine(fn: string, position: Position, index: number): void {
  if (position == null || typeof position.symbol !== 'string' || position.symbol === '') {
    throw new RangeError(`${fn}: position ${index} must have a non-empty symbol`);
  }
  const { symbol, quantity, marketValue, tags } = position as {
    symbol: string;
    quantity?: unknown;
    marketValue?: unknown;
    tags?: unknown;
  };
  if ((quantity === undefined) === (marketValue === undefined)) {
    throw new RangeError(
      `${fn}: position ${index} (${symbol}) must have exactly one of quantity or marketValue`,
    );
  }
  const [name, value] = quantity === undefined ? ['marketValue', marketValue] : ['quantity', quantity];
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new RangeError(`${fn}: ${name} of ${symbol} is ${String(value)}; must be a finite number`);
  }
  if (tags !== undefined && (!Array.isArray(tags) || tags.some((tag) => typeof tag !== 'string' || !tag))) {
    throw new RangeError(`${fn}: tags of ${symbol} must be an array of non-empty strings`);
  }
}

/**
 * Validates position lines and nets them per symbol (first-seen order) without prices: quantities and market
 * values are summed separately because only a price can put them on one scale.
 */
export function netPositionLines(
  positions: Position[],
  fn = 'netPositionLines',
): Omit<ValuedPosition, 'price' | 'notional'>[] {
  if (!Array.isArray(positions)) throw new RangeError(`${fn}: positions must be an array`);
  const bySymbol = new Map<string, Omit<ValuedPosition, 'price' | 'notional'>>();
  positions.forEach((position, index) => {
    assertLine(fn, position, index);
    let line = bySymbol.get(position.symbol);
    if (!line) {
      line = { symbol: position.symbol, basis: 'quantity', quantity: null, marketValue: null, tags: [] };
      bySymbol.set(position.symbol, line);
    }
    if (position.quantity !== undefined) {
      line.quantity = assertFiniteResult(
        fn,
        `quantities of ${position.symbol}`,
        (line.quantity ?? 0) + position.quantity,
      );
    } else {
      line.marketValue = assertFiniteResult(
        fn,
        `market values of ${position.symbol}`,
        (line.marketValue ?? 0) + position.marketValue,
      );
    }
    line.basis = line.marketValue === null ? 'quantity' : line.quantity === null ? 'marketValue' : 'mixed';
    for (const tag of position.tags ?? []) if (!line.tags.includes(tag)) line.tags.push(tag);
  });
  return [...bySymbol.values()];
}

/** Nets and values positions at `prices` (one per symbol): E = quantity × price + marketValue. */
export function valuePositions(
  positions: Position[],
  prices: Record<string, number>,
  fn = 'valuePositions',
): ValuedPosition[] {
  assertRecord(fn, 'prices', prices);
  return netPositionLines(positions, fn).map((line) => {
    const price = Object.hasOwn(prices, line.symbol) ? prices[line.symbol] : undefined;
    if (price === undefined) throw new RangeError(`${fn}: no price for position symbol ${line.symbol}`);
    // A price ≤ 0 would turn a long into a negative exposure (10 shares at −100 → −1,000) or hide it (at 0).
    if (typeof price !== 'number' || !Number.isFinite(price) || !(price > 0)) {
      throw new RangeError(
        `${fn}: price of ${line.symbol} is ${String(price)}; must be a positive finite number`,
      );
    }
    // Quantity-only lines keep the plain quantity × price product (no + 0), so their figures are unchanged.
    const fromQuantity = line.quantity === null ? null : line.quantity * price;
    const notional =
      fromQuantity === null
        ? line.marketValue!
        : line.marketValue === null
          ? fromQuantity
          : fromQuantity + line.marketValue;
    assertFiniteResult(fn, `position in ${line.symbol}`, notional);
    return { ...line, price, notional };
  });
}
