// Standard normal draws for the hot loops (programming millions of devices, per-MVM noise): the ziggurat
// method of Marsaglia & Tsang, "The Ziggurat Method for Generating Random Variables", J. Stat. Softw. 5(8),
// 2000 (RNOR with 128 layers), fed by the seeded xoshiro128** stream of src/util/rng.ts. About 99% of draws
// cost one 32-bit integer and a multiply, against two floats plus log/sqrt/sin of Box-Muller.

import type { Rng } from "../../util/rng.ts";

// Table constants of RNOR (Marsaglia & Tsang 2000, zigset): r = 3.442620 is the start of the tail,
// v = 9.91256303526217e-3 the area of each layer.
const R = 3.442619855899;
const V = 9.91256303526217e-3;
const M1 = 2147483648.0;
const KN = new Int32Array(128);
const WN = new Float64Array(128);
const FN = new Float64Array(128);
{
  let dn = R;
  let tn = dn;
  const q = V / Math.exp(-0.5 * dn * dn);
  KN[0] = Math.floor((dn / q) * M1);
  KN[1] = 0;
  WN[0] = q / M1;
  WN[127] = dn / M1;
  FN[0] = 1.0;
  FN[127] = Math.exp(-0.5 * dn * dn);
  for (let i = 126; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(V / dn + Math.exp(-0.5 * dn * dn)));
    KN[i + 1] = Math.floor((dn / tn) * M1);
    tn = dn;
    FN[i] = Math.exp(-0.5 * dn * dn);
    WN[i] = dn / M1;
  }
}

function uniform(rng: Rng): number {
  return (rng.nextU32() + 0.5) / 4294967296;
}

/** One N(0, 1) draw from `rng` (ziggurat). */
export function normal(rng: Rng): number {
  const hz = rng.nextU32() | 0;
  const iz = hz & 127;
  const ahz = hz < 0 ? -hz : hz;
  return ahz < KN[iz] ? hz * WN[iz] : normalSlow(rng, hz, iz);
}

/** out[off .. off + n) = n successive N(0, 1) draws from `rng`: the same values, in the same order, as n calls
 *  of normal(rng) (the ziggurat's fast path inlined; the rare slow path calls back into it). */
export function fillNormal(rng: Rng, out: Float64Array, off: number, n: number): void {
  for (let j = off, e = off + n; j < e; j++) {
    const hz = rng.nextU32() | 0;
    const iz = hz & 127;
    const ahz = hz < 0 ? -hz : hz;
    out[j] = ahz < KN[iz] ? hz * WN[iz] : normalSlow(rng, hz, iz);
  }
}

/** The ziggurat's slow path for a first draw hz that missed the fast rectangle (continues as normal() does). */
function normalSlow(rng: Rng, hz: number, iz: number): number {
  for (;;) {
    if (iz === 0) {
      let x: number;
      let y: number;
      do {
        x = -Math.log(uniform(rng)) / R;
        y = -Math.log(uniform(rng));
      } while (y + y < x * x);
      return hz > 0 ? R + x : -R - x;
    }
    const x = hz * WN[iz];
    if (FN[iz] + uniform(rng) * (FN[iz - 1] - FN[iz]) < Math.exp(-0.5 * x * x)) return x;
    hz = rng.nextU32() | 0;
    iz = hz & 127;
    const ahz = hz < 0 ? -hz : hz;
    if (ahz < KN[iz]) return hz * WN[iz];
  }
}

/** The ziggurat's tables (read-only), for the WebAssembly epilogue of the analog MVM (src/numerics/kernels). */
export const ZIGGURAT_TABLES: { readonly KN: Int32Array; readonly WN: Float64Array; readonly FN: Float64Array } = { KN, WN, FN };
