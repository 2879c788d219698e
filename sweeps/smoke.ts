// A 2 x 2 x 2 = 8 point sweep of the hybrid chip on a small 1-bit model, to check a setup end to end:
//   aimcsim sweep sweeps/smoke.ts --workers 2 --store sweeps-out/smoke
import hybrid from "../hw-specs/hybrid-bitnet.ts";
import { axis, grid, sweep } from "../src/dse/index.ts";

export default sweep({
  name: "smoke",
  base: hybrid,
  axes: {
    adcBits: axis([6, 8], (d, v) => {
      d.analog!.tile.adc.bits = v;
    }),
    systolic: axis([32, 64], (d, v) => {
      d.systolic[0].rows = v;
      d.systolic[0].cols = v;
    }),
    sramMiB: axis([4, 8], (d, v) => {
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
  constraints: [{ key: "areaMm2", max: 400 }],
  strategy: grid(),
});
