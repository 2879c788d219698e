// The 500-point grid of issue 6: the hybrid chip (hw-specs/hybrid-bitnet.ts) running the 1-bit GPT-2 medium,
// ADC bits x outputs sharing one ADC x attention systolic array size x global SRAM = 5 x 5 x 5 x 4 = 500 points,
// each a full event simulation (prefill 128 + decode 16), no accuracy.
//   aimcsim sweep sweeps/hybrid-500.ts --workers 2 --store reports/sweeps/hybrid-500 --report reports/examples/sweep-hybrid-500
import hybrid from "../hw-specs/hybrid-bitnet.ts";
import { axis, grid, sweep } from "../src/dse/index.ts";

export default sweep({
  name: "hybrid-500",
  base: hybrid,
  axes: {
    adcBits: axis([4, 5, 6, 7, 8], (d, v) => {
      d.analog!.tile.adc.bits = v;
    }),
    colsPerAdc: axis([2, 4, 8, 16, 32], (d, v) => {
      d.analog!.tile.adc.colsPerAdc = v;
    }),
    systolic: axis([16, 32, 64, 128, 256], (d, v) => {
      d.systolic[0].rows = v;
      d.systolic[0].cols = v;
    }),
    sramMiB: axis([2, 4, 8, 16], (d, v) => {
      d.sram[0].capacityBytes = v * 2 ** 20;
    }),
  },
  model: "bitnet-gpt2-350m",
  workload: { promptTokens: 128, genTokens: 16, batch: 1 },
  objectives: [
    { key: "tokensPerS", goal: "max" },
    { key: "tokensPerJ", goal: "max" },
    { key: "areaMm2", goal: "min" },
  ],
  constraints: [{ key: "areaMm2", max: 600 }],
  strategy: grid(),
});
