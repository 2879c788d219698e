// The simplest runner: points evaluated one after another in this thread.
import { evaluateTask } from "../evaluator.ts";
import type { PointBackend } from "../types.ts";

export function inProcessBackend(): PointBackend {
  return {
    async evaluate(tasks, onDone) {
      for (const t of tasks) onDone(await evaluateTask(t));
    },
    async close() {},
  };
}
