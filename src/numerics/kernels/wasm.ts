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
// and, for the analog tiles (int16 weights and integer inputs; see kernelInt and kernelFused):
//   gemm_i16, gemmv_i16, gemmyv_i16                    the tile MVM, the w_noise variance, both in one pass
// and the periphery of a conversion, each bit-identical to the JavaScript of src/numerics/analog/backend.ts:
//   dac_pwm, normal_fill / normal_jobs, add_noise, adc_epi, rescale, round16 (see each emitter's comment).
// The float kernels' summation order (below) does not apply to the integer ones, whose sums are exact.

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
  f64(v: number) { return this.op(0x44, ...f64Bytes(v)); }
  /** i32.load / i32.store at the address on the stack plus `off` */
  ld32(off: number) { return this.op(0x28, 2, ...uleb(off)); }
  st32(off: number) { return this.op(0x36, 2, ...uleb(off)); }
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
const V_LOAD64_ZERO = 0x5d;
const V_STORE = 0x0b;
const F64X2_SPLAT = 0x14;
const F64X2_PROMOTE_LOW_F32X4 = 0x5f;
const F64X2_SQRT = 0xef;
const F64X2_ADD = 0xf0;
const F64X2_MUL = 0xf2;
const F64X2_SUB = 0xf1;
const F64X2_ABS = 0xec;
const F64X2_FLOOR = 0x75;
const F64X2_LT = 0x49;
const F64X2_GT = 0x4a;
const F64X2_GE = 0x4c;
const F64X2_EXTRACT = 0x21;
const V_BITSELECT = 0x52;
const I64X2_BITMASK = 0xc4;
const F32X4_DEMOTE_F64X2_ZERO = 0x5e;
const F32X4_PMAX = 0xeb;
const I32X4_SPLAT = 0x11;
const I32X4_SHR_U = 0xad;
const I32X4_SUB = 0xb1;
const I32X4_EQ = 0x37;
const I32X4_NE = 0x38;
const I32X4_LE_U = 0x3e;
const I32X4_GE_U = 0x40;
const I32X4_BITMASK = 0xa4;
const F64X2_REPLACE = 0x22;

const F64X2_PMIN = 0xf6;
const F64X2_PMAX = 0xf7;
const F64X2_NE = 0x48;
const I32X4_TRUNC_SAT_F64X2_S_ZERO = 0xfc;
const I16X8_NARROW_I32X4_S = 0x85;
const I16X8_NARROW_I32X4_U = 0x86;
const I32X4_MUL = 0xb5;
const I32X4_ABS = 0xa0;
const V_STORE32_LANE = 0x5a;

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
const I32X4_EXTRACT = 0x1b;
const I16X8_SPLAT = 0x10;
const I16X8_ABS = 0x80;
const I16X8_SHR_U = 0x8d;
const I16X8_ADD = 0x8e;

/**
 * The step loops of the int16 kernels, from ia = 0: while a whole chunk of `chunk` steps (16 bytes each) fits below
 * R8, zero the int32 chunk lanes `iac`, run step(false) `chunk` times and add the lanes, converted to float32, to
 * `vac`; then step(true) until R8. chunk 0: only the single steps. `step` advances ia by 16 bytes.
 */
function chunkedSteps(f: Fn, ia: number, R8: number, chunk: number, iac: readonly number[], vac: readonly number[], step: (perStep: boolean) => void): void {
  f.i32(0).set(ia);
  if (chunk > 0) {
    const end = f.local(I32);
    f.op(0x02, 0x40).op(0x03, 0x40);
    f.get(ia).i32(16 * chunk).add().get(R8).op(0x4b).op(0x0d, 1); // ia + 16 chunk > R8 -> out
    for (const a of iac) f.simd(V_CONST, ...Array(16).fill(0)).set(a);
    f.get(ia).i32(16 * chunk).add().set(end);
    f.op(0x03, 0x40);
    step(false);
    f.get(ia).get(end).op(0x49).op(0x0d, 0); // ia < end -> loop
    f.op(0x0b);
    for (let k = 0; k < vac.length; k++) f.get(vac[k]!).get(iac[k]!).simd(F32X4_CONVERT_I32X4_S).simd(F32X4_ADD).set(vac[k]!);
    f.op(0x0c, 0);
    f.op(0x0b, 0x0b);
  }
  f.op(0x02, 0x40).op(0x03, 0x40);
  f.get(ia).get(R8).op(0x4f).op(0x0d, 1);
  step(true);
  f.op(0x0c, 0);
  f.op(0x0b, 0x0b);
}

/**
 * The int16 x int16 kernels of the analog tiles, over weights quantised to int16 per output row at programming
 * (A[o*R + i], scale s[o] float32) and integer tile inputs m[t*R + i] (int16):
 *   out[t*C + o] = s[o] * sum_i A[o*R + i] * m[t*R + i]
 * Per 8 inputs one i32x4.dot_i16x8_s (8 multiply-adds into 4 int32 lanes, exact while 2 * max|A| * max|m| < 2^31).
 * - gemmv_i16 (acc "f32", the w_noise variance |W| x^2): each dot product is converted to float32 and added to a
 *   float32x4 accumulator (a lane may not hold many dot products of 15-bit |w| by 14-bit x^2); inputs past
 *   8 * floor(R / 8) add their int32 product to the float32 scalar sum, which is then scaled by s[o] in float32.
 * - gemm_i16 (acc "i32", the tile MVM W x): the dot products add in int32 lanes (exact: the caller keeps
 *   (R / 8) * 2 * max|A| * max|m| < 2^31), the lanes and the scalar tail are summed in float64 (exact integers)
 *   and the sum is multiplied by s[o] in float64 and rounded once to float32.
 * Every (o, t) runs the same sequence whatever its block, so results do not depend on the output split.
 * Params: A s R C m T out o0 o1.
 */
function kernelInt(opts: { NO: number; NT: number; acc: "f32" | "i32"; chunk?: number }): Fn {
  const f = new Fn(Array(9).fill(I32));
  const P = { A: 0, s: 1, R: 2, C: 3, m: 4, T: 5, v: 6, o0: 7, o1: 8 };
  const intAcc = opts.acc === "i32";
  const chunk = intAcc ? 0 : (opts.chunk ?? 0);
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
    const iac: number[][] = chunk > 0 ? vac.map((r) => r.map(() => f.local(V128))) : [];
    /** One step of 8 inputs at ia into the int32 chunk lanes, or (perStep) straight into the accumulators. */
    const step = (perStep: boolean) => {
      for (let u = 0; u < nt; u++) f.get(mp[u]).get(ia).add().simd(V_LOAD, 4, 0).set(mv[u]);
      for (let j = 0; j < no; j++) {
        f.get(ap[j]).get(ia).add().simd(V_LOAD, 4, 0).set(av);
        for (let u = 0; u < nt; u++) {
          const to = perStep ? vac[j][u] : iac[j][u];
          f.get(to).get(av).get(mv[u]).simd(I32X4_DOT_I16X8_S);
          if (intAcc || !perStep) f.simd(I32X4_ADD);
          else f.simd(F32X4_CONVERT_I32X4_S).simd(F32X4_ADD);
          f.set(to);
        }
      }
      f.inc(ia, 16);
    };
    chunkedSteps(f, ia, R8, chunk, iac.flat(), vac.flat(), step);
    const sv: number[][] = [];
    for (let j = 0; j < no; j++) {
      sv.push([]);
      for (let u = 0; u < nt; u++) {
        const m = f.local(intAcc ? F64 : F32);
        const a = vac[j][u];
        if (intAcc) {
          // lanes as float64 (exact), (l0 + l1) + (l2 + l3)
          const lane = (k: number) => f.get(a).simd(I32X4_EXTRACT, k).op(0xb7); // f64.convert_i32_s
          lane(0); lane(1); f.op(0xa0); lane(2); lane(3); f.op(0xa0).op(0xa0);
        } else {
          f.get(a).simd(F32X4_EXTRACT, 0).get(a).simd(F32X4_EXTRACT, 1).op(0x92);
          f.get(a).simd(F32X4_EXTRACT, 2).get(a).simd(F32X4_EXTRACT, 3).op(0x92).op(0x92);
        }
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
        f.get(sv[j][u]).get(ae).get(mp[u]).get(ia).add().op(0x2e, 1, 0).mul().op(intAcc ? 0xb7 : 0xb2).op(intAcc ? 0xa0 : 0x92).set(sv[j][u]);
    }
    f.inc(ia, 2).op(0x0c, 0);
    f.op(0x0b, 0x0b);
    for (let j = 0; j < no; j++)
      for (let u = 0; u < nt; u++) {
        f.get(tb).i32(u).add().get(P.C).mul().get(ob).add().i32(j).add().i32(4).mul().get(P.v).add();
        f.get(sv[j][u]).get(ob).i32(j).add().i32(4).mul().get(P.s).add().op(0x2a, 2, 0);
        if (intAcc) f.op(0xbb).op(0xa2).op(0xb6); // f64.promote_f32, f64.mul, f32.demote_f64
        else f.op(0x94);
        f.op(0x38, 2, 0);
      }
  };
  blockedLoops(f, ob, tb, P, opts.NO, opts.NT, block);
  return f;
}

/**
 * gemmyv_i16: the tile MVM and its w_noise variance in one pass over the int16 weights A (allocInt16Rows), for
 * calls of few tokens, where reading the weights once matters more than the extra arithmetic:
 *   y[t*C + o] = sY[o] * sum_i A[o*R + i] * n[t*R + i]                       (as gemm_i16, bit for bit)
 *   v[t*C + o] = sV[o] * sum_i ((|A[o*R + i]| + h) >> sh) * m[t*R + i]       (h = 2^(sh-1), 0 when sh = 0)
 * v is bit-identical to gemmv_i16 over the codes (|A| + h) >> sh: the same chunks of VAR_CHUNK steps summed in
 * int32 and added in float32, the same remainder steps, lane order and scalar tail. Params: A sY sV R C n m T y v
 * o0 o1 sh.
 */
function kernelFused(opts: { NO: number; NT: number; chunk: number }): Fn {
  const f = new Fn(Array(13).fill(I32));
  const P = { A: 0, sY: 1, sV: 2, R: 3, C: 4, n: 5, m: 6, T: 7, y: 8, v: 9, o0: 10, o1: 11, sh: 12 };
  const { chunk } = opts;
  const ob = f.local(I32);
  const tb = f.local(I32);
  const aRow = f.local(I32); // R * 2 bytes
  const R8 = f.local(I32); // bytes of a row covered by the vector loop: (R & ~7) * 2
  const ia = f.local(I32);
  const hV = f.local(V128); // the rounding half, splat
  const hS = f.local(I32);
  f.get(P.R).i32(2).mul().set(aRow);
  f.get(P.R).i32(-8).op(0x71).i32(2).mul().set(R8);
  // h = sh > 0 ? 1 << (sh - 1) : 0
  f.get(P.sh).op(0x45).op(0x04, 0x7f).i32(0).op(0x05).i32(1).get(P.sh).i32(1).sub().shl().op(0x0b).set(hS);
  f.get(hS).simd(I16X8_SPLAT).set(hV);
  const block = (no: number, nt: number) => {
    const ap: number[] = [], np: number[] = [], mp: number[] = [];
    for (let j = 0; j < no; j++) ap.push(f.local(I32));
    for (let u = 0; u < nt; u++) {
      np.push(f.local(I32));
      mp.push(f.local(I32));
    }
    const grid = () => Array.from({ length: no }, () => Array.from({ length: nt }, () => f.local(V128)));
    const yac = grid(); // int32 lanes of y
    const iac = grid(); // int32 lanes of a chunk of v
    const vac = grid(); // float32 lanes of v
    const nv = Array.from({ length: nt }, () => f.local(V128));
    const mv = Array.from({ length: nt }, () => f.local(V128));
    const av = f.local(V128);
    const qv = f.local(V128);
    for (let j = 0; j < no; j++) f.get(ob).i32(j).add().get(aRow).mul().get(P.A).add().set(ap[j]);
    for (let u = 0; u < nt; u++) {
      f.get(tb).i32(u).add().get(aRow).mul().get(P.n).add().set(np[u]);
      f.get(tb).i32(u).add().get(aRow).mul().get(P.m).add().set(mp[u]);
    }
    const zero = () => f.simd(V_CONST, ...Array(16).fill(0));
    for (let j = 0; j < no; j++)
      for (let u = 0; u < nt; u++) {
        zero().set(yac[j][u]);
        zero().set(vac[j][u]);
      }
    /** One step of 8 inputs at ia: y lanes += dot(A, n); v: dot(q, m) into the int32 chunk or, per step, float32. */
    const step = (perStep: boolean) => {
      for (let u = 0; u < nt; u++) {
        f.get(np[u]).get(ia).add().simd(V_LOAD, 4, 0).set(nv[u]);
        f.get(mp[u]).get(ia).add().simd(V_LOAD, 4, 0).set(mv[u]);
      }
      for (let j = 0; j < no; j++) {
        f.get(ap[j]).get(ia).add().simd(V_LOAD, 4, 0).set(av);
        // (|A| + h) >> sh, logical: |A| + h may pass 32767 (|A| <= 32767, h <= 2^14)
        f.get(av).simd(I16X8_ABS).get(hV).simd(I16X8_ADD).get(P.sh).simd(I16X8_SHR_U).set(qv);
        for (let u = 0; u < nt; u++) {
          f.get(yac[j][u]).get(av).get(nv[u]).simd(I32X4_DOT_I16X8_S).simd(I32X4_ADD).set(yac[j][u]);
          if (perStep) f.get(vac[j][u]).get(qv).get(mv[u]).simd(I32X4_DOT_I16X8_S).simd(F32X4_CONVERT_I32X4_S).simd(F32X4_ADD).set(vac[j][u]);
          else f.get(iac[j][u]).get(qv).get(mv[u]).simd(I32X4_DOT_I16X8_S).simd(I32X4_ADD).set(iac[j][u]);
        }
      }
      f.inc(ia, 16);
    };
    chunkedSteps(f, ia, R8, chunk, iac.flat(), vac.flat(), step);
    // horizontal sums: y lanes as float64 (exact), v lanes in float32, (l0 + l1) + (l2 + l3)
    const ys: number[][] = [], vs: number[][] = [];
    for (let j = 0; j < no; j++) {
      ys.push([]);
      vs.push([]);
      for (let u = 0; u < nt; u++) {
        const a = yac[j][u];
        const lane = (k: number) => f.get(a).simd(I32X4_EXTRACT, k).op(0xb7);
        lane(0); lane(1); f.op(0xa0); lane(2); lane(3); f.op(0xa0).op(0xa0);
        const yl = f.local(F64);
        f.set(yl);
        ys[j].push(yl);
        const b = vac[j][u];
        f.get(b).simd(F32X4_EXTRACT, 0).get(b).simd(F32X4_EXTRACT, 1).op(0x92);
        f.get(b).simd(F32X4_EXTRACT, 2).get(b).simd(F32X4_EXTRACT, 3).op(0x92).op(0x92);
        const vl = f.local(F32);
        f.set(vl);
        vs[j].push(vl);
      }
    }
    // the scalar tail
    const ae = f.local(I32), qe = f.local(I32);
    f.op(0x02, 0x40).op(0x03, 0x40);
    f.get(ia).get(aRow).op(0x4f).op(0x0d, 1);
    for (let j = 0; j < no; j++) {
      f.get(ap[j]).get(ia).add().op(0x2e, 1, 0).set(ae); // i32.load16_s
      // (|a| + h) >> sh
      f.i32(0).get(ae).sub().get(ae).get(ae).i32(0).op(0x48).op(0x1b).get(hS).add().get(P.sh).op(0x76).set(qe);
      for (let u = 0; u < nt; u++) {
        f.get(ys[j][u]).get(ae).get(np[u]).get(ia).add().op(0x2e, 1, 0).mul().op(0xb7).op(0xa0).set(ys[j][u]);
        f.get(vs[j][u]).get(qe).get(mp[u]).get(ia).add().op(0x2e, 1, 0).mul().op(0xb2).op(0x92).set(vs[j][u]);
      }
    }
    f.inc(ia, 2).op(0x0c, 0);
    f.op(0x0b, 0x0b);
    for (let j = 0; j < no; j++)
      for (let u = 0; u < nt; u++) {
        const addr = (base: number) => f.get(tb).i32(u).add().get(P.C).mul().get(ob).add().i32(j).add().i32(4).mul().get(base).add();
        addr(P.y);
        f.get(ys[j][u]).get(ob).i32(j).add().i32(4).mul().get(P.sY).add().op(0x2a, 2, 0).op(0xbb).op(0xa2).op(0xb6).op(0x38, 2, 0);
        addr(P.v);
        f.get(vs[j][u]).get(ob).i32(j).add().i32(4).mul().get(P.sV).add().op(0x2a, 2, 0).op(0x94).op(0x38, 2, 0);
      }
  };
  blockedLoops(f, ob, tb, P, opts.NO, opts.NT, block);
  return f;
}

/** Function indices of round16 and normal_fill in the module (after the two imports, the first of ours). */
const ROUND16 = 2;
const NORMAL_FILL = 3;

/**
 * normal_jobs: normal_fill for jobs start, start + stride, ... below count of a list of int32 triples
 * (out, n, rng): each job draws n normals from its own xoshiro128** state into out. Lets worker threads fill the
 * draws of several tiles, each tile its own stream, at once. Params: jobs count start stride zig.
 */
function normalJobs(): Fn {
  const f = new Fn([I32, I32, I32, I32, I32]);
  const P = { jobs: 0, count: 1, start: 2, stride: 3, zig: 4 };
  const j = f.local(I32), a = f.local(I32);
  f.get(P.start).set(j);
  f.op(0x02, 0x40).op(0x03, 0x40);
  f.get(j).get(P.count).op(0x4e).op(0x0d, 1);
  f.get(j).i32(12).mul().get(P.jobs).add().set(a);
  f.get(a).op(0x28, 2, 0).get(a).op(0x28, 2, 4).get(a).op(0x28, 2, 8).get(P.zig).op(0x10, NORMAL_FILL);
  f.get(j).get(P.stride).add().set(j);
  f.op(0x0c, 0);
  f.op(0x0b, 0x0b);
  return f;
}

/**
 * round16(v, kind): v rounded to an accumulator format as src/numerics/analog/conversion.ts roundAcc does it:
 * first to float32 (round to nearest even), then kind 2: to IEEE binary16 (f32ToF16Bits: nearest even, subnormals,
 * overflow to infinity, NaN kept), kind 3: to bfloat16 (f32ToBf16Bits: nearest even, NaN quieted); the result
 * widened back exactly. Any other kind: to float32 only.
 */
function round16(): Fn {
  const f = new Fn([F64, I32], [F64]);
  const P = { v: 0, kind: 1 };
  const x = f.local(I32), sign = f.local(I32), ex = f.local(I32), mant = f.local(I32), e = f.local(I32), h = f.local(I32), m = f.local(I32), rem = f.local(I32), sh = f.local(I32), half = f.local(I32);
  const val = f.local(F64);
  f.get(P.v).op(0xb6).op(0xbc).set(x); // f32 bits of f32(v)
  f.get(P.kind).i32(2).op(0x46).op(0x04, 0x7c); // kind == 2: binary16
  // fast path, |f32(v)| in binary16's normal range (2^-14 <= |x| < 2^16, the f32 exponent field 113..142): round
  // the float32 significand to 10 bits, nearest even, on the bits; a carry past 65504 reaches the exponent field
  // 143, which is binary16's infinity
  f.get(x).i32(23).op(0x76).i32(0xff).op(0x71).i32(113).sub().i32(30).op(0x4d).op(0x04, 0x7c); // (ex - 113) <=u 29
  f.get(x).i32(0xfff).add().get(x).i32(13).op(0x76).i32(1).op(0x71).add().i32(-8192).op(0x71).set(h);
  f.get(h).i32(23).op(0x76).i32(0xff).op(0x71).i32(143).op(0x4e).op(0x04, 0x7c); // overflow: +-infinity
  f.op(0x44, ...f64Bytes(-Infinity)).op(0x44, ...f64Bytes(Infinity)).get(h).i32(0).op(0x48).op(0x1b); // h < 0 ? -Inf : Inf
  f.op(0x05);
  f.get(h).op(0xbe).op(0xbb);
  f.op(0x0b);
  f.op(0x05);
  {
    f.get(x).i32(16).op(0x76).i32(0x8000).op(0x71).set(sign);
    f.get(x).i32(23).op(0x76).i32(0xff).op(0x71).set(ex);
    f.get(x).i32(0x7fffff).op(0x71).set(mant);
    f.get(ex).i32(0xff).op(0x46).op(0x04, 0x40); // Inf / NaN
    f.get(sign).i32(0x7c00).op(0x72).i32(0x200).i32(0).get(mant).op(0x1b).op(0x72).set(h);
    f.op(0x05);
    f.get(ex).i32(112).sub().set(e);
    f.get(e).i32(31).op(0x4e).op(0x04, 0x40); // e >= 31: infinity
    f.get(sign).i32(0x7c00).op(0x72).set(h);
    f.op(0x05);
    f.get(e).i32(0).op(0x4c).op(0x04, 0x40); // e <= 0: subnormal or zero
    f.get(e).i32(-10).op(0x48).op(0x04, 0x40); // e < -10: zero
    f.get(sign).set(h);
    f.op(0x05);
    f.get(mant).i32(0x800000).op(0x72).set(mant);
    f.i32(14).get(e).sub().set(sh);
    f.i32(1).get(sh).i32(1).sub().shl().set(half);
    f.get(mant).get(sh).op(0x76).set(m);
    f.get(mant).i32(1).get(sh).shl().i32(1).sub().op(0x71).set(rem);
    f.get(m).get(rem).get(half).op(0x4b).get(rem).get(half).op(0x46).get(m).i32(1).op(0x71).op(0x71).op(0x72).add().set(m);
    f.get(sign).get(m).op(0x72).set(h);
    f.op(0x0b);
    f.op(0x05); // normal
    f.get(mant).i32(13).op(0x76).set(m);
    f.get(mant).i32(0x1fff).op(0x71).set(rem);
    f.get(sign).get(e).i32(10).shl().op(0x72).get(m).op(0x72).set(h);
    f.get(h).get(rem).i32(0x1000).op(0x4b).get(rem).i32(0x1000).op(0x46).get(m).i32(1).op(0x71).op(0x71).op(0x72).add().set(h);
    f.op(0x0b);
    f.op(0x0b);
    f.op(0x0b);
    // back to a value (exact, as f16BitsToF32): subnormal +-m 2^-24, infinity / NaN, else the float32 of the same fields
    f.get(h).i32(10).op(0x76).i32(0x1f).op(0x71).set(e);
    f.get(h).i32(0x3ff).op(0x71).set(m);
    f.get(e).op(0x45).op(0x04, 0x40);
    f.get(m).op(0xb7).op(0x44, ...f64Bytes(2 ** -24)).op(0xa2).set(val);
    f.op(0x05);
    f.get(e).i32(31).op(0x46).op(0x04, 0x40);
    f.op(0x44, ...f64Bytes(Infinity)).op(0x44, ...f64Bytes(NaN)).get(m).op(0x45).op(0x1b).set(val); // m == 0 ? Inf : NaN
    f.op(0x05);
    f.get(e).i32(112).add().i32(23).shl().get(m).i32(13).shl().op(0x72).op(0xbe).op(0xbb).set(val);
    f.op(0x0b);
    f.op(0x0b);
    f.get(val).op(0x9a).get(val).get(h).i32(0x8000).op(0x71).op(0x1b); // negative sign: -val
  }
  f.op(0x0b); // end of the fast path's if
  f.op(0x05);
  f.get(P.kind).i32(3).op(0x46).op(0x04, 0x7c); // kind == 3: bfloat16
  f.get(x).i32(0x7f800000).op(0x71).i32(0x7f800000).op(0x46).get(x).i32(0x7fffff).op(0x71).i32(0).op(0x47).op(0x71).op(0x04, 0x7f); // NaN
  f.get(x).i32(16).op(0x76).i32(0x40).op(0x72).i32(0xffff).op(0x71);
  f.op(0x05);
  f.get(x).i32(0x7fff).add().get(x).i32(16).op(0x76).i32(1).op(0x71).add().i32(16).op(0x76).i32(0xffff).op(0x71);
  f.op(0x0b);
  f.i32(16).shl().op(0xbe).op(0xbb);
  f.op(0x05);
  f.get(x).op(0xbe).op(0xbb); // float32
  f.op(0x0b);
  f.op(0x0b);
  return f;
}

/** v128 constant bytes of two int64 lanes, each (hi << 32) | lo. */
function i64x2Bytes(lo: number, hi: number): number[] {
  const b: number[] = [];
  for (let k = 0; k < 2; k++) b.push(lo & 0xff, (lo >>> 8) & 0xff, (lo >>> 16) & 0xff, (lo >>> 24) & 0xff, hi & 0xff, (hi >>> 8) & 0xff, (hi >>> 16) & 0xff, (hi >>> 24) & 0xff);
  return b;
}

/**
 * Emit dst = round half away from zero of both lanes of the f64x2 local p, as Math.round of |p| with p's sign:
 * sign(p) (floor(|p|) + (|p| - floor(|p|) >= 0.5)), branch-free; a and u are scratch locals; half, one, mag and sign
 * hold 0.5, 1.0, the magnitude mask and the sign mask (the adc_epi and dac_pwm pairs).
 */
function emitRoundAway2(f: Fn, p: number, dst: number, a: number, u: number, half: number, one: number, mag: number, sign: number): void {
  f.get(p).simd(F64X2_ABS).set(a);
  f.get(a).simd(F64X2_FLOOR).set(u);
  f.get(u).get(a).get(u).simd(F64X2_SUB).get(half).simd(F64X2_GE).get(one).simd(V_AND).simd(F64X2_ADD); // u + (|p| - u >= 0.5)
  f.get(mag).simd(V_AND).get(p).get(sign).simd(V_AND).simd(V_OR).set(dst); // copysign
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
 * normal_fill: out[j] (float64) = the next n standard normals of a layer's xoshiro128** stream, in order, by the
 * ziggurat of src/numerics/noise/gaussian.ts (its tables at `zig`; Math.log / Math.exp imported for the rare slow
 * path), with the same integer and float64 arithmetic as fillNormal there, so the draws are bit-identical to it.
 * Params: out n rng zig (i32); rng: 4 int32 of state, read and written back.
 */
function normalFill(): Fn {
  const f = new Fn([I32, I32, I32, I32]);
  const P = { out: 0, n: 1, rng: 2, zig: 3 };
  const [a, b, c, d] = [f.local(I32), f.local(I32), f.local(I32), f.local(I32)];
  const j = f.local(I32), end = f.local(I32);
  const hz = f.local(I32), iz = f.local(I32), r = f.local(I32), tt = f.local(I32), cc = f.local(I32), dd = f.local(I32);
  const z = f.local(F64), x = f.local(F64), yy = f.local(F64);
  const ZR = 3.442619855899; // gaussian.ts R, the start of the tail
  f.get(P.rng); f.ld32(0); f.set(a);
  f.get(P.rng); f.ld32(4); f.set(b);
  f.get(P.rng); f.ld32(8); f.set(c);
  f.get(P.rng); f.ld32(12); f.set(d);
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
    f.f64(0.5).op(0xa0);
    f.f64(4294967296).op(0xa3);
  };
  /** |hz| as an unsigned i32 below KN[iz]? (hz = -2^31 gives 2^31, never below: as in JavaScript.) */
  const fastTest = () => {
    f.i32(0).get(hz).sub().get(hz).get(hz).i32(0).op(0x48).op(0x1b); // select(-hz, hz, hz < 0)
    f.get(iz).i32(2).shl().get(P.zig).add(); f.ld32(ZIG_KN);
    f.op(0x49); // i32.lt_u
  };
  const wn = () => f.get(iz).i32(3).shl().get(P.zig).add().op(0x2b, 3, ...uleb(ZIG_WN)); // WN[iz]
  const fn = (delta: number) => f.get(iz).i32(3).shl().get(P.zig).add().op(0x2b, 3, ...uleb(ZIG_FN + 8 * delta)); // FN[iz + delta]
  f.get(P.out).set(j);
  f.get(P.n).i32(3).shl().get(P.out).add().set(end);
  f.op(0x02, 0x40).op(0x03, 0x40); // block $out, loop $each
  f.get(j).get(end).op(0x4f).op(0x0d, 1); // j >= end -> out
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
  uniform(); f.op(0x10, 0).op(0x9a); f.f64(ZR).op(0xa3).set(x); // x = -log(u) / R
  uniform(); f.op(0x10, 0).op(0x9a).set(yy); // y = -log(u)
  f.get(yy).get(yy).op(0xa0).get(x).get(x).op(0xa2).op(0x63).op(0x0d, 0); // while (y + y < x * x)
  f.op(0x0b);
  f.f64(ZR).get(x).op(0xa0); f.f64(-ZR).get(x).op(0xa1); f.get(hz).i32(0).op(0x4a).op(0x1b).set(z); // hz > 0 ? R + x : -R - x
  f.op(0x0c, 2); // br $done (labels from inside this if: 0 if, 1 loop $L, 2 block $done)
  f.op(0x0b); // end if
  f.get(hz).op(0xb7); wn(); f.op(0xa2).set(x);
  fn(0); uniform(); fn(-1); fn(0).op(0xa1).op(0xa2).op(0xa0); // FN[iz] + u * (FN[iz-1] - FN[iz])
  f.f64(-0.5).get(x).op(0xa2).get(x).op(0xa2).op(0x10, 1); // exp(-0.5 * x * x)
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
  f.get(j).get(z).op(0x39, 3, 0); // f64.store
  f.inc(j, 8).op(0x0c, 0);
  f.op(0x0b, 0x0b);
  f.get(P.rng).get(a); f.st32(0);
  f.get(P.rng).get(b); f.st32(4);
  f.get(P.rng).get(c); f.st32(8);
  f.get(P.rng).get(d); f.st32(12);
  return f;
}

/**
 * add_noise: Z[j] = Y[j] + sqrt(wn2 * V[j] + so2) * Z[j] for j < n, in float64 (Y, V float32 widened; V = 0: no
 * w_noise, v = 0), two lanes at a time (f64x2: IEEE operations per lane, so bit-identical to the scalar
 * expression of the JavaScript epilogue). Z holds the standard normals of normal_fill and receives the noisy
 * outputs. Params: Y V Z n (i32), wn2 so2 (f64).
 */
function addNoise(): Fn {
  const f = new Fn([I32, I32, I32, I32, F64, F64]);
  const P = { Y: 0, V: 1, Z: 2, n: 3, wn2: 4, so2: 5 };
  const j = f.local(I32), n2 = f.local(I32);
  const w2 = f.local(V128), s2 = f.local(V128), v = f.local(V128);
  f.get(P.wn2).simd(F64X2_SPLAT).set(w2);
  f.get(P.so2).simd(F64X2_SPLAT).set(s2);
  f.get(P.n).i32(-2).op(0x71).set(n2);
  f.i32(0).set(j);
  const body = (pairs: boolean) => {
    // v
    if (pairs) {
      f.get(P.V).op(0x04, 0x7b);
      f.get(j).i32(2).shl().get(P.V).add().simd(V_LOAD64_ZERO, 3, 0).simd(F64X2_PROMOTE_LOW_F32X4);
      f.op(0x05).simd(V_CONST, ...Array(16).fill(0)).op(0x0b).set(v);
      f.get(j).i32(3).shl().get(P.Z).add(); // store address
      f.get(j).i32(2).shl().get(P.Y).add().simd(V_LOAD64_ZERO, 3, 0).simd(F64X2_PROMOTE_LOW_F32X4);
      f.get(w2).get(v).simd(F64X2_MUL).get(s2).simd(F64X2_ADD).simd(F64X2_SQRT);
      f.get(j).i32(3).shl().get(P.Z).add().simd(V_LOAD, 3, 0).simd(F64X2_MUL).simd(F64X2_ADD);
      f.simd(V_STORE, 3, 0);
    } else {
      f.get(j).i32(3).shl().get(P.Z).add(); // store address
      f.get(j).i32(2).shl().get(P.Y).add().op(0x2a, 2, 0).op(0xbb);
      f.get(P.wn2);
      f.get(P.V).op(0x04, 0x7c).get(j).i32(2).shl().get(P.V).add().op(0x2a, 2, 0).op(0xbb).op(0x05).op(0x44, ...f64Bytes(0)).op(0x0b);
      f.op(0xa2).get(P.so2).op(0xa0).op(0x9f);
      f.get(j).i32(3).shl().get(P.Z).add().op(0x2b, 3, 0).op(0xa2).op(0xa0);
      f.op(0x39, 3, 0);
    }
  };
  f.op(0x02, 0x40).op(0x03, 0x40);
  f.get(j).get(n2).op(0x4f).op(0x0d, 1);
  body(true);
  f.inc(j, 2).op(0x0c, 0);
  f.op(0x0b, 0x0b);
  f.get(j).get(P.n).op(0x49).op(0x04, 0x40); // an odd last one
  body(false);
  f.op(0x0b);
  return f;
}

/**
 * Emit dst = round16(src, kind) for both lanes of the f64x2 local src (kind: an i32 local or param, 1 float32,
 * 2 binary16, 3 bfloat16): float32 by demote and promote; binary16 and bfloat16 on the float32 bits when both
 * lanes are in round16's fast range (binary16: normal, no overflow; bfloat16: not NaN), else lane by lane through
 * round16 — the same values as round16 in every case.
 */
function emitRound2(f: Fn, src: number, dst: number, kind: number): void {
  const bits = f.local(V128), r = f.local(V128);
  const splat = (n: number) => f.i32(n).simd(I32X4_SPLAT);
  const slow = () => {
    f.get(src);
    for (let k = 0; k < 2; k++) f.get(src).simd(F64X2_EXTRACT, k).get(kind).op(0x10, ROUND16).simd(F64X2_REPLACE, k);
    f.set(dst);
  };
  f.get(src).simd(F32X4_DEMOTE_F64X2_ZERO).set(bits);
  f.get(kind).i32(2).op(0x46).op(0x04, 0x40); // binary16
  // both lanes' exponent fields in 113..142: (ex - 113) <=u 29
  f.get(bits).i32(23).simd(I32X4_SHR_U);
  splat(0xff).simd(V_AND);
  splat(113).simd(I32X4_SUB);
  splat(29).simd(I32X4_LE_U).simd(I32X4_BITMASK).i32(3).op(0x71).i32(3).op(0x46);
  f.op(0x04, 0x40);
  f.get(bits);
  splat(0xfff).simd(I32X4_ADD).get(bits).i32(13).simd(I32X4_SHR_U);
  splat(1).simd(V_AND).simd(I32X4_ADD);
  splat(-8192).simd(V_AND).set(r);
  // a carry past 65504 (exponent field 143): infinity, through round16
  f.get(r).i32(23).simd(I32X4_SHR_U);
  splat(0xff).simd(V_AND);
  splat(143).simd(I32X4_GE_U).simd(I32X4_BITMASK).i32(3).op(0x71).op(0x45);
  f.op(0x04, 0x40);
  f.get(r).simd(F64X2_PROMOTE_LOW_F32X4).set(dst);
  f.op(0x05);
  slow();
  f.op(0x0b);
  f.op(0x05);
  slow();
  f.op(0x0b);
  f.op(0x05);
  f.get(kind).i32(3).op(0x46).op(0x04, 0x40); // bfloat16
  // no NaN lane: (bits & 0x7f800000) != 0x7f800000 or (bits & 0x7fffff) == 0
  f.get(bits);
  splat(0x7f800000).simd(V_AND);
  splat(0x7f800000).simd(I32X4_EQ).get(bits);
  splat(0x7fffff).simd(V_AND);
  splat(0).simd(I32X4_NE).simd(V_AND).simd(I32X4_BITMASK).i32(3).op(0x71).op(0x45);
  f.op(0x04, 0x40);
  f.get(bits);
  splat(0x7fff).simd(I32X4_ADD).get(bits).i32(16).simd(I32X4_SHR_U);
  splat(1).simd(V_AND).simd(I32X4_ADD);
  splat(-65536).simd(V_AND);
  f.simd(F64X2_PROMOTE_LOW_F32X4).set(dst);
  f.op(0x05);
  slow();
  f.op(0x0b);
  f.op(0x05);
  f.get(bits).simd(F64X2_PROMOTE_LOW_F32X4).set(dst); // float32
  f.op(0x0b);
  f.op(0x0b);
}

/**
 * adc_epi: the ADC side of one tile conversion for every token, in the order of the JavaScript epilogue of
 * src/numerics/analog/backend.ts and with the same float64 arithmetic, so the results are bit-identical to it:
 *   per token t, per output o:  y = Yd[t, o] (the noisy outputs of add_noise) when Yd != 0, else Y[t, o];
 *   code = clip at +-bound to +-levels, else round half away from zero of y * invStep; hist[code + halfBins] += 1
 *   (when hist != 0); acc[t, o] += code * cw, then accKind 0: saturate at +-lim; 1, 2, 3: rounded to float32,
 *   binary16, bfloat16 (round16) when |acc| > lim (outputs in f64x2 pairs for accKind 0 and 1).
 * Params: Y Yd T K acc accStride hist halfBins accKind (i32), bound invStep levels cw lim (f64). Y float32
 * [T x K]; Yd float64 [T x K]; acc float64 rows of accStride bytes. Returns the number of clipped conversions.
 */
function adcEpilogue(): Fn {
  const f = new Fn([I32, I32, I32, I32, I32, I32, I32, I32, I32, F64, F64, F64, F64, F64], [I32]);
  const P = { Y: 0, Yd: 1, T: 2, K: 3, acc: 4, accStride: 5, hist: 6, halfBins: 7, accKind: 8, bound: 9, invStep: 10, levels: 11, cw: 12, lim: 13 };
  const t = f.local(I32), o = f.local(I32), clip = f.local(I32);
  const yRow = f.local(I32), zRow = f.local(I32), aRow = f.local(I32), hz = f.local(I32);
  const y = f.local(F64), yy = f.local(F64), u = f.local(F64), code = f.local(F64), acc = f.local(F64);
  const v2 = () => f.local(V128);
  const [y2, yy2, a2, u2, c2, m2, ac2, rd2] = [v2(), v2(), v2(), v2(), v2(), v2(), v2(), v2()];
  const [half2, one2, sign2, mag2, inv2, bnd2, nbnd2, lev2, nlev2, cw2, lim2, nlim2] = [v2(), v2(), v2(), v2(), v2(), v2(), v2(), v2(), v2(), v2(), v2(), v2()];
  f.f64(0.5).simd(F64X2_SPLAT).set(half2);
  f.f64(1).simd(F64X2_SPLAT).set(one2);
  f.simd(V_CONST, ...i64x2Bytes(0, 0x80000000)).set(sign2);
  f.simd(V_CONST, ...i64x2Bytes(0xffffffff, 0x7fffffff)).set(mag2);
  f.get(P.invStep).simd(F64X2_SPLAT).set(inv2);
  f.get(P.bound).simd(F64X2_SPLAT).set(bnd2);
  f.get(P.bound).op(0x9a).simd(F64X2_SPLAT).set(nbnd2);
  f.get(P.levels).simd(F64X2_SPLAT).set(lev2);
  f.get(P.levels).op(0x9a).simd(F64X2_SPLAT).set(nlev2);
  f.get(P.cw).simd(F64X2_SPLAT).set(cw2);
  f.get(P.lim).simd(F64X2_SPLAT).set(lim2);
  f.get(P.lim).op(0x9a).simd(F64X2_SPLAT).set(nlim2);
  /** Outputs o and o + 1 of row t. */
  const pair = () => {
    f.get(P.Yd).op(0x04, 0x7b);
    f.get(o).i32(3).shl().get(zRow).add().simd(V_LOAD, 3, 0);
    f.op(0x05);
    f.get(o).i32(2).shl().get(yRow).add().simd(V_LOAD64_ZERO, 3, 0).simd(F64X2_PROMOTE_LOW_F32X4);
    f.op(0x0b).set(y2);
    f.get(y2).get(inv2).simd(F64X2_MUL).set(yy2);
    emitRoundAway2(f, yy2, c2, a2, u2, half2, one2, mag2, sign2);
    f.get(lev2).get(c2).get(y2).get(bnd2).simd(F64X2_GT).simd(V_BITSELECT).set(c2);
    f.get(nlev2).get(c2).get(y2).get(nbnd2).simd(F64X2_LT).simd(V_BITSELECT).set(c2);
    f.get(clip).get(y2).get(bnd2).simd(F64X2_GT).get(y2).get(nbnd2).simd(F64X2_LT).simd(V_OR).simd(I64X2_BITMASK).op(0x69).add().set(clip);
    f.get(P.hist).op(0x04, 0x40);
    for (let k = 0; k < 2; k++) {
      f.get(c2).simd(F64X2_EXTRACT, k).set(code);
      f.get(code).get(code).op(0x61).op(0x04, 0x40); // code == code
      f.get(code).op(0xaa).get(P.halfBins).add().i32(2).shl().get(P.hist).add().set(hz);
      f.get(hz).get(hz); f.ld32(0); f.i32(1).add(); f.st32(0);
      f.op(0x0b);
    }
    f.op(0x0b);
    f.get(o).i32(3).shl().get(aRow).add().simd(V_LOAD, 3, 0).get(c2).get(cw2).simd(F64X2_MUL).simd(F64X2_ADD).set(ac2);
    f.get(P.accKind).op(0x45).op(0x04, 0x40);
    // integer accumulator: saturate at +-lim (the comparisons on the sum before saturation, as the scalar loop)
    f.get(ac2).get(nlim2).simd(F64X2_LT).set(m2);
    f.get(lim2).get(nlim2).get(ac2).get(m2).simd(V_BITSELECT).get(ac2).get(lim2).simd(F64X2_GT).simd(V_BITSELECT).set(ac2);
    f.op(0x05);
    // float accumulator: rounded to its format where |acc| > lim
    emitRound2(f, ac2, rd2, P.accKind);
    f.get(rd2).get(ac2);
    f.get(ac2).get(lim2).simd(F64X2_GT).get(ac2).get(nlim2).simd(F64X2_LT).simd(V_OR).simd(V_BITSELECT).set(ac2);
    f.op(0x0b);
    f.get(o).i32(3).shl().get(aRow).add().get(ac2).simd(V_STORE, 3, 0);
  };
  f.i32(0).set(clip);
  f.i32(0).set(t);
  f.op(0x02, 0x40).op(0x03, 0x40);
  f.get(t).get(P.T).op(0x4e).op(0x0d, 1); // t >= T -> out
  f.get(t).get(P.K).mul().i32(4).mul().set(yRow);
  f.get(yRow).get(P.Y).add().set(yRow);
  f.get(t).get(P.K).mul().i32(8).mul().get(P.Yd).add().set(zRow);
  f.get(t).get(P.accStride).mul().get(P.acc).add().set(aRow);
  f.i32(0).set(o);
  // pairs of outputs in f64x2 lanes (the same IEEE operations per lane as the scalar loop below)
  f.op(0x02, 0x40).op(0x03, 0x40);
  f.get(o).i32(2).add().get(P.K).op(0x4a).op(0x0d, 1); // o + 2 > K -> out
  pair();
  f.inc(o, 2).op(0x0c, 0);
  f.op(0x0b, 0x0b);
  // the last output of an odd row
  f.op(0x02, 0x40).op(0x03, 0x40);
  f.get(o).get(P.K).op(0x4e).op(0x0d, 1);
  f.get(P.Yd).op(0x04, 0x7c);
  f.get(o).i32(3).shl().get(zRow).add().op(0x2b, 3, 0); // Yd[t, o]
  f.op(0x05);
  f.get(o).i32(2).shl().get(yRow).add().op(0x2a, 2, 0).op(0xbb); // Y[t, o]
  f.op(0x0b).set(y);
  // ADC, branch-free (the sign of y * invStep is random: a branch on it mispredicts half the time). Round half away
  // from zero as the JavaScript epilogue: sign(p) * (floor(|p|) + (|p| - floor(|p|) >= 0.5)), then the clips.
  f.get(y).get(P.invStep).op(0xa2).set(yy);
  f.get(yy).op(0x99).set(acc); // |p| (acc is free until the accumulation)
  f.get(acc).op(0x9c).set(u); // floor
  // u + (|p| - u >= 0.5) with the comparison widened (not a select: V8 may lower a float select to a branch)
  f.get(u).get(acc).get(u).op(0xa1); f.f64(0.5).op(0x66).op(0xb8).op(0xa0);
  f.get(yy).op(0xa6).set(code); // copysign
  f.get(P.levels).get(code).get(y).get(P.bound).op(0x64).op(0x1b).set(code); // y > bound: levels
  f.get(P.levels).op(0x9a).get(code).get(y).get(P.bound).op(0x9a).op(0x63).op(0x1b).set(code); // y < -bound: -levels
  f.get(clip).get(y).get(P.bound).op(0x64).add().get(y).get(P.bound).op(0x9a).op(0x63).add().set(clip);
  // histogram (codes are finite integers unless y was NaN)
  f.get(P.hist).i32(0).op(0x47).get(code).get(code).op(0x61).op(0x71).op(0x04, 0x40); // hist != 0 && code == code
  f.get(code).op(0xaa).get(P.halfBins).add().i32(2).shl().get(P.hist).add().set(hz);
  f.get(hz).get(hz); f.ld32(0); f.i32(1).add(); f.st32(0);
  f.op(0x0b);
  // accumulate
  f.get(o).i32(3).shl().get(aRow).add().op(0x2b, 3, 0).get(code).get(P.cw).op(0xa2).op(0xa0).set(acc);
  f.get(P.accKind).op(0x45).op(0x04, 0x40);
  f.get(P.lim).get(P.lim).op(0x9a).get(acc).get(acc).get(P.lim).op(0x9a).op(0x63).op(0x1b).get(acc).get(P.lim).op(0x64).op(0x1b).set(acc);
  f.op(0x05);
  f.get(acc).get(P.lim).op(0x64).get(acc).get(P.lim).op(0x9a).op(0x63).op(0x72).op(0x04, 0x40); // i32.or
  f.get(acc).get(P.accKind).op(0x10, ROUND16).set(acc); // float32 (1), binary16 (2), bfloat16 (3)
  f.op(0x0b);
  f.op(0x0b);
  f.get(o).i32(3).shl().get(aRow).add().get(acc).op(0x39, 3, 0);
  f.inc(o, 1).op(0x0c, 0);
  f.op(0x0b, 0x0b);
  f.inc(t, 1).op(0x0c, 0);
  f.op(0x0b, 0x0b);
  f.get(clip);
  return f;
}

/**
 * dac_pwm: the DAC of a one-phase (PWM / current-steering) input of L levels for T tokens of one row tile, in
 * the float64 arithmetic of the JavaScript DAC loop of src/numerics/analog/backend.ts (so the codes, ranges and
 * sums are bit-identical to it):
 *   range[t] = max_i |x[t, i]| when absMax (NaN inputs ignored, as `a > range` does), else read from range[t];
 *   range 0: every code 0; else v = x * (1 / range) clipped to [-1, 1], c = round half away from zero of v * L;
 *   n[t*R + i] = c (int16; NaN: 0), m[t*R + i] = c^2 (when m != 0), sumX[t] = sum_i c / L in order (when
 *   sumX != 0); cnt (when != 0): int32 [clipped, nonzero codes, sum |c|] added to; hist (when != 0): int32
 *   counts by |c|.
 * Params: x xStride R T n m range absMax sumX cnt hist (i32), L (f64). x: float32 rows of xStride bytes (the row
 * tile's first input); n, m: int16 [T x R]; range, sumX: float64 [T].
 */
function dacPwm(): Fn {
  const f = new Fn([I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, F64]);
  const P = { x: 0, xStride: 1, R: 2, T: 3, n: 4, m: 5, range: 6, absMax: 7, sumX: 8, cnt: 9, hist: 10, L: 11 };
  const t = f.local(I32), i = f.local(I32), xr = f.local(I32), nr = f.local(I32), mr = f.local(I32), R4 = f.local(I32);
  const clip = f.local(I32), nz = f.local(I32), cabs = f.local(I32), ci = f.local(I32), hz = f.local(I32);
  const rng = f.local(F64), inv = f.local(F64), sx = f.local(F64), v = f.local(F64), a = f.local(F64), u = f.local(F64), c = f.local(F64);
  const mx = f.local(V128);
  const vl = () => f.local(V128);
  const [inv2, L2, one2, none2, half2, sign2, mag2, v2, p2, a2, u2, c2, ci2, cabs2] = [vl(), vl(), vl(), vl(), vl(), vl(), vl(), vl(), vl(), vl(), vl(), vl(), vl(), vl()];
  f.get(P.L).simd(F64X2_SPLAT).set(L2);
  f.f64(1).simd(F64X2_SPLAT).set(one2);
  f.f64(-1).simd(F64X2_SPLAT).set(none2);
  f.f64(0.5).simd(F64X2_SPLAT).set(half2);
  f.simd(V_CONST, ...i64x2Bytes(0, 0x80000000)).set(sign2);
  f.simd(V_CONST, ...i64x2Bytes(0xffffffff, 0x7fffffff)).set(mag2);
  f.simd(V_CONST, ...Array(16).fill(0)).set(cabs2);
  f.get(P.R).i32(-4).op(0x71).set(R4);
  f.i32(0).set(clip).i32(0).set(nz).i32(0).set(cabs);
  f.i32(0).set(t);
  f.op(0x02, 0x40).op(0x03, 0x40);
  f.get(t).get(P.T).op(0x4e).op(0x0d, 1);
  f.get(t).get(P.xStride).mul().get(P.x).add().set(xr);
  f.get(t).get(P.R).mul().i32(1).shl().get(P.n).add().set(nr);
  f.get(t).get(P.R).mul().i32(1).shl().get(P.m).add().set(mr);
  // the range
  f.get(P.absMax).op(0x04, 0x40);
  f.simd(V_CONST, ...Array(16).fill(0)).set(mx);
  f.i32(0).set(i);
  f.op(0x02, 0x40).op(0x03, 0x40);
  f.get(i).get(R4).op(0x4e).op(0x0d, 1);
  // pmax(acc, |x|) = acc < |x| ? |x| : acc: a NaN |x| leaves acc
  f.get(mx).get(i).i32(2).shl().get(xr).add().simd(V_LOAD, 2, 0).simd(F32X4_ABS).simd(F32X4_PMAX).set(mx);
  f.inc(i, 4).op(0x0c, 0);
  f.op(0x0b, 0x0b);
  f.get(mx).simd(F32X4_EXTRACT, 0).op(0xbb).set(rng);
  for (let k = 1; k < 4; k++) {
    f.get(mx).simd(F32X4_EXTRACT, k).op(0xbb).set(a);
    f.get(a).get(rng).get(a).get(rng).op(0x64).op(0x1b).set(rng); // a > rng ? a : rng
  }
  f.op(0x02, 0x40).op(0x03, 0x40);
  f.get(i).get(P.R).op(0x4e).op(0x0d, 1);
  f.get(i).i32(2).shl().get(xr).add().op(0x2a, 2, 0).op(0xbb).op(0x99).set(a);
  f.get(a).get(rng).get(a).get(rng).op(0x64).op(0x1b).set(rng);
  f.inc(i, 1).op(0x0c, 0);
  f.op(0x0b, 0x0b);
  f.get(t).i32(3).shl().get(P.range).add().get(rng).op(0x39, 3, 0);
  f.op(0x05);
  f.get(t).i32(3).shl().get(P.range).add().op(0x2b, 3, 0).set(rng);
  f.op(0x0b);
  f.f64(0).set(sx);
  f.get(rng).op(0x44, ...f64Bytes(0)).op(0x61).op(0x04, 0x40); // range == 0: every code 0
  f.i32(0).set(i);
  f.op(0x02, 0x40).op(0x03, 0x40);
  f.get(i).get(P.R).op(0x4e).op(0x0d, 1);
  f.get(i).i32(1).shl().get(nr).add().i32(0).op(0x3b, 1, 0); // i32.store16
  f.get(P.m).op(0x04, 0x40).get(i).i32(1).shl().get(mr).add().i32(0).op(0x3b, 1, 0).op(0x0b);
  f.inc(i, 1).op(0x0c, 0);
  f.op(0x0b, 0x0b);
  f.op(0x05);
  f.f64(1).get(rng).op(0xa3).set(inv);
  f.i32(0).set(i);
  // pairs in f64x2 lanes: the same IEEE operations per lane as the scalar loop below
  f.get(inv).simd(F64X2_SPLAT).set(inv2);
  f.op(0x02, 0x40).op(0x03, 0x40);
  f.get(i).i32(2).add().get(P.R).op(0x4a).op(0x0d, 1); // i + 2 > R -> out
  f.get(i).i32(2).shl().get(xr).add().simd(V_LOAD64_ZERO, 2, 0).simd(F64X2_PROMOTE_LOW_F32X4).get(inv2).simd(F64X2_MUL).set(v2);
  f.get(clip).get(v2).get(one2).simd(F64X2_GT).get(v2).get(none2).simd(F64X2_LT).simd(V_OR).simd(I64X2_BITMASK).op(0x69).add().set(clip);
  f.get(v2).get(one2).simd(F64X2_PMIN).get(none2).simd(F64X2_PMAX).get(L2).simd(F64X2_MUL).set(p2); // clipped (NaN kept), times L
  emitRoundAway2(f, p2, c2, a2, u2, half2, one2, mag2, sign2);
  f.get(c2).simd(I32X4_TRUNC_SAT_F64X2_S_ZERO).set(ci2);
  f.get(i).i32(1).shl().get(nr).add().get(ci2).get(ci2).simd(I16X8_NARROW_I32X4_S).simd(V_STORE32_LANE, 1, 0, 0);
  f.get(P.m).op(0x04, 0x40);
  f.get(ci2).get(ci2).simd(I32X4_MUL).set(a2);
  f.get(i).i32(1).shl().get(mr).add().get(a2).get(a2).simd(I16X8_NARROW_I32X4_U).simd(V_STORE32_LANE, 1, 0, 0);
  f.op(0x0b);
  f.get(P.cnt).op(0x04, 0x40);
  f.get(nz).get(c2).simd(V_CONST, ...Array(16).fill(0)).simd(F64X2_NE).simd(I64X2_BITMASK).op(0x69).add().set(nz);
  f.get(ci2).simd(I32X4_ABS).set(ci2);
  f.get(cabs2).get(ci2).simd(I32X4_ADD).set(cabs2);
  f.get(P.hist).op(0x04, 0x40);
  for (let k = 0; k < 2; k++) {
    f.get(ci2).simd(I32X4_EXTRACT, k).i32(2).shl().get(P.hist).add().set(hz);
    f.get(hz).get(hz); f.ld32(0); f.i32(1).add(); f.st32(0);
  }
  f.op(0x0b);
  f.op(0x0b);
  f.inc(i, 2).op(0x0c, 0);
  f.op(0x0b, 0x0b);
  f.op(0x02, 0x40).op(0x03, 0x40);
  f.get(i).get(P.R).op(0x4e).op(0x0d, 1);
  f.get(i).i32(2).shl().get(xr).add().op(0x2a, 2, 0).op(0xbb).get(inv).op(0xa2).set(v);
  // clip (rare: predictable branches)
  f.get(v); f.f64(1).op(0x64).op(0x04, 0x40); f.f64(1).set(v).inc(clip, 1);
  f.op(0x05);
  f.get(v); f.f64(-1).op(0x63).op(0x04, 0x40); f.f64(-1).set(v).inc(clip, 1).op(0x0b);
  f.op(0x0b);
  // c = sign(p) (floor(|p|) + (|p| - floor(|p|) >= 0.5)), p = v L; branch-free
  f.get(v).get(P.L).op(0xa2).set(c);
  f.get(c).op(0x99).set(a);
  f.get(a).op(0x9c).set(u);
  f.get(u).get(a).get(u).op(0xa1); f.f64(0.5).op(0x66).op(0xb8).op(0xa0);
  f.get(c).op(0xa6).set(c);
  f.get(c).op(0xfc, 0x02).set(ci); // i32.trunc_sat_f64_s (NaN: 0)
  f.get(i).i32(1).shl().get(nr).add().get(ci).op(0x3b, 1, 0);
  f.get(P.m).op(0x04, 0x40).get(i).i32(1).shl().get(mr).add().get(ci).get(ci).mul().op(0x3b, 1, 0).op(0x0b);
  f.get(P.cnt).op(0x04, 0x40);
  f.get(nz).get(c); f.f64(0).op(0x62).add().set(nz); // c != 0
  f.get(ci).i32(31).op(0x75).set(hz); // |ci| = (ci ^ s) - s
  f.get(ci).get(hz).op(0x73).get(hz).sub().set(hz);
  f.get(cabs).get(hz).add().set(cabs);
  f.get(P.hist).op(0x04, 0x40);
  f.get(hz).i32(2).shl().get(P.hist).add().set(hz);
  f.get(hz).get(hz); f.ld32(0); f.i32(1).add(); f.st32(0);
  f.op(0x0b);
  f.op(0x0b);
  f.inc(i, 1).op(0x0c, 0);
  f.op(0x0b, 0x0b);
  f.op(0x0b);
  // sumX: sum_i c / L in order, from the stored codes (0 when the range was 0)
  f.get(P.sumX).op(0x04, 0x40);
  f.f64(0).set(sx);
  f.i32(0).set(i);
  f.op(0x02, 0x40).op(0x03, 0x40);
  f.get(i).get(P.R).op(0x4e).op(0x0d, 1);
  f.get(sx).get(i).i32(1).shl().get(nr).add().op(0x2e, 1, 0).op(0xb7).get(P.L).op(0xa3).op(0xa0).set(sx);
  f.inc(i, 1).op(0x0c, 0);
  f.op(0x0b, 0x0b);
  f.get(t).i32(3).shl().get(P.sumX).add().get(sx).op(0x39, 3, 0);
  f.op(0x0b);
  f.inc(t, 1).op(0x0c, 0);
  f.op(0x0b, 0x0b);
  f.get(P.cnt).op(0x04, 0x40);
  for (let k = 0; k < 2; k++) f.get(cabs).get(cabs2).simd(I32X4_EXTRACT, k).add().set(cabs);
  f.get(P.cnt).get(P.cnt); f.ld32(0); f.get(clip).add(); f.st32(0);
  f.get(P.cnt).get(P.cnt); f.ld32(4); f.get(nz).add(); f.st32(4);
  f.get(P.cnt).get(P.cnt); f.ld32(8); f.get(cabs).add(); f.st32(8);
  f.op(0x0b);
  return f;
}

/**
 * rescale: the digital rescale and accumulation of one tile's integer code sums (the JavaScript addPartials of
 * src/numerics/analog/backend.ts, bit-identical to it): for t < T with range[t] != 0, o < K:
 *   acc[t, o] = r(acc[t, o] + r((cs[o] * range[t]) * (au * src[t, o] - ac * sumX[t])))
 * with r the rounding of round16 to format `kind` (1 float32, 2 binary16, 3 bfloat16).
 * Params: src srcStride acc accStride cs range sumX T K kind (i32: src and acc float64 rows of the given strides in
 * bytes, at the tile's first column; cs float64 [K]; range, sumX float64 [T]; sumX = 0: taken as 0), au ac (f64).
 */
function rescale(): Fn {
  const f = new Fn([I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, F64, F64]);
  const P = { src: 0, srcStride: 1, acc: 2, accStride: 3, cs: 4, range: 5, sumX: 6, T: 7, K: 8, kind: 9, au: 10, ac: 11 };
  const t = f.local(I32), o = f.local(I32), sr = f.local(I32), ar = f.local(I32), K2 = f.local(I32);
  const sIn = f.local(F64), off = f.local(F64);
  const sIn2 = f.local(V128), off2 = f.local(V128), au2 = f.local(V128), p2 = f.local(V128), q2 = f.local(V128);
  f.get(P.au).simd(F64X2_SPLAT).set(au2);
  f.get(P.K).i32(-2).op(0x71).set(K2);
  f.i32(0).set(t);
  f.op(0x02, 0x40).op(0x03, 0x40);
  f.get(t).get(P.T).op(0x4e).op(0x0d, 1);
  f.get(t).i32(3).shl().get(P.range).add().op(0x2b, 3, 0).set(sIn);
  f.get(sIn).op(0x44, ...f64Bytes(0)).op(0x62).op(0x04, 0x40); // range != 0
  f.get(P.ac);
  f.get(P.sumX).op(0x04, 0x7c).get(t).i32(3).shl().get(P.sumX).add().op(0x2b, 3, 0).op(0x05).op(0x44, ...f64Bytes(0)).op(0x0b);
  f.op(0xa2).set(off);
  f.get(sIn).simd(F64X2_SPLAT).set(sIn2);
  f.get(off).simd(F64X2_SPLAT).set(off2);
  f.get(t).get(P.srcStride).mul().get(P.src).add().set(sr);
  f.get(t).get(P.accStride).mul().get(P.acc).add().set(ar);
  f.i32(0).set(o);
  f.op(0x02, 0x40).op(0x03, 0x40);
  f.get(o).get(K2).op(0x4e).op(0x0d, 1);
  f.get(o).i32(3).shl().get(P.cs).add().simd(V_LOAD, 3, 0).get(sIn2).simd(F64X2_MUL);
  f.get(au2).get(o).i32(3).shl().get(sr).add().simd(V_LOAD, 3, 0).simd(F64X2_MUL).get(off2).simd(F64X2_SUB);
  f.simd(F64X2_MUL).set(q2);
  emitRound2(f, q2, p2, P.kind);
  f.get(o).i32(3).shl().get(ar).add().simd(V_LOAD, 3, 0).get(p2).simd(F64X2_ADD).set(q2);
  emitRound2(f, q2, p2, P.kind);
  f.get(o).i32(3).shl().get(ar).add().get(p2).simd(V_STORE, 3, 0);
  f.inc(o, 2).op(0x0c, 0);
  f.op(0x0b, 0x0b);
  f.op(0x02, 0x40).op(0x03, 0x40);
  f.get(o).get(P.K).op(0x4e).op(0x0d, 1);
  f.get(o).i32(3).shl().get(ar).add();
  f.get(o).i32(3).shl().get(ar).add().op(0x2b, 3, 0);
  f.get(o).i32(3).shl().get(P.cs).add().op(0x2b, 3, 0).get(sIn).op(0xa2);
  f.get(P.au).get(o).i32(3).shl().get(sr).add().op(0x2b, 3, 0).op(0xa2).get(off).op(0xa1);
  f.op(0xa2).get(P.kind).op(0x10, ROUND16).op(0xa0).get(P.kind).op(0x10, ROUND16);
  f.op(0x39, 3, 0);
  f.inc(o, 1).op(0x0c, 0);
  f.op(0x0b, 0x0b);
  f.op(0x0b);
  f.inc(t, 1).op(0x0c, 0);
  f.op(0x0b, 0x0b);
  return f;
}

/** Bytes of one tile_jobs record (layout: TILE_JOB below). */
export const TILE_JOB_BYTES = 168;
/** Byte offsets of a tile_jobs record's fields: int32 pointers and counts, then float64 parameters. */
export const TILE_JOB = {
  A: 0, sY: 4, varA: 8, varS: 12, R: 16, K: 20, T: 24, n: 28, m: 32, fuse: 36, sh: 40, Z: 44, acc: 48, accStride: 52,
  halfBins: 56, accKind: 60, cs: 64, range: 68, sumX: 72, rsKind: 76, dst: 80, dstStride: 84, clips: 88,
  wn2: 96, so2: 104, bound: 112, invStep: 120, levels: 128, cw: 136, lim: 144, au: 152, ac: 160,
} as const;

/**
 * tile_jobs: whole tile conversions, jobs start, start + stride, ... below count of a list of TILE_JOB records, for
 * one thread with its own y, v and histogram buffers: the tile's MVM (gemm_i16; with varA the variance by
 * gemmv_i16, or both by gemmyv_i16 when fuse), the noise (add_noise, with the record's pre-drawn normals Z; Z = 0:
 * noise-free), the ADC (adc_epi into acc, its clip count stored in the record) and the rescale into dst. The same
 * calls, in the same order, as convertTile and the caller's rescale make for one tile, so the bits are the same;
 * tiles touch disjoint columns of acc and dst, so any thread may run any tile. Params: jobs count start stride y v
 * hist. `fnIdx` maps the kernels' names to their function indices.
 */
function tileJobs(fnIdx: (name: string) => number): Fn {
  const f = new Fn([I32, I32, I32, I32, I32, I32, I32]);
  const P = { jobs: 0, count: 1, start: 2, stride: 3, y: 4, v: 5, hist: 6 };
  const j = f.local(I32), rec = f.local(I32), V = f.local(I32);
  const J = TILE_JOB;
  const i = (off: number) => f.get(rec).op(0x28, 2, ...uleb(off)); // i32 field
  const d = (off: number) => f.get(rec).op(0x2b, 3, ...uleb(off)); // f64 field
  const call = (name: string) => f.op(0x10, ...uleb(fnIdx(name)));
  f.get(P.start).set(j);
  f.op(0x02, 0x40).op(0x03, 0x40);
  f.get(j).get(P.count).op(0x4e).op(0x0d, 1);
  f.get(j).i32(TILE_JOB_BYTES).mul().get(P.jobs).add().set(rec);
  f.i32(0).set(V);
  i(J.varA).op(0x04, 0x40); // with the w_noise variance
  i(J.fuse).op(0x04, 0x40);
  i(J.A); i(J.sY); i(J.varS); i(J.R); i(J.K); i(J.n); i(J.m); i(J.T); f.get(P.y).get(P.v).i32(0); i(J.K); i(J.sh); call("gemmyv_i16");
  f.op(0x05);
  i(J.A); i(J.sY); i(J.R); i(J.K); i(J.n); i(J.T); f.get(P.y).i32(0); i(J.K); call("gemm_i16");
  i(J.varA); i(J.varS); i(J.R); i(J.K); i(J.m); i(J.T); f.get(P.v).i32(0); i(J.K); call("gemmv_i16");
  f.op(0x0b);
  f.get(P.v).set(V);
  f.op(0x05);
  i(J.A); i(J.sY); i(J.R); i(J.K); i(J.n); i(J.T); f.get(P.y).i32(0); i(J.K); call("gemm_i16");
  f.op(0x0b);
  i(J.Z).op(0x04, 0x40);
  f.get(P.y).get(V); i(J.Z); i(J.T); i(J.K); f.mul(); d(J.wn2); d(J.so2); call("add_noise");
  f.op(0x0b);
  f.get(rec);
  f.get(P.y); i(J.Z); i(J.T); i(J.K); i(J.acc); i(J.accStride); f.get(P.hist); i(J.halfBins); i(J.accKind);
  d(J.bound); d(J.invStep); d(J.levels); d(J.cw); d(J.lim); call("adc_epi");
  f.op(0x36, 2, ...uleb(J.clips)); // i32.store clips
  i(J.acc); i(J.accStride); i(J.dst); i(J.dstStride); i(J.cs); i(J.range); i(J.sumX); i(J.T); i(J.K); i(J.rsKind); d(J.au); d(J.ac); call("rescale");
  f.get(j).get(P.stride).add().set(j);
  f.op(0x0c, 0);
  f.op(0x0b, 0x0b);
  return f;
}

/** Steps of 8 inputs that gemmv_i16 sums in int32 lanes before converting to float32. */
export const VAR_CHUNK = 16;

/** Register blocks, chosen by measurement (bench/numerics.bench.ts) on an AMD EPYC (Zen 4) under Node 20. */
export const BLOCKING = {
  gemm: { NO: 4, NT: 2 },
  gemmNoise: { NO: 4, NT: 1 },
  gemmVar: { NO: 4, NT: 2 },
  gemmInt: { NO: 4, NT: 2 },
  gemmFused: { NO: 3, NT: 2 },
};

/** The module's bytes: memory imported as env.mem (shared, up to maxPages of 64 KiB). */
export function kernelModuleBytes(maxPages: number, blocking = BLOCKING): Uint8Array {
  const fns: { name: string; fn: Fn }[] = [
    { name: "round16", fn: round16() }, // first: its index is ROUND16
    { name: "normal_fill", fn: normalFill() }, // second: NORMAL_FILL
    { name: "normal_jobs", fn: normalJobs() },
    { name: "gemm_f32", fn: kernel({ kind: "f32", noise: false, ...blocking.gemm }) },
    { name: "gemm_bf16", fn: kernel({ kind: "bf16", noise: false, ...blocking.gemm }) },
    { name: "gemm_f16", fn: kernel({ kind: "f16", noise: false, ...blocking.gemm }) },
    { name: "gemmn_f32", fn: kernel({ kind: "f32", noise: true, ...blocking.gemmNoise }) },
    { name: "gemmn_bf16", fn: kernel({ kind: "bf16", noise: true, ...blocking.gemmNoise }) },
    { name: "gemmn_f16", fn: kernel({ kind: "f16", noise: true, ...blocking.gemmNoise }) },
    { name: "gemmv_i16", fn: kernelInt({ ...blocking.gemmVar, acc: "f32", chunk: VAR_CHUNK }) },
    { name: "gemm_i16", fn: kernelInt({ ...blocking.gemmInt, acc: "i32" }) },
    { name: "gemmyv_i16", fn: kernelFused({ ...blocking.gemmFused, chunk: VAR_CHUNK }) },
    { name: "add_noise", fn: addNoise() },
    { name: "dac_pwm", fn: dacPwm() },
    { name: "rescale", fn: rescale() },
    { name: "adc_epi", fn: adcEpilogue() },
  ];
  const fnIdx = (n: string): number => {
    const k = fns.findIndex((e) => e.name === n);
    if (k < 0) throw new Error(`wasm.ts: no kernel ${n}`);
    return 2 + k;
  };
  fns.push({ name: "tile_jobs", fn: tileJobs(fnIdx) }); // last: it calls the others by index
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
  gemm_i16(A: number, s: number, R: number, C: number, m: number, T: number, y: number, o0: number, o1: number): void;
  gemmyv_i16(A: number, sY: number, sV: number, R: number, C: number, n: number, m: number, T: number, y: number, v: number, o0: number, o1: number, sh: number): void;
  normal_fill(out: number, n: number, rng: number, zig: number): void;
  normal_jobs(jobs: number, count: number, start: number, stride: number, zig: number): void;
  tile_jobs(jobs: number, count: number, start: number, stride: number, y: number, v: number, hist: number): void;
  add_noise(Y: number, V: number, Z: number, n: number, wn2: number, so2: number): void;
  dac_pwm(x: number, xStride: number, R: number, T: number, n: number, m: number, range: number, absMax: number, sumX: number, cnt: number, hist: number, L: number): void;
  rescale(src: number, srcStride: number, acc: number, accStride: number, cs: number, range: number, sumX: number, T: number, K: number, kind: number, au: number, ac: number): void;
  round16(v: number, kind: number): number;
  adc_epi(Y: number, Yd: number, T: number, K: number, acc: number, accStride: number, hist: number, halfBins: number, accKind: number,
    bound: number, invStep: number, levels: number, cw: number, lim: number): number;
}

/** The imports the module needs besides its memory (the ziggurat's slow path, as gaussian.ts computes it). */
export const kernelImports = { log: Math.log, exp: Math.exp };
