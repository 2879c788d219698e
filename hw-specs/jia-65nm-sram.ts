// Princeton 65 nm bit-scalable charge-domain SRAM in-memory-computing unit (H. Jia et al., "A Programmable
// Heterogeneous Microprocessor Based on Bit-Scalable In-Memory Computing", IEEE JSSC 55(9), 2609-2621, 2020):
// a 590 kb CIMU of 768 x 768 1-bit compute cells with metal capacitors (charge-domain accumulation); three columns
// are folded onto each output, so logically 2304 inputs x 256 outputs, with 1-bit input bit-planes, one 8-bit SAR
// ADC per output, bit-scalable by shift-and-add in the near-memory datapath. Headline: 1-b 400 TOPS/W and
// 0.874 TOPS at 0.85 V (Table II).
//
// Structure as in the CiMLoop reference model (mit-emze/cimloop workspace/models/arch/1_macro/jia_jssc_2020:
// 4 row groups x 192 rows, 4 column groups x 64 columns x 3 folded columns, ADC_RESOLUTION 8, N_ADC_PER_BANK = 256,
// 1-bit DAC/cells, bitcell capacitor 2 fF; its cycle BASE_LATENCY = 25 ns x 54 = 1.35 us).
import { adc, chip, crossbarTile, dac, dram, noc, sram, systolicArray, vectorUnit } from "../src/spec/index.ts";

/** One 1-bit MVM every 1.35 us at 0.85 V (CiMLoop jia_jssc_2020 BASE_LATENCY; 2304 x 256 x 2 ops / 1.35 us =
 *  0.874 TOPS, the paper's 1-b throughput). */
export const JIA_MVM_S = 1.35e-6;
/** Periphery cycles of one 1-bit MVM in aimcsim's model: 1 DAC cycle, 1 integration cycle, (8 + 1) SAR cycles,
 *  1 accumulate cycle (src/components/crossbar.ts). */
const MODEL_CYCLES_PER_MVM = 1 + 1 + 9 + 1;
const CLOCK_HZ = MODEL_CYCLES_PER_MVM / JIA_MVM_S; // CALIBRATED on the 0.874 TOPS throughput
/** Charge-domain cell: energy C V^2 written as V^2 G t with G = C / t, with the 2 fF bitcell capacitor of the CiMLoop
 *  model (jia_jssc_2020/arch.yaml bitcell_capacitor capacitance 2e-15). (A first draft used a 1.2 fF guess; the
 *  sourced value replaced it. It moved jia.cimPjPerCol from -25 % to -23 % and jia.topsPerW1b from +15 % to +13 %.) */
const CELL_CAP_F = 2e-15;

export default chip({
  name: "jia-65nm-sram",
  description: "Princeton 65 nm charge-domain SRAM CIMU: 2304x256 1-b cells, 256 x 8-bit SAR ADCs (Jia JSSC 2020)",
  technologyNm: 65, // Jia et al. 2020: 65 nm CMOS
  supplyV: 0.85, // Jia et al. 2020 Table II: 400 TOPS/W quoted at 0.85 V
  // Leakage of this chip's 65 nm process: its shift-and-add unit leaks 2.22 uW over 5000 um^2 at 1.2 V
  // (hwcomponents-library jia.py JiaShiftAdd), 0.444 mW/mm^2, x 0.85 / 1.2 V (linear, src/components/leakage.ts).
  leakageWPerMm2: (2.22e-6 / 5000e-6) * (0.85 / 1.2),
  analog: {
    tile: crossbarTile({
      rows: 2304, // 768 rows x 3 folded columns per output = 2304 inputs; 2304 x 256 = 590 kb (Jia et al. 2020; CiMLoop structure)
      cols: 256,
      device: "SRAM",
      bitsPerCell: 1,
      differential: false, // 1-b weights, XNOR/AND in the cell (modelled as unsigned binary cells)
      gMaxUs: (CELL_CAP_F / (1 / CLOCK_HZ)) * 1e6, // G = C / t over one cycle window, in uS (see CELL_CAP_F)
      gMinUs: 0,
      readVoltageV: 0.85, // full-swing capacitor charging at the supply
      integrationTimeNs: 1e9 / CLOCK_HZ, // one cycle of charge sharing
      dac: dac({ kind: "bit-serial", bits: 1 }), // 1-b input bit-planes
      adc: adc({ kind: "sar", bits: 8, colsPerAdc: 1 }), // 8-bit SAR ADC per output (Jia et al. 2020; CiMLoop N_ADC_PER_BANK 256)
      outBound: 12,
    }),
    tiles: 1,
    weightBits: 1,
    clockHz: CLOCK_HZ,
    accumulatorFormat: "int16",
    // The published figures are the CIMU macro's: no LDPU or tile buffers in them (the near-memory datapath's
    // shift-add is the accumulate component); the column charging is the cell model above, so no separate bit-line swing.
    periphery: { ldpu: false, localBuffers: false, bitlineSwingV: 0 },
  },
  systolic: [systolicArray({ name: "host-sa", rows: 4, cols: 4, dataflow: "OS", format: "int8", clockHz: 1e8 })], // assumption: the RISC-V host stands in; not validated
  vector: [vectorUnit({ name: "vec", lanes: 4, format: "int16", clockHz: 1e8 })], // assumption
  sram: [sram({ name: "buffer", capacityBytes: 128 * 2 ** 10, banks: 4, bytesPerCyclePerBank: 8, clockHz: 1e8 })], // assumption
  dram: dram({ kind: "LPDDR4", capacityBytes: 2 ** 30, bandwidthBytesPerS: 3.2e9, channels: 1 }), // assumption
  noc: noc({ topology: "bus", linkWidthBits: 32, hopLatencyCycles: 1, clockHz: 1e8 }), // assumption
  mapping: { projections: "analog", lmHead: "analog", kvCache: "sram" },
  sources: [
    "Jia et al., A Programmable Heterogeneous Microprocessor Based on Bit-Scalable In-Memory Computing, IEEE JSSC 55(9) 2020",
    "mit-emze/cimloop workspace/models/arch/1_macro/jia_jssc_2020 (structure, cycle time)",
  ],
});
