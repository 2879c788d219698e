// Body of a pool worker thread: receives point tasks, evaluates them, posts outcomes back.
import { parentPort } from "node:worker_threads";
import { evaluateTask } from "../evaluator.ts";
import type { PointTask } from "../types.ts";

export interface ToWorker {
  readonly type: "eval";
  readonly seq: number;
  readonly task: PointTask;
}

if (!parentPort) throw new Error("worker-thread.ts must run inside a worker thread");
const port = parentPort;
port.on("message", async (msg: ToWorker) => {
  if (msg.type !== "eval") return;
  const outcome = await evaluateTask(msg.task);
  port.postMessage({ type: "done", seq: msg.seq, outcome });
});
port.postMessage({ type: "ready" });
