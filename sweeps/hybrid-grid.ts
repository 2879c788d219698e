// Grid over the hybrid analog/digital chip (hw-specs/hybrid-bitnet.ts, PIM-LLM style) running the
// 1-bit GPT-2 medium (bitnet-gpt2-350m, which fits the preset's crossbars at every crossbar size here):
// ADC bits x crossbar size x DAC kind x systolic array size x global SRAM size = 5 x 4 x 3 x 4 x 4 = 960 points.
// About 3 s per point on one core of a shared 2-core machine (src/sim, 512-token prompt, 128 generated).
//   aimcsim sweep sweeps/hybrid-grid.ts --workers 8 --store sweeps-out/hybrid-grid
// Axis ranges: ADC 4..8 bits spans the CrossNAS space {4, 6, 8} and ISAAC's 8-bit SAR; crossbars 64..512
// span CrossNAS's {32..256} and the 512x512 PCM tiles of the IBM 14 nm chip (REFERENCES.md).
import hybrid from "../hw-specs/hybrid-bitnet.ts";
import { axis, evolutionary, grid, sweep } from "../src/dse/index.ts";

/** Weight columns a tile of the base chip holds x tiles: kept constant as the crossbar size changes. */
const baseTile = hybrid.analog!.tile;
const baseCells = hybrid.analog!.tiles * baseTile.rows * baseTile.cols;

export const hybridAxes = {
  adcBits: axis([4, 5, 6, 7, 8], (d, v) => {
    d.analog!.tile.adc.bits = v;
  }),
  crossbar: axis([64, 128, 256, 512], (d, v) => {
    d.analog!.tile.rows = v;
    d.analog!.tile.cols = v;
    // Same total weight capacity: smaller crossbars, more of them.
    d.analog!.tiles = Math.ceil(baseCells / (v * v));
  }),
  dacKind: axis(["bit-serial", "pwm", "current-steering"] as const, (d, v) => {
    d.analog!.tile.dac.kind = v;
  }),
  systolic: axis([16, 32, 64, 128], (d, v) => {
    d.systolic[0].rows = v;
    d.systolic[0].cols = v;
  }),
  sramMiB: axis([2, 4, 8, 16], (d, v) => {
    d.sram[0].capacityBytes = v * 2 ** 20;
  }),
};

const common = {
  base: hybrid,
  axes: hybridAxes,
  model: "bitnet-gpt2-350m",
  workload: { promptTokens: 512, genTokens: 128, batch: 1 },
  objectives: [
    { key: "tokensPerS", goal: "max" },
    { key: "tokensPerJ", goal: "max" },
    { key: "areaMm2", goal: "min" },
  ] as const,
  constraints: [{ key: "areaMm2", max: 400 }],
};

export default sweep({ name: "hybrid-grid", ...common, strategy: grid() });

/** The same space searched by NSGA-II instead of enumerated (at most 32 x 11 = 352 points). */
export const hybridEvolutionary = sweep({
  name: "hybrid-evo",
  ...common,
  strategy: evolutionary({ population: 32, generations: 10, seed: 1, mutationRate: 0.2 }),
});
