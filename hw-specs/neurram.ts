// NeuRRAM-like RRAM compute-in-memory chip (W. Wan et al., "A compute-in-memory chip based on resistive
// random-access memory", Nature 608, 504-512 (2022)): 130 nm CMOS with monolithically integrated 1T1R RRAM,
// 48 CIM cores of 256x256 RRAM cells, differential weights (two cells per signed weight, so 256 x 128
// weights per core), inputs applied one magnitude bit per step as ternary pulses (sign by polarity),
// outputs read by per-column voltage-mode neurons with a variable-precision (3..10-bit) integrating ADC.
//
// Timing constants are those of the CiMLoop reference model of this chip (mit-emze/cimloop,
// workspace/models/arch/1_macro/wan_nature_2022/variables_free.yaml: LATENCY_ADC_STEP 0.3 us, LATENCY_INTEGRATE
// 0.27 us, READ_PULSE_WIDTH 10 ns), which was fitted to the paper's measurements.
//
// How the spec language represents it: the neuron's ADC takes one 0.3 us step per output bit, which is a SAR-like
// successive conversion at a 3.33 MHz step clock; the input magnitude bit-planes are fed bit-serially as ternary
// pulses. The neuron does not convert after every plane: Wan et al. (Extended Data Fig. 4) describe its four
// operations, "Sampling and integration, sample SL voltage onto Csample, followed by integrating the charge onto
// Cinteg", then comparison and charge decrement (the conversion). Multi-bit inputs are accumulated on Cinteg before
// conversion, plane k of a phase integrated 2^k times: CiMLoop's model of the chip (wan_nature_2022 arch.yaml
// "Sample 1x per input bit", integrator n_steps = INTEGRATION_STEPS; helper_functions.py bits2integration_steps
// = 2^n - 1 per phase of n bits). In the paper's "two-phase" mode (the mode of the validated figure), inputs of up
// to 3 magnitude bits are integrated in one phase and longer ones in two phases of ceil(n/2) and floor(n/2) bits,
// each phase converted once (CiMLoop variables_free.yaml ONE_PHASE False, MAX_INPUT_BITS_BEFORE_TWO_PHASE 3,
// helper_functions.py bits2phase_2phase). In the spec language that is dac.planesPerConversion (the phase length)
// with planeWeighting "repeated-integration".
// What it still cannot say: the second phase's conversion needs out - (first phase bits) ADC steps in the chip
// (CiMLoop sum_phase_out_bits); aimcsim converts every phase at the full adc.bits. And the neuron's sample and
// integration energies are not modelled (src/components/crossbar.ts says so in its assumption).
// `neurramAt(inputBits, outputBits)` gives the precision variants the paper measures.
import { adc, chip, crossbarTile, dac, dram, noc, sram, systolicArray, variant, vectorUnit } from "../src/spec/index.ts";
import type { ChipSpec } from "../src/spec/index.ts";

/** One neuron ADC step (CiMLoop wan_nature_2022 LATENCY_ADC_STEP = 0.3 us, fitted to Wan et al. 2022). */
const NEURON_STEP_S = 0.3e-6;
/** Two-phase mode: inputs of up to this many magnitude bits are integrated in one phase (CiMLoop wan_nature_2022
 *  variables_free.yaml MAX_INPUT_BITS_BEFORE_TWO_PHASE = 3, "MAGNITUDE bits; sign bit not included"). */
const MAX_MAGNITUDE_BITS_ONE_PHASE = 3;

/** Planes integrated per conversion in NeuRRAM's two-phase mode for n magnitude bit-planes: all of them up to
 *  3, otherwise the longer of the two phases, ceil(n / 2) (CiMLoop helper_functions.py bits2phase_2phase). With the
 *  spec language's grouping rule (groups differ by at most one) that gives phases of ceil(n/2) and floor(n/2). */
export function neurramPlanesPerConversion(magnitudePlanes: number): number {
  return magnitudePlanes <= MAX_MAGNITUDE_BITS_ONE_PHASE ? magnitudePlanes : Math.ceil(magnitudePlanes / 2);
}

const neurram: ChipSpec = chip({
  name: "neurram",
  description: "NeuRRAM-like 130 nm RRAM CIM: 48 cores x 256x256 1T1R, bit-serial ternary inputs, integrating neuron ADCs",
  technologyNm: 130, // Wan et al. 2022: 130 nm CMOS
  // Leakage of this chip's 130 nm process: the neuron's shift-and-add leaks 5 nW over 170 um^2 at 1.8 V
  // (hwcomponents-library neurram.py NeurramShiftAdd), x 1.2 / 1.8 V (linear, src/components/leakage.ts).
  leakageWPerMm2: (5e-9 / 170e-6) * (1.2 / 1.8),
  supplyV: 1.2, // assumption: nominal 130 nm core supply for the digital periphery (the neurons run at 1.8 V per CiMLoop's breakdown)
  analog: {
    tile: crossbarTile({
      rows: 256, // 256x256 RRAM array per core (Wan et al. 2022)
      cols: 256, // 128 differential pairs
      device: "RRAM",
      bitsPerCell: 4, // analog conductance; 4-bit weights as in CiMLoop's model (WEIGHT_BITS 4 = the paper's 4-bit weight models)
      differential: true, // two cells per signed weight (CiMLoop: "256 * 128 MACs" per array)
      // Conductance window of CiMLoop's NeuRRAM cell model (mit-emze/cimloop workspace/models/memory_cells/
      // rram_wan_nature_2022.cell.yaml: ResistanceOn 25e4 ohm, ResistanceOff 1e6 ohm). It replaced an unsourced
      // 40 uS / 1 uS assumption (issue 14); the 4 uS on-state moved the array read energy down 10x.
      gMaxUs: 4, // 1 / 250 kOhm (CiMLoop rram_wan_nature_2022.cell.yaml)
      gMinUs: 1, // 1 / 1 MOhm (same file)
      readVoltageV: 0.5, // input pulse amplitude: CiMLoop wan_nature_2022 breakdown "Input pulses (Vread=0.5V)" -- see calibration note below
      integrationTimeNs: 10, // one input pulse: CiMLoop wan_nature_2022 READ_PULSE_WIDTH = 10 ns
      // Ternary drivers: a 4-bit signed input = 3 magnitude bit-planes (sign as pulse polarity), integrated in the
      // neuron in one phase (two-phase mode, <= 3 magnitude bits) with plane k integrated 2^k times (see header).
      dac: dac({ kind: "bit-serial", bits: 3, planesPerConversion: neurramPlanesPerConversion(3), planeWeighting: "repeated-integration" }),
      adc: adc({ kind: "sar", bits: 6, colsPerAdc: 1 }), // one neuron per output line; 6-bit output
      outBound: 12,
    }),
    tiles: 48, // 48 CIM cores (Wan et al. 2022)
    weightBits: 4,
    clockHz: 1 / NEURON_STEP_S, // 3.33 MHz: one neuron ADC step or one input bit step per cycle (CiMLoop timing, see above)
    accumulatorFormat: "int16",
    // Circuit voltages of Wan et al. 2022 Fig. 12(b) as labelled in CiMLoop wan_nature_2022/_tests.py: word lines
    // switch between 0.9 V and 2.2 V, the neurons (integrator, ADC, control) run at 1.8 V, input pulses at
    // Vread = 0.5 V. The core's inputs come from registers fed by the host FPGA and its neurons apply the
    // activation in place: no LDPU and no tile buffers in the measured figure.
    periphery: { wordlineSwingV: 1.3, wordlineSupplyV: 2.2, adcSupplyV: 1.8, driverSupplyV: 0.5, ldpu: false, localBuffers: false },
  },
  systolic: [systolicArray({ name: "host-sa", rows: 8, cols: 8, dataflow: "OS", format: "int8", clockHz: 1e8 })], // assumption: NeuRRAM has no attention hardware; a token digital unit keeps the spec complete (not part of any validated number)
  vector: [vectorUnit({ name: "vec", lanes: 16, format: "int16", clockHz: 1e8 })], // assumption: NeuRRAM's neurons apply activations in place; a small unit keeps the spec complete
  sram: [sram({ name: "buffer", capacityBytes: 64 * 2 ** 10, banks: 4, bytesPerCyclePerBank: 8, clockHz: 1e8 })], // assumption (the chip is driven by an FPGA)
  dram: dram({ kind: "LPDDR4", capacityBytes: 2 ** 30, bandwidthBytesPerS: 3.2e9, channels: 1 }), // assumption: off-chip host memory
  noc: noc({ topology: "bus", linkWidthBits: 64, hopLatencyCycles: 1, clockHz: 1e8 }), // assumption
  mapping: { projections: "analog", lmHead: "analog", kvCache: "sram" },
  sources: [
    "Wan et al., A compute-in-memory chip based on resistive random-access memory, Nature 608, 504 (2022)",
    "mit-emze/cimloop workspace/models/arch/1_macro/wan_nature_2022 (timing constants fitted to the paper)",
  ],
});

export default neurram;

/** NeuRRAM at a given signed input precision and output precision (the paper sweeps 1..8-bit inputs and
 *  3..10-bit outputs). A signed N-bit input takes max(1, N - 1) magnitude bit-planes (ternary pulses), integrated
 *  in the two-phase mode's phases (neurramPlanesPerConversion). */
export function neurramAt(inputBits: number, outputBits: number): ChipSpec {
  return variant(neurram, (d) => {
    const planes = Math.max(1, inputBits - 1);
    d.name = `neurram-in${inputBits}-out${outputBits}`;
    d.analog!.tile.dac.bits = planes;
    d.analog!.tile.dac.planesPerConversion = neurramPlanesPerConversion(planes);
    d.analog!.tile.adc.bits = outputBits;
  });
}
