/**
 * Standard normals by the ziggurat method (Marsaglia & Tsang 2000) with 256 layers, laid out as numpy's default
 * generator does it: 64 random bits (two 32-bit draws) choose a layer (8 bits), a sign (1 bit) and a 52-bit
 * position in the layer. About 99 % of draws return ±position·width[layer] after one comparison; the rest are
 * settled by the wedge test under the density curve or, in the base layer, by Marsaglia's tail method.
 */

const { exp, floor, log, sqrt } = Math;

const LAYERS = 256;
/** Right edge of the widest rectangle: the tail starts here. */
const TAIL_START = 3.6541528853610088;
/** Area of each layer (the base layer counts its tail). */
const LAYER_AREA = 0.00492867323399;
const POSITION_RANGE = 2 ** 52;
const LOW_BITS = 2 ** 29; // the position is 23 bits of the first draw above 29 bits of the second

export interface ZigguratTables {
  /** position < accept[i]: the point lies inside the density curve for sure (the inner rectangle). */
  accept: Float64Array;
  /** x = position · width[i]. */
  width: Float64Array;
  /** f(x_i) = exp(−x_i²/2) at each layer's right edge; density[0] = 1 (x = 0). */
  density: Float64Array;
}

/** The layer edges x_255 = TAIL_START > x_254 > … > x_1, each layer of area LAYER_AREA under exp(−x²/2). */
function buildTables(): ZigguratTables {
  const accept = new Float64Array(LAYERS);
  const width = new Float64Array(LAYERS);
  const density = new Float64Array(LAYERS);
  let edge = TAIL_START;
  let outer = edge;
  const baseWidth = LAYER_AREA / exp(-0.5 * edge * edge); // base rectangle of equal area, tail included
  accept[0] = floor((edge / baseWidth) * POSITION_RANGE);
  accept[1] = 0;
  width[0] = baseWidth / POSITION_RANGE;
  width[LAYERS - 1] = edge / POSITION_RANGE;
  density[0] = 1;
  density[LAYERS - 1] = exp(-0.5 * edge * edge);
  for (let i = LAYERS - 2; i >= 1; i--) {
    edge = sqrt(-2 * log(LAYER_AREA / edge + exp(-0.5 * edge * edge)));
    accept[i + 1] = floor((edge / outer) * POSITION_RANGE);
    outer = edge;
    density[i] = exp(-0.5 * edge * edge);
    width[i] = edge / POSITION_RANGE;
  }
  return { accept, width, density };
}

export const ZIGGURAT: Readonly<ZigguratTables> = buildTables();

/** The layer chosen by the first of a normal's two 32-bit draws. */
export function layerOf(high: number): number {
  return high & 255;
}

/** The 52-bit position from the first draw's top 23 bits and the second draw's top 29 bits. */
export function positionOf(high: number, low: number): number {
  return (high >>> 9) * LOW_BITS + (low >>> 3);
}

/** ±1 from bit 8 of the first draw, without a branch (a random sign would defeat branch prediction). */
export function signOf(high: number): number {
  return 1 - ((high >>> 7) & 2);
}

/** A point beyond TAIL_START with the normal tail's conditional density (Marsaglia 1964). */
function tail(uniform: () => number): number {
  for (;;) {
    const x = -log(uniform()) / TAIL_START;
    const y = -log(uniform());
    if (y + y > x * x) return TAIL_START + x;
  }
}

/**
 * One standard normal from the draws `high`, `low`, taking further draws from `nextUint32`/`uniform` when the
 * point needs the wedge or tail test (and fresh `high`, `low` when the wedge rejects it).
 */
export function normalFromDraws(
  high: number,
  low: number,
  nextUint32: () => number,
  uniform: () => number,
): number {
  const { accept, width, density } = ZIGGURAT;
  for (;;) {
    const layer = layerOf(high);
    const position = positionOf(high, low);
    const x = position * width[layer];
    if (position < accept[layer]) return signOf(high) * x;
    if (layer === 0) return signOf(high) * tail(uniform);
    const below = density[layer];
    if (below + uniform() * (density[layer - 1] - below) < exp(-0.5 * x * x)) return signOf(high) * x;
    high = nextUint32();
    low = nextUint32();
  }
}
