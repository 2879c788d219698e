// Published figures the presets are validated against, each with its source (its reference key in brackets
// at the end of `source`, resolved by test/docs/references.test.ts) and, where the source states
// the number in words, the quote. "derived" says how a figure was computed from quoted numbers (never from
// aimcsim's own output). src/validation/checks.ts pairs each figure with the simulated quantity.
//
// Sources and where the quotes were read (Nov 2026):
//  - HERMES chip: M. Le Gallo et al., "A 64-core mixed-signal in-memory compute chip based on phase-change memory
//    for deep neural network inference", Nature Electronics 6, 680-693 (2023), abstract (nature.com/articles/
//    s41928-023-01010-1; arXiv 2212.02872).
//  - HERMES core: R. Khaddam-Aljameh et al., "HERMES-Core - A 1.59-TOPS/mm2 PCM on 14-nm CMOS In-Memory Compute
//    Core Using 300-ps/LSB Linearized CCO-Based ADCs", IEEE JSSC 57(4), 2022, abstract (TU Delft repository record).
//  - NeuRRAM: W. Wan et al., "A compute-in-memory chip based on resistive random-access memory", Nature 608,
//    504-512 (2022). The efficiency/throughput-vs-precision values are the paper's figure as digitised by the CiMLoop
//    authors in mit-emze/cimloop workspace/models/arch/1_macro/wan_nature_2022/_tests.py (test_tops, EXPECTED,
//    "replicates the results of Fig. 12 (c) and (d)"; TOPS for the 48-core chip, two-phase mode).
//  - TSMC 7 nm SRAM CIM: M. E. Sinangil et al., IEEE JSSC 56(1), 2021, title and Table I ("351 TOPS/W and
//    372.4 GOPS" at 0.8 V), as also used in mit-emze/cimloop .../sinangil_jssc_2021/_tests.py test_tops.
//  - Princeton 65 nm SRAM CIMU: H. Jia et al., IEEE JSSC 55(9), 2020, Tables I and II, as digitised in
//    mit-emze/cimloop .../jia_jssc_2020/_tests.py (test_tops: 0.874 TOPS, 400 TOPS/W 1-b at 0.85 V;
//    test_energy_breakdown: ADC 1.79 pJ and CiM 9.7 pJ per column at 0.85 V).
//  - NVIDIA A100 / H100 SXM datasheets (docs/REFERENCES.md [nvidia-a100, nvidia-h100]).
//  - Anda: C. Fang et al., HPCA 2025, arXiv 2411.15982, abstract: "Anda achieves a 2.4x speedup, 4.0x area
//    efficiency, and 3.1x energy efficiency improvement on average ... over the GPU-like FP-FP baseline"
//    (FP-INT GeMM operations).

import { a100LayerOpId, a100VectorOpId, measuredA100Layer, measuredA100Matmuls, measuredA100VectorOps } from "./gpu-ops.ts";

export interface PublishedFigure {
  readonly id: string;
  /** What is compared, in words. */
  readonly quantity: string;
  readonly unit: string;
  readonly value: number;
  /** Paper / datasheet, table or figure. */
  readonly source: string;
  /** The number as the source states it, where it does. */
  readonly quote?: string;
  /** How the value follows from quoted numbers, when it is not quoted itself. */
  readonly derived?: string;
}

const HERMES_NE = "Le Gallo et al., Nature Electronics 2023, abstract [hermes-ne2023]";
const HERMES_QUOTE =
  "in the four-phase (high-precision) or one-phase (low-precision) operational read mode, the chip can achieve a maximum " +
  "throughput of 16.1 or 63.1 tera-operations per second at an energy efficiency of 2.48 or 9.76 tera-operations per second per watt";
const HERMES_JSSC = "Khaddam-Aljameh et al., IEEE JSSC 2022, abstract [hermes-jssc2022]";
const HERMES_JSSC_QUOTE = "For a performance density of 1.59 TOPS/mm2, a measured energy efficiency of 10.5 TOPS/W, at a main clock frequency of 1 GHz";
/** Operations of one full HERMES core MVM: 256 x 256 weights, 2 ops per MAC. */
const HERMES_CORE_OPS = 2 * 256 * 256;
const HERMES_CORES = 64; // Le Gallo et al. 2023

const NEURRAM_SRC = "Wan et al., Nature 2022, efficiency and throughput vs I/O bits (digitised in cimloop wan_nature_2022/_tests.py) [neurram-nature2022, cimloop]";
/** (input bits, output bits, chip TOPS, TOPS/W), two-phase mode, 4-bit weights. */
export const NEURRAM_POINTS: readonly (readonly [number, number, number, number])[] = [
  [1, 3, 2.12230988, 43.07875866],
  [2, 4, 1.793083771, 40.33412834],
  [3, 5, 1.165400233, 23.09069279],
  [4, 6, 0.7438677864, 15.95409517],
  [5, 7, 0.5254091287, 11.03166076],
  [6, 8, 0.4177183338, 8.257196816],
  [7, 9, 0.343873405, 7.750037817],
  [8, 10, 0.2638743409, 6.437388185],
];

/** NeuRRAM energy per core MVM by mechanism, Wan et al. 2022 Fig. 12(b), as digitised in CiMLoop
 *  wan_nature_2022/_tests.py test_energy_bits_scaling (EXPECTED, fJ per op with 256 x 128 x 2 ops per array; two-phase
 *  mode): (input bits, output bits, WL switching "0.9V <-> 2.2V", neuron ops and control "1.8V", input pulses
 *  "Vread=0.5V"). */
export const NEURRAM_BREAKDOWN_FJ_PER_OP: readonly (readonly [number, number, number, number, number])[] = [
  [1, 3, 8.99015248, 10.6186848, 3.446220545],
  [2, 4, 8.270951256, 12.38674172, 3.955661604],
  [3, 5, 15.46307324, 20.11826462, 7.73153662],
  [4, 6, 21.75617998, 29.1084171, 11.50740478],
  [5, 7, 30.92613276, 44.21188287, 14.0246365],
  [6, 8, 37.2192395, 52.48282041, 19.23892768],
  [7, 9, 43.69214654, 61.83258722, 22.83498524],
  [8, 10, 50.52466791, 75.85721686, 27.50986693],
];
/** Ops of one NeuRRAM array MVM: 256 x 128 differential weights x 2 (CiMLoop OPS_PER_ARRAY). */
export const NEURRAM_OPS_PER_MVM = 256 * 128 * 2;
const NEURRAM_BREAKDOWN_SRC = "Wan et al., Nature 2022, Fig. 12(b) energy breakdown (digitised in cimloop wan_nature_2022/_tests.py test_energy_bits_scaling) [neurram-nature2022, cimloop]";
const FJ_TO_NJ = 1e-6; // unit conversion

const WANG_SRC_T3 = "Wang et al., VLSI 2022 / JSSC 2023, Table III (via cimloop wang_vlsi_2022 test_tops) [wang-c2c-2022, cimloop]";
const WANG_SRC_F22 = "Wang et al., JSSC 2023, Fig. 22(a) energy split and Fig. 23 at 1.0 V (via cimloop wang_vlsi_2022 test_energy_breakdown) [wang-c2c-2022, cimloop]";
/** Energy of one 64 x 16 8-bit MVM at 1.0 V: 2 x 1024 ops / 16.376 TOPS/W (cimloop wang_vlsi_2022 TOPS_PER_WATT). */
const WANG_PJ_PER_MVM_1V0 = ((2 * 64 * 16) / 16.37572276e12) * 1e12;

const A100 = "NVIDIA A100 40 GB datasheet [nvidia-a100]";
const H100 = "NVIDIA H100 SXM datasheet [nvidia-h100]";
const ANDA = "Fang et al., Anda, HPCA 2025 (arXiv 2411.15982), abstract [anda-hpca2025]";
const ANDA_QUOTE = "Anda achieves a 2.4x speedup, 4.0x area efficiency, and 3.1x energy efficiency improvement on average";

export const PUBLISHED: readonly PublishedFigure[] = [
  // ---------------------------------------------------------------- HERMES
  { id: "hermes.1phase.tops", quantity: "HERMES peak throughput, 8-bit I/O, one-phase read", unit: "TOPS", value: 63.1, source: HERMES_NE, quote: HERMES_QUOTE },
  { id: "hermes.4phase.tops", quantity: "HERMES peak throughput, 8-bit I/O, four-phase read", unit: "TOPS", value: 16.1, source: HERMES_NE, quote: HERMES_QUOTE },
  { id: "hermes.1phase.topsPerW", quantity: "HERMES energy efficiency, one-phase read", unit: "TOPS/W", value: 9.76, source: HERMES_NE, quote: HERMES_QUOTE },
  { id: "hermes.4phase.topsPerW", quantity: "HERMES energy efficiency, four-phase read", unit: "TOPS/W", value: 2.48, source: HERMES_NE, quote: HERMES_QUOTE },
  {
    id: "hermes.1phase.mvmNs",
    quantity: "HERMES per-core 256x256 MVM latency, one-phase read",
    unit: "ns",
    value: (HERMES_CORES * HERMES_CORE_OPS) / 63.1e12 * 1e9,
    source: HERMES_NE,
    quote: HERMES_QUOTE,
    derived: "64 cores x 2 x 256 x 256 ops / 63.1 TOPS = 132.9 ns per core MVM",
  },
  {
    id: "hermes.4phase.mvmNs",
    quantity: "HERMES per-core 256x256 MVM latency, four-phase read",
    unit: "ns",
    value: (HERMES_CORES * HERMES_CORE_OPS) / 16.1e12 * 1e9,
    source: HERMES_NE,
    quote: HERMES_QUOTE,
    derived: "64 cores x 2 x 256 x 256 ops / 16.1 TOPS = 521 ns per core MVM",
  },
  {
    id: "hermes.1phase.mvmEnergyNj",
    quantity: "HERMES energy per core MVM, one-phase read",
    unit: "nJ",
    value: (HERMES_CORE_OPS / 9.76e12) * 1e9,
    source: HERMES_NE,
    quote: HERMES_QUOTE,
    derived: "2 x 256 x 256 ops / 9.76 TOPS/W = 13.4 nJ",
  },
  {
    id: "hermes.1phase.powerW",
    quantity: "HERMES chip power at peak throughput, one-phase read",
    unit: "W",
    value: 63.1 / 9.76,
    source: HERMES_NE,
    quote: HERMES_QUOTE,
    derived: "63.1 TOPS / 9.76 TOPS/W = 6.47 W",
  },
  { id: "hermes.core.topsPerW", quantity: "HERMES core energy efficiency (single core, 1 GHz)", unit: "TOPS/W", value: 10.5, source: HERMES_JSSC, quote: HERMES_JSSC_QUOTE },
  { id: "hermes.core.topsPerMm2", quantity: "HERMES core performance density", unit: "TOPS/mm^2", value: 1.59, source: HERMES_JSSC, quote: HERMES_JSSC_QUOTE },

  // ---------------------------------------------------------------- NeuRRAM
  ...NEURRAM_POINTS.flatMap(([inB, outB, tops, topsPerW]): PublishedFigure[] => [
    { id: `neurram.in${inB}.out${outB}.topsPerW`, quantity: `NeuRRAM energy efficiency, ${inB}-bit in / ${outB}-bit out`, unit: "TOPS/W", value: topsPerW, source: NEURRAM_SRC },
    { id: `neurram.in${inB}.out${outB}.tops`, quantity: `NeuRRAM 48-core throughput, ${inB}-bit in / ${outB}-bit out`, unit: "TOPS", value: tops, source: NEURRAM_SRC },
  ]),

  ...NEURRAM_BREAKDOWN_FJ_PER_OP.flatMap(([inB, outB, wl, neuron, input]): PublishedFigure[] => [
    { id: `neurram.in${inB}.out${outB}.wlNj`, quantity: `NeuRRAM word-line switching energy per core MVM, ${inB}-bit in / ${outB}-bit out`, unit: "nJ", value: wl * NEURRAM_OPS_PER_MVM * FJ_TO_NJ, source: NEURRAM_BREAKDOWN_SRC, derived: `${wl.toFixed(2)} fJ/op x 65,536 ops` },
    { id: `neurram.in${inB}.out${outB}.neuronNj`, quantity: `NeuRRAM neuron (integrate, ADC, control) energy per core MVM, ${inB}-bit in / ${outB}-bit out`, unit: "nJ", value: neuron * NEURRAM_OPS_PER_MVM * FJ_TO_NJ, source: NEURRAM_BREAKDOWN_SRC, derived: `${neuron.toFixed(2)} fJ/op x 65,536 ops` },
    { id: `neurram.in${inB}.out${outB}.inputNj`, quantity: `NeuRRAM input pulses (drivers + array) energy per core MVM, ${inB}-bit in / ${outB}-bit out`, unit: "nJ", value: input * NEURRAM_OPS_PER_MVM * FJ_TO_NJ, source: NEURRAM_BREAKDOWN_SRC, derived: `${input.toFixed(2)} fJ/op x 65,536 ops` },
  ]),

  // ---------------------------------------------------------------- SRAM CIM macros
  { id: "sinangil.gops", quantity: "TSMC 7 nm SRAM CIM throughput, 4b/4b/4b, 0.8 V", unit: "GOPS", value: 372.4, source: "Sinangil et al., IEEE JSSC 2021, title / Table I [sinangil-jssc2021]", quote: "Achieving 351 TOPS/W and 372.4 GOPS" },
  { id: "sinangil.topsPerW", quantity: "TSMC 7 nm SRAM CIM energy efficiency, 4b/4b/4b, 0.8 V, average output", unit: "TOPS/W", value: 351, source: "Sinangil et al., IEEE JSSC 2021, title / Table I [sinangil-jssc2021]", quote: "Achieving 351 TOPS/W and 372.4 GOPS" },
  { id: "jia.tops1b", quantity: "Princeton 65 nm CIMU 1-b throughput, 0.85 V", unit: "TOPS", value: 0.874, source: "Jia et al., IEEE JSSC 2020, Table II (via cimloop jia_jssc_2020 test_tops) [jia-jssc2020, cimloop]" },
  { id: "jia.topsPerW1b", quantity: "Princeton 65 nm CIMU 1-b energy efficiency, 0.85 V", unit: "TOPS/W", value: 400, source: "Jia et al., IEEE JSSC 2020, Table II (via cimloop jia_jssc_2020 test_tops) [jia-jssc2020, cimloop]" },
  { id: "jia.adcPj", quantity: "Princeton CIMU 8-bit ADC energy per conversion, 0.85 V", unit: "pJ", value: 1.79, source: "Jia et al., IEEE JSSC 2020, Table I (via cimloop jia_jssc_2020 test_energy_breakdown) [jia-jssc2020, cimloop]" },
  { id: "jia.cimPjPerCol", quantity: "Princeton CIMU array + drivers energy per column per 1-b MVM, 0.85 V", unit: "pJ", value: 9.7, source: "Jia et al., IEEE JSSC 2020, Table I (via cimloop jia_jssc_2020 test_energy_breakdown) [jia-jssc2020, cimloop]" },

  // ---------------------------------------------------------------- GPUs
  { id: "a100.int8.tops", quantity: "A100 dense INT8 peak", unit: "TOPS", value: 624, source: A100 },
  { id: "a100.fp16.tflops", quantity: "A100 dense FP16 tensor peak", unit: "TFLOPS", value: 312, source: A100 },
  { id: "h100.int8.tops", quantity: "H100 SXM dense INT8 peak", unit: "TOPS", value: 1979, source: H100 },
  { id: "h100.fp16.tflops", quantity: "H100 SXM dense FP16 tensor peak", unit: "TFLOPS", value: 989, source: H100 },
  {
    id: "a100.int8.topsPerW",
    quantity: "A100 INT8 peak per watt of board power",
    unit: "TOPS/W",
    value: 624 / 400,
    source: A100,
    derived: "624 INT8 TOPS / 400 W TDP",
  },
  {
    id: "a100.fp16.topsPerW",
    quantity: "A100 FP16 tensor peak per watt of board power",
    unit: "TFLOPS/W",
    value: 312 / 400,
    source: A100,
    derived: "312 FP16 TFLOPS / 400 W TDP",
  },
  {
    id: "h100.fp16.topsPerW",
    quantity: "H100 SXM FP16 tensor peak per watt of board power",
    unit: "TFLOPS/W",
    value: 989 / 700,
    source: H100,
    derived: "989 FP16 TFLOPS / 700 W TDP",
  },
  {
    id: "h100.int8.topsPerW",
    quantity: "H100 SXM INT8 peak per watt of board power",
    unit: "TOPS/W",
    value: 1979 / 700,
    source: H100,
    derived: "1,979 INT8 TOPS / 700 W TDP",
  },
  {
    id: "a100.decode.roofline",
    quantity: "A100 batch-1 decode tokens/s, llama-3.2-1b FP16, 64-token prompt: HBM roofline",
    unit: "tokens/s",
    value: Number.NaN, // filled at run time: 1,555 GB/s / bytes read from DRAM per decode step (src/validation/checks.ts)
    source: A100,
    derived: "1,555 GB/s / (DRAM bytes per decode step); the bytes are the weights + KV cache the step must read",
  },
  {
    id: "h100.decode.roofline",
    quantity: "H100 batch-1 decode tokens/s, llama-3.2-1b FP16, 64-token prompt: HBM roofline",
    unit: "tokens/s",
    value: Number.NaN, // filled at run time, as above with 3.35 TB/s
    source: H100,
    derived: "3.35 TB/s / (DRAM bytes per decode step)",
  },

  // ---------------------------------------------------------------- Intel 22 nm C-2C macro
  { id: "wang.0v7.tops", quantity: "Intel 22 nm C-2C SRAM CIM macro throughput, 8b/8b, 0.7 V", unit: "TOPS", value: 0.3, source: WANG_SRC_T3 },
  { id: "wang.1v1.tops", quantity: "Intel 22 nm C-2C SRAM CIM macro throughput, 8b/8b, 1.1 V", unit: "TOPS", value: 0.5, source: WANG_SRC_T3 },
  { id: "wang.0v7.topsPerW", quantity: "Intel 22 nm C-2C SRAM CIM macro energy efficiency, 8b/8b, 0.7 V", unit: "TOPS/W", value: 32.2, source: WANG_SRC_T3 },
  { id: "wang.1v1.topsPerW", quantity: "Intel 22 nm C-2C SRAM CIM macro energy efficiency, 8b/8b, 1.1 V", unit: "TOPS/W", value: 15.5, source: WANG_SRC_T3 },
  ...([["adc", 0.34, "ADC"], ["dac", 0.22, "DAC"], ["mac", 0.4, "MAC (row/select drivers, CiM unit, C-2C multiplier)"]] as const).map(([k, share, what]): PublishedFigure => ({
    id: `wang.1v0.${k}Pj`,
    quantity: `Intel C-2C macro ${what} energy per 64x16 MVM, 1.0 V`,
    unit: "pJ",
    value: share * WANG_PJ_PER_MVM_1V0,
    source: WANG_SRC_F22,
    derived: `${share * 100} % (Fig. 22a) x 2 x 1024 ops / 16.38 TOPS/W (1.0 V) = ${(share * WANG_PJ_PER_MVM_1V0).toFixed(1)} pJ`,
  })),

  // ---------------------------------------------------------------- A100 measured per-operator latency
  ...measuredA100Matmuls().map(({ m, n, k, ms }): PublishedFigure => ({
    id: `a100.matmul.${m}x${n}x${k}`,
    quantity: `A100 FP16 matmul latency, M ${m}, N ${n}, K ${k} (measured)`,
    unit: "ms",
    value: ms,
    source: "LLMCompass artifact ae/figure5/ab/real_hardware/matmul_A100.csv (src/validation/data) [llmcompass]",
  })),

  ...measuredA100VectorOps().map(({ op, m, n, ms, occurrence }): PublishedFigure => ({
    id: a100VectorOpId(op, m, n, occurrence),
    quantity: op === "gelu" ? `A100 FP16 GeLU (tanh) latency, ${m} elements (measured)` : `A100 FP16 ${op} latency over rows, M ${m}, N ${n}${occurrence > 1 ? " (repeat measurement)" : ""} (measured)`,
    unit: "ms",
    value: ms,
    source: `LLMCompass artifact ae/figure5/${op === "softmax" ? "cf" : op === "layernorm" ? "de" : "g"}/real_hardware/${op}_A100.csv (src/validation/data) [llmcompass]`,
    derived: `${op === "gelu" ? "M" : "M x N"} elements / the file's G elements/s`,
  })),
  ...measuredA100Layer().map(({ phase, name, ms }): PublishedFigure => ({
    id: a100LayerOpId(phase, name),
    quantity: `A100 GPT-3 layer (4-way TP, batch 8) ${phase} ${name} latency per GPU (measured)`,
    unit: "ms",
    value: ms,
    source: `LLMCompass artifact ae/figure5/ijkl/real_hardware/transformer${phase === "decode" ? "AR" : ""}_A100.csv (src/validation/data) [llmcompass]`,
  })),

  // ---------------------------------------------------------------- Anda (seed claim, numeric)
  { id: "anda.prefill.speedup", quantity: "Anda vs FP16 baseline: projection (FP-INT GeMM) speed-up, prefill", unit: "x", value: 2.4, source: ANDA, quote: ANDA_QUOTE },
  { id: "anda.prefill.energyGain", quantity: "Anda vs FP16 baseline: projection (FP-INT GeMM) energy-efficiency gain, prefill", unit: "x", value: 3.1, source: ANDA, quote: ANDA_QUOTE },
];

export const publishedById: ReadonlyMap<string, PublishedFigure> = new Map(PUBLISHED.map((p) => [p.id, p]));
