// Memory timing and energy of the traffic a simulation schedules: how long an SRAM or DRAM takes to move a
// number of bytes at its bandwidth (the SRAM stall bound: no op runs faster than its SRAM can feed it), what
// the move costs, and how a DRAM transfer is cut into bursts so the controller can interleave streams.
// The per-bit energies and bandwidths are memory.ts's (cited there).
import type { DramCost, SramCost } from "./memory.ts";
import { BITS_PER_BYTE, PS_PER_S } from "./technology.ts";

/** Time (ps) the SRAM needs to deliver `bytes` at its full bandwidth (all banks). */
export const sramTransferPs = (c: SramCost, bytes: number): number => (bytes / c.bandwidthBytesPerS) * PS_PER_S;

/** Energy (J) of reading `readBytes` from and writing `writeBytes` to the SRAM. */
export const sramAccessEnergyJ = (c: SramCost, readBytes: number, writeBytes: number): number =>
  (readBytes * c.readEnergyPerBitJ + writeBytes * c.writeEnergyPerBitJ) * BITS_PER_BYTE;

/** Largest DRAM transfer scheduled as one unit; larger ones are split so others can interleave.
 *  Assumption: 256 KiB, a granularity at which a memory controller's request queue interleaves streams
 *  without a measurable row-buffer penalty in this model (which has no row-buffer model). */
export const DRAM_BURST_BYTES = 256 * 1024;

/** Bursts a DRAM transfer of `bytes` is cut into (at least one). */
export const dramBurstCount = (bytes: number): number => Math.max(1, Math.ceil(bytes / DRAM_BURST_BYTES));

/** Bytes of burst `i` of `parts` (every burst full but the last). */
export const dramBurstBytes = (bytes: number, i: number, parts: number): number =>
  i < parts - 1 ? DRAM_BURST_BYTES : bytes - DRAM_BURST_BYTES * (parts - 1);

/** Time (ps) the DRAM needs to move `bytes` at its bandwidth. */
export const dramTransferPs = (c: DramCost, bytes: number): number => (bytes / c.bandwidthBytesPerS) * PS_PER_S;

/** Energy (J) of moving `bytes` to or from the DRAM. */
export const dramTransferEnergyJ = (c: DramCost, bytes: number): number => bytes * BITS_PER_BYTE * c.energyPerBitJ;
