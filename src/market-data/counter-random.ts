/**
 * Counter-based (stateless) randomness: every number is a pure function of its key, e.g. (seed, day, symbol,
 * stream). Unlike a sequential PRNG, the value for one key never depends on how many numbers were drawn before it,
 * which is what lets the synthetic provider give the same bar for a date whatever range was requested.
 *
 * Built from 32-bit integer mixing (Math.imul), so results are identical on every platform.
 */

// Module-level copies: hot loops call these millions of times, and a global lookup of `Math` is slow in sandboxed
// contexts (Jest 30 wraps the test global in a Proxy, which made path generation ~50x slower).
const { imul, sqrt, log, cos, floor, PI } = Math;

/** Final avalanche step of a 32-bit hash: every input bit flips about half the output bits. */
function avalanche32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hashes a list of 32-bit words (order matters) into one 32-bit word. */
export function hashWords(words: readonly number[], salt = 0): number {
  let h = avalanche32(0x9e3779b9 ^ salt);
  for (const word of words) {
    h = avalanche32(h ^ avalanche32((word | 0) + 0x632be5ab));
    h = (imul(h, 5) + 0xe6546b64) >>> 0;
  }
  return avalanche32(h ^ words.length);
}

/** FNV-1a over UTF-16 code units: turns a symbol into a 32-bit key word. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Splits any safe integer (e.g. a seed that does not fit 32 bits) into two 32-bit key words. */
export function integerWords(value: number): [number, number] {
  const low = value >>> 0;
  const high = floor(value / 0x1_0000_0000) >>> 0;
  return [low, high];
}

/** A uniform number strictly inside (0, 1) with 53 bits of resolution. */
export function uniform(words: readonly number[]): number {
  const high = hashWords(words, 0x1b873593) >>> 5; // 27 bits
  const low = hashWords(words, 0x5bd1e995) >>> 6; // 26 bits
  return (high * 67_108_864 + low + 0.5) / 9_007_199_254_740_992;
}

/** A standard normal via Box–Muller on two independent uniforms for the same key. */
export function standardNormal(words: readonly number[]): number {
  const u1 = uniform([...words, 0x51ed270b]);
  const u2 = uniform([...words, 0x2545f491]);
  return sqrt(-2 * log(u1)) * cos(2 * PI * u2);
}
