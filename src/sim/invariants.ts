// Sanity invariants of a finished run. A violation is a bug in aimcsim or a degenerate input, never a
// result to print: it is raised as AimcsimError("SimError") naming the quantity and the rule.
import type { ResourceDef, TaskGraphRun } from "../engine/index.ts";
import { AimcsimError } from "../errors.ts";
import { COMPONENT_KINDS, OP_CLASSES, type PhaseResult, type SimResult } from "./result.ts";

const REL_TOL = 1e-9; // floating-point summation tolerance (relative)

const fail = (path: string, rule: string): never => {
  throw new AimcsimError("SimError", path, rule);
};

const close = (a: number, b: number): boolean => Math.abs(a - b) <= REL_TOL * Math.max(1e-30, Math.abs(a), Math.abs(b));

function checkPhase(name: string, p: PhaseResult): void {
  const byComp = COMPONENT_KINDS.reduce((a, k) => a + p.energyByComponentJ[k], 0);
  const byClass = OP_CLASSES.reduce((a, k) => a + p.energyByOpClassJ[k], 0);
  if (!close(byComp, p.energyJ)) fail(`${name}.energyByComponentJ`, `sums to ${byComp} J, total is ${p.energyJ} J`);
  if (!close(byClass, p.energyJ)) fail(`${name}.energyByOpClassJ`, `sums to ${byClass} J, total is ${p.energyJ} J`);
  const time = OP_CLASSES.reduce((a, k) => a + p.timeByOpClassS[k], 0);
  if (!close(time, p.latencyS) && Math.abs(time - p.latencyS) > 1e-15) fail(`${name}.timeByOpClassS`, `sums to ${time} s, latency is ${p.latencyS} s`);
  for (const k of COMPONENT_KINDS) {
    const v = p.energyByComponentJ[k];
    if (!Number.isFinite(v) || v < 0) fail(`${name}.energyByComponentJ.${k}`, `must be finite and >= 0, got ${v}`);
    const s = p.staticEnergyByComponentJ[k];
    if (!Number.isFinite(s) || s < 0) fail(`${name}.staticEnergyByComponentJ.${k}`, `must be finite and >= 0, got ${s}`);
    if (!close(p.dynamicEnergyByComponentJ[k] + s, v)) fail(`${name}.energyByComponentJ.${k}`, `dynamic + static = ${p.dynamicEnergyByComponentJ[k] + s} J, total is ${v} J`);
  }
  if (!close(p.dynamicEnergyJ + p.staticEnergyJ, p.energyJ)) fail(`${name}.energyJ`, `dynamic + static = ${p.dynamicEnergyJ + p.staticEnergyJ} J, total is ${p.energyJ} J`);
}

export function checkInvariants(r: SimResult, schedule: TaskGraphRun, criticalPathPs: number, resources: readonly ResourceDef[]): void {
  checkPhase("prefill", r.prefill);
  checkPhase("decode", r.decode);
  const positive: [string, number][] = [
    ["ttftS", r.ttftS],
    ["totalS", r.totalS],
    ["tokensPerS", r.tokensPerS],
    ["energyJ", r.energyJ],
    ["energyPerTokenJ", r.energyPerTokenJ],
    ["tokensPerJ", r.tokensPerJ],
    ["areaMm2", r.areaMm2],
  ];
  for (const [k, v] of positive) if (!Number.isFinite(v) || v <= 0) fail(k, `must be finite and > 0, got ${v}`);
  for (const [k, v] of [["tpotS", r.tpotS], ["decodeTokensPerS", r.decodeTokensPerS]] as const)
    if (!Number.isFinite(v) || v < 0) fail(k, `must be finite and >= 0, got ${v}`);
  if (!close(r.prefill.energyJ + r.decode.energyJ, r.energyJ)) fail("energyJ", "prefill + decode energy must equal the total");
  resources.forEach((res, i) => {
    const u = schedule.utilization[i]!;
    if (!(u <= 1 + REL_TOL)) fail(`utilization.${res.name}`, `busy ${(u * 100).toFixed(3)}% of the time (> 100%)`);
  });
  if (schedule.makespanPs + 0.5 < criticalPathPs) fail("totalS", `makespan ${schedule.makespanPs} ps is below the critical-path bound ${criticalPathPs} ps`);
}
