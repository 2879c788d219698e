// Intel 22 nm SRAM compute-in-memory macro with a C-2C ladder (H. Wang et al., "A 32.2 TOPS/W SRAM
// Compute-in-Memory Macro Employing a Linear 8b C-2C Ladder for Charge Domain Computation in 22nm for Edge
// Inference", VLSI 2022; JSSC 58(4) 2023; docs/REFERENCES.md [wang-c2c-2022]). Structure as in CiMLoop's model
// (mit-emze/cimloop workspace/models/arch/1_macro/wang_vlsi_2022: 64 rows, 16 columns of 8-bit weights in 8 SRAM
// bitcells each, the weight bits combined by a C-2C ladder of 2 fF unit capacitors, 8-bit inputs, 16 8-bit ADCs,
// one MVM per 6.9 ns at 0.7 V, latency x (0.7 V / V)^1.1).
// How the spec language represents it: the 8 bitcells of a weight are joined in the charge domain before one
// conversion (slicesPerConversion 8); the array's charge-domain energy is the C-2C multiplier's capacitor switching
// per weight bit (tile.c2cUnitCapF 2 fF: CiMLoop's c2c_multiplier model, src/components/c2c-multiply.ts); gMaxUs
// keeps the ladder's 6 fF per bitcell as a conductance G = C / t for the numerics only; the 8-bit input conversion uses
// the r2r-ladder DAC kind as CiMLoop models the macro's input DAC: two R-2R ladders per input (one for positive, one
// for negative values, realised above or below VDD/2), each referenced to VDD/2, 5 kOhm unit resistors, both
// drawing static current while they hold the input (CiMLoop wang_vlsi_2022 arch.yaml dac: voltage VOLTAGE / 2,
// scale_active_energy_by 2; variables_free.yaml DAC_UNIT_RESISTANCE 5000). CiMLoop built that model to reproduce
// this paper's figures, so the energy rows that include the DAC are marked calibration (src/validation/checks.ts).
import { adc, chip, crossbarTile, dac, dram, noc, sram, systolicArray, variant, vectorUnit } from "../src/spec/index.ts";
import type { ChipSpec } from "../src/spec/index.ts";

/** One MVM per 6.9 ns at 0.7 V (CiMLoop wang_vlsi_2022 variables_free.yaml BASE_LATENCY; 64 x 16 8-bit MACs, 2 ops
 *  each, in 6.9 ns = 0.30 TOPS, the paper's Table III at 0.7 V). */
export const WANG_MVM_S_0V7 = 6.9e-9;
/** Periphery cycles of one MVM in aimcsim's model: 1 DAC cycle, 1 integration cycle, (8 + 1) SAR cycles, 1
 *  accumulate cycle (src/components/crossbar.ts). */
const MODEL_CYCLES_PER_MVM = 1 + 1 + 9 + 1;
/** C-2C ladder capacitance per bitcell: 3 x 2 fF per weight bit (CiMLoop wang_vlsi_2022 arch.yaml unit_capacitance 2e-15). */
const CELL_CAP_F = 3 * 2e-15;
const CLOCK_0V7_HZ = MODEL_CYCLES_PER_MVM / WANG_MVM_S_0V7; // CALIBRATED on the 0.3 TOPS throughput at 0.7 V

const base: ChipSpec = chip({
  name: "intel-c2c-22nm",
  description: "Intel 22 nm SRAM CIM macro: 64x16 8-bit weights, C-2C charge-domain MAC, 8-bit inputs, 16 x 8-bit ADCs (Wang VLSI 2022)",
  technologyNm: 22, // Wang et al. 2022: 22 nm FinFET
  supplyV: 0.7, // Wang et al. 2022 Table III: 32.2 TOPS/W at 0.7 V
  analog: {
    tile: crossbarTile({
      rows: 64, // CiMLoop wang_vlsi_2022 arch.yaml sub_bank meshY 64
      cols: 128, // 16 columns x 8 bitcells (CiMLoop column_of_sub_banks meshX 16, CIM_UNIT_WIDTH_CELLS 8)
      device: "SRAM",
      bitsPerCell: 1,
      differential: false,
      gMaxUs: (CELL_CAP_F / (1 / CLOCK_0V7_HZ)) * 1e6, // G = C / t over one cycle window, in uS (see CELL_CAP_F)
      gMinUs: 0,
      readVoltageV: 0.7, // charge-domain: the ladder swings the supply
      c2cUnitCapF: 2e-15, // C-2C multiplier unit capacitor (CiMLoop wang_vlsi_2022 arch.yaml unit_capacitance 2e-15)
      integrationTimeNs: 1e9 / CLOCK_0V7_HZ, // one cycle of charge sharing
      // 8-bit R-2R input DACs, two ladders per input at VDD/2, 5 kOhm (CiMLoop wang_vlsi_2022; see header)
      dac: dac({ kind: "r2r-ladder", bits: 8, referenceV: 0.7 / 2, laddersPerInput: 2, unitResistanceOhm: 5000 }),
      adc: adc({ kind: "sar", bits: 8, colsPerAdc: 1 }), // 16 8-bit ADCs (CiMLoop N_ADC_PER_BANK 16, ADC_RESOLUTION 8)
      outBound: 12,
      slicesPerConversion: 8, // the 8 weight bits combined by the C-2C ladder before one conversion
    }),
    tiles: 1,
    weightBits: 8,
    clockHz: CLOCK_0V7_HZ,
    accumulatorFormat: "int16",
    periphery: { ldpu: false, localBuffers: false }, // macro-level figures (Wang et al. 2022)
  },
  systolic: [systolicArray({ name: "host-sa", rows: 4, cols: 4, dataflow: "OS", format: "int8", clockHz: 1e9 })], // assumption: a macro has no attention unit; a token one keeps the spec complete
  vector: [vectorUnit({ name: "vec", lanes: 4, format: "int16", clockHz: 1e9 })], // assumption (as above)
  sram: [sram({ name: "buffer", capacityBytes: 16 * 2 ** 10, banks: 1, bytesPerCyclePerBank: 16, clockHz: 1e9 })], // assumption
  dram: dram({ kind: "LPDDR4", capacityBytes: 2 ** 30, bandwidthBytesPerS: 3.2e9, channels: 1 }), // assumption: host memory
  noc: noc({ topology: "bus", linkWidthBits: 64, hopLatencyCycles: 1, clockHz: 1e9 }), // assumption
  mapping: { projections: "analog", lmHead: "digital", kvCache: "sram" },
  sources: ["Wang et al., VLSI 2022 / JSSC 2023 (Intel 22 nm C-2C SRAM CIM)", "mit-emze/cimloop wang_vlsi_2022", "docs/REFERENCES.md [wang-c2c-2022, cimloop]"],
});

export default base;

/** The macro at supply V: clock x (V / 0.7 V)^1.1 (CiMLoop VOLTAGE_LATENCY_SCALE = (0.7 / VOLTAGE)^1.1, fitted by the
 *  CiMLoop authors to the paper's Fig. 23), the charge-domain swing at V. */
export function intelC2cAt(supplyV: number): ChipSpec {
  return variant(base, (d) => {
    d.name = `intel-c2c-22nm-${supplyV}V`;
    d.supplyV = supplyV;
    const clock = CLOCK_0V7_HZ * (supplyV / 0.7) ** 1.1; // CiMLoop VOLTAGE_LATENCY_SCALE
    d.analog!.clockHz = clock;
    d.analog!.tile.readVoltageV = supplyV;
    d.analog!.tile.dac.referenceV = supplyV / 2; // the ladders are referenced to VDD/2 (CiMLoop wang_vlsi_2022)
    d.analog!.tile.integrationTimeNs = 1e9 / clock;
    d.analog!.tile.gMaxUs = (CELL_CAP_F / (1 / clock)) * 1e6;
  });
}
