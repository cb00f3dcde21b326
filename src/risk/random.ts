/**
 * Seeded pseudo-random numbers for Monte Carlo: xoshiro128** (Blackman & Vigna) seeded through splitmix32, and
 * standard normals by the ziggurat method (./ziggurat) from two 32-bit draws each. Same seed → same stream on
 * every platform (32-bit integer ops, and tables built once with V8's own exp/log), which is what makes a Monte
 * Carlo VaR reproducible across workflow retries.
 */
import { layerOf, normalFromDraws, positionOf, signOf, ZIGGURAT } from './ziggurat';

export interface RandomSource {
  /** Uniform integer in [0, 2³²). */
  nextUint32(): number;
  /** Uniform in the open interval (0, 1). */
  nextUniform(): number;
  /** Standard normal N(0, 1). */
  nextNormal(): number;
  /** Fills `target` with standard normals: the values `target.length` calls of `nextNormal` would return. */
  fillNormals(target: Float64Array): void;
}

const TWO_POW_32 = 4294967296;
// Module-level references: inside sandboxes such as jest's vm context each `Math.x` lookup in the hot loop costs
// a global-object access (measured 10× slower for 200k paths).
const { imul } = Math;

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Spreads a seed over the 128-bit state so that nearby seeds give unrelated streams. */
function splitmix32Seeds(low: number, high: number): Uint32Array {
  const state = new Uint32Array(4);
  let s = low ^ Math.imul(high, 0x9e3779b9);
  for (let i = 0; i < 4; i++) {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    state[i] = (z ^ (z >>> 16)) >>> 0;
  }
  // The all-zero state is xoshiro's one fixed point.
  if (state.every((word) => word === 0)) state[0] = 1;
  return state;
}

export function createRandom(seed: number): RandomSource {
  if (!Number.isSafeInteger(seed))
    throw new RangeError(`createRandom: seed must be a safe integer, got ${seed}`);
  const low = seed >>> 0; // two's complement low word, so negative seeds are distinct too
  const high = Math.floor(seed / TWO_POW_32) >>> 0;
  return createRandomFromState(splitmix32Seeds(low, high));
}

/** The generator started from an explicit 128-bit state (four uint32 words, not all zero). */
export function createRandomFromState(initial: ArrayLike<number>): RandomSource {
  if (initial.length !== 4 || Array.from(initial).every((word) => (word | 0) === 0)) {
    throw new RangeError('createRandomFromState: state must be four uint32 words, not all zero');
  }
  // Plain closure variables rather than an array: the hot loop touches only locals, no allocation.
  let s0 = initial[0] | 0;
  let s1 = initial[1] | 0;
  let s2 = initial[2] | 0;
  let s3 = initial[3] | 0;

  const nextUint32 = (): number => {
    const result = imul(rotl(imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };

  const nextUniform = (): number => (nextUint32() + 0.5) / TWO_POW_32;

  const nextNormal = (): number => {
    const high = nextUint32();
    return normalFromDraws(high, nextUint32(), nextUint32, nextUniform);
  };

  const { accept, width } = ZIGGURAT;
  // The fast path of nextNormal with the generator state in locals: the loop calls nothing and touches no closure
  // state unless a point needs the wedge or tail test (about 1 in 100).
  const fillNormals = (target: Float64Array): void => {
    let a = s0;
    let b = s1;
    let c = s2;
    let d = s3;
    for (let i = 0; i < target.length; i++) {
      // nextUint32 twice, inlined
      const high = imul(rotl(imul(b, 5), 7), 9) >>> 0;
      let t = b << 9;
      c ^= a;
      d ^= b;
      b ^= c;
      a ^= d;
      c ^= t;
      d = rotl(d, 11);
      const low = imul(rotl(imul(b, 5), 7), 9) >>> 0;
      t = b << 9;
      c ^= a;
      d ^= b;
      b ^= c;
      a ^= d;
      c ^= t;
      d = rotl(d, 11);
      const layer = layerOf(high);
      const position = positionOf(high, low);
      if (position < accept[layer]) {
        target[i] = signOf(high) * (position * width[layer]);
      } else {
        // the wedge and tail tests draw through nextUint32, so hand it the state and take it back
        s0 = a;
        s1 = b;
        s2 = c;
        s3 = d;
        target[i] = normalFromDraws(high, low, nextUint32, nextUniform);
        a = s0;
        b = s1;
        c = s2;
        d = s3;
      }
    }
    s0 = a;
    s1 = b;
    s2 = c;
    s3 = d;
  };

  return { nextUint32, nextUniform, nextNormal, fillNormals };
}
