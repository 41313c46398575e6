// A small seeded PRNG: sfc32 (Chris Doty-Humphrey's "small fast chaotic" generator), 128 bits of state, fast in
// plain 32-bit integer arithmetic and good enough for simulation (it passes PractRand far beyond what we draw).
// Each part of the generator draws from its own stream, derived from (seed, label), so that changing how many
// numbers one part draws never shifts the numbers another part sees.

/** FNV-1a over the label's UTF-16 code units: turns a stream name into 32 bits. */
function hashLabel(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** splitmix32 step: spreads a weak seed (0, 1, 2...) over all 32 bits before it enters sfc32. */
function splitmix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** A generator for `seed` (any 32-bit unsigned integer) on the stream named `label`. */
  constructor(seed: number, label = '') {
    const s = seed >>> 0;
    const l = hashLabel(label);
    this.a = splitmix32(s);
    this.b = splitmix32(this.a ^ l);
    this.c = splitmix32(this.b + 0x632be5ab);
    this.d = 1;
    // The first outputs of sfc32 still show the seed's structure; the reference implementation discards 12.
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** The next 32-bit unsigned integer. */
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1), 32 bits of resolution. */
  float(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  /** Standard normal (Box-Muller; the second value is dropped so the state stays four integers). */
  normal(): number {
    const u = 1 - this.float(); // (0, 1]: log(0) never happens
    const v = this.float();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -Math.log(1 - this.float()) * mean;
  }
}
