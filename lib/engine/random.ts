/**
 * A small seeded PRNG (sfc32). The engine draws tuple edge ids and shuffle choices from it, so a
 * simulation with the same seed makes the same choices.
 *
 * @module
 */

export interface Random {
  /** A uniformly random unsigned 32-bit integer. */
  nextUint32(): number;
  /** A uniformly random integer in [0, n). */
  int(n: number): number;
}

/** sfc32 seeded from one number (mixed with splitmix32 so nearby seeds diverge at once). */
export const seededRandom = (seed: number): Random => {
  let s = seed >>> 0;
  const mix = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = mix();
  let b = mix();
  let c = mix();
  let d = mix();
  const nextUint32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) nextUint32();
  return { nextUint32, int: (n) => Math.floor((nextUint32() / 0x1_0000_0000) * n) };
};
