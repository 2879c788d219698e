// TSMC 7 nm SRAM compute-in-memory macro (M. E. Sinangil et al., "A 7-nm Compute-in-Memory SRAM Macro
// Supporting Multi-Bit Input, Weight and Output and Achieving 351 TOPS/W and 372.4 GOPS", IEEE JSSC 56(1),
// 2021; first shown by Q. Dong et al., ISSCC 2020 15.3): 64 rows x 64 bitcell columns of 8T-style compute SRAM;
// 4-bit unsigned inputs applied as pulse counts (temporal DAC), 4-bit weights over 4 adjacent bitcells joined by
// binary-weighted capacitors, one 4-bit flash ADC per 4-bit weight column (16 ADCs), one MVM per 5.5 ns at 0.8 V.
// JSSC abstract: "supports 1024 4 b x 4 b multiply-and-accumulate (MAC) computations simultaneously. The 4-bit input
// is represented by the number of read word-line (RWL) pulses, while the 4-bit weight is realized by charge sharing
// among binary-weighted computation caps. Each unit of computation cap is formed by the inherent cap of the sense
// amplifier (SA) inside the 4-bit Flash ADC ... Access time is 5.5 ns with 0.8-V power supply".
//
// Structure as in the CiMLoop reference model of this macro (mit-emze/cimloop
// workspace/models/arch/1_macro/sinangil_jssc_2021: CIM_UNIT_WIDTH_CELLS 4, N_COLUMNS 16, ADC_RESOLUTION 4,
// TEMPORAL_DAC_RESOLUTION 4, rows 64, BASE_LATENCY 5.5 ns). An SRAM cell stores 1 bit, so a 4-bit weight is 4
// one-bit slices on 4 adjacent columns; the silicon joins them "by charge sharing among binary-weighted computation
// caps" (abstract above) and converts once per weight with "one 4-bit Flash ADC" per 4-bit weight column, which
// the spec says with slicesPerConversion: 4 (16 conversions per MVM on 16 ADCs, one round).
import { adc, chip, crossbarTile, dac, dram, noc, sram, systolicArray, vectorUnit } from "../src/spec/index.ts";

/** One MVM per cycle of 5.5 ns at 0.8 V (Sinangil et al. JSSC 2021 via CiMLoop BASE_LATENCY; 64x16 4b MACs in
 *  5.5 ns = 372.4 GOPS, the paper's throughput). */
export const SINANGIL_MVM_S = 5.5e-9;
/** Analog-periphery cycles of one MVM in aimcsim's model: a 4-bit magnitude PWM window of 2^4 = 16 unit periods,
 *  one round of one-cycle flash conversions (16 combined weights on 16 ADCs), one accumulate cycle
 *  (src/components/crossbar.ts). */
const MODEL_CYCLES_PER_MVM = 16 + 1 * 1 + 1;

export default chip({
  name: "sinangil-7nm-sram",
  description: "TSMC 7 nm SRAM CIM macro: 64x16 4-bit weights, 4-bit pulse inputs, 16 x 4-bit ADCs (Sinangil JSSC 2021)",
  technologyNm: 7, // Sinangil et al. 2021: 7 nm FinFET
  supplyV: 0.8, // Sinangil et al. 2021: 351 TOPS/W and 372.4 GOPS quoted at 0.8 V
  analog: {
    tile: crossbarTile({
      rows: 64, // 64 rows (CiMLoop sinangil_jssc_2021 arch.yaml row meshY 64)
      cols: 64, // 16 four-bit CIM units of 4 bitcells (CiMLoop N_COLUMNS 16, CIM_UNIT_WIDTH_CELLS 4)
      device: "SRAM",
      bitsPerCell: 1, // SRAM bitcells; a 4-bit weight spans 4 of them (see header)
      differential: false, // unsigned weights (CiMLoop: offset/magnitude encoding, SIGNED_SUM_ACROSS_WEIGHTS False)
      // Equivalent conductance of the charge-domain compute cell, E = C V^2 = V^2 G t with G = C / t. Assumption:
      // about 1 fF switched per bitcell per MVM (local coupling + bitline share at 7 nm) over the ~2.4 ns PWM window.
      gMaxUs: 0.4,
      gMinUs: 0,
      readVoltageV: 0.8, // the cells swing the full supply
      integrationTimeNs: 0.1, // assumption: the read window is set by the PWM pulse train, not a separate integration
      dac: dac({ kind: "pwm", bits: 5 }), // 4-bit unsigned input = the 4 magnitude bits of a 5-bit signed PWM code
      adc: adc({ kind: "flash", bits: 4, colsPerAdc: 4 }), // 16 four-bit flash ADCs, one per weight column (JSSC abstract; CiMLoop N_ADC_PER_BANK = N_COLUMNS); energy from aimcsim's flash model (15 comparators x 40 fJ), not the paper's
      outBound: 12,
      slicesPerConversion: 4, // the 4 bitcells of a weight joined by binary-weighted computation caps, one conversion per weight (JSSC abstract, quoted above)
    }),
    tiles: 1,
    weightBits: 4,
    clockHz: MODEL_CYCLES_PER_MVM / SINANGIL_MVM_S, // 3.3 GHz model periphery clock so one MVM takes the measured 5.5 ns (CALIBRATED on the 372.4 GOPS throughput)
    accumulatorFormat: "int16",
    periphery: { ldpu: false, localBuffers: false }, // the published figures are the macro's (Sinangil et al. 2021): no LDPU or tile buffers
  },
  systolic: [systolicArray({ name: "host-sa", rows: 4, cols: 4, dataflow: "OS", format: "int8", clockHz: 1e9 })], // assumption: a macro has no attention unit; a token one keeps the spec complete
  vector: [vectorUnit({ name: "vec", lanes: 4, format: "int16", clockHz: 1e9 })], // assumption (as above)
  sram: [sram({ name: "buffer", capacityBytes: 16 * 2 ** 10, banks: 1, bytesPerCyclePerBank: 16, clockHz: 1e9 })], // assumption
  dram: dram({ kind: "LPDDR4", capacityBytes: 2 ** 30, bandwidthBytesPerS: 3.2e9, channels: 1 }), // assumption: host memory
  noc: noc({ topology: "bus", linkWidthBits: 64, hopLatencyCycles: 1, clockHz: 1e9 }), // assumption
  mapping: { projections: "analog", lmHead: "analog", kvCache: "sram" },
  sources: [
    "Sinangil et al., A 7-nm CIM SRAM macro ... 351 TOPS/W and 372.4 GOPS, IEEE JSSC 56(1) 2021",
    "mit-emze/cimloop workspace/models/arch/1_macro/sinangil_jssc_2021 (structure, cycle time)",
  ],
});
