// A stand-alone pending-event set with the Simulator's ordering: the kernel's BinaryHeap keyed by (timePs,
// seq), where seq is the insertion counter, so events scheduled for the same picosecond pop in the order they
// were scheduled. The Simulator keeps the same records in a BinaryHeap of its own (one indirection less in the
// event loop). An event is an int `kind` and an int `payload` (no object per event).
import { BinaryHeap } from "./heap.ts";

export class EventQueue {
  private readonly heap: BinaryHeap;
  private nextSeq = 0;

  /** Fields of the last popped event (read them right after `pop()`). */
  poppedTimePs = 0;
  poppedKind = 0;
  poppedPayload = 0;

  constructor(initialCapacity = 1024) {
    this.heap = new BinaryHeap(Math.max(16, initialCapacity | 0));
  }

  get size(): number {
    return this.heap.size;
  }

  /** Time of the earliest event; Infinity when empty. */
  peekTimePs(): number {
    return this.heap.peekKey();
  }

  /** Insert an event. `timePs` must be a finite integer (the Simulator checks it). */
  push(timePs: number, kind: number, payload: number): void {
    this.heap.push(timePs, this.nextSeq++, kind, payload);
  }

  /** Remove the earliest event into poppedTimePs/poppedKind/poppedPayload. Returns false if empty. */
  pop(): boolean {
    const h = this.heap;
    if (!h.pop()) return false;
    this.poppedTimePs = h.poppedKey;
    this.poppedKind = h.poppedA;
    this.poppedPayload = h.poppedB;
    return true;
  }

  clear(): void {
    this.heap.clear();
    this.nextSeq = 0;
  }
}
