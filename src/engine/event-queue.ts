// The pending-event set: a binary min-heap of (timePs, seq, kind, payload) records kept in four
// parallel typed arrays (no object per event). Ordering is by time, then by `seq`, the insertion
// counter, so events scheduled for the same picosecond pop in the order they were scheduled and a
// run is deterministic. Arrays start small and double when full. Sifting moves a "hole" instead of
// swapping, so each level costs one compare and four array writes.

export class EventQueue {
  private timePs: Float64Array;
  private seq: Float64Array;
  private kindOf: Int32Array;
  private payloadOf: Int32Array;
  private n = 0;
  private nextSeq = 0;

  /** Fields of the last popped event (read them right after `pop()`). */
  poppedTimePs = 0;
  poppedKind = 0;
  poppedPayload = 0;

  constructor(initialCapacity = 1024) {
    const cap = Math.max(16, initialCapacity | 0);
    this.timePs = new Float64Array(cap);
    this.seq = new Float64Array(cap);
    this.kindOf = new Int32Array(cap);
    this.payloadOf = new Int32Array(cap);
  }

  get size(): number {
    return this.n;
  }

  /** Time of the earliest event; Infinity when empty. */
  peekTimePs(): number {
    return this.n > 0 ? this.timePs[0] : Infinity;
  }

  /** Insert an event. `timePs` must be a finite integer (the Simulator checks it). */
  push(timePs: number, kind: number, payload: number): void {
    if (this.n === this.timePs.length) this.grow();
    const s = this.nextSeq++;
    const t = this.timePs;
    const q = this.seq;
    const k = this.kindOf;
    const p = this.payloadOf;
    let i = this.n++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = t[parent];
      if (pt < timePs || (pt === timePs && q[parent] < s)) break;
      t[i] = pt;
      q[i] = q[parent];
      k[i] = k[parent];
      p[i] = p[parent];
      i = parent;
    }
    t[i] = timePs;
    q[i] = s;
    k[i] = kind;
    p[i] = payload;
  }

  /** Remove the earliest event into poppedTimePs/poppedKind/poppedPayload. Returns false if empty. */
  pop(): boolean {
    const n = this.n;
    if (n === 0) return false;
    const t = this.timePs;
    const q = this.seq;
    const k = this.kindOf;
    const p = this.payloadOf;
    this.poppedTimePs = t[0];
    this.poppedKind = k[0];
    this.poppedPayload = p[0];
    const last = n - 1;
    this.n = last;
    if (last === 0) return true;
    // Move the last record down from the root.
    const lt = t[last];
    const ls = q[last];
    const lk = k[last];
    const lp = p[last];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= last) break;
      const r = c + 1;
      if (r < last && (t[r] < t[c] || (t[r] === t[c] && q[r] < q[c]))) c = r;
      const ct = t[c];
      if (lt < ct || (lt === ct && ls < q[c])) break;
      t[i] = ct;
      q[i] = q[c];
      k[i] = k[c];
      p[i] = p[c];
      i = c;
    }
    t[i] = lt;
    q[i] = ls;
    k[i] = lk;
    p[i] = lp;
    return true;
  }

  clear(): void {
    this.n = 0;
    this.nextSeq = 0;
  }

  private grow(): void {
    const cap = this.timePs.length * 2;
    const t = new Float64Array(cap);
    t.set(this.timePs);
    this.timePs = t;
    const q = new Float64Array(cap);
    q.set(this.seq);
    this.seq = q;
    const k = new Int32Array(cap);
    k.set(this.kindOf);
    this.kindOf = k;
    const p = new Int32Array(cap);
    p.set(this.payloadOf);
    this.payloadOf = p;
  }
}
