// ILLUSTRATIVE DATA, NOT A SIMULATION. Hand-written inputs that exercise every chart and table of the
// report layer until the simulator, the Amdahl analysis, the accuracy evaluation and the sweeps land.
// The numbers are shaped like real results (orders of magnitude in the spirit of docs/REFERENCES.md [horowitz-isscc2014, murmann-adc-survey]) but
// none of them was computed by aimcsim; the report title says so.
import type { OpClass } from "../src/model/ops.ts";
import { COMPONENT_KINDS, type ComponentKind, type PhaseResult, type SimResult } from "../src/sim/result.ts";
import { Rng } from "../src/util/rng.ts";
import {
  accuracyChart, amdahlChart, amdahlTable, reportFromSimResult, sweepParetoChart, sweepTable, throughputCharts, timelineChart,
  type AccuracyRow, type AmdahlTableRow, type ReportDoc, type ReportSection, type SweepRow, type ThroughputRow, type TimelineSlice,
} from "../src/report/index.ts";

export const ILLUSTRATIVE = "illustrative data, not a simulation";

const zeroComponents = (): Record<ComponentKind, number> =>
  Object.fromEntries(COMPONENT_KINDS.map((k) => [k, 0])) as Record<ComponentKind, number>;

function phase(
  latencyS: number,
  energy: Partial<Record<ComponentKind, number>>,
  timeShare: Record<OpClass, number>,
  energyShare: Record<OpClass, number>,
  busy: Partial<Record<ComponentKind, number>>,
  macs: Record<OpClass, number>,
): PhaseResult {
  const byC = { ...zeroComponents(), ...energy };
  const energyJ = Object.values(byC).reduce((a, b) => a + b, 0);
  return {
    latencyS,
    energyJ,
    energyByComponentJ: byC,
    dynamicEnergyByComponentJ: byC, // the illustrative sample has no static share
    staticEnergyByComponentJ: zeroComponents(),
    dynamicEnergyJ: energyJ,
    staticEnergyJ: 0,
    energyByOpClassJ: { projection: energyJ * energyShare.projection, attention: energyJ * energyShare.attention, other: energyJ * energyShare.other },
    timeByOpClassS: { projection: latencyS * timeShare.projection, attention: latencyS * timeShare.attention, other: latencyS * timeShare.other },
    busyByComponentS: { ...zeroComponents(), ...busy },
    macsByOpClass: macs,
  };
}

function run(chip: string, prefill: PhaseResult, decode: PhaseResult, extra: Pick<SimResult, "utilization" | "areaMm2" | "areaByComponentMm2" | "mapping" | "assumptions">): SimResult {
  const gen = 64;
  const totalS = prefill.latencyS + decode.latencyS;
  const energyJ = prefill.energyJ + decode.energyJ;
  return {
    chip,
    model: "GPT-2 350M (1-bit projections)",
    workload: { promptTokens: 512, genTokens: gen, batch: 1 },
    ttftS: prefill.latencyS + decode.latencyS / gen,
    tpotS: decode.latencyS / gen,
    totalS,
    tokensPerS: gen / totalS,
    decodeTokensPerS: gen / decode.latencyS,
    decodeEnergyPerTokenJ: decode.energyJ / gen,
    energyJ,
    staticPowerW: 0,
    programming: null,
    powerGating: false,
    energyPerTokenJ: energyJ / gen,
    tokensPerJ: gen / energyJ,
    prefill,
    decode,
    events: 1_234_567,
    ...extra,
  };
}

/** An illustrative hybrid run and a digital baseline run (hand-written numbers). */
export function illustrativeRuns(): { readonly hybrid: SimResult; readonly baseline: SimResult } {
  const macsP = { projection: 512 * 302e6, attention: 24 * 512 * 512 * 1024 * 2, other: 0 };
  const macsD = { projection: 64 * 302e6, attention: 64 * 24 * 544 * 1024 * 2, other: 0 };
  const hybrid = run(
    "hybrid-pim (illustrative)",
    phase(1.9e-3, { dac: 0.21e-3, crossbar: 0.09e-3, adc: 0.62e-3, accumulate: 0.11e-3, systolic: 0.48e-3, vector: 0.06e-3, sram: 0.22e-3, dram: 0.35e-3, noc: 0.05e-3 },
      { projection: 0.41, attention: 0.47, other: 0.12 }, { projection: 0.52, attention: 0.36, other: 0.12 },
      { dac: 0.8e-3, crossbar: 0.8e-3, adc: 0.8e-3, accumulate: 0.5e-3, systolic: 0.9e-3, vector: 0.2e-3, sram: 1.1e-3, dram: 0.6e-3, noc: 0.4e-3 }, macsP),
    phase(64 * 0.105e-3, { dac: 0.03e-3, crossbar: 0.012e-3, adc: 0.09e-3, accumulate: 0.016e-3, systolic: 0.21e-3, vector: 0.02e-3, sram: 0.14e-3, dram: 0.96e-3, noc: 0.02e-3 },
      { projection: 0.18, attention: 0.64, other: 0.18 }, { projection: 0.12, attention: 0.71, other: 0.17 },
      { dac: 1.1e-3, crossbar: 1.1e-3, adc: 1.1e-3, accumulate: 0.6e-3, systolic: 4.1e-3, vector: 0.9e-3, sram: 5.0e-3, dram: 5.9e-3, noc: 0.7e-3 }, macsD),
    {
      utilization: { "crossbar tiles": 0.21, "systolic0": 0.58, "vector0": 0.13, "sram0": 0.71, "dram": 0.77, "noc": 0.12 },
      areaMm2: 48.2,
      areaByComponentMm2: { ...zeroComponents(), dac: 2.1, crossbar: 9.8, adc: 11.6, accumulate: 1.9, systolic: 8.4, vector: 1.2, sram: 11.0, noc: 2.2 },
      mapping: { tilesNeeded: 1180, tilesAvailable: 1536, chips: 1, kvCache: "dram" },
      assumptions: [
        `ADC: SAR, 8 bits, E = FOM_W x 2^ENOB with FOM_W = 20.6 fJ/conv-step (Murmann ADC survey median) [${ILLUSTRATIVE}]`,
        `DRAM: LPDDR4 at 8 pJ/bit (docs/REFERENCES.md [lpddr4-estimate]) [${ILLUSTRATIVE}]`,
        `Digital MACs: Horowitz ISSCC 2014 int8 energies at 45 nm, unscaled [${ILLUSTRATIVE}]`,
      ],
    },
  );
  const baseline = run(
    "digital baseline (illustrative)",
    phase(9.8e-3, { systolic: 2.9e-3, vector: 0.08e-3, sram: 0.61e-3, dram: 1.4e-3, noc: 0.07e-3 },
      { projection: 0.83, attention: 0.12, other: 0.05 }, { projection: 0.78, attention: 0.15, other: 0.07 },
      { systolic: 9.1e-3, vector: 0.3e-3, sram: 8.8e-3, dram: 5.1e-3, noc: 0.6e-3 }, macsP),
    phase(64 * 0.52e-3, { systolic: 0.42e-3, vector: 0.02e-3, sram: 0.38e-3, dram: 5.3e-3, noc: 0.03e-3 },
      { projection: 0.86, attention: 0.1, other: 0.04 }, { projection: 0.9, attention: 0.07, other: 0.03 },
      { systolic: 12.2e-3, vector: 1.0e-3, sram: 20.4e-3, dram: 31.0e-3, noc: 0.9e-3 }, macsD),
    {
      utilization: { "systolic0": 0.64, "vector0": 0.04, "sram0": 0.66, "dram": 0.93, "noc": 0.04 },
      areaMm2: 31.5,
      areaByComponentMm2: { ...zeroComponents(), systolic: 16.3, vector: 1.2, sram: 12.0, noc: 2.0 },
      mapping: { tilesNeeded: 0, tilesAvailable: 0, chips: 1, kvCache: "dram" },
      assumptions: [`DRAM: LPDDR4 at 8 pJ/bit (docs/REFERENCES.md [lpddr4-estimate]) [${ILLUSTRATIVE}]`],
    },
  );
  return { hybrid, baseline };
}

/** Extra sections showing the Amdahl, throughput, timeline, accuracy and Pareto charts. */
export function illustrativeSections(): ReportSection[] {
  const contexts = [128, 256, 512, 1024, 2048, 4096];
  const amdahl: AmdahlTableRow[] = [];
  for (const phase of ["prefill", "decode"] as const) {
    for (const c of contexts) {
      // Illustrative: projection share falls with context as attention grows (shape per Malekar & Zand 2025).
      const f = phase === "prefill" ? 0.93 / (1 + c / 3000) : 0.97 / (1 + c / 9000);
      const s = 40;
      const sA = 1 / (1 - f + f / s);
      amdahl.push({ model: "GPT-2 350M", phase, context: c, f, s, amdahl: sA, speedup: sA * (0.86 + 0.02 * Math.log2(c / 128)), ceiling: 1 / (1 - f) });
    }
  }
  const tp: ThroughputRow[] = contexts.flatMap((c, i) => [
    { context: c, design: "hybrid", tokensPerS: 9500 / (1 + c / 1500), tokensPerJ: 4100 / (1 + c / 2500) },
    { context: c, design: "digital baseline", tokensPerS: 190 / (1 + i * 0.05), tokensPerJ: 2500 / (1 + c / 2000) },
  ]);
  const tpc = throughputCharts(tp);

  // One decode step on a few units (illustrative schedule of two layers).
  const slices: TimelineSlice[] = [];
  let t = 0;
  for (let layer = 0; layer < 2; layer++) {
    const ops: [string, string, number, "projection" | "attention" | "other"][] = [
      ["vector0", `L${layer}.norm`, 180_000, "other"],
      ["crossbar tiles", `L${layer}.qkv`, 520_000, "projection"],
      ["dram", `L${layer}.kv_read`, 1_400_000, "attention"],
      ["systolic0", `L${layer}.score`, 900_000, "attention"],
      ["vector0", `L${layer}.softmax`, 260_000, "attention"],
      ["systolic0", `L${layer}.attn_v`, 880_000, "attention"],
      ["crossbar tiles", `L${layer}.o_proj`, 300_000, "projection"],
      ["vector0", `L${layer}.norm2`, 180_000, "other"],
      ["crossbar tiles", `L${layer}.mlp`, 760_000, "projection"],
    ];
    for (const [track, name, dur, cat] of ops) {
      const start = name.endsWith("kv_read") ? t - 400_000 : t; // prefetch overlaps the projection
      slices.push({ track, name, startPs: start, durPs: dur, category: cat });
      t = Math.max(t, start + dur);
    }
  }
  const timeline = timelineChart({
    title: "One decode step, first two layers (illustrative)",
    slices,
    tracks: ["crossbar tiles", "systolic0", "vector0", "dram"],
    categoryLabels: { projection: "Projection", attention: "Attention", other: "Other" },
  });

  const rng = new Rng(7);
  const acc: AccuracyRow[] = [];
  for (const [series, base] of [["t_inf = 1 s", 0], ["t_inf = 1 day", 0.6], ["t_inf = 1 year", 1.4]] as const) {
    for (const bits of [4, 5, 6, 7, 8, 9, 10]) {
      const mean = 62 - base - 30 * Math.exp(-(bits - 3) / 1.2) + (rng.nextFloat() - 0.5) * 0.3;
      const half = 0.5 + 1.5 * Math.exp(-(bits - 4) / 2);
      acc.push({ series, x: bits, mean, lo: mean - half, hi: mean + half });
    }
  }
  const accuracy = accuracyChart(acc, { title: "Next-token agreement vs ADC resolution (illustrative)", xLabel: "ADC resolution", xUnit: "bits", yLabel: "Agreement with FP16", yUnit: "%" });

  const sweep: SweepRow[] = [];
  for (const xbar of [64, 128, 256, 512]) {
    for (const adc of [4, 6, 8, 10]) {
      const energy = 1e-4 * (0.6 + 0.1 * 2 ** (adc - 6)) * Math.sqrt(xbar / 64) * (0.85 + 0.3 * rng.nextFloat());
      const tput = 2500 * Math.sqrt(xbar / 64) * (1 + 0.08 * (10 - adc)) * (0.85 + 0.3 * rng.nextFloat());
      sweep.push({ crossbar: xbar, adcBits: adc, energyPerTokenJ: energy, tokensPerS: tput });
    }
  }
  const pareto = sweepParetoChart(sweep, {
    title: "Design sweep: energy vs throughput (illustrative)",
    x: "energyPerTokenJ", xLabel: "Energy per token", xUnit: "J/token", xDirection: "min",
    y: "tokensPerS", yLabel: "Throughput", yUnit: "tokens/s", yDirection: "max",
    labelKeys: ["crossbar", "adcBits"],
  });

  const note = `All numbers in this section are ${ILLUSTRATIVE}.`;
  return [
    {
      heading: "Amdahl analysis (illustrative)",
      text: `${note} Measured speed-up, Amdahl prediction S = 1/((1 − f) + f/s) and its ceiling 1/(1 − f), against context length.`,
      charts: [
        amdahlChart(amdahl.filter((r) => r.phase === "prefill"), { title: "Prefill speed-up over the digital baseline" }),
        // A single-column-width figure (400 px): the legend moves under the plot.
        amdahlChart(amdahl.filter((r) => r.phase === "decode"), { title: "Decode speed-up over the digital baseline", width: 400, height: 340 }),
      ],
      tables: [amdahlTable(amdahl)],
    },
    { heading: "Hybrid vs baseline across context (illustrative)", text: note, charts: [tpc.tokensPerS, tpc.tokensPerJ], tables: [] },
    { heading: "Decode step timeline (illustrative)", text: note, charts: [timeline], tables: [] },
    { heading: "Accuracy (illustrative)", text: `${note} Mean and 95 % interval over seeds.`, charts: [accuracy], tables: [] },
    {
      heading: "Design-space sweep (illustrative)",
      text: note,
      charts: [pareto],
      tables: [sweepTable(sweep, [
        { key: "crossbar", label: "Crossbar", unit: "rows" },
        { key: "adcBits", label: "ADC", unit: "bits" },
        { key: "energyPerTokenJ", label: "Energy/token", unit: "J/token" },
        { key: "tokensPerS", label: "Throughput", unit: "tokens/s" },
      ])],
    },
  ];
}

/** The sample report: every chart kind, clearly labelled as illustrative. */
export function illustrativeReport(): ReportDoc {
  const { hybrid, baseline } = illustrativeRuns();
  return reportFromSimResult(hybrid, {
    title: `Sample aimcsim report — ${ILLUSTRATIVE}`,
    subtitle: `Hand-written SimResult-shaped inputs that exercise the report layer; no number here was computed by aimcsim.`,
    baseline,
    label: "hybrid",
    baselineLabel: "baseline",
    spec: { note: ILLUSTRATIVE, name: "hybrid-pim (illustrative)", analog: { tiles: 1536, tile: { rows: 256, cols: 256, adc: { kind: "sar", bits: 8 } } } },
    model: { name: "GPT-2 350M", layers: 24, hidden: 1024, heads: 16, note: ILLUSTRATIVE },
    extraAssumptions: [`Every number in this sample is ${ILLUSTRATIVE}.`],
    extraSections: illustrativeSections(),
  });
}
