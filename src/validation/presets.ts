// The presets the validation runs, loaded at run time from the package's hw-specs/ folder the way
// `loadSpecFile("hermes")` finds a preset (src/spec/load.ts), not by a static import: src/ never imports
// hw-specs/ (user-facing spec files) or test/. Named exports (variants such as a100Int8) come with them.
import { pathToFileURL } from "node:url";
import { AimcsimError } from "../errors.ts";
import { resolveSpecPath } from "../spec/load.ts";
import type { ChipSpec } from "../spec/types.ts";

type PresetModule = Readonly<Record<string, unknown>>;

async function presetModule(name: string): Promise<PresetModule> {
  return (await import(pathToFileURL(await resolveSpecPath(name)).href)) as PresetModule;
}

function exported<T>(m: PresetModule, preset: string, key: string, kind: "object" | "function"): T {
  const v = m[key];
  if (typeof v !== kind || v === null) throw new AimcsimError("SpecError", `hw-specs/${preset}`, `has no ${kind} export "${key}" (the validation needs it)`);
  return v as T;
}

const [hermesM, neurramM, sinangilM, jiaM, a100M, h100M, andaM, hybridM, digitalM, afmM, c2cM] = await Promise.all(
  ["hermes", "neurram", "sinangil-7nm-sram", "jia-65nm-sram", "a100-like", "h100-like", "anda-like", "hybrid-bitnet", "digital-baseline", "afm-pcm", "intel-c2c-22nm"].map(presetModule),
);

export const hermes = exported<ChipSpec>(hermesM!, "hermes", "default", "object");
export const neurramAt = exported<(inputBits: number, outputBits: number) => ChipSpec>(neurramM!, "neurram", "neurramAt", "function");
export const sinangil = exported<ChipSpec>(sinangilM!, "sinangil-7nm-sram", "default", "object");
export const jia = exported<ChipSpec>(jiaM!, "jia-65nm-sram", "default", "object");
export const a100 = exported<ChipSpec>(a100M!, "a100-like", "default", "object");
export const a100Int8 = exported<ChipSpec>(a100M!, "a100-like", "a100Int8", "object");
export const a100Sxm80 = exported<ChipSpec>(a100M!, "a100-like", "a100Sxm80", "object");
export const h100 = exported<ChipSpec>(h100M!, "h100-like", "default", "object");
export const h100Int8 = exported<ChipSpec>(h100M!, "h100-like", "h100Int8", "object");
export const anda = exported<ChipSpec>(andaM!, "anda-like", "default", "object");
export const andaFp16Baseline = exported<ChipSpec>(andaM!, "anda-like", "andaFp16Baseline", "object");
export const hybridBitnet = exported<ChipSpec>(hybridM!, "hybrid-bitnet", "default", "object");
export const digitalBaseline = exported<ChipSpec>(digitalM!, "digital-baseline", "default", "object");
export const afmPcm = exported<ChipSpec>(afmM!, "afm-pcm", "default", "object");
export const intelC2cAt = exported<(supplyV: number) => ChipSpec>(c2cM!, "intel-c2c-22nm", "intelC2cAt", "function");
