// The kernel's one priority queue: a binary min-heap of (key, tie, a, b) records kept in four parallel typed
// arrays (no object per record). Records pop by key, then by tie (both doubles, so a tie can be a counter or
// an index). Arrays start small and double when full. Sifting moves a "hole" instead of swapping, so each
// level costs one compare and four array writes. The event queue (key = time, tie = scheduling order) and
// every resource's wait queue (key = priority, tie = token or arrival order) are instances of it.

export class BinaryHeap {
  private key: Float64Array;
  private tie: Float64Array;
  private a: Int32Array;
  private b: Int32Array;
  private n = 0;

  /** Fields of the last popped record (read them right after `pop()`). */
  poppedKey = 0;
  poppedTie = 0;
  poppedA = 0;
  poppedB = 0;

  constructor(initialCapacity = 16) {
    const cap = Math.max(4, initialCapacity | 0);
    this.key = new Float64Array(cap);
    this.tie = new Float64Array(cap);
    this.a = new Int32Array(cap);
    this.b = new Int32Array(cap);
  }

  get size(): number {
    return this.n;
  }

  /** Smallest key; Infinity when empty. */
  peekKey(): number {
    return this.n > 0 ? this.key[0] : Infinity;
  }

  push(key: number, tie: number, a: number, b: number): void {
    if (this.n === this.key.length) this.grow();
    const K = this.key;
    const T = this.tie;
    const A = this.a;
    const B = this.b;
    let i = this.n++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pk = K[parent];
      if (pk < key || (pk === key && T[parent] < tie)) break;
      K[i] = pk;
      T[i] = T[parent];
      A[i] = A[parent];
      B[i] = B[parent];
      i = parent;
    }
    K[i] = key;
    T[i] = tie;
    A[i] = a;
    B[i] = b;
  }

  /** Remove the first record into poppedKey/poppedTie/poppedA/poppedB. Returns false if empty. */
  pop(): boolean {
    const n = this.n;
    if (n === 0) return false;
    const K = this.key;
    const T = this.tie;
    const A = this.a;
    const B = this.b;
    this.poppedKey = K[0];
    this.poppedTie = T[0];
    this.poppedA = A[0];
    this.poppedB = B[0];
    const last = n - 1;
    this.n = last;
    if (last === 0) return true;
    // Move the last record down from the root.
    const lk = K[last];
    const lt = T[last];
    const la = A[last];
    const lb = B[last];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= last) break;
      const r = c + 1;
      if (r < last && (K[r] < K[c] || (K[r] === K[c] && T[r] < T[c]))) c = r;
      const ck = K[c];
      if (lk < ck || (lk === ck && lt < T[c])) break;
      K[i] = ck;
      T[i] = T[c];
      A[i] = A[c];
      B[i] = B[c];
      i = c;
    }
    K[i] = lk;
    T[i] = lt;
    A[i] = la;
    B[i] = lb;
    return true;
  }

  clear(): void {
    this.n = 0;
  }

  private grow(): void {
    const cap = this.key.length * 2;
    const k = new Float64Array(cap);
    k.set(this.key);
    this.key = k;
    const t = new Float64Array(cap);
    t.set(this.tie);
    this.tie = t;
    const a = new Int32Array(cap);
    a.set(this.a);
    this.a = a;
    const b = new Int32Array(cap);
    b.set(this.b);
    this.b = b;
  }
}
