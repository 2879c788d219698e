// The matrix kernels of the linear layers as a WebAssembly SIMD module, assembled here from the opcodes of
// the WebAssembly 2.0 core specification (binary format, section 5; fixed-width SIMD, 0xFD prefix) so that
// nothing is compiled or downloaded at install time. One module, instantiated once per memory bank
// (src/numerics/kernels/arena.ts), over a shared memory so worker threads can run the same code on the same
// weights.
//
// Every kernel computes, for outputs o in [o0, o1) and tokens t < T, the dot products
//   y[t*C + o] = sum_i W[o*R + i] * x[t*R + i]        (W row-major [C x R], HF's [out x in] layout)
// in float32: four lanes accumulate i = 4k + lane over k ascending, the lanes are combined as
// (l0 + l1) + (l2 + l3), then the scalar tail i >= 4*floor(R/4) is added in order. Every (o, t) is
// computed by this same sequence whichever register block it falls into, so results do not depend on
// o0/o1 (the split across worker threads), on T, or on the blocking: bit-identical for any partition.
//
// Exports (all arguments i32; pointers are byte addresses in the bank's memory):
//   gemm_f32   (W, R, C, x, T, y, o0, o1)            W float32
//   gemm_bf16  (W, R, C, x, T, y, o0, o1)            W bfloat16 (upper half of a float32, widened exactly)
//   gemm_f16   (W, R, C, x, T, y, o0, o1)            W IEEE binary16 (widened exactly, finite values)
//   gemmn_f32  (W, R, C, x, xs, T, y, v, o0, o1)     y = W x and v = |W| xs in one pass (w_noise variance)
//   gemmn_bf16 (W, R, C, x, xs, T, y, v, o0, o1)     the same over bfloat16 W (widened exactly, as gemm_bf16)
//   gemmn_f16  (W, R, C, x, xs, T, y, v, o0, o1)     the same over binary16 W (widened exactly, as gemm_f16)

const I32 = 0x7f;
const F64 = 0x7c;
const V128 = 0x7b;
const F32 = 0x7d;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const name = (s: string): number[] => vec([...s].map((c) => [c.charCodeAt(0)]));
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];

/** A function body under construction: locals are allocated on demand, code is a flat opcode list. */
class Fn {
  readonly code: number[] = [];
  private readonly extra: number[] = [];
  constructor(readonly params: number[], readonly results: number[] = []) {}
  local(type: number): number {
    this.extra.push(type);
    return this.params.length + this.extra.length - 1;
  }
  op(...b: number[]): this {
    for (const x of b) this.code.push(x);
    return this;
  }
  get(i: number) { return this.op(0x20, ...uleb(i)); }
  set(i: number) { return this.op(0x21, ...uleb(i)); }
  i32(n: number) { return this.op(0x41, ...sleb(n)); }
  add() { return this.op(0x6a); }
  sub() { return this.op(0x6b); }
  mul() { return this.op(0x6c); }
  shl() { return this.op(0x74); }
  simd(code: number, ...imm: number[]) { return this.op(0xfd, ...uleb(code), ...imm); }
  /** local[i] = local[i] + n */
  inc(i: number, n: number) { return this.get(i).i32(n).add().set(i); }
  body(): number[] {
    const groups: number[][] = [];
    for (const t of this.extra) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    const b = [...vec(groups.map(([n, t]) => [...uleb(n), t])), ...this.code, 0x0b];
    return [...uleb(b.length), ...b];
  }
}

// SIMD opcodes (0xFD prefix)
const V_LOAD = 0x00;
const V_LOAD16X4_U = 0x04;
const V_CONST = 0x0c;
const F32X4_EXTRACT = 0x1f;
const I32X4_SHL = 0xab;
const V_AND = 0x4e;
const V_OR = 0x50;
const F32X4_ABS = 0xe0;
const F32X4_ADD = 0xe4;
const F32X4_MUL = 0xe6;

export type WeightKind = "f32" | "bf16" | "f16";
const wBytes: Record<WeightKind, number> = { f32: 4, bf16: 2, f16: 2 };

interface KernelOpts {
  readonly kind: WeightKind;
  readonly noise: boolean; // also v = |W| xs
  readonly NO: number; // outputs per register block
  readonly NT: number; // tokens per register block
}

/**
 * The register-blocked loop nest shared by the kernels: for (ob = o0; ob + NO <= o1; ob += NO) over tokens, then
 * single outputs for the tail; over tokens: for (tb = 0; tb + NT <= T; tb += NT) block(no, NT), then single
 * tokens for the rest. `block(no, nt)` emits one register block at (ob, tb).
 */
function blockedLoops(
  f: Fn,
  ob: number,
  tb: number,
  P: { readonly T: number; readonly o0: number; readonly o1: number },
  NO: number,
  NT: number,
  block: (no: number, nt: number) => void,
): void {
  const tokenLoop = (no: number) => {
    f.i32(0).set(tb);
    f.op(0x02, 0x40).op(0x03, 0x40);
    f.get(tb).i32(NT).add().get(P.T).op(0x4b).op(0x0d, 1); // tb + NT > T -> out
    block(no, NT);
    f.inc(tb, NT).op(0x0c, 0);
    f.op(0x0b, 0x0b);
    if (NT > 1) {
      f.op(0x02, 0x40).op(0x03, 0x40);
      f.get(tb).get(P.T).op(0x4f).op(0x0d, 1); // tb >= T -> out
      block(no, 1);
      f.inc(tb, 1).op(0x0c, 0);
      f.op(0x0b, 0x0b);
    }
  };
  f.get(P.o0).set(ob);
  f.op(0x02, 0x40).op(0x03, 0x40);
  f.get(ob).i32(NO).add().get(P.o1).op(0x4b).op(0x0d, 1); // ob + NO > o1 -> out
  tokenLoop(NO);
  f.inc(ob, NO).op(0x0c, 0);
  f.op(0x0b, 0x0b);
  if (NO > 1) {
    f.op(0x02, 0x40).op(0x03, 0x40);
    f.get(ob).get(P.o1).op(0x4f).op(0x0d, 1); // ob >= o1 -> out
    tokenLoop(1);
    f.inc(ob, 1).op(0x0c, 0);
    f.op(0x0b, 0x0b);
  }
}

/**
 * One kernel function. Params: W R C x [xs] T y [v] o0 o1. Register blocks of NO outputs x NT tokens, with
 * NO x 1, 1 x NT and 1 x 1 blocks for the tails (same per-(o, t) arithmetic, see the header).
 */
function kernel(opts: KernelOpts): Fn {
  const { kind, noise } = opts;
  const np = noise ? 10 : 8;
  const f = new Fn(Array(np).fill(I32));
  const P = noise
    ? { W: 0, R: 1, C: 2, x: 3, xs: 4, T: 5, y: 6, v: 7, o0: 8, o1: 9 }
    : { W: 0, R: 1, C: 2, x: 3, xs: -1, T: 4, y: 5, v: -1, o0: 6, o1: 7 };
  const wb = wBytes[kind];
  const ob = f.local(I32); // output index of the block
  const tb = f.local(I32); // token index of the block
  const xRow = f.local(I32); // R * 4 bytes
  const wRow = f.local(I32); // R * wb bytes
  const R4x = f.local(I32); // bytes of x covered by the vector loop: (R & ~3) * 4
  const i = f.local(I32); // byte index into an x row
  const iw = f.local(I32); // byte index into a W row
  const f16Consts = kind === "f16" ? { mag: f.local(V128), sgn: f.local(V128), mul: f.local(V128) } : null;

  // constants
  f.get(P.R).i32(4).mul().set(xRow);
  f.get(P.R).i32(wb).mul().set(wRow);
  f.get(P.R).i32(-4).op(0x71).i32(4).mul().set(R4x); // i32.and
  if (f16Consts) {
    const splat = (n: number) => {
      const b: number[] = [];
      for (let k = 0; k < 4; k++) b.push(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff);
      return b;
    };
    f.simd(V_CONST, ...splat(0x7fff)).set(f16Consts.mag);
    f.simd(V_CONST, ...splat(0x8000)).set(f16Consts.sgn);
    f.simd(V_CONST, ...splat(0x77800000)).set(f16Consts.mul); // 2^112 as float32 bits
  }

  /** Push W (4 weights widened to f32x4) at address local `addr` + iw. */
  const loadW4 = (addr: number) => {
    f.get(addr).get(iw).add();
    if (kind === "f32") f.simd(V_LOAD, 4, 0);
    else {
      f.simd(V_LOAD16X4_U, 3, 0);
      if (kind === "bf16") f.i32(16).simd(I32X4_SHL);
      else f16Widen4();
    }
  };
  // binary16 -> binary32 for finite values: ((h & 0x7fff) << 13) read as a float32 is the value scaled by
  // 2^-112 (normals and subnormals alike, exactly), so multiply by 2^112, then OR in the sign bit << 16.
  const f16Tmp = kind === "f16" ? f.local(V128) : -1;
  const f16Widen4 = () => {
    const c = f16Consts!;
    f.set(f16Tmp);
    f.get(f16Tmp).get(c.mag).simd(V_AND).i32(13).simd(I32X4_SHL).get(c.mul).simd(F32X4_MUL);
    f.get(f16Tmp).get(c.sgn).simd(V_AND).i32(16).simd(I32X4_SHL).simd(V_OR);
  };
  /** Push one scalar weight widened to f32, at address local `addr` + iw. */
  const loadW1 = (addr: number) => {
    f.get(addr).get(iw).add();
    if (kind === "f32") f.op(0x2a, 2, 0);
    else {
      f.op(0x2f, 1, 0); // i32.load16_u
      if (kind === "bf16") f.i32(16).shl().op(0xbe); // f32.reinterpret_i32
      else {
        // |h| widened as in f16Widen4, negated when the sign bit is set (select keeps it branch-free)
        f.set(scalarH);
        f.get(scalarH).i32(0x7fff).op(0x71).i32(13).shl().op(0xbe).op(0x43, 0, 0, 0x80, 0x77).op(0x94).set(scalarF);
        f.get(scalarF).op(0x8c).get(scalarF).get(scalarH).i32(0x8000).op(0x71).op(0x1b); // select(-v, v, sign)
      }
    }
  };
  const scalarH = kind === "f16" ? f.local(I32) : -1;
  const scalarF = kind === "f16" ? f.local(F32) : -1;

  /** Emit one block of no x nt at (ob, tb). */
  const block = (no: number, nt: number) => {
    const wp: number[] = [];
    const xp: number[] = [];
    const xsp: number[] = [];
    for (let j = 0; j < no; j++) wp.push(f.local(I32));
    for (let u = 0; u < nt; u++) xp.push(f.local(I32));
    if (noise) for (let u = 0; u < nt; u++) xsp.push(f.local(I32));
    const acc: number[][] = [];
    const vac: number[][] = [];
    for (let j = 0; j < no; j++) {
      acc.push([]);
      vac.push([]);
      for (let u = 0; u < nt; u++) {
        acc[j].push(f.local(V128));
        if (noise) vac[j].push(f.local(V128));
      }
    }
    const wv = f.local(V128);
    const wa = f.local(V128);
    const xv: number[] = [];
    const xsv: number[] = [];
    for (let u = 0; u < nt; u++) xv.push(f.local(V128));
    if (noise) for (let u = 0; u < nt; u++) xsv.push(f.local(V128));
    // pointers
    for (let j = 0; j < no; j++) f.get(ob).i32(j).add().get(wRow).mul().get(P.W).add().set(wp[j]);
    for (let u = 0; u < nt; u++) {
      f.get(tb).i32(u).add().get(xRow).mul().get(P.x).add().set(xp[u]);
      if (noise) f.get(tb).i32(u).add().get(xRow).mul().get(P.xs).add().set(xsp[u]);
    }
    const zero = () => f.simd(V_CONST, ...Array(16).fill(0));
    for (let j = 0; j < no; j++)
      for (let u = 0; u < nt; u++) {
        zero().set(acc[j][u]);
        if (noise) zero().set(vac[j][u]);
      }
    f.i32(0).set(i).i32(0).set(iw);
    // vector loop: while (i < R4x)
    f.op(0x02, 0x40).op(0x03, 0x40);
    f.get(i).get(R4x).op(0x4f).op(0x0d, 1); // i32.ge_u -> br_if out
    for (let u = 0; u < nt; u++) {
      f.get(xp[u]).get(i).add().simd(V_LOAD, 4, 0).set(xv[u]);
      if (noise) f.get(xsp[u]).get(i).add().simd(V_LOAD, 4, 0).set(xsv[u]);
    }
    for (let j = 0; j < no; j++) {
      loadW4(wp[j]);
      f.set(wv);
      if (noise) f.get(wv).simd(F32X4_ABS).set(wa);
      for (let u = 0; u < nt; u++) {
        f.get(acc[j][u]).get(wv).get(xv[u]).simd(F32X4_MUL).simd(F32X4_ADD).set(acc[j][u]);
        if (noise) f.get(vac[j][u]).get(wa).get(xsv[u]).simd(F32X4_MUL).simd(F32X4_ADD).set(vac[j][u]);
      }
    }
    f.inc(i, 16).inc(iw, 4 * wb).op(0x0c, 0); // br loop
    f.op(0x0b, 0x0b);
    // horizontal sums, then the scalar tail, then store
    const s: number[][] = [];
    const sv: number[][] = [];
    const hsum = (a: number) => {
      f.get(a).simd(F32X4_EXTRACT, 0).get(a).simd(F32X4_EXTRACT, 1).op(0x92);
      f.get(a).simd(F32X4_EXTRACT, 2).get(a).simd(F32X4_EXTRACT, 3).op(0x92).op(0x92);
    };
    for (let j = 0; j < no; j++) {
      s.push([]);
      sv.push([]);
      for (let u = 0; u < nt; u++) {
        const l = f.local(F32);
        hsum(acc[j][u]);
        f.set(l);
        s[j].push(l);
        if (noise) {
          const m = f.local(F32);
          hsum(vac[j][u]);
          f.set(m);
          sv[j].push(m);
        }
      }
    }
    // tail: while (i < xRow)
    const ws = f.local(F32);
    f.op(0x02, 0x40).op(0x03, 0x40);
    f.get(i).get(xRow).op(0x4f).op(0x0d, 1);
    for (let j = 0; j < no; j++) {
      loadW1(wp[j]);
      f.set(ws);
      for (let u = 0; u < nt; u++) {
        f.get(s[j][u]).get(ws).get(xp[u]).get(i).add().op(0x2a, 2, 0).op(0x94).op(0x92).set(s[j][u]);
        if (noise)
          f.get(sv[j][u]).get(ws).op(0x8b).get(xsp[u]).get(i).add().op(0x2a, 2, 0).op(0x94).op(0x92).set(sv[j][u]);
      }
    }
    f.inc(i, 4).inc(iw, wb).op(0x0c, 0);
    f.op(0x0b, 0x0b);
    for (let j = 0; j < no; j++)
      for (let u = 0; u < nt; u++) {
        // y + ((tb+u)*C + ob + j) * 4
        const addr = (base: number) => f.get(tb).i32(u).add().get(P.C).mul().get(ob).add().i32(j).add().i32(4).mul().get(base).add();
        addr(P.y);
        f.get(s[j][u]).op(0x38, 2, 0);
        if (noise) {
          addr(P.v);
          f.get(sv[j][u]).op(0x38, 2, 0);
        }
      }
  };

  blockedLoops(f, ob, tb, P, opts.NO, opts.NT, block);
  return f;
}

// SIMD opcodes of the integer variance pass
const I32X4_DOT_I16X8_S = 0xba;
const I32X4_ADD = 0xae;
const F32X4_CONVERT_I32X4_S = 0xfa;

/**
 * The integer variance pass of the output-referred weight noise (gemmv_i16):
 *   v[t*C + o] = s[o] * sum_i A[o*R + i] * m[t*R + i]
 * A: int16 [C x R], |W| quantised per output row at programming (A = round(|W| / s[o])); m: int16 [T x R], the
 * integer squared inputs (e.g. c^2 for a PWM code c); s: float32 per row. Per 8 inputs one i32x4.dot_i16x8_s
 * (8 multiply-adds into 4 int32 lanes; exact while 2 * max A * max m < 2^31, the caller's rule), converted to
 * float32 and added to a float32x4 accumulator; inputs past 8 * floor(R / 8) add their int32 product to the
 * scalar sum, which is then scaled by s[o]. Every (o, t) runs the same sequence whatever its block, so results
 * do not depend on the output split. Params: A s R C m T v o0 o1.
 */
function kernelVar(opts: { NO: number; NT: number }): Fn {
  const f = new Fn(Array(9).fill(I32));
  const P = { A: 0, s: 1, R: 2, C: 3, m: 4, T: 5, v: 6, o0: 7, o1: 8 };
  const ob = f.local(I32);
  const tb = f.local(I32);
  const aRow = f.local(I32); // R * 2 bytes
  const R8 = f.local(I32); // bytes of a row covered by the vector loop: (R & ~7) * 2
  const ia = f.local(I32);
  f.get(P.R).i32(2).mul().set(aRow);
  f.get(P.R).i32(-8).op(0x71).i32(2).mul().set(R8);
  const block = (no: number, nt: number) => {
    const ap: number[] = [], mp: number[] = [];
    for (let j = 0; j < no; j++) ap.push(f.local(I32));
    for (let u = 0; u < nt; u++) mp.push(f.local(I32));
    const vac: number[][] = [];
    for (let j = 0; j < no; j++) {
      vac.push([]);
      for (let u = 0; u < nt; u++) vac[j].push(f.local(V128));
    }
    const mv: number[] = [];
    for (let u = 0; u < nt; u++) mv.push(f.local(V128));
    const av = f.local(V128);
    for (let j = 0; j < no; j++) f.get(ob).i32(j).add().get(aRow).mul().get(P.A).add().set(ap[j]);
    for (let u = 0; u < nt; u++) f.get(tb).i32(u).add().get(aRow).mul().get(P.m).add().set(mp[u]);
    for (let j = 0; j < no; j++) for (let u = 0; u < nt; u++) f.simd(V_CONST, ...Array(16).fill(0)).set(vac[j][u]);
    f.i32(0).set(ia);
    f.op(0x02, 0x40).op(0x03, 0x40);
    f.get(ia).get(R8).op(0x4f).op(0x0d, 1);
    for (let u = 0; u < nt; u++) f.get(mp[u]).get(ia).add().simd(V_LOAD, 4, 0).set(mv[u]);
    for (let j = 0; j < no; j++) {
      f.get(ap[j]).get(ia).add().simd(V_LOAD, 4, 0).set(av);
      for (let u = 0; u < nt; u++)
        f.get(vac[j][u]).get(av).get(mv[u]).simd(I32X4_DOT_I16X8_S).simd(F32X4_CONVERT_I32X4_S).simd(F32X4_ADD).set(vac[j][u]);
    }
    f.inc(ia, 16).op(0x0c, 0);
    f.op(0x0b, 0x0b);
    const sv: number[][] = [];
    for (let j = 0; j < no; j++) {
      sv.push([]);
      for (let u = 0; u < nt; u++) {
        const m = f.local(F32);
        const a = vac[j][u];
        f.get(a).simd(F32X4_EXTRACT, 0).get(a).simd(F32X4_EXTRACT, 1).op(0x92);
        f.get(a).simd(F32X4_EXTRACT, 2).get(a).simd(F32X4_EXTRACT, 3).op(0x92).op(0x92);
        f.set(m);
        sv[j].push(m);
      }
    }
    const ae = f.local(I32);
    f.op(0x02, 0x40).op(0x03, 0x40);
    f.get(ia).get(aRow).op(0x4f).op(0x0d, 1);
    for (let j = 0; j < no; j++) {
      f.get(ap[j]).get(ia).add().op(0x2e, 1, 0).set(ae); // i32.load16_s
      for (let u = 0; u < nt; u++)
        f.get(sv[j][u]).get(ae).get(mp[u]).get(ia).add().op(0x2e, 1, 0).mul().op(0xb2).op(0x92).set(sv[j][u]);
    }
    f.inc(ia, 2).op(0x0c, 0);
    f.op(0x0b, 0x0b);
    for (let j = 0; j < no; j++)
      for (let u = 0; u < nt; u++) {
        f.get(tb).i32(u).add().get(P.C).mul().get(ob).add().i32(j).add().i32(4).mul().get(P.v).add();
        f.get(sv[j][u]).get(ob).i32(j).add().i32(4).mul().get(P.s).add().op(0x2a, 2, 0).op(0x94).op(0x38, 2, 0);
      }
  };
  blockedLoops(f, ob, tb, P, opts.NO, opts.NT, block);
  return f;
}

/** float64 constant bytes (little-endian IEEE 754). */
function f64Bytes(v: number): number[] {
  return Array.from(new Uint8Array(new Float64Array([v]).buffer));
}

/** Layout of the ziggurat tables the epilogue reads (bytes from their base): KN int32[128], WN and FN float64[128]. */
export const ZIG_KN = 0;
export const ZIG_WN = 512;
export const ZIG_FN = 1536;
export const ZIG_BYTES = 2560;

/**
 * adc_epi: the ADC side of one tile conversion for every token, in the order of the JavaScript epilogue of
 * src/numerics/analog/backend.ts and with the same float64 arithmetic, so the results are bit-identical to it:
 *   per token t, per output o:  y = Y[t, o] (+ sqrt(wn2 * V[t, o] + so2) * N when noisy, N the next standard
 *   normal of the layer's xoshiro128** stream by the ziggurat of src/numerics/noise/gaussian.ts, its tables at
 *   `zig` and Math.log / Math.exp imported for the rare slow path); code = clip at +-bound to +-levels, else
 *   round half away from zero of y * invStep; hist[code + halfBins] += 1 (when hist != 0);
 *   acc[t, o] += code * cw, then accKind 0: saturate at +-lim; 1: rounded to float32 when |acc| > lim.
 * Params: Y V T K acc accStride rng zig hist halfBins noisy accKind (i32), wn2 so2 bound invStep levels cw lim
 * (f64). Y, V float32 [T x K] (V = 0: no w_noise); acc float64 rows of accStride bytes; rng: 4 int32 of state,
 * read and written back. Returns the number of clipped conversions.
 */
function adcEpilogue(): Fn {
  const f = new Fn([I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, F64, F64, F64, F64, F64, F64, F64], [I32]);
  const P = { Y: 0, V: 1, T: 2, K: 3, acc: 4, accStride: 5, rng: 6, zig: 7, hist: 8, halfBins: 9, noisy: 10, accKind: 11, wn2: 12, so2: 13, bound: 14, invStep: 15, levels: 16, cw: 17, lim: 18 };
  const [a, b, c, d] = [f.local(I32), f.local(I32), f.local(I32), f.local(I32)];
  const t = f.local(I32), o = f.local(I32), clip = f.local(I32);
  const yRow = f.local(I32), vRow = f.local(I32), aRow = f.local(I32);
  const hz = f.local(I32), iz = f.local(I32), r = f.local(I32), tt = f.local(I32), cc = f.local(I32), dd = f.local(I32);
  const y = f.local(F64), z = f.local(F64), x = f.local(F64), yy = f.local(F64), u = f.local(F64), code = f.local(F64), acc = f.local(F64);
  const ZR = 3.442619855899; // gaussian.ts R, the start of the tail
  const f64c = (v: number) => f.op(0x44, ...f64Bytes(v));
  const ld32 = (off: number) => f.op(0x28, 2, ...uleb(off)); // i32.load
  const st32 = (off: number) => f.op(0x36, 2, ...uleb(off)); // i32.store
  // state in
  f.get(P.rng); ld32(0); f.set(a);
  f.get(P.rng); ld32(4); f.set(b);
  f.get(P.rng); ld32(8); f.set(c);
  f.get(P.rng); ld32(12); f.set(d);
  /** Push the next uint32 of xoshiro128** (as i32 bits) and advance the state (src/util/rng.ts nextU32). */
  const next = () => {
    f.get(b).i32(5).mul().i32(7).op(0x77).i32(9).mul().set(r); // rotl(b * 5, 7) * 9
    f.get(b).i32(9).shl().set(tt);
    f.get(c).get(a).op(0x73).set(cc);
    f.get(d).get(b).op(0x73).set(dd);
    f.get(b).get(cc).op(0x73).set(b);
    f.get(a).get(dd).op(0x73).set(a);
    f.get(cc).get(tt).op(0x73).set(c);
    f.get(dd).i32(11).op(0x77).set(d);
    f.get(r);
  };
  /** Push (nextU32 + 0.5) / 2^32. */
  const uniform = () => {
    next();
    f.op(0xb8); // f64.convert_i32_u
    f64c(0.5).op(0xa0);
    f64c(4294967296).op(0xa3);
  };
  /** |hz| as an unsigned i32 below KN[iz]? (hz = -2^31 gives 2^31, never below: as in JavaScript.) */
  const fastTest = () => {
    f.i32(0).get(hz).sub().get(hz).get(hz).i32(0).op(0x48).op(0x1b); // select(-hz, hz, hz < 0)
    f.get(iz).i32(2).shl().get(P.zig).add(); ld32(ZIG_KN);
    f.op(0x49); // i32.lt_u
  };
  const wn = () => f.get(iz).i32(3).shl().get(P.zig).add().op(0x2b, 3, ...uleb(ZIG_WN)); // WN[iz]
  const fn = (delta: number) => f.get(iz).i32(3).shl().get(P.zig).add().op(0x2b, 3, ...uleb(ZIG_FN + 8 * delta)); // FN[iz + delta]
  /** z = the next standard normal. */
  const normal = () => {
    next();
    f.set(hz);
    f.get(hz).i32(127).op(0x71).set(iz);
    fastTest();
    f.op(0x04, 0x40); // if fast
    f.get(hz).op(0xb7); wn(); f.op(0xa2).set(z);
    f.op(0x05); // else: the slow path (gaussian.ts normalSlow)
    f.op(0x02, 0x40).op(0x03, 0x40); // block $done, loop $L
    f.get(iz).op(0x45).op(0x04, 0x40); // if iz == 0: the tail
    f.op(0x03, 0x40); // loop $T
    uniform(); f.op(0x10, 0).op(0x9a); f64c(ZR).op(0xa3).set(x); // x = -log(u) / R
    uniform(); f.op(0x10, 0).op(0x9a).set(yy); // y = -log(u)
    f.get(yy).get(yy).op(0xa0).get(x).get(x).op(0xa2).op(0x63).op(0x0d, 0); // while (y + y < x * x)
    f.op(0x0b);
    f64c(ZR).get(x).op(0xa0); f64c(-ZR).get(x).op(0xa1); f.get(hz).i32(0).op(0x4a).op(0x1b).set(z); // hz > 0 ? R + x : -R - x
    f.op(0x0c, 2); // br $done (labels from inside this if: 0 if, 1 loop $L, 2 block $done)
    f.op(0x0b); // end if
    f.get(hz).op(0xb7); wn(); f.op(0xa2).set(x);
    fn(0); uniform(); fn(-1); fn(0).op(0xa1).op(0xa2).op(0xa0); // FN[iz] + u * (FN[iz-1] - FN[iz])
    f64c(-0.5).get(x).op(0xa2).get(x).op(0xa2).op(0x10, 1); // exp(-0.5 * x * x)
    f.op(0x63).op(0x04, 0x40); // if <
    f.get(x).set(z).op(0x0c, 2);
    f.op(0x0b);
    next();
    f.set(hz);
    f.get(hz).i32(127).op(0x71).set(iz);
    fastTest();
    f.op(0x04, 0x40);
    f.get(hz).op(0xb7); wn(); f.op(0xa2).set(z).op(0x0c, 2);
    f.op(0x0b);
    f.op(0x0c, 0); // br $L
    f.op(0x0b, 0x0b); // end loop, end block
    f.op(0x0b); // end if fast
  };
  const round = (src: () => void) => {
    // Math.round(p) for p >= 0 (or NaN): floor(p) + (p - floor(p) >= 0.5)
    src(); f.op(0x9c).set(u);
    src(); f.get(u).op(0xa1); f64c(0.5).op(0x66); // p - r >= 0.5
    f.op(0x04, 0x7c); f.get(u); f64c(1).op(0xa0); f.op(0x05); f.get(u); f.op(0x0b);
  };
  f.i32(0).set(clip);
  f.i32(0).set(t);
  f.op(0x02, 0x40).op(0x03, 0x40);
  f.get(t).get(P.T).op(0x4e).op(0x0d, 1); // t >= T -> out
  f.get(t).get(P.K).mul().i32(4).mul().set(yRow);
  f.get(yRow).get(P.Y).add().set(yRow);
  f.get(t).get(P.K).mul().i32(4).mul().get(P.V).add().set(vRow);
  f.get(t).get(P.accStride).mul().get(P.acc).add().set(aRow);
  f.i32(0).set(o);
  f.op(0x02, 0x40).op(0x03, 0x40);
  f.get(o).get(P.K).op(0x4e).op(0x0d, 1);
  f.get(o).i32(2).shl().get(yRow).add().op(0x2a, 2, 0).op(0xbb).set(y);
  f.get(P.noisy).op(0x04, 0x40);
  normal();
  f.get(y);
  f.get(P.wn2);
  f.get(P.V).op(0x04, 0x7c).get(o).i32(2).shl().get(vRow).add().op(0x2a, 2, 0).op(0xbb).op(0x05); f64c(0).op(0x0b);
  f.op(0xa2).get(P.so2).op(0xa0).op(0x9f).get(z).op(0xa2).op(0xa0).set(y);
  f.op(0x0b);
  // ADC
  f.get(y).get(P.bound).op(0x64).op(0x04, 0x40);
  f.get(P.levels).set(code).inc(clip, 1);
  f.op(0x05);
  f.get(y).get(P.bound).op(0x9a).op(0x63).op(0x04, 0x40);
  f.get(P.levels).op(0x9a).set(code).inc(clip, 1);
  f.op(0x05);
  f.get(y).get(P.invStep).op(0xa2).set(yy);
  f.get(yy); f64c(0).op(0x63).op(0x04, 0x40);
  round(() => f.get(yy).op(0x9a)); f.op(0x9a).set(code);
  f.op(0x05);
  round(() => f.get(yy)); f.set(code);
  f.op(0x0b);
  f.op(0x0b, 0x0b);
  // histogram (codes are finite integers unless y was NaN)
  f.get(P.hist).i32(0).op(0x47).get(code).get(code).op(0x61).op(0x71).op(0x04, 0x40); // hist != 0 && code == code
  f.get(code).op(0xaa).get(P.halfBins).add().i32(2).shl().get(P.hist).add().set(hz);
  f.get(hz).get(hz); ld32(0); f.i32(1).add(); st32(0);
  f.op(0x0b);
  // accumulate
  f.get(o).i32(3).shl().get(aRow).add().op(0x2b, 3, 0).get(code).get(P.cw).op(0xa2).op(0xa0).set(acc);
  f.get(P.accKind).op(0x45).op(0x04, 0x40);
  f.get(P.lim).get(P.lim).op(0x9a).get(acc).get(acc).get(P.lim).op(0x9a).op(0x63).op(0x1b).get(acc).get(P.lim).op(0x64).op(0x1b).set(acc);
  f.op(0x05);
  f.get(acc).get(P.lim).op(0x64).get(acc).get(P.lim).op(0x9a).op(0x63).op(0x72).op(0x04, 0x40); // i32.or
  f.get(acc).op(0xb6).op(0xbb).set(acc);
  f.op(0x0b);
  f.op(0x0b);
  f.get(o).i32(3).shl().get(aRow).add().get(acc).op(0x39, 3, 0);
  f.inc(o, 1).op(0x0c, 0);
  f.op(0x0b, 0x0b);
  f.inc(t, 1).op(0x0c, 0);
  f.op(0x0b, 0x0b);
  // state out
  f.get(P.rng).get(a); st32(0);
  f.get(P.rng).get(b); st32(4);
  f.get(P.rng).get(c); st32(8);
  f.get(P.rng).get(d); st32(12);
  f.get(clip);
  return f;
}

/** Register blocks, chosen by measurement (bench/numerics.bench.ts) on an AMD EPYC (Zen 4) under Node 20. */
export const BLOCKING = {
  gemm: { NO: 4, NT: 2 },
  gemmNoise: { NO: 4, NT: 1 },
  gemmVar: { NO: 4, NT: 2 },
};

/** The module's bytes: memory imported as env.mem (shared, up to maxPages of 64 KiB). */
export function kernelModuleBytes(maxPages: number, blocking = BLOCKING): Uint8Array {
  const fns: { name: string; fn: Fn }[] = [
    { name: "gemm_f32", fn: kernel({ kind: "f32", noise: false, ...blocking.gemm }) },
    { name: "gemm_bf16", fn: kernel({ kind: "bf16", noise: false, ...blocking.gemm }) },
    { name: "gemm_f16", fn: kernel({ kind: "f16", noise: false, ...blocking.gemm }) },
    { name: "gemmn_f32", fn: kernel({ kind: "f32", noise: true, ...blocking.gemmNoise }) },
    { name: "gemmn_bf16", fn: kernel({ kind: "bf16", noise: true, ...blocking.gemmNoise }) },
    { name: "gemmn_f16", fn: kernel({ kind: "f16", noise: true, ...blocking.gemmNoise }) },
    { name: "gemmv_i16", fn: kernelVar(blocking.gemmVar) },
    { name: "adc_epi", fn: adcEpilogue() },
  ];
  // type 0: (f64) -> f64, of the imported env.log and env.exp (function indices 0 and 1; ours follow)
  const types = [[0x60, 1, F64, 1, F64], ...fns.map(({ fn }) => [0x60, ...vec(fn.params.map((t) => [t])), ...vec(fn.results.map((t) => [t]))])];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, vec([
      [...name("env"), ...name("mem"), 0x02, 0x03, ...uleb(1), ...uleb(maxPages)],
      [...name("env"), ...name("log"), 0x00, 0x00],
      [...name("env"), ...name("exp"), 0x00, 0x00],
    ])),
    ...section(3, vec(fns.map((_, k) => uleb(k + 1)))),
    ...section(7, vec(fns.map(({ name: n }, k) => [...name(n), 0x00, ...uleb(k + 2)]))),
    ...section(10, vec(fns.map(({ fn }) => fn.body()))),
  ];
  return Uint8Array.from(bytes);
}

export interface KernelExports {
  gemm_f32(W: number, R: number, C: number, x: number, T: number, y: number, o0: number, o1: number): void;
  gemm_bf16(W: number, R: number, C: number, x: number, T: number, y: number, o0: number, o1: number): void;
  gemm_f16(W: number, R: number, C: number, x: number, T: number, y: number, o0: number, o1: number): void;
  gemmn_f32(W: number, R: number, C: number, x: number, xs: number, T: number, y: number, v: number, o0: number, o1: number): void;
  gemmn_bf16(W: number, R: number, C: number, x: number, xs: number, T: number, y: number, v: number, o0: number, o1: number): void;
  gemmn_f16(W: number, R: number, C: number, x: number, xs: number, T: number, y: number, v: number, o0: number, o1: number): void;
  gemmv_i16(A: number, s: number, R: number, C: number, m: number, T: number, v: number, o0: number, o1: number): void;
  adc_epi(Y: number, V: number, T: number, K: number, acc: number, accStride: number, rng: number, zig: number, hist: number, halfBins: number, noisy: number, accKind: number,
    wn2: number, so2: number, bound: number, invStep: number, levels: number, cw: number, lim: number): number;
}

/** The imports the module needs besides its memory (the ziggurat's slow path, as gaussian.ts computes it). */
export const kernelImports = { log: Math.log, exp: Math.exp };
