// The event loop. A model is one handler function `(kind, payload) => void` (typically a switch on
// `kind`) plus whatever typed arrays it keeps as state; `payload` is an int (a task, customer or
// unit index). Time is integer picoseconds held in a double (exact up to 2^53 ps, about 2.5 hours).
//
// `afterInstant`, if given, runs once all events of the current instant have been handled (the
// next event is later, or none is left). Models use it for decisions that must see every arrival
// and completion of an instant before acting, e.g. granting a freed unit to the highest-priority
// waiter. It may schedule more events (also at the current instant: the loop then continues).

import { AimcsimError } from "../errors.ts";
import { BinaryHeap } from "./heap.ts";

export type EventHandler = (kind: number, payload: number) => void;

export interface RunOptions {
  /** Stop before handling any event later than this time (the clock stays at the last handled event). */
  readonly untilPs?: number;
  /** Called after the last event of each instant; see the file header. */
  readonly afterInstant?: () => void;
}

const checkTime = (timePs: number, what: string): void => {
  if (timePs > Number.MAX_SAFE_INTEGER)
    throw new AimcsimError(
      "SimError",
      what,
      `the run reaches ${timePs} ps (${(timePs / 3.6e15).toPrecision(3)} h), beyond the engine's integer time range of 2^53 ps (~2.5 h); ` +
        "a clock, bandwidth or unit count this low is likely a unit mistake",
    );
  if (!(timePs >= 0) || timePs !== Math.floor(timePs) || timePs > Number.MAX_SAFE_INTEGER)
    throw new AimcsimError("SimError", what, `must be a non-negative integer number of picoseconds <= 2^53, got ${timePs}`);
};

export class Simulator {
  /** Pending events: (timePs, scheduling order, kind, payload) records; ties in time pop in scheduling order. */
  private readonly queue: BinaryHeap;
  private nextSeq = 0;
  /** Current simulated time, picoseconds. */
  nowPs = 0;
  /** Events handled so far (over all `run` calls). */
  eventsProcessed = 0;

  constructor(initialQueueCapacity = 1024) {
    this.queue = new BinaryHeap(Math.max(16, initialQueueCapacity | 0));
  }

  /** Schedule `kind`/`payload` to be handled `delayPs` after now (0 = later in this instant). */
  schedule(delayPs: number, kind: number, payload: number): void {
    const t = this.nowPs + delayPs;
    if (!(delayPs >= 0) || t !== Math.floor(t) || t > Number.MAX_SAFE_INTEGER) checkTime(delayPs < 0 ? delayPs : t, "schedule.delayPs");
    this.queue.push(t, this.nextSeq++, kind, payload);
  }

  /** Schedule at an absolute time, which must not be in the past. */
  scheduleAt(timePs: number, kind: number, payload: number): void {
    checkTime(timePs, "scheduleAt.timePs");
    if (timePs < this.nowPs)
      throw new AimcsimError("SimError", "scheduleAt.timePs", `must not be in the past (now ${this.nowPs} ps, got ${timePs} ps)`);
    this.queue.push(timePs, this.nextSeq++, kind, payload);
  }

  get pending(): number {
    return this.queue.size;
  }

  /** Handle events in (time, scheduling order) until none is left or `untilPs` is passed. Returns events handled. */
  run(handler: EventHandler, opts?: RunOptions): number {
    const q = this.queue;
    const until = opts?.untilPs ?? Infinity;
    const after = opts?.afterInstant;
    let handled = 0;
    if (after === undefined) {
      while (q.size > 0 && q.peekKey() <= until) {
        q.pop();
        this.nowPs = q.poppedKey;
        handled++;
        handler(q.poppedA, q.poppedB);
      }
    } else {
      after(); // work made ready before the first event (e.g. by the caller at time 0)
      while (q.size > 0 && q.peekKey() <= until) {
        q.pop();
        this.nowPs = q.poppedKey;
        handled++;
        handler(q.poppedA, q.poppedB);
        if (q.peekKey() !== this.nowPs) after();
      }
    }
    this.eventsProcessed += handled;
    return handled;
  }
}
