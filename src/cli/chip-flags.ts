// The multi-chip and mixture-of-experts flags that `run` and `serve` both take: --expert-chips and --link-topology
// applied to the loaded chip spec, and --expert-load applied to the model shape. Modules are imported on use so that
// a command's start-up does not load the mapping or the model presets.
import type { ModelShape } from "../model/config.ts";
import type { ChipSpec } from "../spec/types.ts";

/** `chip` with --expert-chips (mapping.experts.chips) and --link-topology (chipLink.topology) applied when given;
 *  errors name `<command> --expert-chips` / `<command> --link-topology`. */
export async function withChipFlags(chip: ChipSpec, flags: { expertChips?: string; topology?: string }, command: string): Promise<ChipSpec> {
  let c = chip;
  if (flags.expertChips !== undefined) c = (await import("../mapping/experts.ts")).withExpertChips(c, flags.expertChips, `${command} --expert-chips`);
  if (flags.topology !== undefined) c = (await import("../components/chiplink.ts")).withChipLinkTopology(c, flags.topology, `${command} --link-topology`);
  return c;
}

/** The model (a preset name or checkpoint folder) as given, or its shape with --expert-load's expert shares. */
export async function modelWithExpertLoad(model: string, expertLoad: string | undefined): Promise<string | ModelShape> {
  if (expertLoad === undefined) return model;
  const { resolveModelShape } = await import("../model/presets.ts");
  const { withExpertLoad } = await import("../model/moe.ts");
  return withExpertLoad(resolveModelShape(model), expertLoad);
}
