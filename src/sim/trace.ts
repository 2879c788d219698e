// A simulation run as a Chrome Trace Event / Perfetto trace: one track per unit (crossbar bank per
// matrix, systolic arrays, vector units, SRAM, DRAM, NoC), one slice per task, queue-depth counters per
// unit (when the run was recorded) and a DRAM bandwidth counter.
import { taskGraphTrace, type TraceCounter, type TraceInput } from "../trace/index.ts";
import { COMPONENT_KINDS } from "./result.ts";
import type { SimRun } from "./run.ts";
import { NK } from "./tasks.ts";

export function simTrace(sim: SimRun): TraceInput {
  const { tasks, schedule, resources } = sim;
  const graph = tasks.toGraph();
  const base = taskGraphTrace(graph, resources, schedule, {
    taskName: (t) => tasks.labels[t]!,
    taskCategory: (t) => tasks.opKinds[t]!,
    taskArgs: (t) => {
      const args: Record<string, number | string> = { phase: tasks.phase[t] === 0 ? "prefill" : "decode" };
      if (tasks.step[t]! >= 0) args.step = tasks.step[t]!;
      for (let k = 0; k < NK; k++) {
        const e = tasks.energy[t * NK + k]!;
        if (e > 0) args[`energy_${COMPONENT_KINDS[k]}_J`] = e;
      }
      return args;
    },
    resourceProcess: (r) => {
      const c = resources[r]!.component;
      return c === "crossbar" ? "analog crossbars" : c === "dram" || c === "noc" || c === "sram" || c === "link" ? "memory and interconnect" : "digital units";
    },
    metadata: { chip: sim.result.chip, model: sim.result.model, promptTokens: sim.result.workload.promptTokens, genTokens: sim.result.workload.genTokens, batch: sim.result.workload.batch },
  });
  // DRAM bandwidth: a DRAM task moves data at the full bandwidth for its duration (capacity-1 resource).
  const dram = resources.findIndex((r) => r.component === "dram");
  const points: [number, number][] = [];
  if (dram >= 0) {
    const ids: number[] = [];
    for (let t = 0; t < tasks.count; t++) if (tasks.resource[t] === dram && tasks.durationPs[t]! > 0) ids.push(t);
    ids.sort((a, b) => schedule.startPs[a]! - schedule.startPs[b]!);
    const gbps = sim.chip.dram.bandwidthBytesPerS / 1e9; // GB/s (unit conversion)
    for (const t of ids) {
      points.push([schedule.startPs[t]!, gbps], [schedule.endPs[t]!, 0]);
    }
  }
  const counters: TraceCounter[] = [...(base.counters ?? []), { name: "DRAM bandwidth (GB/s)", track: dram >= 0 ? resources[dram]!.name : "dram", points }];
  return { ...base, counters };
}
