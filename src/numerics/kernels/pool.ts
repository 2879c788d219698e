// Worker threads for the kernels: not active yet (every call runs on the calling thread).
import type { Bank } from "./arena.ts";
export function parallelGemm(_b: Bank, _fn: number, _W: number, _R: number, _C: number, _x: number, _xs: number, _T: number, _y: number, _v: number): boolean {
  return false;
}
