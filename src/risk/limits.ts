/**
 * Risk-limit checks. A limit is breached when the measured value is strictly greater than the limit (a position
 * exactly at its limit is allowed). Notional limits apply to absolute notional, so shorts count like longs; the
 * net limit applies to |Σ notional|.
 */
import { valuePositions, type Position, type QuantityPosition, type ValuedPosition } from './positions';

export type { Position } from './positions';

export interface RiskLimits {
  /** Per-symbol cap on |notional| (|quantity × price + marketValue|), unless the symbol has its own entry below. */
  maxPositionNotional?: number;
  maxPositionNotionalBySymbol?: Record<string, number>;
  /** Cap on Σ |notional|. */
  maxGrossNotional?: number;
  /** Cap on |Σ notional| (a net short breaches like a net long). */
  maxNetNotional?: number;
  /** Cap on max_i |notional_i| / Σ |notional|, a fraction in [0, 1]. */
  maxConcentration?: number;
  /** Per tag, cap on Σ |notional| of the positions carrying that tag (e.g. a sector). */
  maxNotionalByTag?: Record<string, number>;
  /** Cap on |ρ| between any two held symbols' returns. */
  maxPairwiseCorrelation?: number;
  /** Cap on the (signed) mean of ρ_ij over all pairs i < j of held symbols. */
  maxAveragePairwiseCorrelation?: number;
  /** Cap on the portfolio VaR in currency (the report checks the historical VaR at its horizon). */
  maxVaR?: number;
}

export type BreachKind =
  'position' | 'gross' | 'net' | 'concentration' | 'tag' | 'correlation' | 'averageCorrelation' | 'var';

/** A position named as a driver of a breach: its contribution (currency) and share of the measure. */
export interface BreachDriver {
  symbol: string;
  amount: number;
  share: number;
}

export interface LimitBreach {
  kind: BreachKind;
  symbol?: string;
  pair?: [string, string];
  tag?: string;
  /** The positions behind an aggregate breach (a tag's members, the held symbols of an average). */
  symbols?: string[];
  /** Largest contributors to a VaR breach, largest first. */
  drivers?: BreachDriver[];
  value: number;
  limit: number;
  message: string;
}

export interface TagExposure {
  tag: string;
  /** Σ |notional| of the positions carrying the tag (what `maxNotionalByTag` caps). */
  grossNotional: number;
  netNotional: number;
  symbols: string[];
}

/** Nets quantity positions per symbol (two lines in the same symbol are one exposure), keeping first-seen order. */
export function netPositions(positions: QuantityPosition[]): QuantityPosition[] {
  const bySymbol = new Map<string, number>();
  for (const { symbol, quantity } of positions) {
    if (!Number.isFinite(quantity)) {
      throw new RangeError(`netPositions: quantity of ${symbol} is ${quantity}; must be a finite number`);
    }
    bySymbol.set(symbol, (bySymbol.get(symbol) ?? 0) + quantity);
  }
  return [...bySymbol].map(([symbol, quantity]) => ({ symbol, quantity }));
}

const formatAmount = (value: number): string => value.toLocaleString('en-US', { maximumFractionDigits: 2 });
const formatShare = (value: number): string => `${+(value * 100).toFixed(2)}%`;

type NotionalLine = Pick<ValuedPosition, 'symbol' | 'notional' | 'tags'>;

function assertLimit(name: string, value: number | undefined, min: number, max = Infinity): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !(value >= min && value <= max)) {
    const range = max === Infinity ? `a number ≥ ${min}` : `a number in [${min}, ${max}]`;
    throw new RangeError(`risk limits: ${name} must be ${range}, got ${String(value)}`);
  }
}

/** Checks the limits this module added after the first release (older ones keep their lenient behaviour). */
export function assertRiskLimits(limits: RiskLimits): void {
  assertLimit('maxNetNotional', limits.maxNetNotional, 0);
  assertLimit('maxConcentration', limits.maxConcentration, 0, 1);
  assertLimit('maxAveragePairwiseCorrelation', limits.maxAveragePairwiseCorrelation, -1, 1);
  for (const [tag, limit] of Object.entries(limits.maxNotionalByTag ?? {})) {
    assertLimit(`maxNotionalByTag.${tag}`, limit, 0);
  }
}

/** The largest |notional| as a fraction of gross notional, and whose it is (first one on ties; 0 for no exposure). */
export function concentration(lines: NotionalLine[]): { symbol: string | null; value: number } {
  let gross = 0;
  let largest = 0;
  let symbol: string | null = null;
  for (const line of lines) {
    const size = Math.abs(line.notional);
    gross += size;
    if (size > largest) {
      largest = size;
      symbol = line.symbol;
    }
  }
  return { symbol, value: gross > 0 ? largest / gross : 0 };
}

/** Gross and net notional per tag, tags in first-seen order. */
export function tagExposures(lines: NotionalLine[]): TagExposure[] {
  const byTag = new Map<string, TagExposure>();
  for (const { symbol, notional, tags } of lines) {
    for (const tag of tags) {
      let entry = byTag.get(tag);
      if (!entry) {
        entry = { tag, grossNotional: 0, netNotional: 0, symbols: [] };
        byTag.set(tag, entry);
      }
      entry.grossNotional += Math.abs(notional);
      entry.netNotional += notional;
      entry.symbols.push(symbol);
    }
  }
  return [...byTag.values()];
}

/**
 * Position, gross, net, concentration and tag limits on valued (netted) positions, in that order. Zero
 * positions take part (they add nothing to any sum).
 */
export function checkNotionalLimits(lines: NotionalLine[], limits: RiskLimits): LimitBreach[] {
  assertRiskLimits(limits);
  const breaches: LimitBreach[] = [];
  let gross = 0;
  let net = 0;
  for (const { symbol, notional: signed } of lines) {
    const notional = Math.abs(signed);
    gross += notional;
    net += signed;
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
  const netLimit = limits.maxNetNotional;
  if (netLimit !== undefined && Math.abs(net) > netLimit) {
    breaches.push({
      kind: 'net',
      value: Math.abs(net),
      limit: netLimit,
      message: `net notional ${formatAmount(net)} exceeds the limit ±${formatAmount(netLimit)}`,
    });
  }
  const concentrationLimit = limits.maxConcentration;
  if (concentrationLimit !== undefined) {
    const largest = concentration(lines);
    if (largest.symbol !== null && largest.value > concentrationLimit) {
      breaches.push({
        kind: 'concentration',
        symbol: largest.symbol,
        value: largest.value,
        limit: concentrationLimit,
        message:
          `${largest.symbol} is ${formatShare(largest.value)} of gross notional, above the concentration ` +
          `limit ${formatShare(concentrationLimit)}`,
      });
    }
  }
  const tagLimits = limits.maxNotionalByTag ?? {};
  for (const exposure of tagExposures(lines)) {
    const limit = Object.hasOwn(tagLimits, exposure.tag) ? tagLimits[exposure.tag] : undefined;
    if (limit !== undefined && exposure.grossNotional > limit) {
      breaches.push({
        kind: 'tag',
        tag: exposure.tag,
        symbols: exposure.symbols,
        value: exposure.grossNotional,
        limit,
        message:
          `tag ${exposure.tag} gross notional ${formatAmount(exposure.grossNotional)} ` +
          `(${exposure.symbols.join(', ')}) exceeds the limit ${formatAmount(limit)}`,
      });
    }
  }
  return breaches;
}

/**
 * Per-symbol, gross, net, concentration and tag limits; positions (quantity or market value) are netted per
 * symbol and valued at `prices` first.
 */
export function checkPositionLimits(
  positions: Position[],
  prices: Record<string, number>,
  limits: RiskLimits,
): LimitBreach[] {
  return checkNotionalLimits(valuePositions(positions, prices, 'checkPositionLimits'), limits);
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

/** Mean of ρ_ij over the pairs i < j (signed: hedges pull it down); null for fewer than two symbols. */
export function averagePairwiseCorrelation(corrMatrix: number[][]): number | null {
  const k = corrMatrix.length;
  if (k < 2) return null;
  let sum = 0;
  for (let i = 0; i < k; i++) for (let j = i + 1; j < k; j++) sum += corrMatrix[i][j];
  return sum / ((k * (k - 1)) / 2);
}

/** One breach when the mean pairwise correlation of `symbols` exceeds `maxAverage` (signed comparison). */
export function checkAverageCorrelationLimit(
  corrMatrix: number[][],
  symbols: string[],
  maxAverage: number,
): LimitBreach[] {
  if (corrMatrix.length !== symbols.length || corrMatrix.some((row) => row.length !== symbols.length)) {
    throw new RangeError(
      `checkAverageCorrelationLimit: corrMatrix must be ${symbols.length}×${symbols.length} to match symbols`,
    );
  }
  assertLimit('maxAveragePairwiseCorrelation', maxAverage, -1, 1);
  const average = averagePairwiseCorrelation(corrMatrix);
  if (average === null || !(average > maxAverage)) return [];
  return [
    {
      kind: 'averageCorrelation',
      symbols,
      value: average,
      limit: maxAverage,
      message:
        `average pairwise correlation of ${symbols.join(', ')} is ${average.toFixed(4)}, ` +
        `above the limit ${maxAverage}`,
    },
  ];
}

/**
 * VaR limit in currency. With `drivers` (largest first) the message names them with their contribution and share
 * of `driverMeasure`, so a breach says which positions drive it.
 */
export function checkVaRLimit(
  varAmount: number,
  maxVaR: number | undefined,
  label = 'VaR',
  drivers: BreachDriver[] = [],
  driverMeasure = 'VaR',
): LimitBreach[] {
  if (maxVaR === undefined || !(varAmount > maxVaR)) return [];
  const named = drivers
    .map(({ symbol, amount, share }) => `${symbol} ${formatAmount(amount)} (${formatShare(share)})`)
    .join(', ');
  const breach: LimitBreach = {
    kind: 'var',
    value: varAmount,
    limit: maxVaR,
    message:
      `${label} ${formatAmount(varAmount)} exceeds the limit ${formatAmount(maxVaR)}` +
      (drivers.length > 0 ? `; largest contributors to ${driverMeasure}: ${named}` : ''),
  };
  if (drivers.length > 0) breach.drivers = drivers;
  return [breach];
}
