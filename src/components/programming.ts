// Crossbar programming (write-verify) cost: the energy and time to write a deployment's weights into the analog
// tiles, reported once per deployment (SimResult.programming), not charged to inference (a later lifetime /
// reprogramming analysis uses it). Action: program one cell = iterations x (one write pulse + one verify read).
//
// Per device, defaults (overridable by AnalogSpec.programming):
//  - RRAM: a SET pulse of 1.75 V for 8.52 us into the 250 kOhm on-state, E = V^2 / R x t = 104 pJ (CiMLoop's
//    NeuRRAM cell, mit-emze/cimloop workspace/models/memory_cells/rram_wan_nature_2022.cell.yaml: SetVoltage 1.75,
//    SetPulse 8520 ns, ResistanceOn 25e4; docs/REFERENCES.md [cimloop, neurram-nature2022]).
//  - PCM: assumption, 10 pJ and 100 ns per partial-SET pulse (the order of PCM SET pulses; recalled, not re-read:
//    verify before a preset depends on it).
//  - Flash: assumption, 1 nJ and 10 us per program pulse (Fowler-Nordheim / hot-carrier program pulses; recalled).
//  - SRAM: one write per bit, no verify: the SRAM model's write energy (src/components/memory.ts), one clock.
//  Iterations: assumption, 10 write-verify iterations per analog non-volatile cell (iterative programming to a
//  target conductance, as aihwkit's and HERMES' programming schemes do; the count is not published per chip).
//  Verify: one read of the cell per iteration, at the tile's read voltage for its integration time (the array
//  model's V^2 G t at mean conductance 0.5).
// Time: the tiles are programmed in parallel, each row at a time with all its cells in parallel (assumption):
//  rows x iterations x (pulse + verify).
import type { AnalogSpec } from "../spec/types.ts";
import { AimcsimError } from "../errors.ts";
import { FJ, PJ } from "./technology.ts";

export interface DeviceProgramming {
  readonly pulseEnergyJ: number;
  readonly pulseNs: number;
  readonly iterations: number;
  readonly source: string;
}

/** RRAM SET pulse: 1.75 V^2 / 250 kOhm x 8.52 us (CiMLoop rram_wan_nature_2022.cell.yaml; see header). */
const RRAM_SET_V = 1.75; // Wan et al. 2022 via CiMLoop rram_wan_nature_2022.cell.yaml SetVoltage
const RRAM_SET_NS = 8520; // Wan et al. 2022 via CiMLoop cell file SetPulse (ns)
const RRAM_ON_OHM = 25e4; // Wan et al. 2022 via CiMLoop cell file ResistanceOn
const NS_TO_S = 1e-9; // unit conversion
/** Write-verify iterations per analog NVM cell. Assumption (see header). */
export const DEFAULT_WRITE_VERIFY_ITERATIONS = 10;

export const DEVICE_PROGRAMMING: Readonly<Record<"RRAM" | "PCM" | "Flash", DeviceProgramming>> = {
  RRAM: {
    pulseEnergyJ: ((RRAM_SET_V * RRAM_SET_V) / RRAM_ON_OHM) * RRAM_SET_NS * NS_TO_S,
    pulseNs: RRAM_SET_NS,
    iterations: DEFAULT_WRITE_VERIFY_ITERATIONS,
    source: "RRAM SET 1.75 V, 8.52 us into 250 kOhm (CiMLoop NeuRRAM cell file)",
  },
  PCM: { pulseEnergyJ: 10 * PJ, pulseNs: 100, iterations: DEFAULT_WRITE_VERIFY_ITERATIONS, source: "PCM partial-SET pulse 10 pJ, 100 ns (assumption)" }, // assumption (header)
  Flash: { pulseEnergyJ: 1000 * PJ, pulseNs: 10000, iterations: DEFAULT_WRITE_VERIFY_ITERATIONS, source: "Flash program pulse 1 nJ, 10 us (assumption)" }, // assumption (header)
};

export interface ProgrammingCost {
  /** Cells written (all tiles used by the deployment). */
  readonly cells: number;
  readonly energyJ: number;
  readonly timeS: number;
  /** Energy of programming one cell (J). */
  readonly energyPerCellJ: number;
  readonly assumption: string;
}

/** Cost of programming `tilesUsed` tiles of `analog` (every cell of each; SRAM: sramWriteBitJ per bit). */
export function programmingCost(analog: AnalogSpec, tilesUsed: number, sramWriteBitJ: number, clockHz: number): ProgrammingCost {
  if (!(Number.isInteger(tilesUsed) && tilesUsed >= 0)) throw new AimcsimError("SimError", "programming.tiles", `must be an integer >= 0, got ${tilesUsed}`);
  const t = analog.tile;
  const o = analog.programming ?? {};
  const cells = tilesUsed * t.rows * t.cols;
  if (t.device === "SRAM") {
    const timeS = tilesUsed === 0 ? 0 : t.rows / clockHz; // one row written per clock, tiles in parallel (assumption)
    return {
      cells,
      energyJ: cells * sramWriteBitJ,
      timeS,
      energyPerCellJ: sramWriteBitJ,
      assumption: `programming: SRAM cells written once (${(sramWriteBitJ / FJ).toPrecision(3)} fJ per bit, no verify), one row per clock, tiles in parallel.`, // formatting
    };
  }
  const d = DEVICE_PROGRAMMING[t.device];
  const iterations = o.iterations ?? d.iterations;
  const pulseJ = o.pulseEnergyJ ?? d.pulseEnergyJ;
  const pulseNs = o.pulseNs ?? d.pulseNs;
  const gVerifyS = (t.gMinUs + 0.5 * (t.gMaxUs - t.gMinUs)) * 1e-6; // mean conductance 0.5 (assumption, header); uS -> S (unit conversion)
  const verifyJ = t.readVoltageV * t.readVoltageV * gVerifyS * t.integrationTimeNs * NS_TO_S;
  const p3 = (x: number): string => x.toPrecision(3); // formatting: 3 significant digits
  const energyPerCellJ = iterations * (pulseJ + verifyJ);
  const timeS = tilesUsed === 0 ? 0 : t.rows * iterations * (pulseNs + t.integrationTimeNs) * NS_TO_S;
  return {
    cells,
    energyJ: cells * energyPerCellJ,
    timeS,
    energyPerCellJ,
    assumption:
      `programming (once per deployment, not in the inference energy): ${iterations} write-verify iterations per ${t.device} cell ` + // formatting below: 3 significant digits
      `(${o.iterations !== undefined ? "spec" : "assumption"}), pulse ${p3(pulseJ / PJ)} pJ / ${pulseNs} ns (${o.pulseEnergyJ !== undefined ? "spec" : d.source}), ` +
      `verify read ${p3(verifyJ / FJ)} fJ / ${t.integrationTimeNs} ns; rows one at a time, tiles in parallel (assumption).`,
  };
}
