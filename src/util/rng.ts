// Seeded, allocation-free pseudo-random numbers for every stochastic part of aimcsim (noise, sweeps).
// xoshiro128** (Blackman & Vigna, 2018) seeded through splitmix32; Gaussians by Box-Muller with a cached spare.

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare = 0;
  private hasSpare = false;

  constructor(seed: number) {
    let s = seed >>> 0;
    const next = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    // The state is kept as int32 (the same 32 bits as the uint32 of the reference algorithm): V8 stores
    // small integers unboxed, while a uint32 above 2^31 would be a heap number, boxed anew on every step.
    this.a = next() | 0;
    this.b = next() | 0;
    this.c = next() | 0;
    this.d = next() | 0;
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }

  /** Copy the xoshiro128** state (4 int32) to dst[off..off+4) (for a kernel that continues the stream). */
  saveState(dst: Int32Array, off: number): void {
    dst[off] = this.a;
    dst[off + 1] = this.b;
    dst[off + 2] = this.c;
    dst[off + 3] = this.d;
  }

  /** Continue from a state written by saveState (and advanced by a kernel). */
  loadState(src: Int32Array, off: number): void {
    this.a = src[off]! | 0;
    this.b = src[off + 1]! | 0;
    this.c = src[off + 2]! | 0;
    this.d = src[off + 3]! | 0;
  }

  /** Uniform 32-bit unsigned integer. */
  nextU32(): number {
    const b = this.b;
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    const c = this.c ^ this.a;
    const d = this.d ^ b;
    this.b = b ^ c;
    this.a = this.a ^ d;
    this.c = c ^ t;
    this.d = rotl(d, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  nextFloat(): number {
    const hi = this.nextU32() >>> 5;
    const lo = this.nextU32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Standard normal N(0, 1). */
  nextGaussian(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    let u = 0;
    while (u === 0) u = this.nextFloat();
    const v = this.nextFloat();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    this.hasSpare = true;
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Exponential with the given mean. */
  nextExponential(mean: number): number {
    let u = 0;
    while (u === 0) u = this.nextFloat();
    return -Math.log(u) * mean;
  }

  /** Integer in [0, n). */
  nextInt(n: number): number {
    return Math.floor(this.nextFloat() * n);
  }
}

/** 32-bit rotate left; the result as int32. */
function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Derive an independent stream seed from a base seed and a label (e.g. a tensor name). */
export function deriveSeed(seed: number, label: string): number {
  let h = (seed ^ 0x811c9dc5) >>> 0;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
