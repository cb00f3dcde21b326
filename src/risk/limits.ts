/**
 * Risk-limit checks. A limit is breached when the measured value is strictly greater than the limit (a position
 * exactly at its limit is allowed). Notional limits apply to absolute notional, so shorts count like longs; the
 * net limit applies to |Σ notional|.
 *
 * These are risk gates, so they fail closed: a limit that is not a finite number in its range, an unknown limit
 * name (a typo would otherwise switch the limit off), a NaN or infinite notional, correlation or VaR is a
 * RangeError naming the function and the argument — never "no breach".
 */
import { valuePositions, type Position, type QuantityPosition, type ValuedPosition } from './positions';
import {
  assertFinite,
  assertFiniteInRange,
  assertFiniteResult,
  assertRecord,
  assertSquareMatrix,
} from './validation';

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
    bySymbol.set(
      symbol,
      assertFiniteResult('netPositions', `quantities of ${symbol}`, (bySymbol.get(symbol) ?? 0) + quantity),
    );
  }
  return [...bySymbol].map(([symbol, quantity]) => ({ symbol, quantity }));
}

const formatAmount = (value: number): string => value.toLocaleString('en-US', { maximumFractionDigits: 2 });
const formatShare = (value: number): string => `${+(value * 100).toFixed(2)}%`;

type NotionalLine = Pick<ValuedPosition, 'symbol' | 'notional' | 'tags'>;

/** Each scalar limit's range; every one must be finite (omit a limit to leave it unchecked). */
const SCALAR_LIMITS = {
  maxPositionNotional: [0, Infinity],
  maxGrossNotional: [0, Infinity],
  maxNetNotional: [0, Infinity],
  maxConcentration: [0, 1],
  maxPairwiseCorrelation: [0, 1],
  maxAveragePairwiseCorrelation: [-1, 1],
  maxVaR: [0, Infinity],
} as const satisfies Partial<Record<keyof RiskLimits, readonly [number, number]>>;

/** Limits given per symbol or per tag: records of amounts ≥ 0. */
const RECORD_LIMITS = ['maxPositionNotionalBySymbol', 'maxNotionalByTag'] as const;

const LIMIT_NAMES: readonly string[] = [...Object.keys(SCALAR_LIMITS), ...RECORD_LIMITS];

/**
 * Checks every limit (a finite number in its range; per-symbol and per-tag records of finite amounts ≥ 0) and
 * rejects names that are not limits. `fn` names the caller in the message.
 */
export function assertRiskLimits(limits: RiskLimits, fn = 'assertRiskLimits'): void {
  assertRecord(fn, 'limits', limits);
  for (const name of Object.keys(limits)) {
    if (!LIMIT_NAMES.includes(name)) {
      throw new RangeError(`${fn}: limits.${name} is not a risk limit (known: ${LIMIT_NAMES.join(', ')})`);
    }
  }
  for (const [name, [min, max]] of Object.entries(SCALAR_LIMITS)) {
    const value = limits[name as keyof typeof SCALAR_LIMITS];
    if (value !== undefined) assertFiniteInRange(fn, `limits.${name}`, value, min, max);
  }
  for (const name of RECORD_LIMITS) {
    const record = limits[name];
    if (record === undefined) continue;
    assertRecord(fn, `limits.${name}`, record);
    for (const [key, limit] of Object.entries(record)) {
      assertFiniteInRange(fn, `limits.${name}.${key}`, limit, 0, Infinity);
    }
  }
}

/** Valued lines as the notional checks read them: a symbol, a finite notional and an array of tags each. */
function assertLines(fn: string, lines: NotionalLine[]): void {
  if (!Array.isArray(lines)) throw new RangeError(`${fn}: lines must be an array`);
  lines.forEach((line, i) => {
    if (line == null || typeof line.symbol !== 'string') {
      throw new RangeError(`${fn}: lines[${i}] must have a symbol`);
    }
    assertFinite(fn, `notional of ${line.symbol}`, line.notional);
    if (!Array.isArray(line.tags)) throw new RangeError(`${fn}: tags of ${line.symbol} must be an array`);
  });
}

/** A correlation matrix matching `symbols`: finite entries in [−1, 1]. */
function assertCorrelationMatrix(fn: string, corrMatrix: number[][], symbols: string[] | null): number {
  const k = symbols === null ? undefined : symbols.length;
  if (symbols !== null && !Array.isArray(symbols)) throw new RangeError(`${fn}: symbols must be an array`);
  if (
    k !== undefined &&
    (!Array.isArray(corrMatrix) || corrMatrix.length !== k || corrMatrix.some((row) => row?.length !== k))
  ) {
    throw new RangeError(`${fn}: corrMatrix must be ${k}×${k} to match symbols`);
  }
  const size = assertSquareMatrix(fn, 'corrMatrix', corrMatrix, k);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      const rho = corrMatrix[i][j];
      if (Math.abs(rho) > 1) {
        throw new RangeError(`${fn}: corrMatrix[${i}][${j}] is ${rho}; a correlation must be in [−1, 1]`);
      }
    }
  }
  return size;
}

/** The largest |notional| as a fraction of gross notional, and whose it is (first one on ties; 0 for no exposure). */
export function concentration(lines: NotionalLine[]): { symbol: string | null; value: number } {
  assertLines('concentration', lines);
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
  // Finite notionals whose sum overflows would read as 0 concentration (largest / Infinity).
  assertFiniteResult('concentration', 'notionals', gross);
  return { symbol, value: gross > 0 ? largest / gross : 0 };
}

/** Gross and net notional per tag, tags in first-seen order. */
export function tagExposures(lines: NotionalLine[]): TagExposure[] {
  assertLines('tagExposures', lines);
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
  for (const { tag, grossNotional, netNotional } of byTag.values()) {
    assertFiniteResult('tagExposures', `notionals tagged ${tag}`, grossNotional);
    assertFiniteResult('tagExposures', `notionals tagged ${tag}`, netNotional);
  }
  return [...byTag.values()];
}

/**
 * Position, gross, net, concentration and tag limits on valued (netted) positions, in that order. Zero
 * positions take part (they add nothing to any sum).
 */
export function checkNotionalLimits(
  lines: NotionalLine[],
  limits: RiskLimits,
  fn = 'checkNotionalLimits',
): LimitBreach[] {
  assertRiskLimits(limits, fn);
  assertLines(fn, lines);
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
  assertFiniteResult(fn, 'notionals', gross);
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
  const fn = 'checkPositionLimits';
  assertRiskLimits(limits, fn);
  return checkNotionalLimits(valuePositions(positions, prices, fn), limits, fn);
}

/** One breach per unordered pair (i < j) whose |ρ| exceeds maxAbs. */
export function checkCorrelationLimit(
  corrMatrix: number[][],
  symbols: string[],
  maxAbs: number,
): LimitBreach[] {
  const fn = 'checkCorrelationLimit';
  assertCorrelationMatrix(fn, corrMatrix, symbols);
  assertFiniteInRange(fn, 'maxAbs', maxAbs, 0, 1);
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
  const k = assertCorrelationMatrix('averagePairwiseCorrelation', corrMatrix, null);
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
  const fn = 'checkAverageCorrelationLimit';
  assertCorrelationMatrix(fn, corrMatrix, symbols);
  assertFiniteInRange(fn, 'maxAverage', maxAverage, -1, 1);
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
  const fn = 'checkVaRLimit';
  // A NaN VaR compares false with every limit: without this it would read as "no breach".
  assertFinite(fn, 'varAmount', varAmount);
  if (maxVaR !== undefined) assertFiniteInRange(fn, 'maxVaR', maxVaR, 0, Infinity);
  if (!Array.isArray(drivers)) throw new RangeError(`${fn}: drivers must be an array`);
  drivers.forEach((driver, i) => {
    if (driver == null || typeof driver.symbol !== 'string') {
      throw new RangeError(`${fn}: drivers[${i}] must have a symbol`);
    }
    assertFinite(fn, `drivers[${i}].amount`, driver.amount);
    assertFinite(fn, `drivers[${i}].share`, driver.share);
  });
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
